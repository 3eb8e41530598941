#pragma once
// The real FileProbe (stat + flock) and WaitEvents (inotify + signalfd +
// fallback poll for filesystems that send no events).

#include <chrono>

#include "common/sys/dir_watcher.h"
#include "common/sys/signal_channel.h"
#include "common/wait.h"

namespace podstep {

class RealFileProbe : public FileProbe {
 public:
  FileState Stat(const std::string& path) override;
  LockState ProbeLock(const std::string& lock_path) override;
};

class InotifyWaitEvents : public WaitEvents {
 public:
  InotifyWaitEvents(DirWatcher& watcher, SignalChannel& signals,
                    std::chrono::milliseconds poll_interval)
      : watcher_(watcher), signals_(signals), poll_interval_(poll_interval) {}
  int Next(const std::string& file) override;

 private:
  DirWatcher& watcher_;
  SignalChannel& signals_;
  std::chrono::milliseconds poll_interval_;
};

}  // namespace podstep
