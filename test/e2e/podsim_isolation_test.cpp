// End-to-end: what a Pod run by podsim cannot do to the host. Hostile Tasks
// write to /etc, /var/tmp, /usr, /root..., fork daemons, flood their output
// and get podsim killed; the host's listings, its processes (found by a
// marker in their command line) and its mounts must be as before. Also: a
// pod's containers share a loopback-only network, run as the user their
// securityContext names, and the unprivileged (user namespace) path.
// Needs root.

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "e2e/podsim_fixture.h"

namespace podstep::test {
namespace {

namespace fs = std::filesystem;

// Digits only: it rides in `sleep 1000.<marker>` command lines.
std::string NewMarker() {
  std::random_device random;
  return std::to_string(::getpid()) + std::to_string(random() % 1'000'000);
}

// Each entry of `dirs` (not recursive) whose path holds `only` (all when
// empty): type, size and modification time.
std::map<std::string, std::string> Listing(const std::vector<std::string>& dirs,
                                           const std::string& only = "") {
  std::map<std::string, std::string> out;
  for (const std::string& dir : dirs) {
    std::error_code ec;
    for (const auto& entry :
         fs::directory_iterator(dir, fs::directory_options::skip_permission_denied, ec)) {
      if (entry.path().string().find(only) == std::string::npos) continue;
      struct stat st {};
      if (::lstat(entry.path().c_str(), &st) != 0) continue;
      out[entry.path()] = std::to_string(st.st_mode) + " " + std::to_string(st.st_size) + " " +
                          std::to_string(st.st_mtim.tv_sec) + "." +
                          std::to_string(st.st_mtim.tv_nsec);
    }
  }
  return out;
}

// /proc/<pid>/cmdline with plain read(): an ifstream throws when the
// process exits while it reads.
std::string Cmdline(const std::string& pid) {
  const int fd = ::open(("/proc/" + pid + "/cmdline").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  char buffer[4096];
  const ssize_t n = ::read(fd, buffer, sizeof buffer);
  ::close(fd);
  return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : "";
}

// Live processes whose command line holds `marker`.
std::vector<std::string> ProcessesWith(const std::string& marker) {
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = Cmdline(name);
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (cmdline.find(marker) != std::string::npos && std::stoi(name) != ::getpid()) {
      found.push_back(name + ": " + cmdline);
    }
  }
  return found;
}

std::vector<std::string> PodDirs(const std::string& dir) {
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().filename().string().starts_with("podsim-")) found.push_back(entry.path());
  }
  return found;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The network interfaces this process sees.
std::string HostInterfaces() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator("/sys/class/net")) {
    names.push_back(entry.path().filename());
  }
  std::sort(names.begin(), names.end());
  std::string out;
  for (const std::string& n : names) out += n + "\n";
  return out;
}

class PodsimIsolationTest : public PodsimTest {
 protected:
  // `text` with each @M@ replaced by the test's marker.
  std::string Marked(std::string text) const {
    for (size_t at; (at = text.find("@M@")) != std::string::npos;) text.replace(at, 3, marker_);
    return text;
  }

  // `podsim run --output json --logs DIR [flags] FILE`, not waited for.
  Process Start(const std::string& manifest, std::vector<std::string> flags = {}) {
    const std::string file = dir_ / "manifest.yaml";
    WriteFile(file, manifest);
    std::vector<std::string> argv = {PodsimBin(), "run", "--output", "json", "--logs", Logs()};
    argv.insert(argv.end(), flags.begin(), flags.end());
    argv.push_back(file);
    std::string error;
    Process p = Process::Spawn({argv,
                                {"PATH=/usr/local/bin:/usr/bin:/bin", "TMPDIR=" + dir_.path()},
                                dir_ / "podsim.out",
                                dir_ / "podsim.err",
                                "",
                                dir_.path()},
                               &error);
    EXPECT_TRUE(p.valid()) << error;
    return p;
  }

  // Nothing of the run is left: no process with the marker, no mount of the
  // pod dir in our mount namespace, no pod dir.
  void ExpectNothingLeft() {
    EXPECT_TRUE(WaitUntil([&] { return ProcessesWith(marker_).empty(); }))
        << ::testing::PrintToString(ProcessesWith(marker_));
    EXPECT_FALSE(Contains(ReadFileOr("/proc/self/mountinfo"), dir_.path()))
        << ReadFileOr("/proc/self/mountinfo");
    EXPECT_EQ(PodDirs(dir_.path()), std::vector<std::string>());
  }

