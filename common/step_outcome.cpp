#include "common/step_outcome.h"

namespace podstep {

RunResult InternalEntry(std::string key, std::string value) {
  return RunResult{std::move(key), std::move(value), ResultType::kInternal};
}

int ShellExitCode(const RunOutcome& outcome) {
  return outcome.end == RunOutcome::kSignaled ? 128 + outcome.code : outcome.code;
}

StepDecision DecideOutcome(const RunOutcome& outcome, std::string_view on_error,
                           bool breakpoint_on_failure) {
  StepDecision decision;
  switch (outcome.end) {
    case RunOutcome::kCancelled:
      decision.post = StepDecision::kPostError;
      decision.entries.push_back(InternalEntry("Reason", "Cancelled"));
      decision.exit_code_file = "killed";
      decision.exit_code = kExitCancelled;
      decision.log = "Step was cancelled";
      return decision;
    case RunOutcome::kTimedOut:
      decision.post = StepDecision::kPostError;
      decision.entries.push_back(InternalEntry("Reason", "TimeoutExceeded"));
      decision.exit_code = 1;
      decision.log = "Step timed out: context deadline exceeded";
      return decision;
    case RunOutcome::kStartFailed:
      decision.exit_code = 1;
      decision.log = "Error executing command: " + outcome.error.message;
      break;
    case RunOutcome::kExited:
    case RunOutcome::kSignaled:
      decision.exit_code = ShellExitCode(outcome);
      if (decision.exit_code == 0 && !outcome.output_error.message.empty()) {
        // As the reference: a failed copy to -stdout_path/-stderr_path fails
        // a command that succeeded (Go's cmd.Wait returns the copy error
        // only when the command itself did not fail).
        decision.exit_code = 1;
        decision.log = "Error executing command: " + outcome.output_error.message;
        break;
      }
      if (decision.exit_code == 0) {
        decision.post = StepDecision::kPostSuccess;
        decision.exit_code_file = "0";
        return decision;
      }
      if (on_error == kOnErrorContinue && !breakpoint_on_failure) {
        std::string code = std::to_string(decision.exit_code);
        decision.post = StepDecision::kPostSuccess;
        decision.entries.push_back(InternalEntry("ExitCode", code));
        decision.exit_code_file = code;
        decision.exit_code = 0;
        return decision;
      }
      break;
  }
  // A failure: the debugger takes over, or the next steps are told to skip.
  if (breakpoint_on_failure) {
    decision.post = StepDecision::kNoPost;
    decision.await_breakpoint = true;
  } else {
    decision.post = StepDecision::kPostError;
  }
  return decision;
}

void DowngradeToFailure(StepDecision& decision, int exit_code) {
  if (decision.post == StepDecision::kPostSuccess) decision.post = StepDecision::kPostError;
  decision.exit_code_file.reset();
  if (decision.exit_code == 0 || !decision.await_breakpoint) decision.exit_code = exit_code;
}

}  // namespace podstep
