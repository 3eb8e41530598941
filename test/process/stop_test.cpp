// Stopping the command: timeout, cancellation, signal forwarding, and the
// entrypoint as PID 1 (CONTRACT.md sections 3.5, 3.8, 3.9, 5 and 11).

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "process/process_support.h"

namespace podstep::test {
namespace {

using ::testing::HasSubstr;

std::optional<pid_t> ReadPid(const std::string& path) {
  auto text = ReadFile(path);
  if (!text || text->empty()) return std::nullopt;
  return static_cast<pid_t>(std::stol(*text));
}

class TimeoutTest : public EntrypointTest {
 protected:
  /// Runs `spawn-grandchild` under -timeout and checks the §3.9 timeout
  /// outcome and that §11's whole-group kill reached the grandchild.
  void ExpectTimeoutKillsGroup(bool ignore_term) {
    const std::string pid_file = Path("grandchild.pid");
    std::vector<std::string> command = Helper({"spawn-grandchild", pid_file});
    if (ignore_term) command.push_back("ignore-term");
    // Long enough that the helper has surely written its pid file, short
    // enough to keep the suite fast.
    // Start/Finish, not RunStep: the Process must outlive the check below,
    // or its destructor would kill the grandchild for the entrypoint.
    Process p = Start(StepArgs(0, {"-timeout", "500ms"}, command), "ep0");
    RunOutcome r = Finish(p, "ep0");
    EXPECT_EQ(r.status, ExitStatus::Exited(1)) << r.err;
    const StepFiles s = Step(0);
    EXPECT_TRUE(WroteErrPostFile(s));
    const TerminationMessage m = Termination(0);
    const auto reason = m.Find("Reason");
    ASSERT_TRUE(reason.has_value()) << m.raw;
    EXPECT_EQ(reason->value, "TimeoutExceeded");
    EXPECT_EQ(reason->type, 3);
    EXPECT_TRUE(m.Has("StartedAt")) << m.raw;

    const auto grandchild = ReadPid(pid_file);
    ASSERT_TRUE(grandchild.has_value()) << "the helper never wrote " << pid_file;
    EXPECT_TRUE(WaitUntil([&] { return ProcessGoneOrZombie(*grandchild); }))
        << "grandchild " << *grandchild << " survived the timeout";
  }
};

TEST_F(TimeoutTest, KillsTheWholeProcessGroup) { ExpectTimeoutKillsGroup(false); }

// SIGTERM ignored by child and grandchild: SIGKILL after a short grace. The
// run must still end within kDeadline (RunStep fails otherwise).
TEST_F(TimeoutTest, KillsAGroupThatIgnoresSigterm) { ExpectTimeoutKillsGroup(true); }

TEST_F(TimeoutTest, NegativeTimeoutIsAnError) {
  const std::string marker = Path("ran");
  RunOutcome r = RunStep(0, {"-timeout", "-1s"}, Helper({"write", marker, "x"}));
  EXPECT_EQ(r.status, ExitStatus::Exited(1)) << r.err;
  EXPECT_THAT(r.err, HasSubstr("negative timeout specified"));
  EXPECT_TRUE(WroteErrPostFile(Step(0)));
  EXPECT_FALSE(Exists(marker)) << "the command ran despite the negative timeout";
}

TEST_F(TimeoutTest, ZeroMeansNoTimeout) {
  RunOutcome r = RunStep(0, {"-timeout", "0"}, Helper({"sleep-ms", "200"}));
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_TRUE(WrotePostFile(Step(0)));
  EXPECT_FALSE(Termination(0).Has("Reason"));
}

// A command that ends before its timeout ends the step at once: the pending
// timer must not keep the entrypoint alive (RunStep's deadline is 10 s).
TEST_F(TimeoutTest, FastCommandDoesNotWaitForTheTimer) {
  RunOutcome r = RunStep(0, {"-timeout", "1h"}, Helper({"exit", "0"}));
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_TRUE(WrotePostFile(Step(0)));
}

// The largest Go duration (`2562047h` overflows too once the machine is up
// for 47 minutes): now + it does not fit in the steady clock, and the
// deadline wrapped into the past and fired at once. Unrepresentable is no
// deadline.
TEST_F(TimeoutTest, HugeTimeoutDoesNotFireAtOnce) {
  // Longer than one 100 ms tick of the run loop, where the wrapped deadline
  // was first compared.
  RunOutcome r = RunStep(0, {"-timeout", "2562047h47m16.854775807s"}, Helper({"sleep-ms", "300"}));
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_TRUE(WrotePostFile(Step(0)));
  EXPECT_FALSE(Termination(0).Has("Reason"));
}

class CancelTest : public EntrypointTest {
 protected:
  std::string CancelFile() const { return root() + "/downward/cancel"; }

