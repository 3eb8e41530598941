#pragma once
// One tee'd stream of the command (-stdout_path / -stderr_path): the command
// writes into a pipe; each chunk goes to the log file, completely, and to our
// own stdout/stderr, without ever blocking there — a stalled reader of our
// output must not stall the timeout, the cancel check or signal forwarding.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"
#include "common/sys/unique_fd.h"

namespace podstep {

class TeeStream {
 public:
  /// Our copy of the output waiting for a slow reader of `own_fd` is held to
  /// this size; beyond it the pipe is not read, so the command blocks on its
  /// writes as it would without the tee.
  static constexpr std::size_t kMaxBacklog = 256 * 1024;

  /// Creates the parent directories, opens `path` (O_APPEND, 0644) and a
  /// pipe whose write end is for the command. `own_fd` is 1 or 2.
  static Result<TeeStream> Open(const std::string& path, int own_fd);

  [[nodiscard]] int child_fd() const { return pipe_write_.get(); }
  /// Closes our copy of the command's end (after the spawn), so EOF comes.
  void CloseChildEnd() { pipe_write_.Reset(); }

  /// The pipe is still open (no EOF yet).
  [[nodiscard]] bool open() const { return pipe_read_.valid(); }
  [[nodiscard]] int read_fd() const { return pipe_read_.get(); }
  [[nodiscard]] int own_fd() const { return own_fd_; }
  /// The pipe should be polled for input: open, and the backlog has room.
  [[nodiscard]] bool WantsInput() const { return open() && Backlog() < kMaxBacklog; }
  /// Our own fd should be polled for POLLOUT.
  [[nodiscard]] bool WantsOutput() const { return Backlog() > 0; }
  [[nodiscard]] std::size_t Backlog() const { return backlog_.size() - sent_; }

  /// Reads one chunk from the pipe (with `drain`: until it is empty, ignoring
  /// the backlog limit), writes it to the file and queues it for our own fd,
  /// then flushes what our fd takes. Closes the pipe at EOF.
  void Pump(bool drain);
  /// Writes as much of the backlog to our own fd as it takes without blocking.
  void Flush();
  /// Gives up on the backlog (our fd's reader is stalled); returns its size.
  std::size_t DropBacklog();

  /// The first failed write to the file, if any: the file is then no longer
  /// written (one warning, not one per chunk) and the step fails.
  [[nodiscard]] const std::optional<Error>& file_error() const { return file_error_; }

 private:
  TeeStream() = default;

  UniqueFd pipe_read_;
  UniqueFd pipe_write_;
  UniqueFd file_;
  std::string path_;
  int own_fd_ = -1;
  std::string backlog_;  // bytes for own_fd_; backlog_[0, sent_) are written
  std::size_t sent_ = 0;
  bool own_failed_ = false;     // own_fd_ gave EPIPE or another error: copy dropped
  bool own_is_stream_ = false;  // not a file or /dev/null: written PIPE_BUF at a time
  std::optional<Error> file_error_;
};

}  // namespace podstep
