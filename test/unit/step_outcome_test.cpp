#include "common/step_outcome.h"

#include <gtest/gtest.h>

namespace podstep {
namespace {

struct OutcomeCase {
  RunOutcome outcome;
  std::string on_error;
  bool breakpoint;
  StepDecision::Post post;
  std::optional<std::string> exit_code_file;
  std::vector<RunResult> entries;
  int exit_code;
  bool await_breakpoint;
};

RunResult Reason(const char* value) { return InternalEntry("Reason", value); }
RunResult Code(const char* value) { return InternalEntry("ExitCode", value); }

TEST(DecideOutcomeTest, Table) {
  const RunOutcome ok = RunOutcome::Exited(0);
  const RunOutcome three = RunOutcome::Exited(3);
  const RunOutcome killed = RunOutcome::Signaled(9);
  const RunOutcome timeout = RunOutcome::Stopped(RunOutcome::kTimedOut);
  const RunOutcome cancel = RunOutcome::Stopped(RunOutcome::kCancelled);
  const RunOutcome no_start = RunOutcome::StartFailed(Error{ENOENT, "exec: \"x\": not found"});
  using P = StepDecision::Post;
  const std::vector<OutcomeCase> cases = {
      {ok, "", false, P::kPostSuccess, "0", {}, 0, false},
      {ok, "continue", false, P::kPostSuccess, "0", {}, 0, false},
      {ok, "stopAndFail", true, P::kPostSuccess, "0", {}, 0, false},
      {three, "", false, P::kPostError, std::nullopt, {}, 3, false},
      {three, "stopAndFail", false, P::kPostError, std::nullopt, {}, 3, false},
      {three, "continue", false, P::kPostSuccess, "3", {Code("3")}, 0, false},
      {three, "", true, P::kNoPost, std::nullopt, {}, 3, true},
      {three, "continue", true, P::kNoPost, std::nullopt, {}, 3, true},
      {killed, "", false, P::kPostError, std::nullopt, {}, 137, false},
      {killed, "continue", false, P::kPostSuccess, "137", {Code("137")}, 0, false},
      {timeout, "", false, P::kPostError, std::nullopt, {Reason("TimeoutExceeded")}, 1, false},
      {timeout,
       "continue",
       false,
       P::kPostError,
       std::nullopt,
       {Reason("TimeoutExceeded")},
       1,
       false},
      {timeout, "", true, P::kPostError, std::nullopt, {Reason("TimeoutExceeded")}, 1, false},
      {cancel, "", false, P::kPostError, "killed", {Reason("Cancelled")}, 9, false},
      {cancel, "continue", false, P::kPostError, "killed", {Reason("Cancelled")}, 9, false},
      {no_start, "", false, P::kPostError, std::nullopt, {}, 1, false},
      {no_start, "continue", false, P::kPostError, std::nullopt, {}, 1, false},
      {no_start, "", true, P::kNoPost, std::nullopt, {}, 1, true},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    StepDecision d = DecideOutcome(c.outcome, c.on_error, c.breakpoint);
    EXPECT_EQ(d.post, c.post) << "case " << i;
    EXPECT_EQ(d.exit_code_file, c.exit_code_file) << "case " << i;
    EXPECT_EQ(d.entries, c.entries) << "case " << i;
    EXPECT_EQ(d.exit_code, c.exit_code) << "case " << i;
    EXPECT_EQ(d.await_breakpoint, c.await_breakpoint) << "case " << i;
  }
}

TEST(DecideOutcomeTest, EveryExitCodeIsPropagated) {
  for (int code = 1; code < 256; ++code) {
    StepDecision d = DecideOutcome(RunOutcome::Exited(code), "", false);
    EXPECT_EQ(d.exit_code, code);
    EXPECT_EQ(d.post, StepDecision::kPostError);
  }
  for (int signo = 1; signo < 65; ++signo) {
    EXPECT_EQ(DecideOutcome(RunOutcome::Signaled(signo), "", false).exit_code, 128 + signo);
  }
}

TEST(DecideOutcomeTest, LogLines) {
  EXPECT_EQ(DecideOutcome(RunOutcome::Stopped(RunOutcome::kCancelled), "", false).log,
            "Step was cancelled");
  EXPECT_EQ(DecideOutcome(RunOutcome::StartFailed(Error{0, "boom"}), "", false).log,
            "Error executing command: boom");
  EXPECT_EQ(DecideOutcome(RunOutcome::Exited(0), "", false).log, "");
}

// A failed copy to -stdout_path fails a command that succeeded, as the
// reference's cmd.Wait does; a failing command keeps its own code.
TEST(DecideOutcomeTest, OutputErrorFailsOnlyASuccessfulCommand) {
  RunOutcome ok = RunOutcome::Exited(0);
  ok.output_error = Error{ENOSPC, "write /logs/out: no space left on device"};
  for (const char* on_error : {"", "continue"}) {
    StepDecision decision = DecideOutcome(ok, on_error, false);
    EXPECT_EQ(decision.post, StepDecision::kPostError) << on_error;
    EXPECT_EQ(decision.exit_code, 1);
    EXPECT_FALSE(decision.exit_code_file);
    EXPECT_EQ(decision.log, "Error executing command: write /logs/out: no space left on device");
  }
  StepDecision debug = DecideOutcome(ok, "", true);
  EXPECT_TRUE(debug.await_breakpoint);
  EXPECT_EQ(debug.exit_code, 1);

  RunOutcome three = RunOutcome::Exited(3);
  three.output_error = ok.output_error;
  EXPECT_EQ(DecideOutcome(three, "", false).exit_code, 3);
  StepDecision continued = DecideOutcome(three, "continue", false);
  EXPECT_EQ(continued.post, StepDecision::kPostSuccess);
  EXPECT_EQ(continued.exit_code, 0);
}

TEST(DowngradeToFailureTest, SuccessBecomesErrWithoutExitCodeFile) {
  StepDecision decision = DecideOutcome(RunOutcome::Exited(0), "", false);
  DowngradeToFailure(decision, 1);
  EXPECT_EQ(decision.post, StepDecision::kPostError);
  EXPECT_FALSE(decision.exit_code_file);
  EXPECT_EQ(decision.exit_code, 1);
}

TEST(DowngradeToFailureTest, ContinuedFailureExitsOne) {
  StepDecision decision = DecideOutcome(RunOutcome::Exited(3), "continue", false);
  DowngradeToFailure(decision, 1);
  EXPECT_EQ(decision.post, StepDecision::kPostError);
  EXPECT_FALSE(decision.exit_code_file);
  EXPECT_EQ(decision.exit_code, 1);
}

// Under breakpoint_on_failure the debugger's exit code wins, and no post
// file is written either way.
TEST(DowngradeToFailureTest, BreakpointKeepsTheFailureCode) {
  StepDecision decision = DecideOutcome(RunOutcome::Exited(3), "", true);
  DowngradeToFailure(decision, 1);
  EXPECT_EQ(decision.post, StepDecision::kNoPost);
  EXPECT_EQ(decision.exit_code, 3);
}

}  // namespace
}  // namespace podstep
