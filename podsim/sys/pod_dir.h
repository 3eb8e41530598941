#pragma once
// The pod's host directory, $TMPDIR/podsim-<pod>-XXXXXX. It holds no mount
// on the host: the PrivateTmpfs podsim mounts on it (volumes,
// termination-message files, /dev/shm, the mount points of the containers'
// scratch tmpfs) and the containers' mounts live in their own namespaces.
// A podsim.lock file in it stays locked (flock) while its podsim runs, so a
// later run can tell a directory whose podsim was killed and sweep it.

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

/// A tmpfs on `dir` (existing, empty) seen only by podsim and the
/// containers it starts: Mount first moves podsim into a mount namespace of
/// its own (a slave of the host's, so host mounts made later still show).
/// The host never sees the tmpfs, and it goes with podsim's namespace even
/// when podsim is killed, leaving an empty directory for the sweep.
class PrivateTmpfs {
 public:
  /// `options` as mount(8) takes them ("mode=0755,size=50%").
  static Result<PrivateTmpfs> Mount(const std::string& dir, const std::string& options);

  PrivateTmpfs(PrivateTmpfs&& other) noexcept : dir_(std::exchange(other.dir_, "")) {}
  PrivateTmpfs& operator=(PrivateTmpfs&&) = delete;
  /// Detaches the tmpfs, so the directory under it can be removed.
  ~PrivateTmpfs();

  /// The directory, symlinks resolved.
  [[nodiscard]] const std::string& dir() const { return dir_; }

 private:
  explicit PrivateTmpfs(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
};

/// The directory pod directories are made in: `configured`, else $TMPDIR, else /tmp.
std::string PodTempRoot(const std::string& configured);

/// Removes the pod directories in `temp_root` that this user owns and whose
/// podsim is gone (their podsim.lock is not locked). Returns how many.
int SweepStalePodDirs(const std::string& temp_root);

}  // namespace podstep::podsim
