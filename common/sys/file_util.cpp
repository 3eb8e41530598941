#include "common/sys/file_util.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

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

Status MakeDirs(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return Fail(Error{ec.value(), "mkdir " + path + ": " + ec.message()});
  return {};
}

Status WriteFileCreatingParents(const std::string& path, std::string_view content) {
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    if (auto made = MakeDirs(parent.string()); !made) return made;
  }
  UniqueFd fd(RetryEintr(
      [&] { return ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666); }));
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