  const std::string marker_ = NewMarker();
};

TEST_F(PodsimIsolationTest, HostileWritesSucceedInsideButLeaveTheHostUnchanged) {
  const std::string keep = Marked("/var/tmp/podsim-keep-@M@");
  WriteFile(keep, "original");
  const std::vector<std::string> places = {"/etc", "/usr", "/root", "/home", "/boot", "/opt"};
  // Others' programs write to these while the test runs: only our entries.
  const std::vector<std::string> scratch_places = {"/", "/var/tmp", "/dev/shm", "/tmp"};
  const auto before = Listing(places);
  const auto scratch_before = Listing(scratch_places, marker_);
  PodsimRun run = Run(Marked(Task(R"y(
  steps:
    - name: write
      image: busybox
      workingDir: /var/tmp/@M@/a/b
      script: |
        #!/bin/sh
        pwd
        echo etc > /etc/x-@M@ && cat /etc/x-@M@
        echo vartmp > /var/tmp/x-@M@ && cat /var/tmp/x-@M@
        echo usr > /usr/x-@M@ && cat /usr/x-@M@
        mkdir /root/x-@M@ && echo root
        mkdir -p /home/x-@M@ /x-@M@ && echo home-and-top
        echo changed > /var/tmp/podsim-keep-@M@ && rm /var/tmp/podsim-keep-@M@ && echo keep-removed
        touch /dev/shm/x-@M@ && echo shm
        (echo 3 > /proc/sys/vm/drop_caches) 2>/dev/null || echo proc-sys-read-only
        touch /sys/fs/cgroup/x-@M@ 2>/dev/null || echo sys-read-only
        for d in /sys/fs/cgroup/*/ /sys/kernel/*/; do mkdir "$d"x-@M@ 2>/dev/null && echo "wrote $d"; done
        mount -o remount,rw /usr 2>/dev/null || echo no-remount
        mknod /tmp/disk-@M@ b 8 0 2>/dev/null || echo no-mknod
    - name: other-container
      image: busybox
      script: |
        #!/bin/sh
        test -e /etc/x-@M@ && echo shared-layer || echo own-layer
)y")));
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err << run.out;
  EXPECT_EQ(Lines(Log("step-write")),
            (std::vector<std::string>{Marked("/var/tmp/@M@/a/b"), "etc", "vartmp", "usr", "root",
                                      "home-and-top", "keep-removed", "shm", "proc-sys-read-only",
                                      "sys-read-only", "no-remount", "no-mknod"}));
  EXPECT_EQ(Log("step-other-container"), "own-layer\n");
  // The host: every listing as before, the kept file untouched.
  EXPECT_EQ(Listing(places), before);
  EXPECT_EQ(Listing(scratch_places, marker_), scratch_before);
  EXPECT_EQ(ReadFileOr(keep), "original");
  ::unlink(keep.c_str());
  for (const char* path : {"/etc/x-@M@", "/var/tmp/x-@M@", "/var/tmp/@M@", "/usr/x-@M@",
                           "/root/x-@M@", "/home/x-@M@", "/x-@M@", "/dev/shm/x-@M@"}) {
    EXPECT_FALSE(Exists(Marked(path))) << Marked(path);
  }
  ExpectNothingLeft();
}

TEST_F(PodsimIsolationTest, KilledPodsimLeavesNoProcessNorMountAndItsDirIsSwept) {
  Process podsim = Start(Marked(Task(R"y(
  sidecars:
    - name: daemon
      image: busybox
      command: ["sleep", "1000.@M@"]
  steps:
    - name: fork
      image: busybox
      script: |
        #!/bin/sh
        (setsid sleep 1000.@M@ &)
        echo forked
        exec sleep 1000.@M@
)y")));
  // The sidecar, the step and the daemon the step forked.
  ASSERT_TRUE(WaitUntil([&] { return ProcessesWith(marker_).size() >= 3; }))
      << ::testing::PrintToString(ProcessesWith(marker_)) << ReadFileOr(dir_ / "podsim.err");
  ASSERT_EQ(PodDirs(dir_.path()).size(), 1u);
  ASSERT_TRUE(podsim.Signal(SIGKILL));
  EXPECT_EQ(podsim.WaitFor(kDeadline), (ExitStatus{false, -1, SIGKILL}));
  EXPECT_TRUE(WaitUntil([&] { return ProcessesWith(marker_).empty(); }))
      << ::testing::PrintToString(ProcessesWith(marker_));
  EXPECT_FALSE(Contains(ReadFileOr("/proc/self/mountinfo"), dir_.path()));
  // The killed run's pod dir stays until the next run sweeps it.
  ASSERT_EQ(PodDirs(dir_.path()).size(), 1u);
  PodsimRun next = Run(Task(R"y(
  steps:
    - name: a
      image: busybox
      command: ["true"]
)y"));
  EXPECT_EQ(next.status, ExitStatus::Exited(0)) << next.err;
  ExpectNothingLeft();
}

TEST_F(PodsimIsolationTest, ContainersOfAPodShareALoopbackOnlyNetwork) {
  if (!Exists("/usr/bin/python3") || !Exists("/bin/bash")) {
    GTEST_SKIP() << "needs /usr/bin/python3 (the listening sidecar) and /bin/bash (/dev/tcp)";
  }
  // Port 80: free in the pod's own network namespace whatever the host runs.
  PodsimRun run = Run(Task(R"y(
  sidecars:
    - name: server
      image: python
      command: ["/usr/bin/python3", "-c", "import socket\ns = socket.socket()\ns.bind(('127.0.0.1', 80))\ns.listen()\nc, _ = s.accept()\nc.sendall(b'hello from the sidecar\\n')\nc.close()"]
  steps:
    - name: client
      image: bash
      script: |
        #!/bin/bash
        for i in $(seq 400); do exec 3<>/dev/tcp/127.0.0.1/80 && break; sleep 0.05; done 2>/dev/null
        read -r line <&3; echo "$line"
        ls /sys/class/net
        awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' /proc/net/dev
        hostname
)y"));
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err << run.out;
  EXPECT_EQ(Log("step-client"), "hello from the sidecar\nlo\nlo\nt-run-pod\n");
  if (HostInterfaces() == "lo\n") GTEST_SKIP() << "the host has no interface but lo either";
  EXPECT_NE(HostInterfaces(), "lo\n");
}

TEST_F(PodsimIsolationTest, HostNetworkSharesTheHostsInterfacesAndName) {
  PodsimRun run = Run(Task(R"y(
  steps:
    - name: a
      image: busybox
      script: |
        #!/bin/sh
        ls /sys/class/net
        hostname
)y"),
                      {"--host-network"});
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err << run.out;
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  EXPECT_EQ(Log("step-a"), HostInterfaces() + host + "\n");
}

TEST_F(PodsimIsolationTest, ContainersRunAsTheirSecurityContextsUser) {
  PodsimRun run = Run(R"y({
  "kind": "Pod", "metadata": {"name": "users", "uid": "u-1"},
  "spec": {
    "securityContext": {"runAsUser": 1000},
    "volumes": [{"name": "data", "emptyDir": {}}],
    "initContainers": [{"name": "init", "securityContext": {"runAsUser": 0},
      "command": ["sh", "-c", "id -u; echo root-wrote > /data/f"],
      "volumeMounts": [{"name": "data", "mountPath": "/data"}]}],
    "containers": [
      {"name": "step-pod-level", "volumeMounts": [{"name": "data", "mountPath": "/data"}],
       "command": ["sh", "-c", "id -u; cat /data/f; echo 1000-wrote > /data/g && cat /data/g; touch /etc/x 2>/dev/null || echo etc-denied"]},
      {"name": "step-own", "securityContext": {"runAsUser": 1001, "runAsGroup": 2002},
       "command": ["sh", "-c", "id -u; id -g; id -G; grep CapEff /proc/self/status"]},
      {"name": "step-refused", "securityContext": {"runAsNonRoot": true, "runAsUser": 0},
       "command": ["true"]}]}})y");
  ASSERT_EQ(run.status, ExitStatus::Exited(1)) << run.err << run.out;
  EXPECT_EQ(Log("init"), "0\n");
  EXPECT_EQ(Log("step-pod-level"), "1000\nroot-wrote\n1000-wrote\netc-denied\n");
  EXPECT_EQ(Log("step-own"), "1001\n2002\n2002\nCapEff:\t0000000000000000\n");
  EXPECT_EQ(run.Condition()["message"],
            "\"step-refused\" exited with code 128: container's runAsUser breaks non-root "
            "policy (pod: \"users_default(u-1)\", container: step-refused)");
}

TEST_F(PodsimIsolationTest, NonRootStepsUseTheTektonVolumes) {
  // The controller's Pod for a Task, its steps given runAsUser 1000.
  PodsimRun rendered = Podsim("render", Task(R"y(
  results:
    - name: who
  steps:
    - name: write
      image: busybox
      script: |
        #!/bin/sh
        id -u | tr -d '\n' > $(results.who.path)
        echo made > /workspace/made
    - name: read
      image: busybox
      command: ["sh", "-c", "id -u; cat /workspace/made"]
)y"));
  ASSERT_EQ(rendered.status, ExitStatus::Exited(0)) << rendered.err;
  json pod = rendered.result;
  for (json& container : pod["spec"]["containers"]) {
    container["securityContext"] = {{"runAsUser", 1000}};
  }
  PodsimRun run = Run(pod.dump());
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err << run.out;
  EXPECT_EQ(run.Result("who"), "1000");
  EXPECT_EQ(Log("step-read"), "1000\nmade\n");
}

TEST_F(PodsimIsolationTest, OutputWithoutNewlinesIsSplitInto16KiBLines) {
  PodsimRun run = Run(Task(R"y(
  steps:
    - name: flood
      image: busybox
      script: |
        #!/bin/sh
        head -c 104857600 /dev/zero | tr '\0' a
)y"));
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err << run.out;
  std::ifstream log(Logs() + "/step-flood.log");
  const std::string expected(16384, 'a');
  size_t lines = 0;
  size_t wrong = 0;
  for (std::string line; std::getline(log, line);) {
    ++lines;
    if (line != expected) ++wrong;
  }
  EXPECT_EQ(lines, 6400u);  // 100 MiB / 16 KiB
  EXPECT_EQ(wrong, 0u);
}

TEST_F(PodsimIsolationTest, SigtermStopsPodsimWhileAStepFloodsItsOutput) {
  Process podsim = Start(Marked(Task(R"y(
  steps:
    - name: flood
      image: busybox
      script: |
        #!/bin/sh
        sleep 1000.@M@ &
        tr '\0' a < /dev/zero
)y")));
  ASSERT_TRUE(WaitUntil([&] { return FileSize(Logs() + "/step-flood.log") > (8 << 20); }))
      << ReadFileOr(dir_ / "podsim.err");
  ASSERT_TRUE(podsim.Signal(SIGTERM));
  EXPECT_EQ(podsim.WaitFor(kDeadline), ExitStatus::Exited(2));
  EXPECT_TRUE(Contains(ReadFileOr(dir_ / "podsim.err"), "podsim: interrupted by SIGTERM"))
      << ReadFileOr(dir_ / "podsim.err");
  ExpectNothingLeft();
}

TEST_F(PodsimIsolationTest, TheVerdictIsNotHeldByASidecarThatIgnoresSigterm) {
  // sleep is its container's PID 1: SIGTERM does not end it, the stop takes
  // the whole 30 s grace period.
  Process podsim = Start(Marked(Task(R"y(
  sidecars:
    - name: stubborn
      image: busybox
      command: ["sleep", "1000.@M@"]
  steps:
    - name: a
      image: busybox
      command: ["echo", "done"]
)y")));
  json status;
  ASSERT_TRUE(WaitUntil([&] {
    status = json::parse(ReadFileOr(dir_ / "podsim.out"), nullptr, false);
    return status.is_object();
  })) << ReadFileOr(dir_ / "podsim.err");
  // The status is out while podsim is still stopping the sidecar.
  EXPECT_TRUE(podsim.Running());
  EXPECT_EQ(status["conditions"][0]["reason"], "Succeeded");
  EXPECT_TRUE(status["sidecars"][0].contains("running")) << status.dump();
  EXPECT_EQ(status["completionTime"], status["conditions"][0]["lastTransitionTime"]);
  EXPECT_EQ(ProcessesWith(marker_).size(), 1u);
  // Cut short, podsim still exits with the verdict's code.
  ASSERT_TRUE(podsim.Signal(SIGTERM));
  EXPECT_EQ(podsim.WaitFor(kDeadline), ExitStatus::Exited(0));
  ExpectNothingLeft();
}

TEST_F(PodsimIsolationTest, UnprivilegedPodsimRunsInItsOwnUserNamespace) {
  if (!Exists("/usr/bin/setpriv")) GTEST_SKIP() << "needs setpriv (util-linux) to drop to nobody";
  const std::vector<std::string> as_nobody = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                                              "--clear-groups"};
  {
    std::vector<std::string> probe = as_nobody;
    probe.insert(probe.end(), {"/usr/bin/unshare", "--user", "--map-root-user", "true"});
    std::string error;
    Process p =
        Process::Spawn({probe, {}, dir_ / "probe.out", dir_ / "probe.err", "", "/"}, &error);
    if (p.WaitFor(kDeadline) != ExitStatus::Exited(0)) {
      GTEST_SKIP() << "this kernel refuses unprivileged user namespaces: "
                   << ReadFileOr(dir_ / "probe.err");
    }
  }
  // nobody's own temp dir, logs and manifest.
  ::chmod(dir_.path().c_str(), 0755);
  const std::string home = dir_ / "nobody";
  MakeDirs(home + "/logs");
  for (const std::string& d : {home, home + "/logs"}) ::chmod(d.c_str(), 0777);
  auto podsim_as_nobody = [&](const std::string& manifest, const std::string& name) {
    const std::string file = home + "/" + name + ".yaml";
    WriteFile(file, manifest);
    ::chmod(file.c_str(), 0644);
    std::vector<std::string> argv = as_nobody;
    argv.insert(argv.end(),
                {PodsimBin(), "run", "--output", "json", "--logs", home + "/logs", file});
    std::string error;
    Process p = Process::Spawn({argv,
                                {"PATH=/usr/local/bin:/usr/bin:/bin", "TMPDIR=" + home},
                                home + "/" + name + ".out",
                                home + "/" + name + ".err",
                                "",
                                home},
                               &error);
    EXPECT_TRUE(p.valid()) << error;
    return p.WaitFor(milliseconds(30'000));
  };
  const auto before = Listing({"/etc", "/usr"});
  const auto var_tmp_before = Listing({"/var/tmp"}, marker_);
  EXPECT_EQ(podsim_as_nobody(Marked(Task(R"y(
  steps:
    - name: a
      image: busybox
      workingDir: /var/tmp/@M@/work
      script: |
        #!/bin/sh
        pwd
        id -u
        (echo x > /etc/x-@M@) 2>/dev/null || echo etc-read-only
        echo x > /var/tmp/x-@M@ && echo vartmp-writable
        ls /sys/class/net
)y")),
                             "task"),
            ExitStatus::Exited(0))
      << ReadFileOr(home + "/task.err") << ReadFileOr(home + "/task.out");
  EXPECT_EQ(ReadFileOr(home + "/logs/step-a.log"),
            Marked("/var/tmp/@M@/work\n0\netc-read-only\nvartmp-writable\nlo\n"));
  EXPECT_TRUE(Contains(ReadFileOr(home + "/logs/podsim.log"),
                       "overlayfs cannot stack on the host's root here"));
  EXPECT_EQ(Listing({"/etc", "/usr"}), before);
  EXPECT_EQ(Listing({"/var/tmp"}, marker_), var_tmp_before);
  // Only podsim's own user exists in its user namespace.
  EXPECT_EQ(podsim_as_nobody(R"y({"kind": "Pod", "metadata": {"name": "p"}, "spec": {
    "containers": [{"name": "step-a", "securityContext": {"runAsUser": 1000},
                    "command": ["true"]}]}})y",
                             "user"),
            ExitStatus::Exited(1));
  EXPECT_TRUE(Contains(ReadFileOr(home + "/user.out"),
                       "run as user 1000 (podsim runs unprivileged and maps only its own user"))
      << ReadFileOr(home + "/user.out");
  EXPECT_EQ(PodDirs(home), std::vector<std::string>());
  EXPECT_TRUE(ProcessesWith(marker_).empty());
}

}  // namespace
}  // namespace podstep::test
