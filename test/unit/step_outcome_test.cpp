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

}  // namespace
}  // namespace podstep
