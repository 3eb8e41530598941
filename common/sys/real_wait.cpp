#include "common/sys/real_wait.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>

#include "common/logging.h"

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

std::chrono::milliseconds InotifyWaitEvents::NextPollInterval() {
  if (watcher_) return timings_.poll_interval;
  // No inotify: a fast poll keeps the hand-off within milliseconds. It backs
  // off a little so a long wait costs ~100 stat()s a second, not more.
  auto interval = fast_poll_;
  fast_poll_ = std::min(fast_poll_ + timings_.fast_poll_step, timings_.fast_poll_max);
  return interval;
}

int InotifyWaitEvents::Next(const std::string& file, std::optional<Clock::time_point> deadline) {
  if (!watcher_ && !inotify_failed_) {
    if (auto opened = inotify_.Get(); opened) {
      watcher_ = *opened;
    } else {
      // EMFILE here is fs.inotify.max_user_instances (128 per uid by default,
      // shared by every container of that uid on the node), not our fd limit.
      inotify_failed_ = true;
      fast_poll_ = timings_.fast_poll_min;
      LogWarning("{}: waiting with a {} ms poll instead{}", opened.error().message,
                 timings_.fast_poll_min.count(),
                 opened.error().sys_errno == EMFILE
                     ? " (raise the sysctl fs.inotify.max_user_instances on the node: 128 per "
                       "uid by default, shared by every container of that uid)"
                     : "");
    }
  }
  if (watcher_ && watcher_->WatchParentOf(file)) return 0;
  // The events of the last wake-up are discarded only now, and the caller
  // checks again before blocking (an event that came in between would be
  // discarded with them): when that wake-up was the file appearing, the
  // hand-off never paid for reading them.
  if (drain_pending_) {
    drain_pending_ = false;
    watcher_->Drain();
    return 0;
  }
  auto wait = NextPollInterval();
  if (deadline) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Now());
    wait = std::clamp(left, std::chrono::milliseconds(0), wait);
  }
  pollfd fds[] = {{watcher_ ? watcher_->fd() : -1, POLLIN, 0}, {signals_.fd(), POLLIN, 0}};
  int ready = RetryEintr([&] { return ::poll(fds, 2, static_cast<int>(wait.count())); });
  if (ready <= 0) return 0;
  if (fds[0].revents != 0) drain_pending_ = true;
  if (fds[1].revents != 0) {
    while (auto signo = signals_.TakePending()) {
      if (IsTerminatingSignal(*signo)) return *signo;
    }
  }
  return 0;
}

}  // namespace podstep
