#pragma once
// The real ProcessRunner: spawns the command in its own process group, then
// runs one poll() loop over the signalfd (forwarding + reaping), the tee
// pipes, the timeout/grace deadlines and the cancel-file poll.

#include <chrono>

#include "common/process.h"
#include "common/sys/prepared_spawn.h"
#include "common/sys/signal_channel.h"

namespace podstep {

struct RunnerTimings {
  /// Time between SIGTERM and SIGKILL to the group after a timeout or cancel.
  std::chrono::milliseconds kill_grace{1000};
  /// Poll of the cancel file. Polled rather than watched: an inotify
  /// instance costs 0.3-0.6 ms to tear down at exit, on every step, while a
  /// stat() every 100 ms costs nothing measurable (the reference polls 1 s).
  std::chrono::milliseconds poll_interval{100};
  /// How long output may still arrive after the command exited, from
  /// descendants that keep its stdout/stderr open.
  std::chrono::milliseconds output_linger{100};
  /// After the command exited, how long our own stdout/stderr may take to
  /// accept the rest of the tee'd output before it is dropped (a stalled
  /// reader; the -stdout_path/-stderr_path files are always complete).
  std::chrono::milliseconds output_flush{10'000};
};

class PosixProcessRunner : public ProcessRunner {
 public:
  explicit PosixProcessRunner(SignalChannel& signals, RunnerTimings timings = {})
      : signals_(signals), timings_(timings) {}
  /// Builds the spawn (argv/envp arrays, PATH candidates, the child's
  /// stack) ahead of Run(); the hermetic spawn is not prepared.
  void Prepare(const RunRequest& request) override;
  RunOutcome Run(const RunRequest& request) override;

 private:
  SignalChannel& signals_;
  RunnerTimings timings_;
  std::optional<PreparedSpawn> prepared_;
};

/// Go-style description of a failed start: `exec: "x": executable file not
/// found in $PATH` or `fork/exec /x: permission denied`.
std::string DescribeStartError(const std::string& command, int err);

}  // namespace podstep
