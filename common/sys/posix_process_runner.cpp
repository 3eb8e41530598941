#include "common/signal_names.h"
#include "common/sys/posix_process_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <optional>

#include "common/deadline.h"
#include "common/logging.h"
#include "common/sys/file_util.h"
#include "common/sys/tee_stream.h"
#include "common/sys/exec_arrays.h"

extern char** environ;

namespace podstep {
namespace {

using Clock = std::chrono::steady_clock;

bool WriteIdMap(pid_t pid, const char* file) {
  std::string path = "/proc/" + std::to_string(pid) + "/" + file;
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  return fd.valid() && WriteAll(fd.get(), "0 0 4294967295\n");
}

// TEKTON_HERMETIC: new user, mount, PID and network namespaces, ids mapped
// 1:1, as the reference does. clone() is used like fork(); the child only
// waits for its id maps, sets up fds and execs, reporting failure through a
// close-on-exec pipe.
Result<pid_t> SpawnHermetic(const std::vector<std::string>& argv, char** envp, const sigset_t& mask,
                            const std::optional<TeeStream>& out,
                            const std::optional<TeeStream>& err) {
  int go_pipe[2];
  int error_pipe[2];
  if (::pipe2(go_pipe, O_CLOEXEC) != 0) return Fail(ErrnoError("pipe"));
  UniqueFd go_read(go_pipe[0]), go_write(go_pipe[1]);
  if (::pipe2(error_pipe, O_CLOEXEC) != 0) return Fail(ErrnoError("pipe"));
  UniqueFd error_read(error_pipe[0]), error_write(error_pipe[1]);
  auto pointers = ExecArray(argv);

  long pid =
      ::syscall(SYS_clone, CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | SIGCHLD,
                nullptr, nullptr, nullptr, nullptr);
  if (pid < 0) return Fail(ErrnoError("clone with new namespaces (TEKTON_HERMETIC)"));
  if (pid == 0) {
    char go = 0;
    if (::read(go_read.get(), &go, 1) != 1) _exit(127);
    ::setpgid(0, 0);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    if (out) ::dup2(out->child_fd(), 1);
    if (err) ::dup2(err->child_fd(), 2);
    // As POSIX_SPAWN_SETSIGDEF does in SpawnPlain (no handlers are installed,
    // so only ignored signals differ from the default).
    for (int signo = 1; signo < NSIG; ++signo) ::signal(signo, SIG_DFL);
    ::sigprocmask(SIG_SETMASK, &mask, nullptr);
    ::execvpe(pointers[0], pointers.data(), envp);
    int exec_errno = errno;
    (void)!::write(error_write.get(), &exec_errno, sizeof exec_errno);
    _exit(127);
  }
  error_write.Reset();
  go_read.Reset();
  auto reap = [&] { RetryEintr([&] { return ::waitpid(static_cast<pid_t>(pid), nullptr, 0); }); };
  if (!WriteIdMap(static_cast<pid_t>(pid), "uid_map") ||
      !WriteIdMap(static_cast<pid_t>(pid), "gid_map")) {
    Error error = ErrnoError("write id maps for TEKTON_HERMETIC");
    ::kill(static_cast<pid_t>(pid), SIGKILL);
    reap();
    return Fail(error);
  }
  (void)WriteAll(go_write.get(), "g");
  go_write.Reset();
  int exec_errno = 0;
  if (RetryEintr([&] { return ::read(error_read.get(), &exec_errno, sizeof exec_errno); }) ==
      static_cast<ssize_t>(sizeof exec_errno)) {
    reap();
    return Fail(DescribeStartError(argv[0], exec_errno), exec_errno);
  }
  return static_cast<pid_t>(pid);
}

bool HasContent(const std::string& path) {
  struct stat st {};
  return !path.empty() && ::stat(path.c_str(), &st) == 0 && st.st_size > 0;
}

}  // namespace

std::string DescribeStartError(const std::string& command, int err) {
  if (err == ENOENT && command.find('/') == std::string::npos) {
    return "exec: \"" + command + "\": executable file not found in $PATH";
  }
  return "fork/exec " + command + ": " + GoErrnoText(err);
}

namespace {

// Watches one running command: forwards signals, reaps (the command and any
// orphans), enforces the timeout and the cancel file, pumps the tee pipes.
class Supervision {
 public:
  Supervision(const RunRequest& request, pid_t child, std::optional<TeeStream>& out,
              std::optional<TeeStream>& err, SignalChannel& signals, const RunnerTimings& timings,
              Clock::time_point started, LazyDirWatcher* wait_watches)
      : request_(request),
        child_(child),
        out_(out),
        err_(err),
        signals_(signals),
        timings_(timings),
        wait_watches_(wait_watches) {
    timeout_at_ = DeadlineAfter<Clock>(started, request.timeout);
    fast_cancel_poll_at_ = started + timings.cancel_fast_poll_after;
    if (wait_watches_ != nullptr && wait_watches_->opened()) {
      release_watches_at_ = Clock::now() + timings.release_watches_after;
    }
  }

