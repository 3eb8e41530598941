#include "common/sys/tee_stream.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <array>

#include "common/parent_path.h"
#include "common/logging.h"
#include "common/sys/file_util.h"

namespace podstep {

Result<TeeStream> TeeStream::Open(const std::string& path, int own_fd) {
  TeeStream tee;
  tee.own_fd_ = own_fd;
  tee.path_ = path;
  // Only a regular file or /dev/null takes any write at once; a pipe,
  // socket or tty may block a large one even after POLLOUT.
  struct stat own {};
  if (::fstat(own_fd, &own) == 0) {
    const bool dev_null = S_ISCHR(own.st_mode) && own.st_rdev == makedev(1, 3);
    tee.own_is_stream_ = !(S_ISREG(own.st_mode) || dev_null);
  } else {
    tee.own_is_stream_ = true;
  }
  const std::string parent = ParentPath(path);
  if (!parent.empty()) {
    if (auto made = MakeDirs(parent); !made) {
      return Fail(made.error().Wrap("error creating parent directory"));
    }
  }
  tee.file_.Reset(RetryEintr(
      [&] { return ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644); }));
  if (!tee.file_.valid()) return Fail(ErrnoError("error opening " + path));
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Fail(ErrnoError("pipe"));
  tee.pipe_read_.Reset(fds[0]);
  tee.pipe_write_.Reset(fds[1]);
  ::fcntl(tee.pipe_read_.get(), F_SETFL, O_NONBLOCK);
  return tee;
}

void TeeStream::Pump(bool drain) {
  std::array<char, 65536> buffer;
  do {
    if (!drain && Backlog() >= kMaxBacklog) return;
    ssize_t n = RetryEintr([&] { return ::read(pipe_read_.get(), buffer.data(), buffer.size()); });
    if (n < 0 && errno == EAGAIN) break;
    if (n <= 0) {
      pipe_read_.Reset();
      break;
    }
    std::string_view chunk(buffer.data(), static_cast<size_t>(n));
    if (file_.valid() && !WriteAll(file_.get(), chunk)) {
      // The reference fails the step when the copy to the file fails; one
      // warning says so (a full disk gave one line per chunk, thousands).
      file_error_ = ErrnoError("write " + path_);
      LogWarning("{}: no more output is copied to it, the step will fail", file_error_->message);
      file_.Reset();
    }
    if (!own_failed_) {
      // What was written is dropped from the front now and then, so the
      // buffer stays near kMaxBacklog however long a slow reader lags.
      if (sent_ >= kMaxBacklog) {
        backlog_.erase(0, sent_);
        sent_ = 0;
      }
      backlog_.append(chunk);
    }
    Flush();
  } while (drain);
}

void TeeStream::Flush() {
  while (Backlog() > 0) {
    // poll() first: our fd is usually blocking and shared with others, so it
    // is not switched to O_NONBLOCK. After POLLOUT a pipe has a free page,
    // and a write of at most PIPE_BUF bytes then completes without blocking.
    // Files and /dev/null take any size (tee throughput).
    pollfd pfd{own_fd_, POLLOUT, 0};
    if (RetryEintr([&] { return ::poll(&pfd, 1, 0); }) <= 0) return;
    if ((pfd.revents & POLLOUT) == 0 && (pfd.revents & (POLLERR | POLLHUP | POLLNVAL)) == 0) {
      return;
    }
    const size_t size = own_is_stream_ ? std::min<size_t>(Backlog(), PIPE_BUF) : Backlog();
    ssize_t n = RetryEintr([&] { return ::write(own_fd_, backlog_.data() + sent_, size); });
    if (n < 0) {
      if (errno == EAGAIN) return;
      // EPIPE and the like: our reader is gone. The file copy goes on.
      own_failed_ = true;
      DropBacklog();
      return;
    }
    sent_ += static_cast<size_t>(n);
  }
  backlog_.clear();
  sent_ = 0;
}

size_t TeeStream::DropBacklog() {
  const size_t dropped = Backlog();
  backlog_.clear();
  sent_ = 0;
  return dropped;
}

}  // namespace podstep
