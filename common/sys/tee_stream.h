#pragma once
// One tee'd stream of the command (-stdout_path / -stderr_path): the command
// writes into a pipe; each chunk goes to the log file, completely, and to our
// own stdout/stderr, without ever blocking there — a stalled reader of our
// output must not stall the timeout, the cancel check or signal forwarding.
//
// When our own stdout/stderr is a pipe (it is, in a container) the bytes
// never pass through our memory: tee(2) duplicates what is in the command's
// pipe into ours (page references, no copy), then splice(2) moves the same
// count into the file (one copy, into the page cache) by way of a relay
// pipe, so that the copy does not hold the command's pipe. The command's pipe,
// enlarged to 1 MiB, is then the backlog for a slow reader: while ours is
// full nothing is taken from it, and the command blocks when it fills, as
// it would without the tee. Otherwise (a file, /dev/null, a tty) a copy
// loop through a buffer does the same.

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
  [[nodiscard]] bool WantsInput() const {
    return open() && (zero_copy_ ? !own_full_ : Backlog() < kMaxBacklog);
  }
  /// Our own fd should be polled for POLLOUT.
  [[nodiscard]] bool WantsOutput() const { return zero_copy_ ? own_full_ : Backlog() > 0; }
  /// Bytes of the command's output not yet written to our own fd.
  [[nodiscard]] std::size_t Backlog() const;
  /// Whether the bytes go by tee/splice (our own fd is a pipe).
  [[nodiscard]] bool zero_copy() const { return zero_copy_; }

  /// Reads one chunk from the pipe (with `drain`: until it is empty, ignoring
  /// the backlog limit), writes it to the file and queues it for our own fd,
  /// then flushes what our fd takes. Closes the pipe at EOF.
  void Pump(bool drain);
  /// Writes as much of the backlog to our own fd as it takes without blocking.
  void Flush();
  /// Gives up on the backlog (our fd's reader is stalled): what is still for
  /// our own fd goes to the file only. Returns how many bytes that was.
  std::size_t DropBacklog();

  /// The first failed write to the file, if any: the file is then no longer
  /// written (one warning, not one per chunk) and the step fails.
  [[nodiscard]] const std::optional<Error>& file_error() const { return file_error_; }

 private:
  TeeStream() = default;

  void PumpZeroCopy(bool drain);
  // Moves `count` bytes from the head of the pipe to the file (or discards
  // them once the file failed), through the relay pipe when there is one.
  void PipeToFile(std::size_t count);
  // Moves `count` bytes from the pipe `from` to the file (or discards them).
  void MoveToFile(int from, std::size_t count);
  // Zero copy once our reader is gone: one chunk to the file through the
  // buffer; false when the pipe is empty for now or at EOF.
  bool CopyToFileOnly();
  void FileFailed();
  void PumpCopy(bool drain);
  void WriteToFile(std::string_view chunk);

  UniqueFd pipe_read_;
  UniqueFd pipe_write_;
  UniqueFd relay_read_;  // zero copy: the pipe the file's bytes pass (PipeToFile)
  UniqueFd relay_write_;
  UniqueFd file_;
  std::string path_;
  int own_fd_ = -1;
  std::string backlog_;  // bytes for own_fd_; backlog_[0, sent_) are written
  std::size_t sent_ = 0;
  bool own_failed_ = false;     // own_fd_ gave EPIPE or another error: copy dropped
  bool own_is_stream_ = false;  // not a file or /dev/null: written PIPE_BUF at a time
  bool zero_copy_ = false;      // our own fd is a pipe: tee(2) + splice(2)
  bool own_full_ = false;       // zero copy: our pipe had no room at the last tee
  bool splice_to_file_ = true;  // zero copy: false once the file refused splice
  std::optional<Error> file_error_;
};

}  // namespace podstep