  RunOutcome Run() {
    if (CancelMayHaveChanged(Clock::now()) && HasContent(request_.cancel_file)) {
      Stop(RunOutcome::kCancelled);
    }
    while (!Finished()) {
      // The pipes are read only while our copy has room, and our own fds
      // are written only when poll() says they take data: a stalled reader
      // of our stdout blocks the command's writes, never this loop.
      std::array<pollfd, 5> fds{};
      fds[0] = {signals_.fd(), POLLIN, 0};
      fds[1] = {out_ && out_->WantsInput() ? out_->read_fd() : -1, POLLIN, 0};
      fds[2] = {err_ && err_->WantsInput() ? err_->read_fd() : -1, POLLIN, 0};
      fds[3] = {out_ && out_->WantsOutput() ? out_->own_fd() : -1, POLLOUT, 0};
      fds[4] = {err_ && err_->WantsOutput() ? err_->own_fd() : -1, POLLOUT, 0};
      const timespec timeout = PollTimeout();
      const int ready =
          RetryEintr([&] { return ::ppoll(fds.data(), fds.size(), &timeout, nullptr); });
      if (fds[0].revents != 0) ForwardSignals();
      if (fds[3].revents != 0) out_->Flush();
      if (fds[4].revents != 0) err_->Flush();
      if (fds[1].revents != 0) out_->Pump(false);
      if (fds[2].revents != 0) err_->Pump(false);
      // Every exit of a child (ours or an orphan) leaves a SIGCHLD pending
      // on the signalfd (coalesced ones included: Reap() loops), so reaping
      // is needed only after signals or a timeout — not on each of the
      // thousands of wake-ups a tee'd stream makes.
      if (ready <= 0 || fds[0].revents != 0) Reap();
      CheckDeadlines();
      if (release_watches_at_ && (wait_status_ || Clock::now() >= *release_watches_at_)) {
        ReleaseWatches();
      }
    }
    ReleaseWatches();
    DropUnwrittenOutput();
    RunOutcome outcome = stopped_by_ != RunOutcome::kExited ? RunOutcome::Stopped(stopped_by_)
                         : WIFSIGNALED(*wait_status_)
                             ? RunOutcome::Signaled(WTERMSIG(*wait_status_))
                             : RunOutcome::Exited(WEXITSTATUS(*wait_status_));
    for (const auto* tee : {&out_, &err_}) {
      if (*tee && (*tee)->file_error() && outcome.output_error.message.empty()) {
        outcome.output_error = *(*tee)->file_error();
      }
    }
    return outcome;
  }

 private:
  bool OutputOpen() const { return (out_ && out_->open()) || (err_ && err_->open()); }
  bool OutputPending() const {
    return (out_ && out_->WantsOutput()) || (err_ && err_->WantsOutput());
  }

