#include "common/sys/prepared_spawn.h"
#include "common/sys/exec_arrays.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <utility>

extern char** environ;

namespace podstep {
namespace {

// The kernel's struct for rt_sigaction(2): glibc's sigaction() refuses its
// two internal signals (32, 33), which an ignoring parent may still have
// left SIG_IGN for us — and SIG_IGN survives exec.
struct KernelSigaction {
  void (*handler)(int);
  unsigned long flags;
  void (*restorer)();
  unsigned long mask;
};

constexpr int kMaxSignal = 64;
// The child's stack lives in Spawn()'s frame, as musl's posix_spawn keeps
// it: we are suspended (CLONE_VFORK) while the child uses it. A mapping of
// its own would cost an mmap and, worse, an munmap whose TLB flush
// interrupts the CPU the child ran on (an IPI, a VM exit on a VM).
constexpr size_t kStackSize = 32 * 1024;

bool IsIgnored(int signo) {
  KernelSigaction old{};
  if (::syscall(SYS_rt_sigaction, signo, nullptr, &old, sizeof old.mask) != 0) return false;
  return old.handler == SIG_IGN;
}

struct ChildArgs {
  int dev_null;
  int stdout_fd;
  int stderr_fd;
  const std::vector<int>* ignored;
  const sigset_t* mask;
  const std::vector<const char*>* candidates;
  bool searches_path;
  char* const* argv;
  char* const* envp;
  int exec_errno;  // written by the child, read by the parent after the vfork
};

// Puts `fd` on `target` for the exec: dup2 clears close-on-exec on the copy;
// when it is already there, the flag is cleared by hand (our fds are all
// close-on-exec, so the command would otherwise lose it).
__attribute__((no_sanitize("address"))) void PlaceFd(int fd, int target) {
  if (fd == target) {
    ::fcntl(fd, F_SETFD, 0);
  } else {
    ::dup2(fd, target);
  }
}

// The child, on a stack in Spawn()'s frame, sharing our memory until it execs: only
// system calls, no allocation, no locks. Our signals are all blocked or
// default (no handlers), so nothing runs in between.
//
// Not instrumented by AddressSanitizer: its stack bookkeeping (shadow
// poisoning of this frame, shared with the parent through CLONE_VM) would
// outlive the frame, which is never returned from.
__attribute__((no_sanitize("address"))) int ChildMain(void* raw) {
  auto* args = static_cast<ChildArgs*>(raw);
  ::setpgid(0, 0);
  PlaceFd(args->dev_null, 0);
  if (args->stdout_fd >= 0) PlaceFd(args->stdout_fd, 1);
  if (args->stderr_fd >= 0) PlaceFd(args->stderr_fd, 2);
  const KernelSigaction default_action{SIG_DFL, 0, nullptr, 0};
  for (int signo : *args->ignored) {
    ::syscall(SYS_rt_sigaction, signo, &default_action, nullptr, sizeof default_action.mask);
  }
  ::syscall(SYS_rt_sigprocmask, SIG_SETMASK, args->mask, nullptr, kMaxSignal / 8);
  bool saw_eacces = false;
  int last_errno = ENOENT;
  for (const char* candidate : *args->candidates) {
    ::execve(candidate, args->argv, args->envp);
    last_errno = errno;
    if (!args->searches_path || !ExecErrorContinues(last_errno)) {
      args->exec_errno = last_errno;
      ::_exit(127);
    }
    saw_eacces = saw_eacces || last_errno == EACCES;
  }
  args->exec_errno = FoldExecErrors(saw_eacces, last_errno);
  ::_exit(127);
}

}  // namespace

Result<PreparedSpawn> PreparedSpawn::Build(std::vector<std::string> argv,
                                           std::optional<std::vector<std::string>> environment,
                                           const sigset_t& mask) {
  PreparedSpawn plan;
  plan.argv_ = std::move(argv);
  plan.environment_ = std::move(environment);
  plan.argv_pointers_ = ExecArray(plan.argv_);
  if (plan.environment_) plan.envp_pointers_ = ExecArray(*plan.environment_);
  plan.search_ = BuildExecSearch(plan.argv_.empty() ? "" : plan.argv_[0], std::getenv("PATH"));
  for (const auto& candidate : plan.search_.candidates) {
    plan.candidate_pointers_.push_back(candidate.c_str());
  }
  plan.mask_ = mask;
  for (int signo = 1; signo <= kMaxSignal; ++signo) {
    if (signo != SIGKILL && signo != SIGSTOP && IsIgnored(signo)) {
      plan.ignored_signals_.push_back(signo);
    }
  }
  plan.dev_null_.Reset(RetryEintr([] { return ::open("/dev/null", O_RDONLY | O_CLOEXEC); }));
  if (!plan.dev_null_.valid()) return Fail(ErrnoError("open /dev/null"));
  return plan;
}

PreparedSpawn::PreparedSpawn(PreparedSpawn&& other) noexcept { *this = std::move(other); }

PreparedSpawn& PreparedSpawn::operator=(PreparedSpawn&& other) noexcept {
  if (this == &other) return *this;
  argv_ = std::move(other.argv_);
  environment_ = std::move(other.environment_);
  // Moving a vector keeps its buffer, so the pointers into the strings stay
  // valid (moved strings of SSO size would not: rebuild them).
  argv_pointers_ = ExecArray(argv_);
  envp_pointers_.clear();
  if (environment_) envp_pointers_ = ExecArray(*environment_);
  search_ = std::move(other.search_);
  candidate_pointers_.clear();
  for (const auto& candidate : search_.candidates) candidate_pointers_.push_back(candidate.c_str());
  mask_ = other.mask_;
  ignored_signals_ = std::move(other.ignored_signals_);
  dev_null_ = std::move(other.dev_null_);
  return *this;
}

Result<pid_t> PreparedSpawn::Spawn(int stdout_fd, int stderr_fd) const {
  if (search_.immediate_errno != 0) return Fail(ErrnoError("exec", search_.immediate_errno));
  ChildArgs args{dev_null_.get(),
                 stdout_fd,
                 stderr_fd,
                 &ignored_signals_,
                 &mask_,
                 &candidate_pointers_,
                 search_.searches_path,
                 argv_pointers_.data(),
                 environment_ ? envp_pointers_.data() : environ,
                 0};
  alignas(64) char stack[kStackSize];
  char* stack_top = stack + sizeof stack;
  // CLONE_VFORK: we are suspended until the child execs or exits, so `args`
  // (on our stack) and its exec_errno are safe to share.
  const int pid = ::clone(ChildMain, stack_top, CLONE_VM | CLONE_VFORK | SIGCHLD, &args);
  if (pid < 0) return Fail(ErrnoError("clone"));
  if (args.exec_errno != 0) {
    RetryEintr([&] { return ::waitpid(pid, nullptr, 0); });
    return Fail(ErrnoError("exec", args.exec_errno));
  }
  return pid;
}

}  // namespace podstep
