// End-to-end: the pod's volumes, /dev/shm and podsim's bookkeeping live on
// a tmpfs in podsim's own mount namespace: the containers see tmpfs there,
// the host never sees the mount, and nothing is left once podsim ends.
// Also the container's mkdir -p of its working directory, which walks up
// from the full path. Needs root.

#include <filesystem>

#include "e2e/podsim_fixture.h"

namespace podstep::test {
namespace {

namespace fs = std::filesystem;

class PodsimMemoryTest : public PodsimTest {};

std::vector<std::string> PodDirsIn(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().filename().string().starts_with("podsim-")) out.push_back(entry.path());
  }
  return out;
}

TEST_F(PodsimMemoryTest, VolumesAndShmAreATmpfsTheHostNeverSees) {
  PodsimRun run = Run(Task(R"y(
  steps:
    - name: a
      image: busybox
      script: |
        #!/bin/sh
        stat -f -c %T /workspace /tekton/run/0 /dev/shm
        echo kept > /workspace/x
    - name: b
      image: busybox
      command: ["cat", "/workspace/x"]
)y"));
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err << run.out;
  EXPECT_EQ(Log("step-a"), "tmpfs\ntmpfs\ntmpfs\n");
  EXPECT_EQ(Log("step-b"), "kept\n");
  EXPECT_EQ(ReadFileOr("/proc/self/mountinfo").find(dir_.path()), std::string::npos);
  EXPECT_TRUE(PodDirsIn(dir_.path()).empty());
}

TEST_F(PodsimMemoryTest, WorkingDirIsMadeBelowAnExistingVolumeAndRefusedBelowAFile) {
  PodsimRun run = Run(Task(R"y(
  steps:
    - name: deep
      image: busybox
      workingDir: /workspace/a//b/c/
      command: ["pwd"]
    - name: file
      image: busybox
      workingDir: /etc/passwd/x
      command: ["pwd"]
)y"));
  EXPECT_EQ(Log("step-deep"), "/workspace/a/b/c\n") << run.err;
  EXPECT_EQ(run.Step("step-file")["terminated"]["reason"], "StartError") << run.out;
  EXPECT_EQ(run.Step("step-file")["terminated"]["message"],
            "chdir to the working directory: not a directory")
      << run.out;
}

}  // namespace
}  // namespace podstep::test
