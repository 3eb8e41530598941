// podsim on bad input, end to end: usage errors and hostile manifests end
// with exit 2 and one line on stderr naming what is wrong, never a crash.

#include <algorithm>
#include <string>
#include <vector>

#include "e2e/podsim_fixture.h"

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

}  // namespace
}  // namespace podstep::test
