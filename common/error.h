#pragma once
// Error values for library code: the library never exits the process for an
// expected failure, so the caller can still write `<post_file>.err`.

#include <cerrno>
#include <expected>
#include <string>
#include <string_view>

namespace podstep {

/// A failure with an optional errno and a one-line, human-readable message.
struct Error {
  int sys_errno = 0;
  std::string message;

  /// Returns a copy whose message is "<context>: <message>".
  [[nodiscard]] Error Wrap(std::string_view context) const;
};

/// Error from the current errno: "<what>: <GoErrnoText(errno)>".
[[nodiscard]] Error ErrnoError(std::string_view what);
/// Error from an explicit errno value.
[[nodiscard]] Error ErrnoError(std::string_view what, int err);

/// An errno as Go's syscall.Errno prints it ("no such file or directory";
/// "errno 1000" for a number without a text).
[[nodiscard]] std::string GoErrnoText(int err);

template <class T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

/// Shorthand for returning a failure from a function that returns Result/Status.
inline std::unexpected<Error> Fail(std::string message, int sys_errno = 0) {
  return std::unexpected(Error{sys_errno, std::move(message)});
}
inline std::unexpected<Error> Fail(Error error) { return std::unexpected(std::move(error)); }

}  // namespace podstep
