#pragma once
// Small file helpers shared by the real implementations.

#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"

namespace podstep {

/// Writes all of `data`, retrying short writes and EINTR; false with errno set on failure.
bool WriteAll(int fd, std::string_view data);

/// `mkdir -p` with mode 0777 (before umask), like Go's os.MkdirAll(p, os.ModePerm).
Status MakeDirs(const std::string& path);

/// Creates parent directories, then creates/truncates `path` with `content` (0666 before umask).
Status WriteFileCreatingParents(const std::string& path, std::string_view content);

/// The whole file; nullopt when it does not exist.
Result<std::optional<std::string>> ReadFileIfExists(const std::string& path);

}  // namespace podstep
