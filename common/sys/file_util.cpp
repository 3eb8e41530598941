#include "common/sys/file_util.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "common/parent_path.h"
#include "common/sys/unique_fd.h"

namespace podstep {

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        // An inherited non-blocking stdout: wait until it drains.
        pollfd pfd{fd, POLLOUT, 0};
        RetryEintr([&] { return ::poll(&pfd, 1, -1); });
        continue;
      }
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

namespace {

// Go's os.MkdirAll, step for step: stat, the parent, mkdir, and on failure
// an lstat that accepts a directory made meanwhile.
Status MakeDirsLikeGo(const std::string& path, mode_t mode) {
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0) {
    if (S_ISDIR(info.st_mode)) return {};
    return Fail(ErrnoError("mkdir " + path, ENOTDIR));
  }
  size_t end = path.size();
  while (end > 0 && path[end - 1] == '/') --end;
  size_t start = end;
  while (start > 0 && path[start - 1] != '/') --start;
  if (start > 1) {
    if (auto parent = MakeDirsLikeGo(path.substr(0, start - 1), mode); !parent) return parent;
  }
  if (::mkdir(path.c_str(), mode) != 0) {
    int err = errno;
    // "a/." and races with another creator end here with EEXIST.
    if (::lstat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) return {};
    return Fail(ErrnoError("mkdir " + path, err));
  }
  return {};
}

}  // namespace

Status MakeDirs(const std::string& path, mode_t mode) {
  // The usual cases first, one system call a level: the directory is new
  // (its parent exists, or is made the same way). Anything else (it exists,
  // an error) takes Go's sequence, so results and messages are Go's.
  if (::mkdir(path.c_str(), mode) == 0) return {};
  if (errno == ENOENT) {
    size_t end = path.size();
    while (end > 0 && path[end - 1] == '/') --end;
    size_t start = end;
    while (start > 0 && path[start - 1] != '/') --start;
    if (start > 1) {
      if (auto parent = MakeDirs(path.substr(0, start - 1), mode); !parent) return parent;
      if (::mkdir(path.c_str(), mode) == 0) return {};
    }
  }
  return MakeDirsLikeGo(path, mode);
}

namespace {

const char* FileTypeName(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISDIR(mode)) return "a directory";
  return "an unusual file";
}

}  // namespace

Result<std::optional<std::string>> ReadRegularFileIfExists(const std::string& path,
                                                           size_t max_bytes) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise block until a
  // writer comes, i.e. forever; the type is then checked on what was opened.
  UniqueFd fd(RetryEintr(
      [&] { return ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC); }));
  if (!fd.valid()) {
    if (errno == ENOENT) return std::optional<std::string>();
    return Fail(ErrnoError("open " + path));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Fail(ErrnoError("stat " + path));
  if (!S_ISREG(st.st_mode)) {
    return Fail(
        "refusing to read '" + path + "': " + FileTypeName(st.st_mode) + ", not a regular file",
        EINVAL);
  }
  auto too_large = [&] {
    return Fail(
        "refusing to read '" + path + "': larger than " + std::to_string(max_bytes) + " bytes",
        EFBIG);
  };
  if (static_cast<unsigned long long>(st.st_size) > max_bytes) return too_large();
  // Read to EOF but never past max_bytes + 1: the size can grow while we read.
  std::string content;
  char buffer[65536];
  for (;;) {
    const size_t want = std::min(sizeof buffer, max_bytes + 1 - content.size());
    const ssize_t n = RetryEintr([&] { return ::read(fd.get(), buffer, want); });
    if (n < 0) return Fail(ErrnoError("read " + path));
    if (n == 0) break;
    content.append(buffer, static_cast<size_t>(n));
    if (content.size() > max_bytes) return too_large();
  }
  return std::optional<std::string>(std::move(content));
}

Status WriteFileCreatingParents(const std::string& path, std::string_view content) {
  auto open_file = [&] {
    return UniqueFd(RetryEintr(
        [&] { return ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666); }));
  };
  // The parent usually exists: opened first, the parents made (and the
  // open retried) only when that failed, which gives the same errors as
  // making them first.
  UniqueFd fd = open_file();
  if (!fd.valid()) {
    const std::string parent = ParentPath(path);
    if (!parent.empty()) {
      if (auto made = MakeDirs(parent); !made) return made;
    }
    fd = open_file();
  }
  if (!fd.valid()) return Fail(ErrnoError("open " + path));
  if (!WriteAll(fd.get(), content)) return Fail(ErrnoError("write " + path));
  return {};
}

Result<std::optional<std::string>> ReadFileIfExists(const std::string& path) {
  UniqueFd fd(RetryEintr([&] { return ::open(path.c_str(), O_RDONLY | O_CLOEXEC); }));
  if (!fd.valid()) {
    if (errno == ENOENT) return std::optional<std::string>();
    return Fail(ErrnoError("open " + path));
  }
  std::string content;
  char buffer[65536];
  for (;;) {
    ssize_t n = RetryEintr([&] { return ::read(fd.get(), buffer, sizeof buffer); });
    if (n < 0) return Fail(ErrnoError("read " + path));
    if (n == 0) break;
    content.append(buffer, static_cast<size_t>(n));
  }
  return std::optional<std::string>(std::move(content));
}

}  // namespace podstep
