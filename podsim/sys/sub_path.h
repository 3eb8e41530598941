#pragma once
// A volumeMount's subPath, opened safely: the containers of the pod own the
// volume's contents and may have made any element of the path a symlink
// (to "/" of the host, say). Every step is resolved beneath the volume
// (openat2 RESOLVE_BENEATH: no "..", no absolute or escaping symlink, no
// magic link) and missing directories are made with the volume's mode, as
// the kubelet's SafeMakeDir does. Of the directory (or file) so opened,
// podsim makes a detached mount tree (open_tree OPEN_TREE_CLONE) in its own
// mount namespace: the container attaches that tree, so a symlink swapped in
// after the check cannot redirect the mount. Where podsim may not clone
// mounts (its own user namespace, without root), the checked path is used.

#include <string>

#include "common/error.h"
#include "common/sys/unique_fd.h"

namespace podstep::podsim {

struct OpenedSubPath {
  /// The detached mount tree (close-on-exec: a container's child, a clone
  /// of podsim, attaches it before its exec); invalid when it could not be made.
  UniqueFd tree;
  /// The path found beneath the volume, symlinks resolved.
  std::string path;
  bool is_directory = true;
};

/// Opens `sub_path` (relative, without "..") inside `volume_dir`, making
/// the directories that are missing. Fails with
/// "subPath a/b: resolves outside the volume" or the failed call.
Result<OpenedSubPath> OpenSubPath(const std::string& volume_dir, const std::string& sub_path);

}  // namespace podstep::podsim
