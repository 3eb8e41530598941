// podsim on bad input, end to end: usage errors and hostile manifests end
// with exit 2 and one line on stderr naming what is wrong, never a crash.

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "e2e/podsim_fixture.h"
#include "helpers/hostile_manifests.h"

namespace podstep::test {
namespace {

constexpr const char* kPod = R"(apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - {name: c, image: busybox, command: [sh, -c, "echo hi"]}
)";

// Exit 2, and stderr is exactly one line that contains `expected`.
void ExpectBadInput(const PodsimRun& run, const std::string& expected) {
  ASSERT_TRUE(run.status.has_value()) << "podsim did not end";
  EXPECT_TRUE(run.status->exited) << "podsim was killed by a signal: " << run.err;
  EXPECT_EQ(run.status->code, 2) << run.err;
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  EXPECT_NE(run.err.find(expected), std::string::npos) << run.err;
  EXPECT_TRUE(run.out.empty()) << run.out;
}

TEST_F(PodsimTest, UsageErrorsAreOneLineAndExitTwo) {
  ExpectBadInput(Podsim("run", kPod, {"--bogus"}),
                 "podsim: unknown flag --bogus (podsim --help shows the usage)");
  ExpectBadInput(Podsim("run", kPod, {"--timeout", "soon"}),
                 "invalid value \"soon\" for flag --timeout");
  ExpectBadInput(Podsim("run", kPod, {"--image", "busybox"}),
                 "invalid value \"busybox\" for flag --image: want NAME=ROOTFS_DIR");
  ExpectBadInput(Podsim("start", kPod), "unknown command \"start\" (run or render)");
}

TEST_F(PodsimTest, OldFlagSpellingsStillWork) {
  PodsimRun run = Podsim("run", kPod, {"-output=json", "-grace-period", "1s", "-logs", Logs()});
  ASSERT_TRUE(run.status.has_value());
  EXPECT_EQ(run.status->code, 0) << run.err;
  EXPECT_EQ(run.Condition().value("status", ""), "True") << run.out;
  EXPECT_EQ(Log("c"), "hi\n");
}

// The manifests of issue 9: each used to crash podsim or eat the machine's
// memory; now each is exit 2 with one line saying what is wrong.
TEST_F(PodsimTest, AliasBombIsBadInput) {
  ExpectBadInput(Podsim("run", BillionLaughs()), "more than 1000000 nodes (aliases expanding?)");
}

TEST_F(PodsimTest, DeepNestingIsBadInput) {
  const std::string deep = "nesting deeper than 100 levels";
  ExpectBadInput(Podsim("render", std::string(100000, '[') + std::string(100000, ']')), deep);
  ExpectBadInput(Podsim("render", DeepJsonObjects(100000)), deep);
  ExpectBadInput(Podsim("render", "a: " + std::string(100000, '[')), deep);
  ExpectBadInput(Podsim("render", DeepYamlBlockMaps(2000)), deep);
}

TEST_F(PodsimTest, LongNumberIsJustText) {
  const std::string digits(50000, '7');
  std::string pod = kPod;
  pod.replace(pod.find("echo hi"), 7, "true " + digits);
  PodsimRun run = Podsim("render", pod);
  ASSERT_TRUE(run.status.has_value());
  EXPECT_EQ(*run.status, ExitStatus::Exited(0)) << run.err;
  EXPECT_NE(run.out.find(digits), std::string::npos);
  ExpectBadInput(Podsim("render", "{\"a\": " + digits + "}"),
                 "parse " + (dir_ / "manifest.yaml") + ": number \"7777");
}

TEST_F(PodsimTest, HugeFileIsBadInput) {
  ExpectBadInput(Podsim("render", std::string(17 << 20, '#')),
                 "larger than 16 MiB, the most podsim reads");
}

TEST_F(PodsimTest, BinaryAndNonUtf8AreBadInput) {
  ExpectBadInput(Podsim("render", std::string("kind: Pod\0\1\2", 12)),
                 "line 1, column 10: a NUL byte: this is not a text file");
  ExpectBadInput(Podsim("render", "kind: Pod\nmetadata: {name: \xe9t\xe9}\n"),
                 "line 2, column 18: invalid UTF-8 (byte 0xe9): manifests are UTF-8 text");
  std::string garbage;
  for (int i = 0; i < 65536; ++i) garbage += static_cast<char>((i * 7919 + 13) % 256);
  ExpectBadInput(Podsim("render", garbage), "parse ");
}

TEST_F(PodsimTest, DuplicateKeysAndNonObjectsAreBadInput) {
  ExpectBadInput(
      Podsim("render", std::string(kPod) + "  restartPolicy: Never\n  restartPolicy: Always\n"),
      "line 8, column 3: duplicate key \"restartPolicy\" in spec");
  ExpectBadInput(Podsim("render", std::string(kPod) + "---\njust text\n"),
                 "document 2 is a string, not a map (a Kubernetes object)");
}

// Names become host paths (the pod directory, volume directories, container
// roots, log files): one that could leave its directory is refused before
// anything is created.
TEST_F(PodsimTest, NamesThatAreNotKubernetesNamesAreBadInput) {
  const std::string escape = "podsim-escape-" + std::to_string(::getpid());
  const std::string target = "/tmp/" + escape;
  ASSERT_FALSE(std::filesystem::exists(target));

  std::string pod = kPod;
  pod.replace(pod.find("{name: c,"), 9, "{name: ../../../../../../tmp/" + escape + ",");
  ExpectBadInput(Run(pod), "spec.containers[0].name: Invalid value: \"../../../../../../tmp/" +
                               escape + "\": a lowercase RFC 1123 label must consist of");

  pod = kPod;
  pod.replace(pod.find("]}"), 2, "], volumeMounts: [{name: ../x, mountPath: /x}]}");
  pod += "  volumes: [{name: ../x, emptyDir: {}}]\n";
  ExpectBadInput(Run(pod), "spec.volumes[0].name: Invalid value: \"../x\": a lowercase RFC 1123");

  pod = kPod;
  pod.replace(pod.find("{name: p}"), 9, "{name: ../../x}");
  ExpectBadInput(Run(pod),
                 "metadata.name: Invalid value: \"../../x\": a lowercase RFC 1123 "
                 "subdomain must consist of");

  // A workspace name becomes a volume's (the Tekton webhook's own check may
  // name it first: the test asserts only that it is refused).
  const std::string task = Task(R"(  workspaces:
  - name: ../../../../../../tmp/)" +
                                escape + R"(
  steps:
  - name: s
    image: busybox
    script: echo hi
)");
  PodsimRun run = Run(task);
  ASSERT_TRUE(run.status.has_value());
  EXPECT_EQ(*run.status, ExitStatus::Exited(2)) << run.err;
  EXPECT_NE(run.err.find("../../../../../../tmp/" + escape), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(target));
  EXPECT_FALSE(std::filesystem::exists(Logs())) << "nothing may run";
}

}  // namespace
}  // namespace podstep::test
