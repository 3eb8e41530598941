#include "podsim/mount_plan.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

namespace podstep::podsim {
namespace {

std::string Join(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

// Path components of an absolute path ("/a/b" → {"a","b"}).
std::vector<std::string> Components(const std::string& path) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < path.size()) {
    size_t next = path.find('/', pos);
    if (next == std::string::npos) next = path.size();
    if (next > pos) out.push_back(path.substr(pos, next - pos));
    pos = next + 1;
  }
  return out;
}

std::string Normalize(const std::string& path) {
  std::string out;
  for (const std::string& c : Components(path)) {
    if (c != ".") out += "/" + c;
  }
  return out.empty() ? "/" : out;
}

// True when `path` is `dir` or lies below it.
bool Within(const std::string& path, const std::string& dir) {
  if (dir == "/") return true;
  return path == dir || (path.starts_with(dir) && path[dir.size()] == '/');
}

bool IsWritablePlace(const std::string& path) {
  return std::any_of(std::begin(kWritablePlaces), std::end(kWritablePlaces),
                     [&](const char* place) { return path == place; });
}

// Whether a host mount gets an overlay of its own (else a read-only bind):
// disk file systems, and tmpfs where a container may expect to write. Not
// the tmpfs, overlay and image mounts that container engines and the
// kubelet make by the dozen on a busy host (read-only is enough there).
bool GetsOverlay(const HostMount& m) {
  static const std::set<std::string> kDisks = {"ext2", "ext3", "ext4",    "xfs",   "btrfs",
                                               "f2fs", "zfs",  "vfat",    "exfat", "9p",
                                               "nfs",  "nfs4", "virtiofs"};
  if (kDisks.contains(m.fstype)) return true;
  if (m.fstype != "tmpfs" && m.fstype != "ramfs") return false;
  return std::any_of(std::begin(kWritablePlaces), std::end(kWritablePlaces),
                     [&](const char* place) { return Within(m.path, place); });
}

// overlayfs splits its options at ',' and lower layers at ':'.
std::string EscapeOverlayPath(const std::string& path) {
  std::string out;
  for (char c : path) {
    if (c == '\\' || c == ',' || c == ':') out += '\\';
    out += c;
  }
  return out;
}

// The mode of the fresh tmpfs on a writable place of a read-only root.
std::string WritablePlaceMode(const std::string& path) {
  if (path == "/tmp" || path == "/var/tmp") return "mode=1777";
  if (path == "/root") return "mode=0700";
  return "mode=0755";
}

// Docker's read-only paths of a container's /proc: kernel knobs that are
// not namespaced, so a write would change the host.
constexpr const char* kReadOnlyProcPaths[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                              "/proc/sysrq-trigger"};
constexpr const char* kDeviceNodes[] = {"null", "zero", "full", "random", "urandom", "tty"};

// An overlay of `lower` on `target`, its upper and work directories in `layer`.
std::vector<MountOp> OverlayOps(const std::string& lower, const std::string& target,
                                const std::string& layer, bool optional) {
  std::vector<MountOp> ops;
  ops.push_back({MountOp::kMkdirs, "", layer + "/upper", ""});
  ops.push_back({MountOp::kMkdirs, "", layer + "/work", ""});
  if (!optional) ops.push_back({MountOp::kMkdirs, "", target, ""});
  MountOp op{MountOp::kOverlay, lower, target,
             "lowerdir=" + EscapeOverlayPath(lower) +
                 ",upperdir=" + EscapeOverlayPath(layer + "/upper") +
                 ",workdir=" + EscapeOverlayPath(layer + "/work")};
  op.optional = optional;
  ops.push_back(op);
  return ops;
}

class Planner {
 public:
  Planner(const PlanOptions& options, std::vector<MountRequest> requests, HostFs& host)
      : o_(options), requests_(std::move(requests)), host_(host) {}

