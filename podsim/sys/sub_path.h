#pragma once
// A volumeMount's subPath, opened safely: the containers of the pod own the
// volume's contents and may have made any element of the path a symlink
// (to "/" of the host, say). Every step is resolved beneath the volume
// (openat2 RESOLVE_BENEATH: no "..", no absolute or escaping symlink, no
// magic link), missing directories are made with the volume's mode, as the
// kubelet's SafeMakeDir does, and the result is an O_PATH descriptor: the
// mount is made from /proc/self/fd/N, so a symlink swapped in after the
// check cannot redirect it.

#include <string>

#include "common/error.h"
#include "common/sys/unique_fd.h"

namespace podstep::podsim {

struct OpenedSubPath {
  /// O_PATH and close-on-exec: a container's child, a clone of podsim,
  /// mounts from it before its exec closes it.
  UniqueFd fd;
  bool is_directory = true;
  /// "/proc/self/fd/N": the path to mount from, valid while `fd` is open.
  [[nodiscard]] std::string MountSource() const;
};

/// Opens `sub_path` (relative, without "..") inside `volume_dir`, making
/// the directories that are missing. Fails with
/// "subPath a/b: resolves outside the volume" or the failed call.
Result<OpenedSubPath> OpenSubPath(const std::string& volume_dir, const std::string& sub_path);

}  // namespace podstep::podsim
