#pragma once
// How a finished command maps onto Tekton's outcome files, termination
// entries and the entrypoint's exit code (CONTRACT.md §3.9): one pure
// function, tested over every combination.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/process.h"
#include "common/termination_message.h"

namespace podstep {

inline constexpr std::string_view kOnErrorContinue = "continue";
inline constexpr int kExitCancelled = 9;  // SIGKILL's number, as the reference

struct StepDecision {
  enum Post { kNoPost, kPostSuccess, kPostError } post = kPostSuccess;
  std::optional<std::string> exit_code_file;  // content of <step_metadata_dir>/exitCode
  std::vector<RunResult> entries;             // internal Reason / ExitCode entries
  int exit_code = 0;                          // the entrypoint's own exit code
  std::string log;                            // one line for the user, "" for none
  bool await_breakpoint = false;              // -breakpoint_on_failure after a failure
};

/// Exit code a shell would report: the status, or 128+N for a signal.
int ShellExitCode(const RunOutcome& outcome);

/// The decision for a command that ran (or failed to start).
StepDecision DecideOutcome(const RunOutcome& outcome, std::string_view on_error,
                           bool breakpoint_on_failure);

/// Turns a decision into a failure when writing its outcome failed (results
/// unreadable, message too long, exitCode not written): `.err` instead of the
/// post file, no exitCode file, exit `exit_code` — unless the debugger
/// decides the exit code (breakpoint_on_failure after a failure).
void DowngradeToFailure(StepDecision& decision, int exit_code);

/// An internal (type 3) termination entry.
RunResult InternalEntry(std::string key, std::string value);

}  // namespace podstep
