#include "podsim/mount_plan.h"

#include <algorithm>
#include <set>

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
  for (const std::string& c : Components(path)) out += "/" + c;
  return out.empty() ? "/" : out;
}

class Planner {
 public:
  Planner(std::string root, const std::vector<MountRequest>& requests, HostFs& host)
      : root_(std::move(root)), requests_(requests), host_(host) {}

  // Mirrors host directory `dir` (already present in the new root) entry by entry.
  Status Mirror(const std::string& dir, const std::set<std::string>& skip) {
    std::set<std::string> deeper;  // children holding a request below them
    std::set<std::string> exact;   // children that are a request
    for (const MountRequest& r : requests_) {
      if (r.container_path == dir) continue;
      const std::string prefix = dir == "/" ? "/" : dir + "/";
      if (!r.container_path.starts_with(prefix)) continue;
      const std::string rest = r.container_path.substr(prefix.size());
      const size_t slash = rest.find('/');
      if (slash == std::string::npos) {
        exact.insert(rest);
      } else {
        deeper.insert(rest.substr(0, slash));
      }
    }
    for (const HostFs::Entry& e : host_.List(dir)) {
      const std::string path = Join(dir, e.name);
      const std::string target = root_ + path;
      if (skip.contains(e.name) || exact.contains(e.name)) continue;
      if (deeper.contains(e.name)) {
        if (e.type != HostFs::Type::kDirectory) {
          return Fail("mount path under " + path + ": " + path + " is not a directory on the host");
        }
        ops_.push_back({MountOp::kMkdirs, "", target});
        if (auto ok = Mirror(path, {}); !ok) return ok;
        continue;
      }
      switch (e.type) {
        case HostFs::Type::kDirectory:
          ops_.push_back({MountOp::kMkdirs, "", target});
          ops_.push_back({MountOp::kRbind, path, target});
          break;
        case HostFs::Type::kSymlink:
          ops_.push_back({MountOp::kSymlink, e.link_target, target});
          break;
        case HostFs::Type::kOther:
          ops_.push_back({MountOp::kTouch, "", target});
          ops_.push_back({MountOp::kBind, path, target});
          break;
        case HostFs::Type::kMissing:
          break;
      }
    }
    return {};
  }

  // A minimal /dev as container runtimes make it.
  void Dev() {
    const std::string dev = root_ + "/dev";
    ops_.push_back({MountOp::kMkdirs, "", dev});
    ops_.push_back({MountOp::kTmpfs, "", dev});
    for (const char* node : {"null", "zero", "full", "random", "urandom", "tty"}) {
      if (host_.TypeOf(std::string("/dev/") + node) != HostFs::Type::kOther) continue;
      ops_.push_back({MountOp::kTouch, "", dev + "/" + node});
      ops_.push_back({MountOp::kBind, std::string("/dev/") + node, dev + "/" + node});
    }
    for (const char* dir : {"pts", "shm", "mqueue"}) {
      if (host_.TypeOf(std::string("/dev/") + dir) != HostFs::Type::kDirectory) continue;
      ops_.push_back({MountOp::kMkdirs, "", dev + "/" + dir});
      ops_.push_back({MountOp::kRbind, std::string("/dev/") + dir, dev + "/" + dir});
    }
    ops_.push_back({MountOp::kSymlink, "/proc/self/fd", dev + "/fd"});
    ops_.push_back({MountOp::kSymlink, "/proc/self/fd/0", dev + "/stdin"});
    ops_.push_back({MountOp::kSymlink, "/proc/self/fd/1", dev + "/stdout"});
    ops_.push_back({MountOp::kSymlink, "/proc/self/fd/2", dev + "/stderr"});
    ops_.push_back({MountOp::kSymlink, "pts/ptmx", dev + "/ptmx"});
  }

  void Requests() {
    std::vector<const MountRequest*> sorted;
    for (const MountRequest& r : requests_) sorted.push_back(&r);
    // Outer mounts first, so inner mount points are made inside them.
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
      return Components(a->container_path).size() < Components(b->container_path).size();
    });
    for (const MountRequest* r : sorted) {
      const std::string target = root_ + r->container_path;
      if (r->is_file) {
        const size_t slash = target.rfind('/');
        ops_.push_back({MountOp::kMkdirs, "", target.substr(0, slash)});
        ops_.push_back({MountOp::kTouch, "", target});
      } else {
        ops_.push_back({MountOp::kMkdirs, "", target});
      }
      ops_.push_back({MountOp::kBind, r->source, target});
      if (r->read_only) ops_.push_back({MountOp::kRemountReadOnly, "", target});
    }
  }

  std::vector<MountOp> ops_;

 private:
  std::string root_;
  const std::vector<MountRequest>& requests_;
  HostFs& host_;
};

}  // namespace

Result<std::vector<MountOp>> PlanContainerRoot(const std::string& root,
                                               const std::vector<MountRequest>& requests,
                                               bool mirror_host, HostFs& host) {
  std::vector<MountRequest> normalized = requests;
  for (MountRequest& r : normalized) {
    if (r.container_path.empty() || r.container_path[0] != '/') {
      return Fail("mount path " + r.container_path + ": must be absolute");
    }
    r.container_path = Normalize(r.container_path);
    if (r.container_path == "/") return Fail("mount path /: cannot mount over the root");
    for (const std::string& c : Components(r.container_path)) {
      if (c == "..") return Fail("mount path " + r.container_path + ": must not contain ..");
    }
  }
  Planner planner(root, normalized, host);
  planner.ops_.push_back({MountOp::kTmpfs, "", root});
  for (const MountRequest& r : normalized) {
    if (Components(r.container_path)[0] == "proc") {
      return Fail("mount path " + r.container_path + ": /proc is reserved");
    }
  }
  if (mirror_host) {
    if (auto ok = planner.Mirror("/", {"proc", "dev"}); !ok) return Fail(ok.error());
  }
  // Every container runtime provides these, whatever the image holds.
  planner.ops_.push_back({MountOp::kMkdirs, "", root + "/proc"});
  planner.ops_.push_back({MountOp::kProc, "/proc", root + "/proc"});
  planner.Dev();
  planner.Requests();
  return planner.ops_;
}

}  // namespace podstep::podsim
