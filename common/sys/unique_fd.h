#pragma once
// RAII owner of a file descriptor, and the one EINTR-retry helper.

#include <unistd.h>

#include <cerrno>
#include <utility>

namespace podstep {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) Reset(std::exchange(other.fd_, -1));
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { Reset(); }

  [[nodiscard]] int get() const { return fd_; }
  [[nodiscard]] bool valid() const { return fd_ >= 0; }
  /// Gives up ownership without closing.
  int Release() { return std::exchange(fd_, -1); }
  void Reset(int fd = -1) {
    // close() is not retried on EINTR: on Linux the fd is gone either way.
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

/// Calls `fn` until it does not fail with EINTR; returns its last result.
template <class Fn>
auto RetryEintr(Fn&& fn) {
  for (;;) {
    auto result = fn();
    if (!(result == -1 && errno == EINTR)) return result;
  }
}

}  // namespace podstep
