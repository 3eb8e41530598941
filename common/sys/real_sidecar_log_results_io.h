#pragma once
// The real SidecarLogResultsIo: readdir, event-driven waits (inotify +
// signalfd, see real_wait.h), bounded non-blocking reads, stdout.

#include <chrono>

#include "common/sidecar_log_results.h"
#include "common/sys/real_wait.h"
#include "common/sys/signal_channel.h"

namespace podstep {

class RealSidecarLogResultsIo : public SidecarLogResultsIo {
 public:
  /// `signals` must outlive this object; `poll_interval` is the fallback poll
  /// for filesystems that send no inotify events.
  RealSidecarLogResultsIo(SignalChannel& signals, std::chrono::milliseconds poll_interval)
      : signals_(signals), events_(signals, poll_interval) {}

  Result<std::vector<std::string>> ListDir(const std::string& dir) override;
  WaitOutcome WaitForStep(const std::string& out_file) override;
  Result<std::optional<std::string>> ReadRegularFile(const std::string& path,
                                                     size_t max_bytes) override;
  Result<bool> IsFile(const std::string& path) override;
  Status Print(std::string_view line) override;
  int AwaitTermination() override;

 private:
  SignalChannel& signals_;
  RealFileProbe probe_;
  InotifyWaitEvents events_;
};

}  // namespace podstep
