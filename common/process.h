#pragma once
// Running the wrapped command: what is asked and how it ended. The real
// runner (sys/posix_process_runner.h) is behind this interface so the step
// logic is tested without processes.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace podstep {

struct RunRequest {
  std::vector<std::string> argv;        // argv[0] is resolved through PATH like execvp
  std::string stdout_path;              // tee target, "" for none
  std::string stderr_path;              // tee target, "" for none
  std::chrono::nanoseconds timeout{0};  // <= 0: none
  std::string cancel_file;              // cancelled when it has content; "" for none
  bool hermetic = false;                // new user/mount/pid/net namespaces
  /// "NAME=value" entries for the command; nullopt inherits ours.
  std::optional<std::vector<std::string>> environment;
};

struct RunOutcome {
  enum End {
    kExited,       // code = exit status
    kSignaled,     // code = signal number
    kStartFailed,  // error says why
    kTimedOut,     // the timeout fired; the group was killed
    kCancelled,    // the cancel file got content; the group was killed
  } end = kExited;
  int code = 0;
  Error error;
  /// Set (non-empty message) when copying the output to -stdout_path or
  /// -stderr_path failed: the command ran, but the step fails.
  Error output_error;

  static RunOutcome Exited(int code) { return {kExited, code, {}, {}}; }
  static RunOutcome Signaled(int signo) { return {kSignaled, signo, {}, {}}; }
  static RunOutcome StartFailed(Error error) { return {kStartFailed, 0, std::move(error), {}}; }
  static RunOutcome Stopped(End why) { return {why, 0, {}, {}}; }
};

/// Abstract so tests can fake it.
class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  /// Called before the step waits for its predecessor, with the request as
  /// far as it is known then (argv and environment before the substitution
  /// of earlier steps' results): a runner may build whatever Run() needs for
  /// it, so that after the wait only the spawn is left. It must not create
  /// or open any file a later observer could see. Run() with a different
  /// request still works (it prepares again).
  virtual void Prepare(const RunRequest& request) { (void)request; }
  /// Runs the command to completion, forwarding signals to its process group.
  virtual RunOutcome Run(const RunRequest& request) = 0;
};

}  // namespace podstep
