// The debug breakpoints (CONTRACT.md §3.3, §3.9 and §11): the controller's
// debug scripts run `echo N > <post_file>.breakpointexit` (or
// `.beforestepexit[.err]`), and a shell creates that file empty and writes
// it a moment later.

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "process/process_support.h"

namespace podstep::test {
namespace {

using ::testing::HasSubstr;

class DebugTest : public EntrypointTest {
 protected:
  /// What `echo <content> > path` does, with the window between the
  /// creation and the write stretched to 50 ms: the writer models the race,
  /// nothing waits for the entrypoint here.
  static void EchoSlowly(const std::string& path, const std::string& content) {
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ASSERT_GE(fd, 0) << path;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
    close(fd);
  }

  /// Waits until the entrypoint logged `text` (it then waits for the debugger).
  bool Logged(const std::string& name, const std::string& text) {
    return WaitUntil([&] { return ReadFileOr(StderrPath(name)).find(text) != std::string::npos; });
  }
};

// debug-fail-continue: `touch out.err; echo "1" > out.breakpointexit`.
TEST_F(DebugTest, FailContinueExitCodeIsReadAfterTheWrite) {
  Process p = Start(StepArgs(0, {"-breakpoint_on_failure"}, Helper({"exit", "4"})), "ep0");
  ASSERT_TRUE(Logged("ep0", "debug onFailure breakpoint has taken effect"))
      << ReadFileOr(StderrPath("ep0"));
  WriteFile(Step(0).err_file(), "");
  EchoSlowly(Step(0).post_file + ".breakpointexit", "1\n");
  RunOutcome r = Finish(p, "ep0");
  EXPECT_EQ(r.status, ExitStatus::Exited(1)) << r.err;
  EXPECT_THAT(r.err, HasSubstr("Breakpoint exiting with exit code 1"));
}

// debug-continue: `touch out; echo "0" > out.breakpointexit`.
TEST_F(DebugTest, ContinueExitCodeIsReadAfterTheWrite) {
  Process p = Start(StepArgs(0, {"-breakpoint_on_failure"}, Helper({"exit", "4"})), "ep0");
  ASSERT_TRUE(Logged("ep0", "debug onFailure breakpoint has taken effect"))
      << ReadFileOr(StderrPath("ep0"));
  WriteFile(Step(0).post_file, "");
  EchoSlowly(Step(0).post_file + ".breakpointexit", "0\n");
  RunOutcome r = Finish(p, "ep0");
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_THAT(r.err, HasSubstr("Breakpoint exiting with exit code 0"));
}

// debug-beforestep-fail-continue: `echo "1" > out.beforestepexit.err`. As in
// the reference only the file's appearance counts, so the slow write cannot
// race; the step must not run.
TEST_F(DebugTest, BeforeStepFailContinueSkipsTheStep) {
  const std::string marker = Path("ran");
  Process p = Start(StepArgs(0, {"-debug_before_step"}, Helper({"write", marker, "x"})), "ep0");
  ASSERT_TRUE(Logged("ep0", "debug before step breakpoint has taken effect"))
      << ReadFileOr(StderrPath("ep0"));
  EchoSlowly(Step(0).post_file + ".beforestepexit.err", "1\n");
  RunOutcome r = Finish(p, "ep0");
  EXPECT_EQ(r.status, ExitStatus::Exited(1)) << r.err;
  EXPECT_TRUE(WroteErrPostFile(Step(0)));
  EXPECT_FALSE(Exists(marker)) << "the step ran after fail-continue";
}

// debug-beforestep-continue: `echo "0" > out.beforestepexit`.
TEST_F(DebugTest, BeforeStepContinueRunsTheStep) {
  const std::string marker = Path("ran");
  Process p = Start(StepArgs(0, {"-debug_before_step"}, Helper({"write", marker, "x"})), "ep0");
  ASSERT_TRUE(Logged("ep0", "debug before step breakpoint has taken effect"))
      << ReadFileOr(StderrPath("ep0"));
  EchoSlowly(Step(0).post_file + ".beforestepexit", "0\n");
  RunOutcome r = Finish(p, "ep0");
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_TRUE(WrotePostFile(Step(0)));
  EXPECT_TRUE(Exists(marker));
}

}  // namespace
}  // namespace podstep::test
