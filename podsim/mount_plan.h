#pragma once
// The file-system view of one simulated container, as a list of mount
// operations the container's child process performs in its own mount
// namespace: a tmpfs as the new root, the host's top-level entries mirrored
// into it (bind mounts, symlinks), a fresh /proc, a minimal /dev, then the
// pod's volumes bound at their mount paths. A directory of the host that a
// mount path lies inside is never bound: it is recreated in the tmpfs and its
// entries mirrored one by one, so no mount point is ever created on the host.
// Pure: the host file system is read through HostFs.

#include <string>
#include <vector>

#include "common/error.h"

namespace podstep::podsim {

struct MountOp {
  enum Kind {
    kTmpfs,            ///< mount a tmpfs at target
    kMkdirs,           ///< mkdir -p target
    kTouch,            ///< create an empty file at target
    kSymlink,          ///< symlink source → target
    kBind,             ///< bind-mount source on target
    kRbind,            ///< recursive bind-mount
    kProc,             ///< a new proc mount at target (bind of the host's if refused)
    kRemountReadOnly,  ///< make the bind mount at target read-only
  };
  Kind kind;
  std::string source;
  std::string target;
  bool operator==(const MountOp&) const = default;
};

/// One thing the container must see: a volume dir, a file (termination message, a binary).
struct MountRequest {
  std::string container_path;  ///< absolute
  std::string source;          ///< host path
  bool is_file = false;
  bool read_only = false;
};

/// Read access to the host's directory tree. Abstract so tests can fake it.
class HostFs {
 public:
  enum class Type { kMissing, kDirectory, kSymlink, kOther };
  struct Entry {
    std::string name;
    Type type;
    std::string link_target;  ///< for kSymlink
  };
  virtual ~HostFs() = default;
  /// Entries of the directory (without . and ..), sorted by name.
  virtual std::vector<Entry> List(const std::string& dir) = 0;
  /// lstat type of the path.
  virtual Type TypeOf(const std::string& path) = 0;
};


/// Operations building a container root at host path `root` (the tmpfs is
/// mounted there first). With `mirror_host`, the host's top-level entries
/// are mirrored; without, the root holds only the requests (the nop image).
/// Either way a fresh /proc and a minimal /dev are made, as runtimes do. Fails when a request's
/// path crosses a host symlink or file: "mount path /x/y: /x is not a directory on the host".
Result<std::vector<MountOp>> PlanContainerRoot(const std::string& root,
                                               const std::vector<MountRequest>& requests,
                                               bool mirror_host, HostFs& host);

}  // namespace podstep::podsim
