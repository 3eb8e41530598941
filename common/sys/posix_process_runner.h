#pragma once
// The real ProcessRunner: spawns the command in its own process group, then
// runs one poll() loop over the signalfd (forwarding + reaping), the tee
// pipes, the timeout/grace deadlines and the cancel-file poll.

#include <chrono>

#include "common/process.h"
#include "common/sys/dir_watcher.h"
#include "common/sys/prepared_spawn.h"
#include "common/sys/signal_channel.h"

namespace podstep {

struct RunnerTimings {
  /// Time between SIGTERM and SIGKILL to the group after a timeout or cancel.
  std::chrono::milliseconds kill_grace{1000};
  /// Poll of the cancel file while the command is young (the reference
  /// polls every 1 s).
  std::chrono::milliseconds poll_interval{100};
  /// Once the command has run this long the cancel file is polled every
  /// `cancel_fast_poll`: a cancel is then noticed within milliseconds, and
  /// a short step never pays for it.
  ///
  /// Polled, not watched: tearing down an inotify watch costs the kernel an
  /// SRCU grace period, and a watch still live at exit blocks the exit for
  /// it — 2-24 ms measured on kernel 6.18 (not the 0.3-0.6 ms once seen),
  /// so a watched cancel could not end the step within 5 ms. A stat() every
  /// few ms costs ~20 us a wake-up on a VM, about 0.5 % of a core.
  std::chrono::milliseconds cancel_fast_poll_after{20};
  std::chrono::milliseconds cancel_fast_poll{4};
  /// How long output may still arrive after the command exited, from
  /// descendants that keep its stdout/stderr open.
  std::chrono::milliseconds output_linger{100};
  /// After the command exited, how long our own stdout/stderr may take to
  /// accept the rest of the tee'd output before it is dropped (a stalled
  /// reader; the -stdout_path/-stderr_path files are always complete).
  std::chrono::milliseconds output_flush{10'000};
  /// The wait's inotify watches are removed this long after the spawn (or
  /// at once when the command ended sooner): early, so that the kernel has
  /// freed them long before our exit, whose close of the instance would
  /// otherwise wait for an SRCU grace period (7 ms median measured); but
  /// not right at the spawn, where the teardown's kernel work delayed the
  /// command's first instruction by ~15 us on a 2-core node (hand-off
  /// 1.14 -> 1.06 x the floor).
  std::chrono::microseconds release_watches_after{300};
};

class PosixProcessRunner : public ProcessRunner {
 public:
  /// `inotify`: the process's shared instance, whose watches (the wait's)
  /// are removed once the command runs (nullptr: none).
  explicit PosixProcessRunner(SignalChannel& signals, RunnerTimings timings = {},
                              LazyDirWatcher* inotify = nullptr)
      : signals_(signals), timings_(timings), inotify_(inotify) {}
  /// Builds the spawn (argv/envp arrays, PATH candidates, signals to
  /// reset) ahead of Run(); the hermetic spawn is not prepared.
  void Prepare(const RunRequest& request) override;
  RunOutcome Run(const RunRequest& request) override;

 private:
  SignalChannel& signals_;
  RunnerTimings timings_;
  LazyDirWatcher* inotify_;
  std::optional<PreparedSpawn> prepared_;
};

/// Go-style description of a failed start: `exec: "x": executable file not
/// found in $PATH` or `fork/exec /x: permission denied`.
std::string DescribeStartError(const std::string& command, int err);

}  // namespace podstep
