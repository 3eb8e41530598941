#pragma once
// Starting the step's command with the least work after the predecessor's
// post file appeared. Everything that does not depend on the predecessor —
// argv and envp arrays, the PATH candidates, which signals to reset, the
// /dev/null descriptor — is built first (before the wait); the spawn itself
// is one clone(CLONE_VM | CLONE_VFORK) whose child, on a stack in the
// caller's frame, makes a handful of system calls and execve()s.
//
// Why not posix_spawnp: glibc's child calls rt_sigaction for every one of
// the 64 signals (POSIX_SPAWN_SETSIGDEF, or a query per signal without it)
// and each spawn maps and unmaps a fresh stack; on this kind of VM that is
// a measurable part of the hand-off. We install no signal handlers (signals
// are read from a signalfd), so only signals set to SIG_IGN need resetting:
// exec resets handled ones itself.

#include <signal.h>
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/exec_search.h"
#include "common/sys/unique_fd.h"

namespace podstep {

class PreparedSpawn {
 public:
  /// Builds everything for running `argv` with `environment` ("NAME=value";
  /// nullopt: our own environ) and the signal mask `mask`, resolving
  /// argv[0] through our PATH like posix_spawnp. Fails only when a resource
  /// (/dev/null) cannot be had.
  static Result<PreparedSpawn> Build(std::vector<std::string> argv,
                                     std::optional<std::vector<std::string>> environment,
                                     const sigset_t& mask);

  PreparedSpawn(PreparedSpawn&&) noexcept;
  PreparedSpawn& operator=(PreparedSpawn&&) noexcept;
  PreparedSpawn(const PreparedSpawn&) = delete;
  PreparedSpawn& operator=(const PreparedSpawn&) = delete;
  ~PreparedSpawn() = default;

  /// True when this was built for exactly this command and environment.
  [[nodiscard]] bool Matches(const std::vector<std::string>& argv,
                             const std::optional<std::vector<std::string>>& environment) const {
    return argv == argv_ && environment == environment_;
  }

  /// Starts the command in a new process group, stdin from /dev/null,
  /// stdout/stderr from `stdout_fd`/`stderr_fd` (-1: ours), every ignored
  /// signal back to SIG_DFL and the mask given to Build. Returns the pid,
  /// or the exec error as posix_spawnp reports it, in sys_errno (the child
  /// is reaped).
  /// May be called more than once.
  [[nodiscard]] Result<pid_t> Spawn(int stdout_fd, int stderr_fd) const;

 private:
  PreparedSpawn() = default;

  std::vector<std::string> argv_;
  std::optional<std::vector<std::string>> environment_;
  std::vector<char*> argv_pointers_;
  std::vector<char*> envp_pointers_;  // empty: environ at spawn time
  ExecSearch search_;
  std::vector<const char*> candidate_pointers_;
  sigset_t mask_{};
  std::vector<int> ignored_signals_;
  UniqueFd dev_null_;
};

}  // namespace podstep
