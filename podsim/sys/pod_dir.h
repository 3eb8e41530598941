#pragma once
// The pod's host directory, $TMPDIR/podsim-<pod>-XXXXXX: its volumes,
// termination-message files, /dev/shm and the mount points of the
// containers' scratch tmpfs. It holds no mount on the host (those live in
// the containers' mount namespaces). A podsim.lock file in it stays locked
// (flock) while its podsim runs, so a later run can tell a directory whose
// podsim was killed and sweep it.

#include <string>
#include <utility>

#include "common/error.h"
#include "common/sys/unique_fd.h"

namespace podstep::podsim {

class PodDir {
 public:
  /// Makes and locks the directory in `temp_root` ($TMPDIR, else /tmp, when
  /// empty). The pod name is only a hint for people: characters other than
  /// [a-z0-9.-] become '-'.
  static Result<PodDir> Create(const std::string& temp_root, const std::string& pod_name);

  PodDir(PodDir&& other) noexcept
      : path_(std::exchange(other.path_, "")), lock_(std::move(other.lock_)) {}
  PodDir& operator=(PodDir&&) = delete;
  /// Removes the directory (symlinks in it are not followed), then unlocks it.
  ~PodDir();

  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  PodDir(std::string path, UniqueFd lock) : path_(std::move(path)), lock_(std::move(lock)) {}
  std::string path_;
  UniqueFd lock_;
};

/// The directory pod directories are made in: `configured`, else $TMPDIR, else /tmp.
std::string PodTempRoot(const std::string& configured);

/// Removes the pod directories in `temp_root` that this user owns and whose
/// podsim is gone (their podsim.lock is not locked). Returns how many.
int SweepStalePodDirs(const std::string& temp_root);

}  // namespace podstep::podsim
