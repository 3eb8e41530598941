#pragma once
// The file operations of the pod-setup subcommands (common/subcommands).

#include <string>
#include <string_view>

#include "common/error.h"

namespace podstep {

/// Copies `src` to `dst` through a temporary file renamed into place, so a
/// process still executing the old `dst` is never disturbed. A new `dst` gets
/// mode 0311 (before umask); an existing regular file keeps its mode (a symlink
/// at `dst` is replaced, its target left alone).
Status CopyFileAtomically(const std::string& src, const std::string& dst);

/// symlink(2), where an existing `link` (a restarted init container made it)
/// is no error. Fails with "symlink <target> <link>: <errno text>".
Status MakeSymlinkUnlessPresent(const std::string& target, const std::string& link);

/// Truncates the existing file `path` and writes `content`, keeping its mode.
/// Fails with "open <path>: …" or "write <path>: …".
Status OverwriteFile(const std::string& path, std::string_view content);

}  // namespace podstep
