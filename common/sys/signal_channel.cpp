#include "common/sys/signal_channel.h"

#include <sys/signalfd.h>
#include <unistd.h>

#include <cstring>
#include <string>

namespace podstep {

Result<SignalChannel> SignalChannel::Open() {
  SignalChannel channel;
  sigset_t all;
  sigfillset(&all);
  // Synchronous faults must keep their default action, or a crash would spin.
  for (int fault : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS}) sigdelset(&all, fault);
  if (sigprocmask(SIG_BLOCK, &all, &channel.original_mask_) != 0) {
    return Fail(ErrnoError("block signals"));
  }
  channel.restore_ = true;
  channel.fd_.Reset(signalfd(-1, &all, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!channel.fd_.valid()) return Fail(ErrnoError("open signalfd"));
  return channel;
}

SignalChannel::~SignalChannel() {
  if (restore_ && fd_.valid()) sigprocmask(SIG_SETMASK, &original_mask_, nullptr);
}

void SignalChannel::LeaveBlockedAtExit() { restore_ = false; }

std::optional<int> SignalChannel::TakePending() {
  static const pid_t self = ::getpid();
  for (;;) {
    signalfd_siginfo info{};
    ssize_t n = RetryEintr([&] { return ::read(fd_.get(), &info, sizeof info); });
    if (n != static_cast<ssize_t>(sizeof info)) return std::nullopt;
    // The kernel names us as the sender of what our own system calls cause:
    // SIGPIPE from writing to our closed stdout, SIGXFSZ past RLIMIT_FSIZE.
    // Those say nothing to the step and are never reported.
    if (static_cast<pid_t>(info.ssi_pid) == self) continue;
    return static_cast<int>(info.ssi_signo);
  }
}

void IgnoreSelfInflictedSignals() {
  // Ignored AND blocked: a blocked signal is still queued (and read from the
  // signalfd, where TakePending drops ours), while SIG_IGN discards whatever
  // is pending when the mask is lifted, so neither can kill us.
  ::signal(SIGPIPE, SIG_IGN);
  ::signal(SIGXFSZ, SIG_IGN);
}

bool IsTerminatingSignal(int signo) {
  switch (signo) {
    case SIGCHLD:
    case SIGCONT:
    case SIGURG:
    case SIGWINCH:
    case SIGSTOP:
    case SIGTSTP:
    case SIGTTIN:
    case SIGTTOU:
      return false;
    default:
      return true;
  }
}

}  // namespace podstep
