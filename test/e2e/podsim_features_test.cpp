// End-to-end tests of the pod features real Tasks use (issue 10 §2):
// ConfigMap and Secret documents of the same file mounted and as env,
// emptyDir shared by steps, hostPath only with --allow-host-path, sidecar
// readiness probes gating the first step, and steps run on a real local
// image (built offline with buildah from Debian's busybox-static) or on a
// root file system given with --image. Assertions are on logs and files.

#include <elf.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "e2e/podsim_fixture.h"

namespace podstep::test {
namespace {

namespace fs = std::filesystem;

std::string FindOnPath(const std::string& name) {
  for (const char* dir : {"/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"}) {
    const std::string path = std::string(dir) + "/" + name;
    if (::access(path.c_str(), X_OK) == 0) return path;
  }
  return "";
}

// An ELF executable without a PT_INTERP program header needs no loader.
bool IsStatic(const std::string& binary) {
  // The program headers follow the ELF header: the first 64 KiB hold them.
  std::ifstream in(binary, std::ios::binary);
  std::string elf(64 * 1024, '\0');
  in.read(elf.data(), static_cast<std::streamsize>(elf.size()));
  elf.resize(static_cast<size_t>(in.gcount()));
  if (elf.size() < sizeof(Elf64_Ehdr) || elf.compare(0, 4, ELFMAG) != 0) return false;
  Elf64_Ehdr header;
  std::memcpy(&header, elf.data(), sizeof header);
  for (size_t i = 0; i < header.e_phnum; ++i) {
    const size_t at = header.e_phoff + i * header.e_phentsize;
    if (at + sizeof(Elf64_Phdr) > elf.size()) return false;
    Elf64_Phdr program;
    std::memcpy(&program, elf.data() + at, sizeof program);
    if (program.p_type == PT_INTERP) return false;
  }
  return true;
}

// Debian's busybox-static: one static binary that is a whole userland.
constexpr const char* kBusybox = "/bin/busybox";

TEST_F(PodsimTest, ConfigMapAndSecretOfTheSameFileMountedAndAsEnv) {
  PodsimRun run = Run(R"y(
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data:
  greeting: hello from a configmap
  level: "3"
---
apiVersion: v1
kind: Secret
metadata: {name: creds}
type: Opaque
data:
  password: c2VjcmV0LXB3
stringData:
  user: admin
---
apiVersion: tekton.dev/v1
kind: Task
metadata: {name: t}
spec:
  volumes:
    - name: settings
      configMap:
        name: settings
        items: [{key: greeting, path: dir/greeting.txt, mode: 0600}]
    - name: creds
      secret: {secretName: creds, defaultMode: 0440}
  steps:
    - name: read
      image: busybox
      env:
        - name: GREETING
          valueFrom: {configMapKeyRef: {name: settings, key: greeting}}
        - name: PASSWORD
          valueFrom: {secretKeyRef: {name: creds, key: password}}
        - name: MISSING
          valueFrom: {secretKeyRef: {name: creds, key: nope, optional: true}}
      envFrom:
        - prefix: CFG_
          configMapRef: {name: settings}
      volumeMounts:
        - {name: settings, mountPath: /etc/settings}
        - {name: creds, mountPath: /var/run/creds}
      script: |
        #!/bin/sh
        echo "file: `cat /etc/settings/dir/greeting.txt`"
        echo "mode: `stat -L -c %a /etc/settings/dir/greeting.txt` `stat -L -c %a /var/run/creds/user`"
        echo "secret: `cat /var/run/creds/user`:`cat /var/run/creds/password`"
        echo "env: $GREETING|$PASSWORD|${MISSING-unset}|$CFG_level"
        if touch /etc/settings/new 2>/dev/null; then echo writable; else echo read-only; fi
)y");
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err << run.out;
  EXPECT_EQ(Log("step-read"),
            "file: hello from a configmap\n"
            "mode: 600 440\n"
            "secret: admin:secret-pw\n"
            "env: hello from a configmap|secret-pw|unset|3\n"
            "read-only\n");
}

TEST_F(PodsimTest, MissingConfigMapIsBadInputNamingWhatToDo) {
  PodsimRun run = Run(Task(R"y(
  volumes:
    - name: settings
      configMap: {name: absent}
  steps:
    - name: read
      image: busybox
      volumeMounts: [{name: settings, mountPath: /settings}]
      script: echo should not run
)y"));
  ASSERT_EQ(run.status, ExitStatus::Exited(2)) << run.err << run.out;
  EXPECT_NE(run.err.find("configmap \"absent\" not found"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("--from-dir"), std::string::npos) << run.err;
}

TEST_F(PodsimTest, FromDirSuppliesConfigMapsAndSecrets) {
  WriteFile(
      dir_ / "objects/cm.yaml",
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: from-dir}\ndata: {k: from the dir}\n");
  PodsimRun run = Run(Task(R"y(
  steps:
    - name: read
      image: busybox
      env:
        - name: K
          valueFrom: {configMapKeyRef: {name: from-dir, key: k}}
      script: echo "$K"
)y"),
                      {"--from-dir", dir_ / "objects"});
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err << run.out;
  EXPECT_EQ(Log("step-read"), "from the dir\n");
}

TEST_F(PodsimTest, EmptyDirIsSharedByStepsAndSubPathsAreMadeInIt) {
  PodsimRun run = Run(Task(R"y(
  volumes:
    - name: scratch
      emptyDir: {}
    - name: fast
      emptyDir: {medium: Memory}
  steps:
    - name: write
      image: busybox
      volumeMounts: [{name: scratch, mountPath: /scratch}, {name: fast, mountPath: /fast}]
      script: |
        echo shared > /scratch/file
        echo in-memory > /fast/file
    - name: nested
      image: busybox
      volumeMounts: [{name: scratch, mountPath: /nested, subPath: sub/dir}]
      script: echo via-subpath > /nested/x
    - name: read
      image: busybox
      volumeMounts: [{name: scratch, mountPath: /elsewhere/data}, {name: fast, mountPath: /f}]
      script: cat /elsewhere/data/file /elsewhere/data/sub/dir/x /f/file
)y"));
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err << run.out;
  EXPECT_EQ(Log("step-read"), "shared\nvia-subpath\nin-memory\n");
}

// The working-dir-initializer init container (workingdirinit) makes a later
// step's working directory in /workspace before the first step runs: only
// it could have made the directory the first step lists.
TEST_F(PodsimTest, WorkingDirInitializerMakesAStepsDirBeforeTheFirstStep) {
  PodsimRun run = Run(Task(R"y(
  steps:
    - name: look
      image: busybox
      script: ls -d /workspace/later/dir
    - name: later
      image: busybox
      workingDir: /workspace/later/dir
      script: pwd
)y"));
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err << run.out;
  EXPECT_EQ(Log("step-look"), "/workspace/later/dir\n");
  EXPECT_EQ(Log("step-later"), "/workspace/later/dir\n");
}

// A sidecar that fails at once does not keep the steps waiting for the ready
// annotation (Tekton's SidecarsReady counts any ended sidecar); the TaskRun's
// outcome is its steps'.
TEST_F(PodsimTest, AFailedSidecarDoesNotHoldTheStepsBack) {
  PodsimRun run = Run(Task(R"y(
  sidecars:
    - name: broken
      image: busybox
      command: ["sh", "-c", "exit 3"]
  steps:
    - name: a
      image: busybox
      script: echo ran
)y"));
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err << run.out;
  EXPECT_EQ(Log("step-a"), "ran\n");
  EXPECT_EQ(run.Condition().value("reason", ""), "Succeeded") << run.out;
}

std::string HostPathTask(const std::string& host_dir) {
  return Task(R"y(
  volumes:
    - name: host-dir
      hostPath: {path: )y" +
              host_dir + R"y(, type: DirectoryOrCreate}
  steps:
    - name: write
      image: busybox
      volumeMounts: [{name: host-dir, mountPath: /host}]
      script: echo from-the-pod > /host/out
)y");
}

TEST_F(PodsimTest, HostPathIsRefusedWithoutTheFlag) {
  const std::string host_dir = dir_ / "host-dir";
  PodsimRun run = Run(HostPathTask(host_dir));
  ASSERT_EQ(run.status, ExitStatus::Exited(2)) << run.err << run.out;
  EXPECT_NE(run.err.find("volume \"host-dir\": hostPath " + host_dir + " is refused"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("--allow-host-path"), std::string::npos) << run.err;
  EXPECT_FALSE(Exists(host_dir));
}

TEST_F(PodsimTest, HostPathIsMountedWithTheFlag) {
  const std::string host_dir = dir_ / "host-dir";
  PodsimRun run = Run(HostPathTask(host_dir), {"--allow-host-path"});
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err << run.out;
  EXPECT_EQ(ReadFileOr(host_dir + "/out"), "from-the-pod\n");
}

TEST_F(PodsimTest, ExecReadinessProbeGatesTheFirstStep) {
  // The sidecar is up at once but ready only when its probe finds /shared/up,
  // which it writes a moment later; the probe logs each pass. The step
  // appends to the same log: the pass must come first.
  PodsimRun run = Run(Task(R"y(
  volumes:
    - name: shared
      emptyDir: {}
  sidecars:
    - name: slow
      image: busybox
      command: [sh, -c, "sleep 1; echo up > /shared/up; exec sleep 1000"]
      volumeMounts: [{name: shared, mountPath: /shared}]
      readinessProbe:
        exec:
          command: [sh, -c, "test -f /shared/up && echo probe-passed >> /shared/log"]
        periodSeconds: 1
  steps:
    - name: first
      image: busybox
      volumeMounts: [{name: shared, mountPath: /shared}]
      script: |
        echo step-started >> /shared/log
        cat /shared/log
)y"),
                      {"--grace-period", "1s"});
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err << run.out;
  const std::string log = Log("step-first");
  EXPECT_TRUE(log.starts_with("probe-passed\n")) << log;
  EXPECT_TRUE(log.ends_with("step-started\n")) << log;
}

TEST_F(PodsimTest, TcpSocketReadinessProbeWaitsForTheServer) {
  if (!IsStatic(kBusybox)) GTEST_SKIP() << "needs Debian's busybox-static at " << kBusybox;
  // The server listens only after a second; the step reads from it once.
  PodsimRun run = Run(Task(R"y(
  volumes:
    - name: www
      emptyDir: {}
  sidecars:
    - name: server
      image: busybox
      volumeMounts: [{name: www, mountPath: /www}]
      command:
        - sh
        - -c
        - "echo served > /www/index.html; sleep 1; exec /bin/busybox httpd -f -p 127.0.0.1:38471 -h /www"
      readinessProbe:
        tcpSocket: {port: 38471}
        periodSeconds: 1
  steps:
    - name: client
      image: busybox
      script: /bin/busybox wget -q -O - http://127.0.0.1:38471/index.html
)y"),
                      {"--grace-period", "1s"});
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err << run.out;
  EXPECT_EQ(Log("step-client"), "served\n");
}

TEST_F(PodsimTest, AProbeOnAStandInContainerIsRefused) {
  PodsimRun run = Run(Task(R"y(
  sidecars:
    - name: daemon
      image: registry.invalid/podsim/daemon
      readinessProbe:
        exec: {command: [ls, /certs/ca.pem]}
  steps:
    - name: a
      image: busybox
      script: echo a
)y"));
  ASSERT_EQ(run.status, ExitStatus::Exited(2)) << run.err << run.out;
  EXPECT_NE(run.err.find("container sidecar-daemon: image registry.invalid/podsim/daemon is not "
                         "known here and the container has no command"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("--image-command registry.invalid/podsim/daemon=CMD"), std::string::npos)
      << run.err;
}

TEST_F(PodsimTest, ImagesNotFoundLocallyAreSaidOnce) {
  PodsimRun run = Run(Task(R"y(
  steps:
    - name: a
      image: registry.invalid/podsim/none-a
      script: echo a
    - name: b
      image: registry.invalid/podsim/none-a
      script: echo b
    - name: c
      image: registry.invalid/podsim/none-b
      script: echo c
)y"));
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err << run.out;
  // (podsim's log may also say how it isolates the host root, on some hosts.)
  const std::string said =
      "no local image for registry.invalid/podsim/none-a, registry.invalid/podsim/none-b: "
      "their containers run on the read-only host root (see --image)\n";
  const std::string log = Log("podsim");
  EXPECT_NE(log.find(said), std::string::npos) << log;
  EXPECT_EQ(log.find("no local image"), log.rfind("no local image")) << log;
}

// A root file system of busybox-static alone: /bin/busybox and its applets
// as links, and nothing of Debian (no /etc/debian_version).
class TinyImageTest : public PodsimTest {
 protected:
  void SetUp() override {
    PodsimTest::SetUp();
    if (IsSkipped()) return;
    if (!IsStatic(kBusybox)) {
      GTEST_SKIP() << "needs Debian's busybox-static at " << kBusybox
                   << " (apt-get install busybox-static)";
    }
    if (!IsStatic(EntrypointBin())) {
      GTEST_SKIP() << "the entrypoint is linked dynamically (sanitizer build): it cannot run "
                      "in an image without a C library";
    }
    rootfs_ = dir_ / "rootfs";
    fs::create_directories(rootfs_ + "/bin");
    fs::copy_file(kBusybox, rootfs_ + "/bin/busybox");
    for (const char* applet : {"sh", "ash", "echo", "cat", "test", "[", "ls", "touch", "sleep"}) {
      fs::create_symlink("busybox", rootfs_ + "/bin/" + applet);
    }
  }

  static std::string TaskOn(const std::string& image) {
    return Task(R"y(
  steps:
    - name: script
      image: )y" +
                image + R"y(
      script: |
        #!/bin/ash
        if [ -e /etc/debian_version ]; then echo on-the-host; else echo on-the-image; fi
        ls /bin/busybox /ko-app/entrypoint
    - name: args-only
      image: )y" +
                image + R"y(
      args: ["args", "replace", "the", "cmd"]
)y");
  }

  std::string rootfs_;
};

TEST_F(TinyImageTest, RunsOnARootFileSystemGivenWithTheImageFlag) {
  PodsimRun run = Run(TaskOn("localhost/podsim-dir"),
                      {"--image", "localhost/podsim-dir=" + rootfs_, "--image-command",
                       R"(localhost/podsim-dir=["/bin/busybox", "echo"])"});
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err << run.out;
  EXPECT_EQ(Log("step-script"), "on-the-image\n/bin/busybox\n/ko-app/entrypoint\n");
  EXPECT_EQ(Log("step-args-only"), "args replace the cmd\n");
  // The image's root is read-only under the container's own writable layer.
  EXPECT_FALSE(Exists(rootfs_ + "/tekton"));
}

TEST_F(TinyImageTest, ArgsWithoutCommandOrKnownImageIsAClearError) {
  PodsimRun run = Run(TaskOn("localhost/podsim-unknown"));
  ASSERT_EQ(run.status, ExitStatus::Exited(2)) << run.err << run.out;
  EXPECT_NE(run.err.find("args-only"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("--image-command"), std::string::npos) << run.err;
}

// The same image built offline with buildah into a private storage under
// the test's directory (never the host's), found by podsim through podman.
class PodmanImageTest : public TinyImageTest {
 protected:
  void SetUp() override {
    TinyImageTest::SetUp();
    if (IsSkipped()) return;
    if (FindOnPath("buildah").empty() || FindOnPath("podman").empty()) {
      GTEST_SKIP() << "needs buildah and podman (apt-get install buildah podman runc)";
    }
    const std::string storage = dir_ / "storage";
    WriteFile(dir_ / "storage.conf", "[storage]\ndriver = \"vfs\"\ngraphroot = \"" + storage +
                                         "/graph\"\nrunroot = \"" + storage + "/run\"\n");
    WriteFile(dir_ / "containers.conf",
              "[engine]\nruntime = \"runc\"\ncgroup_manager = \"cgroupfs\"\n"
              "events_logger = \"file\"\n");
    extra_env_ = {"CONTAINERS_STORAGE_CONF=" + (dir_ / "storage.conf"),
                  "CONTAINERS_CONF=" + (dir_ / "containers.conf")};
    const std::string container = Buildah({"from", "--pull=never", "scratch"});
    ASSERT_FALSE(container.empty());
    Buildah({"copy", container, rootfs_ + "/", "/"});
    Buildah({"config", "--entrypoint", R"(["/bin/busybox", "echo"])", "--cmd",
             R"(["from", "the", "cmd"])", "--env", "PATH=/bin", container});
    Buildah({"commit", "--rm", container, "localhost/podsim-tiny:latest"});
  }

  // Runs buildah with the private storage; its first output line.
  std::string Buildah(std::vector<std::string> args) {
    args.insert(args.begin(), FindOnPath("buildah"));
    std::vector<std::string> env = {"PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
                                    "TMPDIR=" + dir_.path()};
    env.insert(env.end(), extra_env_.begin(), extra_env_.end());
    std::string error;
    Process p = Process::Spawn(
        {args, env, dir_ / "buildah.out", dir_ / "buildah.err", "", dir_.path()}, &error);
    EXPECT_TRUE(p.valid()) << error;
    EXPECT_EQ(p.WaitFor(milliseconds(60'000)), ExitStatus::Exited(0))
        << args[1] << ": " << ReadFileOr(dir_ / "buildah.err");
    const std::string out = ReadFileOr(dir_ / "buildah.out");
    return out.substr(0, out.find('\n'));
  }
};

TEST_F(PodmanImageTest, RunsOnTheLocalImageWithItsEntrypointAndCmd) {
  PodsimRun run = Run(TaskOn("localhost/podsim-tiny") + R"y(
    - name: no-args
      image: localhost/podsim-tiny
)y");
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err << run.out;
  EXPECT_EQ(Log("step-script"), "on-the-image\n/bin/busybox\n/ko-app/entrypoint\n");
  // Entrypoint ["/bin/busybox","echo"]; args replace Cmd, or Cmd is used.
  EXPECT_EQ(Log("step-args-only"), "args replace the cmd\n");
  EXPECT_EQ(Log("step-no-args"), "from the cmd\n");
  EXPECT_EQ(Log("podsim").find("no local image"), std::string::npos) << Log("podsim");
}

}  // namespace
}  // namespace podstep::test
