#include "common/wait.h"

namespace podstep {

std::optional<WaitOutcome> CheckWaitFile(const std::string& file, const WaitOptions& options,
                                         FileProbe& probe) {
  FileState state = probe.Stat(file);
  if (state.kind == FileState::kExists && (!options.expect_content || state.size > 0)) {
    return WaitOutcome{WaitOutcome::kReady};
  }
  if (state.kind == FileState::kError) {
    return WaitOutcome{WaitOutcome::kStatError, state.sys_errno};
  }

  const std::string err_file = file + ".err";
  if (probe.Stat(err_file).kind == FileState::kExists) {
    // Under breakpoint_on_failure the run must go on so the user can debug it.
    return WaitOutcome{options.breakpoint_on_failure ? WaitOutcome::kReady
                                                     : WaitOutcome::kPreviousStepFailed};
  }

  // The predecessor writes its post file before its lock is released, so the
  // files are checked again AFTER seeing a free lock: only then is "free lock
  // and no file" proof that it died without writing.
  if (probe.ProbeLock(file + kLockSuffix) == LockState::kFree) {
    FileState again = probe.Stat(file);
    if (again.kind == FileState::kExists) {
      if (!options.expect_content || again.size > 0) return WaitOutcome{WaitOutcome::kReady};
    } else if (again.kind == FileState::kError) {
      return WaitOutcome{WaitOutcome::kStatError, again.sys_errno};
    } else if (probe.Stat(err_file).kind == FileState::kExists) {
      return WaitOutcome{options.breakpoint_on_failure ? WaitOutcome::kReady
                                                       : WaitOutcome::kPreviousStepFailed};
    } else {
      return WaitOutcome{WaitOutcome::kPredecessorKilled};
    }
  }
  return std::nullopt;
}

WaitOutcome WaitForFile(const std::string& file, const WaitOptions& options, FileProbe& probe,
                        WaitEvents& events) {
  if (file.empty()) return {WaitOutcome::kReady};
  for (;;) {
    if (auto outcome = CheckWaitFile(file, options, probe)) return *outcome;
    if (int signo = events.Next(file, std::nullopt); signo != 0) {
      return {.status = WaitOutcome::kInterrupted, .signal = signo};
    }
  }
}

bool WaitForContent(const std::string& file, std::chrono::milliseconds bound, FileProbe& probe,
                    WaitEvents& events) {
  const auto deadline = events.Now() + bound;
  for (;;) {
    FileState state = probe.Stat(file);
    if (state.kind == FileState::kExists && state.size > 0) return true;
    if (state.kind == FileState::kError) return false;
    // Checked after the file, so content that is there at the deadline counts.
    if (events.Now() >= deadline) return false;
    if (events.Next(file, deadline) != 0) return false;
  }
}

}  // namespace podstep