  // Done once the command is reaped and its output is drained: to EOF, or
  // for at most output_linger when descendants keep the pipes open; and our
  // own stdout/stderr took the rest of our copy, or output_flush passed.
  bool Finished() {
    if (!wait_status_) return false;
    if (!linger_at_) {
      // Whatever the command wrote before exiting is in the pipe now.
      if (out_ && out_->open()) out_->Pump(true);
      if (err_ && err_->open()) err_->Pump(true);
      const auto now = Clock::now();
      linger_at_ = now + timings_.output_linger;
      // A stopped step has made its user wait long enough.
      flush_until_ = now + (stopped_by_ == RunOutcome::kExited ? timings_.output_flush
                                                               : timings_.output_linger);
    }
    const auto now = Clock::now();
    if (OutputOpen() && now < *linger_at_) return false;
    return !OutputPending() || now >= *flush_until_;
  }

  // The file copies are complete; what our own stdout/stderr did not take
  // within the bound is dropped, with a warning.
  void DropUnwrittenOutput() {
    for (auto* tee : {&out_, &err_}) {
      if (!*tee) continue;
      if (size_t dropped = (*tee)->DropBacklog(); dropped > 0) {
        LogWarning(
            "{} bytes of the command's output were not copied to our {}: its reader is stalled",
            dropped, (*tee)->own_fd() == 1 ? "stdout" : "stderr");
      }
    }
  }

  timespec PollTimeout() const {
    const auto now = Clock::now();
    auto until = [&](Clock::time_point at) {
      return std::max(std::chrono::duration_cast<std::chrono::nanoseconds>(at - now),
                      std::chrono::nanoseconds(0));
    };
    std::optional<Clock::time_point> deadline =
        wait_status_ ? (OutputOpen() ? linger_at_ : flush_until_)
                     : (stopped_by_ == RunOutcome::kExited ? timeout_at_ : kill_at_);
    std::chrono::nanoseconds wait = std::chrono::seconds(60);
    if (!request_.cancel_file.empty() && !wait_status_ && stopped_by_ == RunOutcome::kExited) {
      wait = std::min(wait, until(next_cancel_poll_));
    }
    if (deadline) wait = std::min(wait, until(*deadline));
    if (release_watches_at_) wait = std::min(wait, until(*release_watches_at_));
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(wait);
    return {static_cast<time_t>(seconds.count()), static_cast<long>((wait - seconds).count())};
  }

  void ReleaseWatches() {
    if (!release_watches_at_) return;
    release_watches_at_.reset();
    wait_watches_->RemoveWatches();
  }

  void ForwardSignals() {
    while (auto signo = signals_.TakePending()) {
      if (*signo == SIGCHLD || wait_status_) continue;
      if (::kill(-child_, *signo) != 0 && errno != ESRCH) {
        LogWarning("forward {} to the command: {}", SignalName(*signo), GoErrnoText(errno));
      }
    }
  }

  void Reap() {
    for (;;) {
      int status = 0;
      pid_t pid = ::waitpid(-1, &status, WNOHANG);
      if (pid <= 0) return;
      // Orphans re-parented to us (PID 1 or subreaper) are reaped here too;
      // only the command's own status is kept.
      if (pid != child_) continue;
      wait_status_ = status;
      // After a timeout or cancel nothing of the group may outlive the step.
      if (stopped_by_ != RunOutcome::kExited) ::kill(-child_, SIGKILL);
    }
  }

  void CheckDeadlines() {
    if (wait_status_) return;
    auto now = Clock::now();
    if (stopped_by_ == RunOutcome::kExited) {
      if (timeout_at_ && now >= *timeout_at_) {
        Stop(RunOutcome::kTimedOut);
      } else if (CancelMayHaveChanged(now) && HasContent(request_.cancel_file)) {
        Stop(RunOutcome::kCancelled);
      }
    } else if (kill_at_ && now >= *kill_at_) {
      ::kill(-child_, SIGKILL);
      kill_at_.reset();
    }
  }

  // Whether the cancel file is due for a stat(): every poll_interval while
  // the command is young, every cancel_fast_poll once it has run for
  // cancel_fast_poll_after (see RunnerTimings for why not inotify).
  bool CancelMayHaveChanged(Clock::time_point now) {
    if (request_.cancel_file.empty() || now < next_cancel_poll_) return false;
    next_cancel_poll_ = now + (now >= fast_cancel_poll_at_ ? timings_.cancel_fast_poll
                                                           : timings_.poll_interval);
    if (now < fast_cancel_poll_at_) next_cancel_poll_ = std::min(next_cancel_poll_, fast_cancel_poll_at_);
    return true;
  }

