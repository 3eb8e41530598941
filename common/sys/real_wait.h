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

/// inotify is opened only when a wait has to block: tearing an instance down
/// at exit costs the kernel 0.3-0.6 ms, which a step that never waits should
/// not pay. (Closing it early, right after the command's spawn, was tried: it
/// delays the command's start by up to ~10 ms at the 99th percentile.)
class InotifyWaitEvents : public WaitEvents {
 public:
  InotifyWaitEvents(SignalChannel& signals, std::chrono::milliseconds poll_interval)
      : signals_(signals), poll_interval_(poll_interval) {}
  int Next(const std::string& file) override;

 private:
  std::optional<DirWatcher> watcher_;
  SignalChannel& signals_;
  std::chrono::milliseconds poll_interval_;
};

}  // namespace podstep