  Result<MountPlan> Plan() {
    pre_.push_back(Op(MountOp::kTmpfs, "", o_.scratch, "mode=0755"));
    switch (o_.root.kind) {
      case ContainerRoot::kHostOverlay:
        new_root_ = o_.scratch + "/root";
        Overlay("/", new_root_, /*optional=*/false);
        HostSubmounts();
        break;
      case ContainerRoot::kDirectory:
        new_root_ = o_.scratch + "/root";
        Overlay(o_.root.dir, new_root_, /*optional=*/false);
        Sys(nullptr);
        break;
      case ContainerRoot::kHostReadOnly:
        if (auto ok = Mirror("/"); !ok) return Fail(ok.error());
        Sys(FindMount("/sys"));
        break;
      case ContainerRoot::kEmpty:
        break;
    }
    Proc();
    Dev();
    Requests();
    MountPlan plan;
    plan.ops = std::move(pre_);
    plan.ops.push_back(Op(MountOp::kPivot, "", new_root_));
    plan.ops.insert(plan.ops.end(), post_.begin(), post_.end());
    plan.slots = slots_;
    return plan;
  }

 private:
  static MountOp Op(MountOp::Kind kind, std::string source, std::string target,
                    std::string data = "") {
    return MountOp{kind, std::move(source), std::move(target), std::move(data)};
  }

  void Overlay(const std::string& lower, const std::string& target, bool optional) {
    const std::string layer = o_.scratch + "/layers/" + std::to_string(layers_++);
    for (MountOp& op : OverlayOps(lower, target, layer, optional)) pre_.push_back(std::move(op));
  }

  // Clones host `source` before the pivot and attaches it at container path
  // `target` after it.
  void CloneAndAttach(const std::string& source, const std::string& target, bool recursive,
                      bool read_only, bool optional) {
    MountOp clone = Op(MountOp::kCloneTree, source, "");
    clone.slot = slots_++;
    clone.recursive = recursive;
    clone.read_only = read_only;
    clone.optional = optional;
    pre_.push_back(clone);
    MountOp attach = Op(MountOp::kAttachTree, "", target);
    attach.slot = clone.slot;
    attach.optional = optional;
    post_.push_back(attach);
  }

  void AdoptAndAttach(int fd, const std::string& target, bool read_only) {
    MountOp adopt = Op(MountOp::kAdoptTree, "", "");
    adopt.slot = slots_++;
    adopt.fd = fd;
    adopt.read_only = read_only;
    pre_.push_back(adopt);
    MountOp attach = Op(MountOp::kAttachTree, "", target);
    attach.slot = adopt.slot;
    post_.push_back(attach);
  }

  // A request's tree: the detached one podsim made, else a clone of its source.
  void Attach(const MountRequest& r) {
    if (r.tree_fd >= 0) {
      AdoptAndAttach(r.tree_fd, r.container_path, r.read_only);
    } else {
      CloneAndAttach(r.source, r.container_path, /*recursive=*/false, r.read_only,
                     /*optional=*/false);
    }
  }

  void ReadOnlyBind(const std::string& source, const std::string& target, bool recursive,
                    bool optional, std::vector<MountOp>& ops) {
    MountOp op = Op(MountOp::kBind, source, target);
    op.recursive = recursive;
    op.read_only = true;
    op.optional = optional;
    ops.push_back(op);
  }

  std::vector<const HostMount*> Children(const HostMount& parent) {
    std::vector<const HostMount*> out;
    for (const HostMount& m : mounts_) {
      if (m.parent == parent.id && m.id != parent.id) out.push_back(&m);
    }
    return out;
  }

  // The mount visible at `m`'s path: the last one stacked on it.
  const HostMount* Top(const HostMount* m) {
    for (bool stacked = true; stacked;) {
      stacked = false;
      for (const HostMount* child : Children(*m)) {
        if (child->path == m->path) {
          m = child;
          stacked = true;
          break;
        }
      }
    }
    return m;
  }

  const HostMount* RootMount() {
    for (const HostMount& m : mounts_) {
      if (m.path == "/") return Top(&m);
    }
    return nullptr;
  }

