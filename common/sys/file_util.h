#pragma once
// Small file helpers shared by the real implementations.

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"

namespace podstep {

/// Writes all of `data`, retrying short writes and EINTR; false with errno set on failure.
bool WriteAll(int fd, std::string_view data);

/// Go's os.MkdirAll: `mkdir -p` with `mode` (before umask) for each directory
/// it creates; an existing directory is left as it is. Fails with Go's text,
/// naming the directory that could not be made ("mkdir /a/b: permission denied").
Status MakeDirs(const std::string& path, mode_t mode = 0777);

/// Reads a regular file whole; nullopt when it does not exist. Never blocks
/// and never reads more than `max_bytes` + 1: a file that is not a regular
/// file (a FIFO would block forever, a device never end) fails with sys_errno
/// EINVAL, one larger than `max_bytes` with EFBIG ("refusing to read 'P': …").
Result<std::optional<std::string>> ReadRegularFileIfExists(const std::string& path,
                                                           size_t max_bytes);

/// Creates parent directories, then creates/truncates `path` with `content` (0666 before umask).
Status WriteFileCreatingParents(const std::string& path, std::string_view content);

/// The whole file; nullopt when it does not exist.
Result<std::optional<std::string>> ReadFileIfExists(const std::string& path);

}  // namespace podstep
