#include "common/sys/tee_stream.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <array>

#include "common/logging.h"
#include "common/parent_path.h"
#include "common/sys/file_util.h"

namespace podstep {
namespace {

// The command's pipe is enlarged to this when the kernel lets us
// (/proc/sys/fs/pipe-max-size, 1 MiB by default): fewer wake-ups of the
// command and of us per byte, and room for a slow reader of our output.
constexpr int kPipeSize = 1 << 20;
// Most bytes moved by one tee()/splice() (a whole 1 MiB pipe).
constexpr std::size_t kSpliceChunk = 1 << 20;
// Chunks moved per wake-up at most, outside the final drain.
constexpr int kRoundsPerPump = 16;

std::size_t BytesInPipe(int fd) {
  int count = 0;
  return ::ioctl(fd, FIONREAD, &count) == 0 && count > 0 ? static_cast<std::size_t>(count) : 0;
}

}  // namespace

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
    tee.zero_copy_ = S_ISFIFO(own.st_mode);
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
  // Refused above the user's pipe quota (pipe-user-pages-soft): then the
  // default 64 KiB it is.
  ::fcntl(tee.pipe_read_.get(), F_SETPIPE_SZ, kPipeSize);
  if (tee.zero_copy_) {
    // Our own pipe too: each tee() moves at most what it has room for, so a
    // 64 KiB pipe meant 16 times the system calls and wake-ups per MiB. Its
    // pages are allocated only as they fill; refused over the quota.
    ::fcntl(own_fd, F_SETPIPE_SZ, kPipeSize);
    // splice(2) refuses an O_APPEND file: the flag is dropped from our
    // descriptor (it is ours alone) and every splice goes to the current
    // end (lseek), which is what O_APPEND did for each write.
    const int flags = ::fcntl(tee.file_.get(), F_GETFL);
    if (flags < 0 || ::fcntl(tee.file_.get(), F_SETFL, flags & ~O_APPEND) != 0) {
      tee.splice_to_file_ = false;
    }
    // The relay between the command's pipe and the file (PipeToFile); as
    // large, so one move takes what one tee() gave. Without it (no pipe to
    // be had), the file is spliced straight from the command's pipe.
    int relay[2];
    if (tee.splice_to_file_ && ::pipe2(relay, O_CLOEXEC | O_NONBLOCK) == 0) {
      tee.relay_read_.Reset(relay[0]);
      tee.relay_write_.Reset(relay[1]);
      ::fcntl(relay[0], F_SETPIPE_SZ, kPipeSize);
    }
  }
  return tee;
}

std::size_t TeeStream::Backlog() const {
  if (!zero_copy_) return backlog_.size() - sent_;
  return own_full_ && pipe_read_.valid() ? BytesInPipe(pipe_read_.get()) : 0;
}

void TeeStream::Pump(bool drain) {
  if (zero_copy_) {
    PumpZeroCopy(drain);
  } else {
    PumpCopy(drain);
  }
}

void TeeStream::FileFailed() {
  // The reference fails the step when the copy to the file fails; one
  // warning says so (a full disk gave one line per chunk, thousands).
  file_error_ = ErrnoError("write " + path_);
  LogWarning("{}: no more output is copied to it, the step will fail", file_error_->message);
  file_.Reset();
}

void TeeStream::PipeToFile(std::size_t count) {
  // Through the relay pipe: splice(2) from a pipe into a file holds that
  // pipe's lock for the whole copy into the page cache, and the command's
  // writes wait on the same lock, so the two copies took turns (0.8 x the
  // speed of the command writing the file itself). Moving the bytes into
  // the relay first takes the command's pipe only for handing over page
  // references; the copy then runs under the relay's lock, beside the
  // command's next writes (1.2 x).
  while (count > 0 && relay_read_.valid() && file_.valid() && splice_to_file_) {
    const ssize_t moved = RetryEintr([&] {
      return ::splice(pipe_read_.get(), nullptr, relay_write_.get(), nullptr, count,
                      SPLICE_F_NONBLOCK);
    });
    if (moved <= 0) break;  // straight from the command's pipe, below
    MoveToFile(relay_read_.get(), static_cast<size_t>(moved));
    count -= static_cast<size_t>(moved);
  }
  MoveToFile(pipe_read_.get(), count);
}

