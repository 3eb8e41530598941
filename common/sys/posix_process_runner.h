#pragma once
// The real ProcessRunner: spawns the command in its own process group, then
// runs one poll() loop over the signalfd (forwarding + reaping), inotify (the
// cancel file), the tee pipes and the timeout/grace deadlines.

#include <chrono>

#include "common/process.h"
#include "common/sys/dir_watcher.h"
#include "common/sys/signal_channel.h"

namespace podstep {

struct RunnerTimings {
  /// Time between SIGTERM and SIGKILL to the group after a timeout or cancel.
  std::chrono::milliseconds kill_grace{1000};
  /// Fallback poll of the cancel file, for filesystems that send no events.
  std::chrono::milliseconds poll_interval{200};
  /// How long output may still arrive after the command exited, from
  /// descendants that keep its stdout/stderr open.
  std::chrono::milliseconds output_linger{100};
};

class PosixProcessRunner : public ProcessRunner {
 public:
  PosixProcessRunner(SignalChannel& signals, DirWatcher& watcher, RunnerTimings timings = {})
      : signals_(signals), watcher_(watcher), timings_(timings) {}
  RunOutcome Run(const RunRequest& request) override;

 private:
  SignalChannel& signals_;
  DirWatcher& watcher_;
  RunnerTimings timings_;
};

/// Go-style description of a failed start: `exec: "x": executable file not
/// found in $PATH` or `fork/exec /x: permission denied`.
std::string DescribeStartError(const std::string& command, int err);

}  // namespace podstep
