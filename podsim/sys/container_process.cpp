#include "podsim/sys/container_process.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "common/sys/posix_process_runner.h"

extern char** environ;

namespace podstep::podsim {
namespace {

// Stages reported by the child besides the index of a failed mount op.
enum Stage : int {
  kStagePrivate = -1,
  kStageUserNs = -2,
  kStagePivot = -3,
  kStageWorkingDir = -4,
  kStageStdio = -5,
  kStageExec = -6,
};

struct ChildFailure {
  int stage;
  int err;
};

[[noreturn]] void ChildFail(int fd, int stage) {
  ChildFailure failure{stage, errno};
  (void)!::write(fd, &failure, sizeof failure);
  ::_exit(127);
}

// mkdir -p in the child: no allocation, a stack buffer only.
int MakeDirsChild(const char* path) {
  char buffer[4096];
  const size_t len = std::strlen(path);
  if (len >= sizeof buffer) {
    errno = ENAMETOOLONG;
    return -1;
  }
  std::memcpy(buffer, path, len + 1);
  for (size_t i = 1; i <= len; ++i) {
    if (buffer[i] == '/' || buffer[i] == '\0') {
      const char saved = buffer[i];
      buffer[i] = '\0';
      if (::mkdir(buffer, 0755) != 0 && errno != EEXIST) return -1;
      buffer[i] = saved;
    }
  }
  return 0;
}

int RunOp(const MountOp& op) {
  const char* source = op.source.c_str();
  const char* target = op.target.c_str();
  switch (op.kind) {
    case MountOp::kTmpfs:
      return ::mount("tmpfs", target, "tmpfs", MS_NOSUID, "mode=0755");
    case MountOp::kMkdirs:
      return MakeDirsChild(target);
    case MountOp::kTouch: {
      int fd = ::open(target, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
      if (fd < 0) return errno == EEXIST ? 0 : -1;
      ::close(fd);
      return 0;
    }
    case MountOp::kSymlink:
      return ::symlink(source, target) != 0 && errno != EEXIST ? -1 : 0;
    case MountOp::kBind:
      return ::mount(source, target, nullptr, MS_BIND, nullptr);
    case MountOp::kRbind:
      return ::mount(source, target, nullptr, MS_BIND | MS_REC, nullptr);
    case MountOp::kProc:
      if (::mount("proc", target, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) == 0) return 0;
      return ::mount(source, target, nullptr, MS_BIND | MS_REC, nullptr);
    case MountOp::kRemountReadOnly: {
      // Keep the flags the kernel locks in a user namespace.
      struct statvfs st {};
      unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY;
      if (::statvfs(target, &st) == 0) {
        if (st.f_flag & ST_NOSUID) flags |= MS_NOSUID;
        if (st.f_flag & ST_NODEV) flags |= MS_NODEV;
        if (st.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
      }
      return ::mount(nullptr, target, nullptr, flags, nullptr);
    }
  }
  return 0;
}

std::string OpText(const MountOp& op) {
  switch (op.kind) {
    case MountOp::kTmpfs:
      return "mount tmpfs on " + op.target;
    case MountOp::kMkdirs:
      return "mkdir " + op.target;
    case MountOp::kTouch:
      return "create " + op.target;
    case MountOp::kSymlink:
      return "symlink " + op.target;
    case MountOp::kBind:
    case MountOp::kRbind:
      return "mount " + op.source + " on " + op.target;
    case MountOp::kProc:
      return "mount proc on " + op.target;
    case MountOp::kRemountReadOnly:
      return "remount " + op.target + " read-only";
  }
  return "?";
}

bool WriteProcFile(const std::string& path, const std::string& content) {
  std::ofstream out(path);
  out << content;
  out.flush();
  return static_cast<bool>(out);
}

}  // namespace

Status CheckNamespaceSupport() {
  if (::geteuid() == 0) return {};
  // Unprivileged user namespaces: try one.
  pid_t pid =
      static_cast<pid_t>(::syscall(SYS_clone, CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | SIGCHLD,
                                   nullptr, nullptr, nullptr, 0));
  if (pid == 0) ::_exit(0);
  if (pid < 0) {
    return Fail(ErrnoError(
        "podsim needs root, or unprivileged user namespaces, to create a container's mount and "
        "PID namespaces (run it with sudo); clone"));
  }
  int status = 0;
  RetryEintr([&] { return ::waitpid(pid, &status, 0); });
  return {};
}

Result<ContainerProcess> ContainerProcess::Launch(const LaunchSpec& spec) {
  if (spec.argv.empty()) return Fail("no command to run");
  int start_pipe[2];
  if (::pipe2(start_pipe, O_CLOEXEC) != 0) return Fail(ErrnoError("pipe"));
  UniqueFd start_read(start_pipe[0]);
  UniqueFd start_write(start_pipe[1]);
  const bool user_ns = ::geteuid() != 0;
  int sync_pipe[2] = {-1, -1};
  if (user_ns && ::pipe2(sync_pipe, O_CLOEXEC) != 0) return Fail(ErrnoError("pipe"));
  UniqueFd sync_read(sync_pipe[0]);
  UniqueFd sync_write(sync_pipe[1]);

  // Everything the child touches is prepared here: it must not allocate.
  std::vector<char*> argv;
  for (const std::string& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const std::string& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  const std::string working_dir = spec.working_dir.empty() ? "/" : spec.working_dir;
  const int write_fd = start_write.get();

  unsigned long flags = CLONE_NEWNS | CLONE_NEWPID | SIGCHLD;
  if (user_ns) flags |= CLONE_NEWUSER;
  const uid_t uid = ::geteuid();
  const gid_t gid = ::getegid();
  pid_t pid = static_cast<pid_t>(::syscall(SYS_clone, flags, nullptr, nullptr, nullptr, 0));
  if (pid < 0) return Fail(ErrnoError("clone a container process"));
  if (pid == 0) {
    if (user_ns) {
      char go = 0;
      ::close(sync_write.get());
      if (::read(sync_read.get(), &go, 1) != 1) ChildFail(write_fd, kStageUserNs);
    }
    ::setsid();
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
      ChildFail(write_fd, kStagePrivate);
    }
    for (size_t i = 0; i < spec.mounts.size(); ++i) {
      if (RunOp(spec.mounts[i]) != 0) ChildFail(write_fd, static_cast<int>(i));
    }
    if (::chdir(spec.root_dir.c_str()) != 0 || ::syscall(SYS_pivot_root, ".", ".") != 0 ||
        ::umount2(".", MNT_DETACH) != 0 || ::chdir("/") != 0) {
      ChildFail(write_fd, kStagePivot);
    }
    if (MakeDirsChild(working_dir.c_str()) != 0 || ::chdir(working_dir.c_str()) != 0) {
      ChildFail(write_fd, kStageWorkingDir);
    }
    int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd >= 0 && ::dup2(null_fd, 0) < 0) ChildFail(write_fd, kStageStdio);
    if (null_fd < 0) ::close(0);
    if (::dup2(spec.output_fd, 1) < 0 || ::dup2(spec.output_fd, 2) < 0) {
      ChildFail(write_fd, kStageStdio);
    }
    ::sigprocmask(SIG_SETMASK, &spec.signal_mask, nullptr);
    environ = envp.data();
    ::execvp(argv[0], argv.data());
    ChildFail(write_fd, kStageExec);
  }
  start_write.Reset();
  if (user_ns) {
    sync_read.Reset();
    const std::string proc = "/proc/" + std::to_string(pid);
    bool ok = WriteProcFile(proc + "/setgroups", "deny") &&
              WriteProcFile(proc + "/uid_map", "0 " + std::to_string(uid) + " 1") &&
              WriteProcFile(proc + "/gid_map", "0 " + std::to_string(gid) + " 1");
    if (ok) (void)!::write(sync_write.get(), "g", 1);
    sync_write.Reset();
  }
  UniqueFd pid_fd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (!pid_fd.valid()) {
    Error error = ErrnoError("pidfd_open");
    ::kill(pid, SIGKILL);
    int status;
    RetryEintr([&] { return ::waitpid(pid, &status, 0); });
    return Fail(error);
  }
  return ContainerProcess(pid, std::move(pid_fd), std::move(start_read), spec.argv, spec.mounts);
}

ContainerProcess::ContainerProcess(pid_t pid, UniqueFd pid_fd, UniqueFd start_fd,
                                   std::vector<std::string> argv, std::vector<MountOp> mounts)
    : pid_(pid),
      pid_fd_(std::move(pid_fd)),
      start_fd_(std::move(start_fd)),
      argv_(std::move(argv)),
      mounts_(std::move(mounts)) {}

ContainerProcess::ContainerProcess(ContainerProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      reaped_(other.reaped_),
      pid_fd_(std::move(other.pid_fd_)),
      start_fd_(std::move(other.start_fd_)),
      argv_(std::move(other.argv_)),
      mounts_(std::move(other.mounts_)) {}

ContainerProcess::~ContainerProcess() {
  if (pid_ <= 0 || reaped_) return;
  ::kill(pid_, SIGKILL);
  int status;
  RetryEintr([&] { return ::waitpid(pid_, &status, 0); });
}

Status ContainerProcess::TakeStartResult() {
  ChildFailure failure{};
  ssize_t n = RetryEintr([&] { return ::read(start_fd_.get(), &failure, sizeof failure); });
  start_fd_.Reset();
  if (n == 0) return {};
  if (n != static_cast<ssize_t>(sizeof failure)) return Fail("container start: lost its report");
  switch (failure.stage) {
    case kStageExec:
      return Fail(DescribeStartError(argv_[0], failure.err), failure.err);
    case kStagePrivate:
      return Fail(ErrnoError("make the mounts private", failure.err));
    case kStageUserNs:
      return Fail(ErrnoError("map the user namespace", failure.err));
    case kStagePivot:
      return Fail(ErrnoError("pivot_root into the container root", failure.err));
    case kStageWorkingDir:
      return Fail(ErrnoError("chdir to the working directory", failure.err));
    case kStageStdio:
      return Fail(ErrnoError("set up stdio", failure.err));
    default:
      if (failure.stage >= 0 && static_cast<size_t>(failure.stage) < mounts_.size()) {
        return Fail(ErrnoError(OpText(mounts_[failure.stage]), failure.err));
      }
      return Fail(ErrnoError("container start", failure.err));
  }
}

std::optional<int> ContainerProcess::TryReap() {
  if (reaped_) return std::nullopt;
  int status = 0;
  pid_t r = RetryEintr([&] { return ::waitpid(pid_, &status, WNOHANG); });
  if (r != pid_) return std::nullopt;
  reaped_ = true;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

void ContainerProcess::Signal(int signo) const {
  if (pid_ > 0 && !reaped_) ::kill(pid_, signo);
}

}  // namespace podstep::podsim