  const HostMount* FindMount(const std::string& path) {
    if (mounts_.empty()) mounts_ = host_.Mounts();
    const HostMount* root = RootMount();
    if (root == nullptr) return nullptr;
    for (const HostMount* child : Children(*root)) {
      if (child->path == path) return Top(child);
    }
    return nullptr;
  }

  void HostSubmounts() {
    mounts_ = host_.Mounts();
    const HostMount* root = RootMount();
    if (root == nullptr) {
      Sys(nullptr);
      return;
    }
    const HostMount* sys = nullptr;
    for (const HostMount* child : Children(*root)) {
      if (child->path == "/sys") {
        sys = Top(child);
      } else {
        Submount(*Top(child));
      }
    }
    Sys(sys);
  }

  void Submount(const HostMount& m) {
    if (Within(m.path, "/proc") || Within(m.path, "/dev") || Within(m.path, "/sys")) return;
    const std::string target = o_.scratch + "/root" + m.path;
    if (GetsOverlay(m) && host_.TypeOf(m.path) == HostFs::Type::kDirectory) {
      Overlay(m.path, target, /*optional=*/true);
      for (const HostMount* child : Children(m)) {
        if (child->path != m.path) Submount(*Top(child));
      }
      return;
    }
    ReadOnlyBind(m.path, target, /*recursive=*/true, /*optional=*/true, pre_);
  }

  // The container's /sys: a new sysfs in its own network namespace (with
  // the host's mounts below /sys, e.g. cgroups, read-only), else the host's
  // read-only.
  void Sys(const HostMount* host_sys) {
    if (o_.own_network) {
      // Before the pivot: in a user namespace the kernel mounts a new
      // sysfs (or proc) only where one is already fully visible.
      pre_.push_back(Op(MountOp::kMkdirs, "", new_root_ + "/sys"));
      pre_.push_back(Op(MountOp::kSysfs, "", new_root_ + "/sys"));
      if (host_sys == nullptr) return;
      for (const HostMount* child : Children(*host_sys)) {
        if (child->path == host_sys->path) continue;
        CloneAndAttach(child->path, child->path, /*recursive=*/true, /*read_only=*/true,
                       /*optional=*/true);
      }
    } else if (host_sys != nullptr) {
      post_.push_back(Op(MountOp::kMkdirs, "", "/sys"));
      CloneAndAttach("/sys", "/sys", /*recursive=*/true, /*read_only=*/true, /*optional=*/false);
    }
  }

  // Mirrors host directory `dir` (already present in the scratch root)
  // entry by entry: directories bound read-only, except the writable places
  // (fresh tmpfs) and those holding a request (recreated, then mirrored).
  Status Mirror(const std::string& dir) {
    std::set<std::string> deeper;  // children holding a request below them
    std::set<std::string> exact;   // children that are a request
    const std::string prefix = dir == "/" ? "/" : dir + "/";
    for (const MountRequest& r : requests_) {
      if (!r.container_path.starts_with(prefix)) continue;
      const std::string rest = r.container_path.substr(prefix.size());
      const size_t slash = rest.find('/');
      (slash == std::string::npos ? exact : deeper).insert(rest.substr(0, slash));
    }
    for (const HostFs::Entry& e : host_.List(dir)) {
      const std::string path = Join(dir, e.name);
      const std::string target = o_.scratch + path;
      if (path == "/proc" || path == "/dev" || path == "/sys" || exact.contains(e.name)) continue;
      if (IsWritablePlace(path) && e.type == HostFs::Type::kDirectory) {
        pre_.push_back(Op(MountOp::kMkdirs, "", target));
        pre_.push_back(Op(MountOp::kTmpfs, "", target, WritablePlaceMode(path)));
        continue;
      }
      if (deeper.contains(e.name)) {
        if (e.type != HostFs::Type::kDirectory) {
          return Fail("mount path under " + path + ": " + path + " is not a directory on the host");
        }
        pre_.push_back(Op(MountOp::kMkdirs, "", target));
        if (auto ok = Mirror(path); !ok) return ok;
        continue;
      }
      switch (e.type) {
        case HostFs::Type::kDirectory:
          pre_.push_back(Op(MountOp::kMkdirs, "", target));
          ReadOnlyBind(path, target, /*recursive=*/true, /*optional=*/false, pre_);
          for (const char* place : kWritablePlaces) {
            if (Within(place, path) && place != path &&
                host_.TypeOf(place) == HostFs::Type::kDirectory) {
              pre_.push_back(Op(MountOp::kTmpfs, "", o_.scratch + place, WritablePlaceMode(place)));
            }
          }
          break;
        case HostFs::Type::kSymlink:
          pre_.push_back(Op(MountOp::kSymlink, e.link_target, target));
          break;
        case HostFs::Type::kOther:
          pre_.push_back(Op(MountOp::kTouch, "", target));
          ReadOnlyBind(path, target, /*recursive=*/false, /*optional=*/false, pre_);
          break;
        case HostFs::Type::kMissing:
          break;
      }
    }
    return {};
  }