void TeeStream::MoveToFile(int from, std::size_t count) {
  std::array<char, 65536> buffer;
  while (count > 0) {
    ssize_t n = -1;
    if (file_.valid() && splice_to_file_) {
      // To the end, as O_APPEND would (see Open); both streams may name the
      // same file, and each splice lands after the other's.
      ::lseek(file_.get(), 0, SEEK_END);
      n = RetryEintr([&] { return ::splice(from, nullptr, file_.get(), nullptr, count, 0); });
      if (n < 0 && errno == EINVAL) {
        // A file that does not take splice (e.g. /dev/full, some FUSE
        // files): copied through the buffer from now on, with O_APPEND back.
        splice_to_file_ = false;
        const int flags = ::fcntl(file_.get(), F_GETFL);
        if (flags >= 0) ::fcntl(file_.get(), F_SETFL, flags | O_APPEND);
        continue;
      }
      // The bytes stay in the pipe and are read and dropped next round.
      if (n < 0) FileFailed();
      if (n < 0) continue;
    } else {
      // Through the buffer; once the file failed, only dropped.
      n = RetryEintr([&] { return ::read(from, buffer.data(), std::min(buffer.size(), count)); });
      if (n > 0) WriteToFile(std::string_view(buffer.data(), static_cast<size_t>(n)));
    }
    if (n <= 0) return;  // the pipe is empty after all: nothing left to move
    count -= static_cast<size_t>(n);
  }
}

bool TeeStream::CopyToFileOnly() {
  std::array<char, 65536> buffer;
  const ssize_t n =
      RetryEintr([&] { return ::read(pipe_read_.get(), buffer.data(), buffer.size()); });
  if (n == 0) pipe_read_.Reset();  // EOF
  if (n <= 0) return false;        // or empty for now (EAGAIN)
  WriteToFile(std::string_view(buffer.data(), static_cast<size_t>(n)));
  return true;
}

void TeeStream::PumpZeroCopy(bool drain) {
  // What arrived while a chunk was moved is taken at once, not after another
  // poll(): a command writing 8 KiB at a time would otherwise cost one
  // wake-up per write. Bounded, so a command faster than us cannot keep the
  // supervision loop (signals, timeout, cancel) from its turn.
  for (int round = 0; drain || round < kRoundsPerPump; ++round) {
    if (!pipe_read_.valid() || own_full_) return;
    if (own_failed_) {
      // Our reader is gone: the file alone gets the output.
      if (!CopyToFileOnly()) return;
      continue;
    }
    const ssize_t n = RetryEintr(
        [&] { return ::tee(pipe_read_.get(), own_fd_, kSpliceChunk, SPLICE_F_NONBLOCK); });
    if (n > 0) {
      // The same bytes, still at the head of the command's pipe, to the file.
      PipeToFile(static_cast<size_t>(n));
      continue;
    }
    if (n == 0) {
      pipe_read_.Reset();  // EOF: no data and no writer left
      return;
    }
    if (errno == EAGAIN) {
      // Either the command's pipe is empty or ours is full.
      if (BytesInPipe(pipe_read_.get()) > 0) own_full_ = true;
      return;
    }
    // EPIPE and the like: our reader is gone. The file copy goes on.
    own_failed_ = true;
  }
}

void TeeStream::WriteToFile(std::string_view chunk) {
  if (!file_.valid()) return;
  // Without O_APPEND (dropped for splice), at the end by hand.
  if (zero_copy_ && splice_to_file_) ::lseek(file_.get(), 0, SEEK_END);
  if (!WriteAll(file_.get(), chunk)) FileFailed();
}

void TeeStream::PumpCopy(bool drain) {
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
    WriteToFile(chunk);
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
  if (zero_copy_) {
    // POLLOUT (or an error) on our pipe: room again, or a reader gone,
    // which the next tee() tells.
    own_full_ = false;
    if (pipe_read_.valid()) PumpZeroCopy(false);
    return;
  }
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
  if (zero_copy_) {
    // What waits in the command's pipe for our stalled reader goes to the
    // file, so the file is complete.
    const size_t dropped = own_full_ && pipe_read_.valid() ? BytesInPipe(pipe_read_.get()) : 0;
    if (dropped > 0) PipeToFile(dropped);
    own_full_ = false;
    own_failed_ = true;
    return dropped;
  }
  const size_t dropped = Backlog();
  backlog_.clear();
  sent_ = 0;
  return dropped;
}

}  // namespace podstep
