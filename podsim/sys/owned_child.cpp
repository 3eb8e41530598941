#include "podsim/sys/owned_child.h"

#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <utility>

#include "common/sys/unique_fd.h"

namespace podstep::podsim {

Result<OwnedChild> OwnedChild::Adopt(pid_t pid) {
  OwnedChild child(pid);
  child.pid_fd_.Reset(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (!child.pid_fd_.valid()) return Fail(ErrnoError("pidfd_open"));
  return child;
}

OwnedChild::OwnedChild(OwnedChild&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      reaped_(other.reaped_),
      pid_fd_(std::move(other.pid_fd_)) {}

OwnedChild::~OwnedChild() {
  if (pid_ <= 0 || reaped_) return;
  ::kill(pid_, SIGKILL);
  int status;
  RetryEintr([&] { return ::waitpid(pid_, &status, 0); });
}

std::optional<int> OwnedChild::TryWait() {
  if (pid_ <= 0 || reaped_) return std::nullopt;
  int status = 0;
  if (RetryEintr([&] { return ::waitpid(pid_, &status, WNOHANG); }) != pid_) return std::nullopt;
  reaped_ = true;
  return status;
}

void OwnedChild::Signal(int signo) const {
  if (pid_ > 0 && !reaped_) ::kill(pid_, signo);
}

}  // namespace podstep::podsim