  // A new proc (of the container's PID namespace), its kernel knobs read-only.
  void Proc() {
    pre_.push_back(Op(MountOp::kMkdirs, "", new_root_ + "/proc"));
    pre_.push_back(Op(MountOp::kProc, "", new_root_ + "/proc"));
    for (const char* path : kReadOnlyProcPaths) {
      ReadOnlyBind(path, path, /*recursive=*/true, /*optional=*/true, post_);
    }
  }

  // A minimal /dev as container runtimes make it.
  void Dev() {
    post_.push_back(Op(MountOp::kMkdirs, "", "/dev"));
    post_.push_back(Op(MountOp::kTmpfs, "", "/dev", "mode=0755"));
    for (const char* node : kDeviceNodes) {
      const std::string path = std::string("/dev/") + node;
      if (host_.TypeOf(path) != HostFs::Type::kOther) continue;
      post_.push_back(Op(MountOp::kTouch, "", path));
      CloneAndAttach(path, path, /*recursive=*/false, /*read_only=*/false, /*optional=*/false);
    }
    post_.push_back(Op(MountOp::kMkdirs, "", "/dev/pts"));
    MountOp devpts = Op(MountOp::kDevpts, "", "/dev/pts");
    devpts.optional = true;
    post_.push_back(devpts);
    post_.push_back(Op(MountOp::kMkdirs, "", "/dev/shm"));
    if (o_.shm_dir.empty()) {
      post_.push_back(Op(MountOp::kTmpfs, "", "/dev/shm", "mode=1777"));
    } else {
      CloneAndAttach(o_.shm_dir, "/dev/shm", /*recursive=*/false, /*read_only=*/false,
                     /*optional=*/false);
    }
    post_.push_back(Op(MountOp::kSymlink, "/proc/self/fd", "/dev/fd"));
    post_.push_back(Op(MountOp::kSymlink, "/proc/self/fd/0", "/dev/stdin"));
    post_.push_back(Op(MountOp::kSymlink, "/proc/self/fd/1", "/dev/stdout"));
    post_.push_back(Op(MountOp::kSymlink, "/proc/self/fd/2", "/dev/stderr"));
    post_.push_back(Op(MountOp::kSymlink, "pts/ptmx", "/dev/ptmx"));
  }

  void Requests() {
    std::vector<const MountRequest*> sorted;
    for (const MountRequest& r : requests_) sorted.push_back(&r);
    // Outer mounts first, so inner mount points are made inside them.
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
      return Components(a->container_path).size() < Components(b->container_path).size();
    });
    for (const MountRequest* r : sorted) {
      const std::string& path = r->container_path;
      switch (r->kind) {
        case MountRequest::kFile:
          post_.push_back(
              Op(MountOp::kMkdirs, "", path.substr(0, std::max<size_t>(1, path.rfind('/')))));
          post_.push_back(Op(MountOp::kTouch, "", path));
          Attach(*r);
          break;
        case MountRequest::kDirectory:
          post_.push_back(Op(MountOp::kMkdirs, "", path));
          Attach(*r);
          break;
        case MountRequest::kTmpfs:
          post_.push_back(Op(MountOp::kMkdirs, "", path));
          post_.push_back(Op(MountOp::kTmpfs, "", path, "mode=0755"));
          break;
      }
    }
  }

  const PlanOptions& o_;
  std::vector<MountRequest> requests_;
  HostFs& host_;
  std::vector<HostMount> mounts_;
  std::vector<MountOp> pre_;
  std::vector<MountOp> post_;
  std::string new_root_ = o_.scratch;
  int slots_ = 0;
  int layers_ = 0;
};