  void Stop(RunOutcome::End reason) {
    stopped_by_ = reason;
    ::kill(-child_, SIGTERM);
    kill_at_ = Clock::now() + timings_.kill_grace;
  }

  const RunRequest& request_;
  const pid_t child_;
  std::optional<TeeStream>& out_;
  std::optional<TeeStream>& err_;
  SignalChannel& signals_;
  const RunnerTimings& timings_;
  LazyDirWatcher* wait_watches_;                        // removed at release_watches_at_
  std::optional<Clock::time_point> release_watches_at_;  // see RunnerTimings
  Clock::time_point fast_cancel_poll_at_;  // from then on the cancel file is polled fast
  Clock::time_point next_cancel_poll_{};   // the cancel file's next stat()
  std::optional<Clock::time_point> timeout_at_;
  std::optional<Clock::time_point> kill_at_;      // SIGKILL after the grace
  std::optional<Clock::time_point> linger_at_;    // stop waiting for output EOF
  std::optional<Clock::time_point> flush_until_;  // stop writing our own stdout/stderr
  std::optional<int> wait_status_;
  RunOutcome::End stopped_by_ = RunOutcome::kExited;  // kTimedOut/kCancelled once decided
};

}  // namespace

void PosixProcessRunner::Prepare(const RunRequest& request) {
  if (request.hermetic || request.argv.empty() || request.argv[0].empty()) return;
  // A failure here (no memory, no /dev/null) is met again, and reported, by Run().
  if (auto built =
          PreparedSpawn::Build(request.argv, request.environment, signals_.original_mask())) {
    prepared_.emplace(std::move(*built));
  }
}

RunOutcome PosixProcessRunner::Run(const RunRequest& request) {
  if (request.argv.empty() || request.argv[0].empty()) {
    return RunOutcome::StartFailed(Error{0, "no command to run"});
  }
  std::optional<TeeStream> out, err;
  if (!request.stdout_path.empty()) {
    auto tee = TeeStream::Open(request.stdout_path, 1);
    if (!tee) return RunOutcome::StartFailed(tee.error());
    out = std::move(*tee);
  }
  if (!request.stderr_path.empty()) {
    auto tee = TeeStream::Open(request.stderr_path, 2);
    if (!tee) return RunOutcome::StartFailed(tee.error());
    err = std::move(*tee);
  }

  const auto started = Clock::now();
  Result<pid_t> spawned;
  if (request.hermetic) {
    std::vector<char*> envp_storage;
    char** envp = environ;
    if (request.environment) {
      envp_storage = ExecArray(*request.environment);
      envp = envp_storage.data();
    }
    spawned = SpawnHermetic(request.argv, envp, signals_.original_mask(), out, err);
  } else {
    if (!prepared_ || !prepared_->Matches(request.argv, request.environment)) {
      auto built = PreparedSpawn::Build(request.argv, request.environment,
                                        signals_.original_mask());
      if (!built) return RunOutcome::StartFailed(built.error());
      prepared_.emplace(std::move(*built));
    }
    spawned = prepared_->Spawn(out ? out->child_fd() : -1, err ? err->child_fd() : -1);
    if (!spawned && spawned.error().sys_errno != 0) {
      const int exec_errno = spawned.error().sys_errno;
      spawned = Fail(DescribeStartError(request.argv[0], exec_errno), exec_errno);
    }
  }
  if (!spawned) return RunOutcome::StartFailed(spawned.error());
  if (out) out->CloseChildEnd();
  if (err) err->CloseChildEnd();
  // The wait's inotify watches are removed soon, while the command runs
  // (RunnerTimings::release_watches_after).
  return Supervision(request, *spawned, out, err, signals_, timings_, started, inotify_).Run();
}

}  // namespace podstep
