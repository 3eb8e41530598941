// The container's file-system view: an overlay of the host (or a read-only
// mirror when overlayfs cannot stack there), its own /proc, /sys and /dev,
// and the pod's volumes attached after the pivot.

#include "podsim/mount_plan.h"

#include <gtest/gtest.h>

#include <map>

namespace podstep::podsim {
namespace {

using Type = HostFs::Type;

class FakeHostFs : public HostFs {
 public:
  void Add(const std::string& path, Type type, std::string link = "") {
    types_[path] = {type, std::move(link)};
  }
  std::vector<Entry> List(const std::string& dir) override {
    std::vector<Entry> out;
    const std::string prefix = dir == "/" ? "/" : dir + "/";
    for (const auto& [path, info] : types_) {
      if (!path.starts_with(prefix) || path == dir) continue;
      const std::string rest = path.substr(prefix.size());
      if (rest.find('/') != std::string::npos) continue;
      out.push_back({rest, info.first, info.second});
    }
    return out;
  }
  Type TypeOf(const std::string& path) override {
    auto it = types_.find(path);
    return it == types_.end() ? Type::kMissing : it->second.first;
  }
  std::vector<HostMount> Mounts() override { return mounts; }

  std::vector<HostMount> mounts;

 private:
  std::map<std::string, std::pair<Type, std::string>> types_;
};

// One op as a line: "<kind> <source> <target> [data] flags".
std::string Text(const MountOp& op) {
  static const char* kNames[] = {"tmpfs", "mkdirs", "touch", "symlink", "bind",  "overlay", "proc",
                                 "sysfs", "devpts", "clone", "attach",  "pivot", "adopt"};
  std::string text = kNames[op.kind];
  if (!op.source.empty()) text += " " + op.source;
  if (!op.target.empty()) text += " " + op.target;
  if (!op.data.empty()) text += " [" + op.data + "]";
  if (op.slot >= 0) text += " #" + std::to_string(op.slot);
  if (op.fd >= 0) text += " fd" + std::to_string(op.fd);
  if (op.recursive) text += " rec";
  if (op.read_only) text += " ro";
  if (op.optional) text += " opt";
  return text;
}

std::vector<std::string> Texts(const MountPlan& plan) {
  std::vector<std::string> out;
  for (const MountOp& op : plan.ops) out.push_back(Text(op));
  return out;
}

FakeHostFs DebianHost() {
  FakeHostFs host;
  for (const char* dir : {"/boot", "/dev", "/etc", "/home", "/proc", "/root", "/run", "/sys",
                          "/tmp", "/usr", "/usr/src", "/var", "/var/tmp", "/mnt", "/mnt/fuse",
                          "/run/user/1000", "/mnt/secret", "/mnt/image"}) {
    host.Add(dir, Type::kDirectory);
  }
  host.Add("/bin", Type::kSymlink, "usr/bin");
  host.Add("/vmlinuz", Type::kOther);
  for (const char* node : {"/dev/null", "/dev/zero", "/dev/urandom"}) host.Add(node, Type::kOther);
  host.mounts = {
      {20, 1, "/", "ext4"},
      {21, 20, "/proc", "proc"},
      {22, 21, "/proc/sys/fs/binfmt_misc", "binfmt_misc"},
      {23, 20, "/sys", "sysfs"},
      {24, 23, "/sys/fs/cgroup", "cgroup2"},
      {25, 20, "/dev", "devtmpfs"},
      {26, 25, "/dev/shm", "tmpfs"},
      {27, 20, "/run", "tmpfs"},
      {28, 27, "/run/user/1000", "tmpfs"},
      {29, 20, "/home", "ext4"},
      {30, 20, "/mnt/fuse", "fuse.sshfs"},
      {31, 29, "/home", "xfs"},  // stacked on the first /home: only it shows
      {32, 29, "/home/hidden", "ext4"},
      // Engines' tmpfs and overlay mounts out of the writable places: read-only.
      {33, 20, "/mnt/secret", "tmpfs"},
      {34, 20, "/mnt/image", "overlay"},
  };
  return host;
}

PlanOptions Options(ContainerRoot::Kind kind) {
  PlanOptions o;
  o.scratch = "/p/roots/3";
  o.root.kind = kind;
  o.shm_dir = "/p/shm";
  o.requests = {{"/workspace", "/p/volumes/0", MountRequest::kDirectory, false},
                {"/tekton/bin", "/p/volumes/1", MountRequest::kDirectory, true},
                {"/dev/termination-log", "/p/termination/3", MountRequest::kFile, false}};
  return o;
}

// The part after the pivot common to every root: /proc's knobs read-only,
// a minimal /dev, then the requests, outer ones first.
std::vector<std::string> Common(int first_slot) {
  auto slot = [&](int i) { return " #" + std::to_string(first_slot + i); };
  return {
      "bind /proc/bus /proc/bus rec ro opt",
      "bind /proc/fs /proc/fs rec ro opt",
      "bind /proc/irq /proc/irq rec ro opt",
      "bind /proc/sys /proc/sys rec ro opt",
      "bind /proc/sysrq-trigger /proc/sysrq-trigger rec ro opt",
      "mkdirs /dev",
      "tmpfs /dev [mode=0755]",
      "touch /dev/null",
      "attach /dev/null" + slot(0),
      "touch /dev/zero",
      "attach /dev/zero" + slot(1),
      "touch /dev/urandom",
      "attach /dev/urandom" + slot(2),
      "mkdirs /dev/pts",
      "devpts /dev/pts opt",
      "mkdirs /dev/shm",
      "attach /dev/shm" + slot(3),
      "symlink /proc/self/fd /dev/fd",
      "symlink /proc/self/fd/0 /dev/stdin",
      "symlink /proc/self/fd/1 /dev/stdout",
      "symlink /proc/self/fd/2 /dev/stderr",
      "symlink pts/ptmx /dev/ptmx",
      "mkdirs /workspace",
      "attach /workspace" + slot(4),
      "mkdirs /tekton/bin",
      "attach /tekton/bin" + slot(5),
      "mkdirs /dev",
      "touch /dev/termination-log",
      "attach /dev/termination-log" + slot(6),
  };
}

std::vector<std::string> CommonClones(int first_slot) {
  auto slot = [&](int i) { return " #" + std::to_string(first_slot + i); };
  return {"clone /dev/null" + slot(0),       "clone /dev/zero" + slot(1),
          "clone /dev/urandom" + slot(2),    "clone /p/shm" + slot(3),
          "clone /p/volumes/0" + slot(4),    "clone /p/volumes/1" + slot(5) + " ro",
          "clone /p/termination/3" + slot(6)};
}

std::vector<std::string> Concat(std::vector<std::vector<std::string>> parts) {
  std::vector<std::string> out;
  for (auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

TEST(MountPlan, HostOverlayGivesEveryHostFileSystemAPrivateWritableLayer) {
  FakeHostFs host = DebianHost();
  auto plan = PlanContainerRoot(Options(ContainerRoot::kHostOverlay), host);
  ASSERT_TRUE(plan) << plan.error().message;
  const std::string layer = "/p/roots/3/layers/";
  auto overlay = [&](const std::string& lower, int n, const std::string& target, bool optional) {
    return "overlay " + lower + " " + target + " [lowerdir=" + lower + ",upperdir=" + layer +
           std::to_string(n) + "/upper,workdir=" + layer + std::to_string(n) + "/work]" +
           (optional ? " opt" : "");
  };
  EXPECT_EQ(Texts(*plan),
            Concat({{"tmpfs /p/roots/3 [mode=0755]", "mkdirs " + layer + "0/upper",
                     "mkdirs " + layer + "0/work", "mkdirs /p/roots/3/root",
                     overlay("/", 0, "/p/roots/3/root", false),
                     // /run and its children get layers of their own...
                     "mkdirs " + layer + "1/upper", "mkdirs " + layer + "1/work",
                     overlay("/run", 1, "/p/roots/3/root/run", true), "mkdirs " + layer + "2/upper",
                     "mkdirs " + layer + "2/work",
                     overlay("/run/user/1000", 2, "/p/roots/3/root/run/user/1000", true),
                     // ...as does the /home on top (the one below is hidden)...
                     "mkdirs " + layer + "3/upper", "mkdirs " + layer + "3/work",
                     overlay("/home", 3, "/p/roots/3/root/home", true),
                     // ...while what overlayfs cannot stack on is read-only.
                     "bind /mnt/fuse /p/roots/3/root/mnt/fuse rec ro opt",
                     "bind /mnt/secret /p/roots/3/root/mnt/secret rec ro opt",
                     "bind /mnt/image /p/roots/3/root/mnt/image rec ro opt",
                     // A new sysfs; the host's mounts below /sys read-only.
                     "mkdirs /p/roots/3/root/sys", "sysfs /p/roots/3/root/sys",
                     "clone /sys/fs/cgroup #0 rec ro opt", "mkdirs /p/roots/3/root/proc",
                     "proc /p/roots/3/root/proc"},
                    CommonClones(1),
                    {"pivot /p/roots/3/root", "attach /sys/fs/cgroup #0 opt"},
                    Common(1)}));
  EXPECT_EQ(plan->slots, 8);
}

TEST(MountPlan, HostNetworkSeesTheHostsSysReadOnly) {
  FakeHostFs host = DebianHost();
  PlanOptions options = Options(ContainerRoot::kHostOverlay);
  options.own_network = false;
  auto plan = PlanContainerRoot(options, host);
  ASSERT_TRUE(plan) << plan.error().message;
  const auto texts = Texts(*plan);
  EXPECT_NE(std::find(texts.begin(), texts.end(), "clone /sys #0 rec ro"), texts.end());
  EXPECT_NE(std::find(texts.begin(), texts.end(), "attach /sys #0"), texts.end());
  for (const std::string& t : texts) EXPECT_FALSE(t.starts_with("sysfs")) << t;
}

TEST(MountPlan, ReadOnlyRootBindsTheHostReadOnlyWithTmpfsOnTheWritablePlaces) {
  FakeHostFs host = DebianHost();
  PlanOptions options = Options(ContainerRoot::kHostReadOnly);
  // A working directory the host lacks below a read-only directory gets a
  // tmpfs; its parents are recreated and their host entries mirrored.
  options.working_dir = "/usr/src/new/dir";
  options.requests.push_back({"/etc/podsim/conf", "/p/volumes/2", MountRequest::kDirectory, true});
  auto plan = PlanContainerRoot(options, host);
  ASSERT_TRUE(plan) << plan.error().message;
  const std::string s = "/p/roots/3";
  EXPECT_EQ(Texts(*plan),
            Concat({{"tmpfs " + s + " [mode=0755]",
                     "symlink usr/bin " + s + "/bin",
                     "mkdirs " + s + "/boot",
                     "bind /boot " + s + "/boot rec ro",
                     "mkdirs " + s + "/etc",  // holds a request: mirrored (empty here)
                     "mkdirs " + s + "/home",
                     "tmpfs " + s + "/home [mode=0755]",
                     "mkdirs " + s + "/mnt",
                     "bind /mnt " + s + "/mnt rec ro",
                     "mkdirs " + s + "/root",
                     "tmpfs " + s + "/root [mode=0700]",
                     "mkdirs " + s + "/run",
                     "tmpfs " + s + "/run [mode=0755]",
                     "mkdirs " + s + "/tmp",
                     "tmpfs " + s + "/tmp [mode=1777]",
                     "mkdirs " + s + "/usr",
                     "mkdirs " + s + "/usr/src",
                     "mkdirs " + s + "/var",
                     "bind /var " + s + "/var rec ro",
                     "tmpfs " + s + "/var/tmp [mode=1777]",
                     "touch " + s + "/vmlinuz",
                     "bind /vmlinuz " + s + "/vmlinuz ro",
                     "mkdirs " + s + "/sys",
                     "sysfs " + s + "/sys",
                     "clone /sys/fs/cgroup #0 rec ro opt",
                     "mkdirs " + s + "/proc",
                     "proc " + s + "/proc"},
                    CommonClones(1),
                    {"clone /p/volumes/2 #8 ro", "pivot " + s, "attach /sys/fs/cgroup #0 opt"},
                    Common(1),
                    {"mkdirs /etc/podsim/conf", "attach /etc/podsim/conf #8",
                     "mkdirs /usr/src/new/dir", "tmpfs /usr/src/new/dir [mode=0755]"}}));
}

TEST(MountPlan, ReadOnlyRootNeedsNoTmpfsForAWorkingDirThatCanBeMade) {
  FakeHostFs host = DebianHost();
  for (const char* dir : {"/workspace/src", "/tmp/a/b", "/usr/src", "/newtop/x", "/"}) {
    PlanOptions options = Options(ContainerRoot::kHostReadOnly);
    options.working_dir = dir;
    auto plan = PlanContainerRoot(options, host);
    ASSERT_TRUE(plan) << plan.error().message;
    for (const MountOp& op : plan->ops) {
      EXPECT_FALSE(op.kind == MountOp::kTmpfs && op.target == dir) << dir;
    }
  }
}

TEST(MountPlan, EmptyRootHoldsOnlyTheRequests) {
  FakeHostFs host = DebianHost();
  auto plan = PlanContainerRoot(Options(ContainerRoot::kEmpty), host);
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(
      Texts(*plan),
      Concat({{"tmpfs /p/roots/3 [mode=0755]", "mkdirs /p/roots/3/proc", "proc /p/roots/3/proc"},
              CommonClones(0),
              {"pivot /p/roots/3"},
              Common(0)}));
}

TEST(MountPlan, ImageDirectoryIsTheLowerLayer) {
  FakeHostFs host = DebianHost();
  PlanOptions options = Options(ContainerRoot::kDirectory);
  options.root.dir = "/images/alpine";
  options.shm_dir.clear();
  auto plan = PlanContainerRoot(options, host);
  ASSERT_TRUE(plan) << plan.error().message;
  const auto texts = Texts(*plan);
  EXPECT_EQ(texts[4],
            "overlay /images/alpine /p/roots/3/root [lowerdir=/images/alpine,upperdir=/p/roots/3/"
            "layers/0/upper,workdir=/p/roots/3/layers/0/work]");
  EXPECT_NE(std::find(texts.begin(), texts.end(), "pivot /p/roots/3/root"), texts.end());
  // No shm_dir: a /dev/shm of its own.
  EXPECT_NE(std::find(texts.begin(), texts.end(), "tmpfs /dev/shm [mode=1777]"), texts.end());
  for (const std::string& t : texts) EXPECT_EQ(t.find("/run"), std::string::npos) << t;
}

TEST(MountPlan, OverlayOptionsEscapeCommasAndColons) {
  FakeHostFs host;
  PlanOptions options;
  options.scratch = "/t,mp:x/r";
  options.root.kind = ContainerRoot::kDirectory;
  options.root.dir = "/img:1";
  auto plan = PlanContainerRoot(options, host);
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(plan->ops[4].data,
            "lowerdir=/img\\:1,upperdir=/t\\,mp\\:x/r/layers/0/upper,workdir=/t\\,mp\\:x/r/"
            "layers/0/work");
}

TEST(MountPlan, ProbeIsTheStartOfAnOverlayPlan) {
  const auto probe = HostOverlayProbe("/p/probe");
  ASSERT_EQ(probe.size(), 5u);
  EXPECT_EQ(Text(probe[0]), "tmpfs /p/probe [mode=0755]");
  EXPECT_EQ(Text(probe[4]),
            "overlay / /p/probe/root [lowerdir=/,upperdir=/p/probe/layers/0/upper,workdir=/p/"
            "probe/layers/0/work]");
}

TEST(MountPlan, BadRequestsAreRefusedWithTheReason) {
  FakeHostFs host = DebianHost();
  const std::pair<std::string, std::string> cases[] = {
      {"relative", "mount path relative: must be absolute"},
      {"/a/../b", "mount path /a/../b: must not contain .."},
      {"//", "mount path /: cannot mount over the root"},
      {"/proc/x", "mount path /proc/x: /proc is reserved"},
  };
  for (const auto& [path, message] : cases) {
    PlanOptions options = Options(ContainerRoot::kHostOverlay);
    options.requests = {{path, "/v", MountRequest::kDirectory, false}};
    auto plan = PlanContainerRoot(options, host);
    ASSERT_FALSE(plan) << path;
    EXPECT_EQ(plan.error().message, message);
  }
  // Through a host symlink, a read-only root cannot make the mount point.
  PlanOptions options = Options(ContainerRoot::kHostReadOnly);
  options.requests = {{"/bin/x", "/v", MountRequest::kDirectory, false}};
  auto plan = PlanContainerRoot(options, host);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().message, "mount path under /bin: /bin is not a directory on the host");
}

TEST(MountPlan, RequestPathsAreNormalized) {
  FakeHostFs host = DebianHost();
  PlanOptions options = Options(ContainerRoot::kEmpty);
  options.requests = {{"/data//x/./", "/v", MountRequest::kDirectory, false}};
  auto plan = PlanContainerRoot(options, host);
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(Text(plan->ops.back()), "attach /data/x #4");
}

TEST(MountPlan, ADetachedTreeIsAttachedAsItIs) {
  FakeHostFs host = DebianHost();
  PlanOptions options = Options(ContainerRoot::kEmpty);
  options.requests = {{"/sub", "/pod/v/0/a", MountRequest::kDirectory, true, 7}};
  auto plan = PlanContainerRoot(options, host);
  ASSERT_TRUE(plan) << plan.error().message;
  const std::vector<std::string> texts = Texts(*plan);
  // Taken before the pivot, attached after it; never cloned by path.
  EXPECT_NE(std::find(texts.begin(), texts.end(), "adopt #4 fd7 ro"), texts.end());
  EXPECT_EQ(texts.back(), "attach /sub #4");
  for (const std::string& text : texts) EXPECT_EQ(text.find("/pod/v/0/a"), std::string::npos);
}

TEST(MountPlan, ParsesMountInfo) {
  const auto mounts = ParseMountInfo(
      "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
      "23 22 0:5 / /proc rw - proc proc rw\n"
      "40 22 0:40 / /mnt/with\\040space rw master:3 shared:4 - tmpfs none rw\n"
      "garbage\n"
      "x y 0:1 / /bad rw - tmpfs none rw\n"
      "41 22 0:41 / /nodash rw tmpfs none rw\n");
  ASSERT_EQ(mounts.size(), 3u);
  EXPECT_EQ(mounts[0].id, 22);
  EXPECT_EQ(mounts[0].parent, 1);
  EXPECT_EQ(mounts[0].path, "/");
  EXPECT_EQ(mounts[0].fstype, "ext4");
  EXPECT_EQ(mounts[1].path, "/proc");
  EXPECT_EQ(mounts[2].path, "/mnt/with space");
  EXPECT_EQ(mounts[2].fstype, "tmpfs");
}

TEST(MountPlan, WithoutMountInfoTheRootIsStillAnOverlay) {
  FakeHostFs host;
  auto plan = PlanContainerRoot(Options(ContainerRoot::kHostOverlay), host);
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(plan->ops[4].kind, MountOp::kOverlay);
  EXPECT_EQ(plan->ops[4].source, "/");
}

}  // namespace
}  // namespace podstep::podsim
