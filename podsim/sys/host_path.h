#pragma once
// hostPath volumes on the real host: what is at the path, and creating it
// when the volume's type says so (DirectoryOrCreate, FileOrCreate, or no
// type with nothing there). Only reached when the user passed
// --allow-host-path.

#include <string>

#include "common/error.h"
#include "podsim/volume_sources.h"

namespace podstep::podsim {

/// What stat() (following symlinks, as the kubelet) finds at `path`.
HostFileKind StatHostFile(const std::string& path);

/// Checks `path` against `type` and creates it when the type asks for it:
/// mkdir -p 0755 for a directory, an empty 0644 file (its directory must
/// exist). Errors read "hostPath type check failed: /p is not a directory".
Status PrepareHostPath(const std::string& path, const std::string& type);

}  // namespace podstep::podsim