  void ExpectCancelled(const RunOutcome& r) {
    EXPECT_EQ(r.status, ExitStatus::Exited(9)) << r.err;
    const StepFiles s = Step(0);
    EXPECT_TRUE(WroteErrPostFile(s));
    EXPECT_EQ(ReadFileOr(s.exit_code_file()), "killed");
    const TerminationMessage m = Termination(0);
    const auto reason = m.Find("Reason");
    ASSERT_TRUE(reason.has_value()) << m.raw;
    EXPECT_EQ(reason->value, "Cancelled");
  }
};

TEST_F(CancelTest, CancelFileGettingContentStopsTheStep) {
  WriteFile(CancelFile(), "");
  const std::string ready = Path("ready");
  Process p = Start(StepArgs(0, {}, Helper({"block", ready})), "ep0");
  ASSERT_TRUE(WaitUntil([&] { return Exists(ready); })) << ReadFileOr(StderrPath("ep0"));
  WriteFile(CancelFile(), "CANCEL");
  ExpectCancelled(Finish(p, "ep0"));
}

// The kubelet updates the Downward-API file by swapping the `..data` symlink.
TEST_F(CancelTest, DownwardApiStyleCancelUpdateStopsTheStep) {
  const std::string downward = root() + "/downward";
  WriteFile(downward + "/..2024_01_01_00_00_00.000000001/cancel", "");
  ASSERT_EQ(symlink("..2024_01_01_00_00_00.000000001", (downward + "/..data").c_str()), 0);
  ASSERT_EQ(symlink("..data/cancel", CancelFile().c_str()), 0);

  const std::string ready = Path("ready");
  Process p = Start(StepArgs(0, {}, Helper({"block", ready})), "ep0");
  ASSERT_TRUE(WaitUntil([&] { return Exists(ready); })) << ReadFileOr(StderrPath("ep0"));
  WriteFile(downward + "/..2024_01_01_00_00_09.000000002/cancel", "CANCEL");
  ASSERT_EQ(symlink("..2024_01_01_00_00_09.000000002", (downward + "/..data_tmp").c_str()), 0);
  ASSERT_EQ(rename((downward + "/..data_tmp").c_str(), (downward + "/..data").c_str()), 0);
  ExpectCancelled(Finish(p, "ep0"));
}

// A cancel arriving in the command's first 20 ms (the slow poll, before
// the fast one starts) and one arriving later (the fast poll): both stop the
// step the same way. How soon is the bench's figure, not asserted here.
TEST_F(CancelTest, EarlyCancelStopsTheStep) {
  WriteFile(CancelFile(), "");
  const std::string ready = Path("ready");
  Process p = Start(StepArgs(0, {}, Helper({"block", ready})), "ep0");
  ASSERT_TRUE(WaitUntil([&] { return Exists(ready); })) << ReadFileOr(StderrPath("ep0"));
  WriteFile(CancelFile(), "CANCEL");
  ExpectCancelled(Finish(p, "ep0"));
}

TEST_F(CancelTest, LateCancelStopsTheStep) {
  WriteFile(CancelFile(), "");
  const std::string ready = Path("ready");
  // The command itself takes 60 ms before it says it runs, so the cancel
  // comes after the entrypoint switched to the fast poll.
  const std::string script = "\"$0\" sleep-ms 60 && exec \"$0\" block \"$1\"";
  Process p = Start(StepArgs(0, {}, {"sh", "-c", script, HelperBin(), ready}), "ep0");
  ASSERT_TRUE(WaitUntil([&] { return Exists(ready); })) << ReadFileOr(StderrPath("ep0"));
  WriteFile(CancelFile(), "CANCEL");
  ExpectCancelled(Finish(p, "ep0"));
}

// A short step with a cancel file that stays empty: unchanged, success.
TEST_F(CancelTest, ShortStepWithAnEmptyCancelFileSucceeds) {
  WriteFile(CancelFile(), "");
  RunOutcome r = RunStep(0, {}, Helper({"exit", "0"}));
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_TRUE(WrotePostFile(Step(0)));
  EXPECT_EQ(ReadFileOr(Step(0).exit_code_file()), "0");
}

TEST_F(CancelTest, EmptyCancelFileDoesNotCancel) {
  WriteFile(CancelFile(), "");
  RunOutcome r = RunStep(0, {}, Helper({"sleep-ms", "100"}));
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_TRUE(WrotePostFile(Step(0)));
}

// §5: every signal the entrypoint receives is forwarded to the child.
class ForwardSignalTest : public EntrypointTest, public ::testing::WithParamInterface<int> {};

TEST_P(ForwardSignalTest, ChildReceivesTheSignal) {
  const int sig = GetParam();
  const std::string name = sig == SIGTERM ? "SIGTERM" : sig == SIGUSR1 ? "SIGUSR1" : "SIGHUP";
  const std::string ready = Path("ready");
  Process p = Start(StepArgs(0, {}, Helper({"trap", name, ready})), "ep0");
  ASSERT_TRUE(WaitUntil([&] { return Exists(ready); })) << ReadFileOr(StderrPath("ep0"));
  ASSERT_TRUE(p.Signal(sig));
  RunOutcome r = Finish(p, "ep0");
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_EQ(r.out, "got " + name + "\n");
  EXPECT_TRUE(WrotePostFile(Step(0)));
}

INSTANTIATE_TEST_SUITE_P(Signals, ForwardSignalTest, ::testing::Values(SIGUSR1, SIGTERM, SIGHUP),
                         [](const auto& info) { return "Signal" + std::to_string(info.param); });

// §5: forwarded to the child's process GROUP: a second process in the group
// gets it too.
class SignalGroupTest : public EntrypointTest {};

TEST_F(SignalGroupTest, SignalReachesTheWholeChildProcessGroup) {
  const std::string ready1 = Path("ready1");
  const std::string ready2 = Path("ready2");
  const std::string h = HelperBin();
  // The background helper stays in sh's (then the exec'd helper's) group.
  Process p =
      Start(StepArgs(0, {},
                     {"sh", "-c", "\"$0\" trap SIGUSR1 \"$2\" & exec \"$0\" trap SIGUSR1 \"$1\"", h,
                      ready1, ready2}),
            "ep0");
  ASSERT_TRUE(WaitUntil([&] { return Exists(ready1) && Exists(ready2); }))
      << ReadFileOr(StderrPath("ep0"));
  ASSERT_TRUE(p.Signal(SIGUSR1));
  RunOutcome r = Finish(p, "ep0");
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  // The background helper may print just after the entrypoint exits.
  EXPECT_TRUE(WaitUntil([&] {
    return ReadFileOr(StdoutPath("ep0")) == "got SIGUSR1\ngot SIGUSR1\n";
  })) << ReadFileOr(StdoutPath("ep0"));
}

// §11: as PID 1 the entrypoint reaps orphans without stealing the command's
// exit status.
class Pid1Test : public EntrypointTest {};

TEST_F(Pid1Test, ReapsOrphansAndKeepsTheExitCode) {
  {
    std::string error;
    Process probe = Process::Spawn(
        {{"unshare", "--pid", "--fork", "--mount-proc", "true"}, Env(), "", "", "", ""}, &error);
    const auto status = probe.valid() ? probe.WaitFor(kDeadline) : std::nullopt;
    if (!status || *status != ExitStatus::Exited(0)) {
      GTEST_SKIP() << "`unshare --pid --fork --mount-proc` is not permitted here ("
                   << (error.empty() ? "it failed" : error) << ")";
    }
  }
  std::vector<std::string> argv = {"unshare", "--pid", "--fork", "--mount-proc", EntrypointBin()};
  for (const std::string& a : StepArgs(0, {}, Helper({"orphan", "20", Path("orphans"), "7"}))) {
    argv.push_back(a);
  }
  Process p = StartArgv(argv, "ep0");
  RunOutcome r = Finish(p, "ep0");
  EXPECT_EQ(r.status, ExitStatus::Exited(7)) << r.err;
  EXPECT_THAT(r.out, HasSubstr("reaped 20/20\n"));
  EXPECT_THAT(r.out, HasSubstr("zombies 0\n"));
  EXPECT_TRUE(WroteErrPostFile(Step(0)));
}

}  // namespace
}  // namespace podstep::test
