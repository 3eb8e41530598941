#include "common/sys/termination_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/sys/file_util.h"
#include "common/sys/unique_fd.h"

namespace podstep {
namespace {

// Old content larger than any message the controller accepts (its
// decompressed limit) is not read on: it counts as unparsable, so it is
// replaced. The step writes this file too, and could fill it without end.
Result<std::string> ReadExisting(const std::string& path) {
  UniqueFd fd(RetryEintr([&] { return ::open(path.c_str(), O_RDONLY | O_CLOEXEC); }));
  if (!fd.valid()) {
    if (errno == ENOENT) return std::string();
    return Fail(ErrnoError("open"));
  }
  std::string content;
  char buffer[8192];
  for (;;) {
    const ssize_t n = RetryEintr([&] { return ::read(fd.get(), buffer, sizeof buffer); });
    if (n < 0) return Fail(ErrnoError("read"));
    if (n == 0) return content;
    content.append(buffer, static_cast<size_t>(n));
    if (content.size() > kMaxDecompressedBytes) return std::string();
  }
}

}  // namespace

Status WriteTerminationMessage(const std::string& path, const std::vector<RunResult>& entries,
                               bool compress) {
  const std::string context = "write termination message '" + path + "'";
  auto existing = ReadExisting(path);
  if (!existing) return Fail(existing.error().Wrap(context));
  auto message = BuildTerminationMessage(*existing, entries, compress);
  if (!message) return Fail(message.error());
  // Not O_TRUNC: on ext4 a truncating open (even of the empty file the
  // kubelet creates) makes close() start writeback of what was written
  // ("auto_da_alloc"), a block allocation and an I/O submission on every
  // step. The message is written from the start and a longer old content
  // is cut after it; the kubelet reads the file only after we exit.
  UniqueFd fd(
      RetryEintr([&] { return ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0666); }));
  if (!fd.valid()) return Fail(ErrnoError("open").Wrap(context));
  if (!WriteAll(fd.get(), *message)) return Fail(ErrnoError("write").Wrap(context));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Fail(ErrnoError("stat").Wrap(context));
  if (st.st_size > static_cast<off_t>(message->size()) &&
      ::ftruncate(fd.get(), static_cast<off_t>(message->size())) != 0) {
    return Fail(ErrnoError("truncate").Wrap(context));
  }
  // No fsync (the reference has one): the kubelet reads the file after the
  // container exits, from the same page cache, and a node crash loses the pod
  // anyway. A sync would add milliseconds to every step on a real disk.
  return {};
}

}  // namespace podstep
