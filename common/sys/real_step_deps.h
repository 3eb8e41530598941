#pragma once
// The real implementations of the step's interfaces, and the post-file lock.

#include "common/step.h"
#include "common/sys/real_wait.h"
#include "common/sys/signal_channel.h"

namespace podstep {

class RealStepFiles : public StepFiles {
 public:
  Status MakeDirs(const std::string& path) override;
  Status WriteFile(const std::string& path, std::string_view content) override;
  Result<std::optional<std::string>> ReadFile(const std::string& path,
                                              std::size_t max_bytes) override;
  Status WriteTermination(const std::string& path, const std::vector<RunResult>& entries,
                          bool compress) override;
  Result<std::string> WriteTempExecutable(std::string_view content) override;
};

class SystemWallClock : public WallClock {
 public:
  std::chrono::system_clock::time_point Now() override { return std::chrono::system_clock::now(); }
};

class RealFileWaiter : public FileWaiter {
 public:
  RealFileWaiter(SignalChannel& signals, WaitTimings timings, LazyDirWatcher* inotify = nullptr)
      : events_(signals, timings, inotify) {}
  RealFileWaiter(SignalChannel& signals, std::chrono::milliseconds poll_interval,
                 LazyDirWatcher* inotify = nullptr)
      : events_(signals, WaitTimings{.poll_interval = poll_interval}, inotify) {}
  WaitOutcome Wait(const std::string& file, const WaitOptions& options) override {
    return WaitForFile(file, options, probe_, events_);
  }
  bool WaitForContent(const std::string& file, std::chrono::milliseconds bound) override {
    return podstep::WaitForContent(file, bound, probe_, events_);
  }

 private:
  RealFileProbe probe_;
  InotifyWaitEvents events_;
};

/// How many file descriptors a run of `config` holds open at once beyond
/// stdin/stdout/stderr: signalfd, step lock, inotify, one file being read or
/// written, the spawn's /dev/null, three per tee'd stream, four for
/// TEKTON_HERMETIC's pipes.
int DescriptorsNeeded(const StepConfig& config);

/// Fails unless `needed` more descriptors can be opened now (RLIMIT_NOFILE),
/// saying what to raise. Probes by duplicating and closing, so nothing stays
/// open.
Status CheckDescriptorHeadroom(int needed);

/// Takes the exclusive lock `<post_file>.lock` that tells waiters this step's
/// entrypoint is alive (CONTRACT.md §11). The file appears already locked (it
/// is locked under a temporary name, then renamed), so a waiter never sees it
/// unlocked before we die. Keep the returned fd open until exit.
Result<UniqueFd> AcquireStepLock(const std::string& post_file);

}  // namespace podstep
