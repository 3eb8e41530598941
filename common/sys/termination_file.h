#pragma once
// The termination message file itself: read the old content, write the new
// message in place (CONTRACT.md §6).

#include <string>
#include <vector>

#include "common/error.h"
#include "common/termination_message.h"

namespace podstep {

/// Reads the file at `path` (missing: ""), builds the message and writes it in
/// place (O_TRUNC, never rename: the kubelet bind-mounts it), without fsync:
/// the kubelet reads it after the container exited, from the page cache.
/// An oversize message fails with exactly kMessageTooLong and leaves the file
/// untouched; I/O errors read "write termination message '<path>': open: <errno text>".
Status WriteTerminationMessage(const std::string& path, const std::vector<RunResult>& entries,
                               bool compress);

}  // namespace podstep
