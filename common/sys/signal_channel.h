#pragma once
// Signals are blocked at start-up and consumed synchronously from a signalfd,
// in the same poll() loop as inotify, pipes and timers: no async handlers.

#include <signal.h>

#include <optional>

#include "common/error.h"
#include "common/sys/unique_fd.h"

namespace podstep {

class SignalChannel {
 public:
  /// Blocks every catchable asynchronous signal and opens a signalfd for them.
  /// The mask in force before is kept for children (see original_mask()).
  static Result<SignalChannel> Open();

  SignalChannel(SignalChannel&&) = default;
  SignalChannel& operator=(SignalChannel&&) = default;
  /// Restores the original mask.
  ~SignalChannel();

  [[nodiscard]] int fd() const { return fd_.get(); }
  [[nodiscard]] const sigset_t& original_mask() const { return original_mask_; }

  /// Reads one pending signal without blocking; nullopt when none is pending.
  /// Signals we sent ourselves (the kernel's SIGPIPE/SIGXFSZ for our own
  /// writes) are consumed and skipped.
  std::optional<int> TakePending();

  /// The destructor will leave every signal blocked: a signal arriving after
  /// the step's outcome is on disk must not change the exit status (an
  /// unblocked SIGTERM would kill us with 143 after we wrote success).
  void LeaveBlockedAtExit();

 private:
  SignalChannel() = default;
  UniqueFd fd_;
  sigset_t original_mask_{};
  bool restore_ = false;
};

/// Sets SIGPIPE and SIGXFSZ to SIG_IGN: raised by our own writes (to a closed
/// stdout, past RLIMIT_FSIZE) they must fail the write, not kill us. Children
/// get default dispositions back (POSIX_SPAWN_SETSIGDEF).
void IgnoreSelfInflictedSignals();

/// True for signals whose default action ends a process (the ones that should
/// end a wait): not SIGCHLD, SIGCONT, SIGURG, SIGWINCH or the stop signals.
bool IsTerminatingSignal(int signo);

}  // namespace podstep
