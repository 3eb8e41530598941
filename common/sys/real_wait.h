#pragma once
// The real FileProbe (stat + flock) and WaitEvents (inotify + signalfd +
// fallback poll for filesystems that send no events).

#include <chrono>
#include <optional>

#include "common/sys/dir_watcher.h"
#include "common/sys/signal_channel.h"
#include "common/wait.h"

namespace podstep {

class RealFileProbe : public FileProbe {
 public:
  FileState Stat(const std::string& path) override;
  LockState ProbeLock(const std::string& lock_path) override;
};

/// How waiting polls: the slow fallback next to inotify (for filesystems that
/// send no events), and the fast poll used when no inotify instance is left.
struct WaitTimings {
  std::chrono::milliseconds poll_interval{200};
  std::chrono::milliseconds fast_poll_min{5};
  std::chrono::milliseconds fast_poll_step{1};
  std::chrono::milliseconds fast_poll_max{10};
};

/// inotify is opened only when a wait has to block: tearing an instance down
/// at exit costs the kernel 0.3-0.6 ms, which a step that never waits should
/// not pay. (Closing it early, right after the command's spawn, was tried: it
/// delays the command's start by up to ~10 ms at the 99th percentile.)
/// When inotify_init fails (no instance left) it says so once and polls every
/// few milliseconds instead.
class InotifyWaitEvents : public WaitEvents {
 public:
  /// Waits through `inotify`, the process's shared instance (see
  /// LazyDirWatcher), or, without one, an instance of its own.
  InotifyWaitEvents(SignalChannel& signals, WaitTimings timings,
                    LazyDirWatcher* inotify = nullptr)
      : inotify_(inotify != nullptr ? *inotify : own_inotify_),
        signals_(signals),
        timings_(timings) {}
  InotifyWaitEvents(SignalChannel& signals, std::chrono::milliseconds poll_interval)
      : InotifyWaitEvents(signals, WaitTimings{.poll_interval = poll_interval}) {}
  InotifyWaitEvents(const InotifyWaitEvents&) = delete;
  InotifyWaitEvents& operator=(const InotifyWaitEvents&) = delete;
  int Next(const std::string& file, std::optional<Clock::time_point> deadline) override;
  Clock::time_point Now() override { return Clock::now(); }

 private:
  std::chrono::milliseconds NextPollInterval();

  LazyDirWatcher own_inotify_;
  LazyDirWatcher& inotify_;
  DirWatcher* watcher_ = nullptr;  // from inotify_, once opened
  bool drain_pending_ = false;     // the watcher has events of the last wake-up
  bool inotify_failed_ = false;
  SignalChannel& signals_;
  WaitTimings timings_;
  std::chrono::milliseconds fast_poll_{0};
};

}  // namespace podstep