// A working directory a read-only root lacks, below a host directory that
// is bound read-only, cannot be made: it gets a tmpfs of its own.
bool NeedsWorkingDirTmpfs(const std::string& dir, const std::vector<MountRequest>& requests,
                          HostFs& host) {
  if (dir.empty() || dir == "/") return false;
  for (const MountRequest& r : requests) {
    if (Within(dir, r.container_path)) return false;
  }
  for (const char* place : kWritablePlaces) {
    if (Within(dir, place)) return false;
  }
  const std::string top = "/" + Components(dir)[0];
  return host.TypeOf(top) == HostFs::Type::kDirectory && host.TypeOf(dir) == HostFs::Type::kMissing;
}

}  // namespace

Result<MountPlan> PlanContainerRoot(const PlanOptions& options, HostFs& host) {
  std::vector<MountRequest> requests = options.requests;
  for (MountRequest& r : requests) {
    if (r.container_path.empty() || r.container_path[0] != '/') {
      return Fail("mount path " + r.container_path + ": must be absolute");
    }
    for (const std::string& c : Components(r.container_path)) {
      if (c == "..") return Fail("mount path " + r.container_path + ": must not contain ..");
    }
    r.container_path = Normalize(r.container_path);
    if (r.container_path == "/") return Fail("mount path /: cannot mount over the root");
    if (Within(r.container_path, "/proc")) {
      return Fail("mount path " + r.container_path + ": /proc is reserved");
    }
  }
  if (options.root.kind == ContainerRoot::kHostReadOnly && !options.working_dir.empty()) {
    const std::string dir = Normalize(options.working_dir);
    if (NeedsWorkingDirTmpfs(dir, requests, host)) {
      requests.push_back({dir, "", MountRequest::kTmpfs, false});
    }
  }
  return Planner(options, std::move(requests), host).Plan();
}

std::vector<MountOp> HostOverlayProbe(const std::string& scratch) {
  std::vector<MountOp> ops = {{MountOp::kTmpfs, "", scratch, "mode=0755"}};
  for (MountOp& op : OverlayOps("/", scratch + "/root", scratch + "/layers/0", false)) {
    ops.push_back(std::move(op));
  }
  return ops;
}

std::vector<HostMount> ParseMountInfo(const std::string& text) {
  std::vector<HostMount> out;
  std::istringstream lines(text);
  std::string line;
  auto unescape = [](const std::string& field) {
    std::string s;
    for (size_t i = 0; i < field.size(); ++i) {
      if (field[i] == '\\' && i + 3 < field.size() && field[i + 1] >= '0' && field[i + 1] <= '3') {
        s += static_cast<char>(((field[i + 1] - '0') << 6) | ((field[i + 2] - '0') << 3) |
                               (field[i + 3] - '0'));
        i += 3;
      } else {
        s += field[i];
      }
    }
    return s;
  };
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::vector<std::string> f;
    for (std::string token; fields >> token;) f.push_back(token);
    auto dash = std::find(f.begin(), f.end(), "-");
    if (f.size() < 5 || dash == f.end() || dash - f.begin() < 6 || dash + 1 == f.end()) continue;
    HostMount m;
    try {
      m.id = std::stoi(f[0]);
      m.parent = std::stoi(f[1]);
    } catch (const std::exception&) {
      continue;
    }
    m.path = unescape(f[4]);
    m.fstype = *(dash + 1);
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace podstep::podsim
