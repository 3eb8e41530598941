#pragma once
// A child process podsim answers for: killed (SIGKILL) and reaped when
// dropped, unless reaped before, so no container or probe outlives the
// object that started it, whatever path leaves it.

#include <sys/types.h>

#include <optional>

#include "common/error.h"
#include "common/sys/unique_fd.h"

namespace podstep::podsim {

class OwnedChild {
 public:
  /// Takes `pid` (a child of ours) and opens its pidfd; on failure the
  /// child is killed and reaped at once.
  static Result<OwnedChild> Adopt(pid_t pid);

  OwnedChild(OwnedChild&& other) noexcept;
  OwnedChild& operator=(OwnedChild&&) = delete;
  OwnedChild(const OwnedChild&) = delete;
  ~OwnedChild();

  [[nodiscard]] pid_t pid() const { return pid_; }
  /// Readable once the process ended (then TryWait()).
  [[nodiscard]] int pid_fd() const { return pid_fd_.get(); }
  [[nodiscard]] bool reaped() const { return reaped_; }

  /// The wait status once the process ended (reaping it); nullopt while it
  /// runs, and after it was reaped.
  std::optional<int> TryWait();
  /// Sends `signo` unless the process was reaped (its pid may be reused).
  void Signal(int signo) const;

 private:
  explicit OwnedChild(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
  bool reaped_ = false;
  UniqueFd pid_fd_;
};

}  // namespace podstep::podsim
