#pragma once
// The file-system view of one simulated container, as a list of mount
// operations the container's child process performs in its own mount
// namespace. Pure: the host is read through HostFs.
//
// The container's root is one of:
//  * kHostOverlay: an overlayfs whose lower layer is the host's root and
//    whose upper layer lives on the container's own tmpfs (its "scratch",
//    mounted on a directory of the pod dir): the host tree reads as it is,
//    writes succeed and vanish with the container. Each host file system
//    mounted below "/" gets an overlay of its own (disk file systems, and
//    tmpfs at or below /tmp, /var/tmp, /run, /home, /root) or a read-only
//    recursive bind (everything else); /proc, /dev and /sys are the
//    container's own.
//  * kHostReadOnly, where overlayfs cannot stack on the host's root (an
//    unprivileged user namespace): a tmpfs root holding the host's top-level
//    entries bound read-only (recursively), fresh tmpfs on /tmp, /var/tmp,
//    /run, /home and /root, and a fresh tmpfs on a working directory the
//    host lacks. Writes elsewhere fail with EROFS.
//  * kDirectory: an overlayfs on a directory holding an image's root file
//    system, its writes on the scratch tmpfs as above.
//  * kEmpty: a tmpfs holding only the requests (the nop image).
//
// Operations before kPivot use host paths; after it, container paths. The
// pod's volumes and files are cloned (open_tree) before the pivot and
// attached after it, so their mount points are made inside the container's
// root: a symlink there resolves inside the container, never on the host.

#include <string>
#include <vector>

#include "common/error.h"

namespace podstep::podsim {

struct MountOp {
  enum Kind {
    kTmpfs,       ///< a tmpfs on target; `data` holds its options ("mode=1777")
    kMkdirs,      ///< mkdir -p target
    kTouch,       ///< create an empty file at target
    kSymlink,     ///< symlink source → target
    kBind,        ///< bind source on target (`recursive`, `read_only` as flagged)
    kOverlay,     ///< overlayfs on target, `data` its options; source is the lower layer
    kProc,        ///< a new proc on target
    kSysfs,       ///< a new read-only sysfs on target (the container's network devices)
    kDevpts,      ///< a new devpts instance on target
    kCloneTree,   ///< clone the mount tree at source into fd `slot` (read-only if flagged)
    kAttachTree,  ///< attach the tree in fd `slot` on target
    kPivot,       ///< pivot_root into target: later paths are the container's
    kAdoptTree,   ///< fd `slot` is the detached mount tree podsim made, inherited as fd `fd`
                  ///< (read-only if flagged)
  };
  Kind kind;
  std::string source;
  std::string target;
  std::string data;
  int slot = -1;
  int fd = -1;  ///< kAdoptTree
  bool recursive = false;
  bool read_only = false;
  /// A failure leaves the target as it was instead of failing the start;
  /// an optional kOverlay falls back to a read-only recursive bind of source.
  bool optional = false;
  bool operator==(const MountOp&) const = default;
};

struct MountPlan {
  std::vector<MountOp> ops;
  int slots = 0;  ///< fds the kCloneTree ops fill
};

/// One thing the container must see: a volume dir, a file (termination
/// message, a binary), or a fresh tmpfs.
struct MountRequest {
  enum Kind { kDirectory, kFile, kTmpfs };
  std::string container_path;  ///< absolute
  std::string source;          ///< host path (empty for kTmpfs)
  Kind kind = kDirectory;
  bool read_only = false;
  /// A detached mount tree (open_tree OPEN_TREE_CLONE) podsim made of the
  /// source, which the container's child inherits and attaches as it is,
  /// instead of cloning `source` by path; -1 for none.
  int tree_fd = -1;
};

/// One line of /proc/self/mountinfo.
struct HostMount {
  int id = 0;
  int parent = 0;
  std::string path;    ///< mount point, unescaped
  std::string fstype;  ///< "ext4", "sysfs"...
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
  /// The mounts of this process's mount namespace, in /proc/self/mountinfo order.
  virtual std::vector<HostMount> Mounts() = 0;
};

struct ContainerRoot {
  enum Kind { kHostOverlay, kHostReadOnly, kDirectory, kEmpty };
  Kind kind = kHostOverlay;
  std::string dir;  ///< the image's root file system, for kDirectory
};

struct PlanOptions {
  /// Host directory (existing, empty) the container's tmpfs is mounted on.
  std::string scratch;
  ContainerRoot root;
  std::vector<MountRequest> requests;
  /// The container's working directory ("" or absolute): with kHostReadOnly
  /// it gets a tmpfs when the host lacks it below a read-only directory.
  std::string working_dir;
  /// The pod has its own network namespace: a new sysfs shows its devices.
  /// Otherwise the host's /sys is bound read-only.
  bool own_network = true;
  /// Host directory shared as /dev/shm by the pod's containers; a fresh
  /// tmpfs when empty.
  std::string shm_dir;
};

/// The operations building a container's file-system view. Fails on a bad
/// request: "mount path /x/y: /x is not a directory on the host",
/// "mount path proc: must be absolute", "mount path /proc/x: /proc is reserved".
Result<MountPlan> PlanContainerRoot(const PlanOptions& options, HostFs& host);

/// The first operations of a kHostOverlay plan on `scratch`: a tmpfs and an
/// overlay of the host root on it. podsim tries them once to choose between
/// kHostOverlay and kHostReadOnly.
std::vector<MountOp> HostOverlayProbe(const std::string& scratch);

/// Parses /proc/self/mountinfo text (malformed lines are skipped).
std::vector<HostMount> ParseMountInfo(const std::string& text);

/// The directories a container may write to when its root is read-only.
inline constexpr const char* kWritablePlaces[] = {"/tmp", "/var/tmp", "/run", "/home", "/root"};

}  // namespace podstep::podsim
