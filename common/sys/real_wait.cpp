#include "common/sys/real_wait.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/stat.h>

namespace podstep {

FileState RealFileProbe::Stat(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return {FileState::kExists, st.st_size};
  if (errno == ENOENT) return {FileState::kMissing};
  return {FileState::kError, 0, errno};
}

LockState RealFileProbe::ProbeLock(const std::string& lock_path) {
  UniqueFd fd(RetryEintr([&] { return ::open(lock_path.c_str(), O_RDONLY | O_CLOEXEC); }));
  if (!fd.valid()) return errno == ENOENT ? LockState::kAbsent : LockState::kUnknown;
  if (RetryEintr([&] { return ::flock(fd.get(), LOCK_SH | LOCK_NB); }) == 0) {
    return LockState::kFree;
  }
  return errno == EWOULDBLOCK ? LockState::kHeld : LockState::kUnknown;
}

int InotifyWaitEvents::Next(const std::string& file) {
  if (!watcher_) {
    // Without inotify (no instances left) the fallback poll still works.
    if (auto opened = DirWatcher::Open()) watcher_.emplace(std::move(*opened));
  }
  if (watcher_ && watcher_->WatchParentOf(file)) return 0;
  pollfd fds[] = {{watcher_ ? watcher_->fd() : -1, POLLIN, 0}, {signals_.fd(), POLLIN, 0}};
  int ready = RetryEintr([&] { return ::poll(fds, 2, static_cast<int>(poll_interval_.count())); });
  if (ready <= 0) return 0;
  if (fds[0].revents != 0) watcher_->Drain();
  if (fds[1].revents != 0) {
    while (auto signo = signals_.TakePending()) {
      if (IsTerminatingSignal(*signo)) return *signo;
    }
  }
  return 0;
}

}  // namespace podstep
