#include "podsim/sys/container_process.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <poll.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>

#include "common/sys/posix_process_runner.h"
#include "common/sys/exec_arrays.h"

extern char** environ;

namespace podstep::podsim {
namespace {

// The new mount API (Linux 5.2, mount_setattr 5.12), by number: glibc's
// <sys/mount.h> and <linux/mount.h> cannot both be included.
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_move_mount
#define SYS_move_mount 429
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
constexpr unsigned kOpenTreeClone = 1;
constexpr unsigned kOpenTreeCloexec = O_CLOEXEC;
constexpr unsigned kAtRecursive = 0x8000;
constexpr unsigned kAtEmptyPath = 0x1000;
constexpr unsigned kMoveMountFEmptyPath = 0x4;
constexpr uint64_t kMountAttrRdonly = 0x1;

struct MountAttr {
  uint64_t attr_set;
  uint64_t attr_clr;
  uint64_t propagation;
  uint64_t userns_fd;
};

// Stages reported by the child besides the index of a failed mount op.
enum Stage : int {
  kStagePrivate = -1,
  kStageSetns = -2,
  kStageWorkingDir = -3,
  kStageStdio = -4,
  kStageExec = -5,
  kStageCapabilities = -6,
  kStageUser = -7,
  kStageParentDeathSignal = -8,
  kStageParentGone = -9,
};

struct ChildFailure {
  int stage;
  int err;
};

// What container runtimes grant a container's root by default (Docker's
// list), less CAP_MKNOD: without a device cgroup a device node would reach
// the host's disks. Everything else (CAP_SYS_ADMIN, CAP_SYS_MODULE,
// CAP_SYS_TIME, CAP_NET_ADMIN...) would let a step change the host.
constexpr int kKeptCapabilities[] = {
    CAP_CHOWN,      CAP_DAC_OVERRIDE, CAP_FOWNER,  CAP_FSETID,           CAP_KILL,
    CAP_SETGID,     CAP_SETUID,       CAP_SETPCAP, CAP_NET_BIND_SERVICE, CAP_NET_RAW,
    CAP_SYS_CHROOT, CAP_AUDIT_WRITE,  CAP_SETFCAP};

bool Kept(int cap) {
  for (int kept : kKeptCapabilities) {
    if (kept == cap) return true;
  }
  return false;
}

[[noreturn]] void ChildFail(int fd, int stage) {
  ChildFailure failure{stage, errno};
  (void)!::write(fd, &failure, sizeof failure);
  ::_exit(127);
}

// mkdir -p in the child: no allocation, a stack buffer only. The whole
// path first, then up to the deepest existing parent and down again: nearly
// every target exists or lacks only its last component, and a mkdir of each
// component from "/" cost 115 failing mkdirs a container, each taking its
// parent directory's lock (on the host's disk for the pod dir's parents).
int MakeDirsChild(const char* path) {
  char buffer[4096];
  const size_t len = std::strlen(path);
  if (len >= sizeof buffer) {
    errno = ENAMETOOLONG;
    return -1;
  }
  std::memcpy(buffer, path, len + 1);
  size_t end = len;  // buffer holds path[0, end)
  while (::mkdir(buffer, 0755) != 0 && errno != EEXIST) {
    if (errno != ENOENT) return -1;
    size_t slash = end;
    while (slash > 0 && buffer[slash - 1] != '/') --slash;
    while (slash > 0 && buffer[slash - 1] == '/') --slash;
    if (slash == 0) return -1;  // errno: ENOENT
    buffer[slash] = '\0';
    end = slash;
  }
  while (end < len) {
    buffer[end] = '/';
    end += std::strlen(buffer + end);
    if (::mkdir(buffer, 0755) != 0 && errno != EEXIST) return -1;
  }
  return 0;
}

int SetReadOnly(int dirfd, const char* path, unsigned flags) {
  MountAttr attr{kMountAttrRdonly, 0, 0, 0};
  return static_cast<int>(::syscall(SYS_mount_setattr, dirfd, path, flags, &attr, sizeof attr));
}

int Bind(const char* source, const char* target, bool recursive, bool read_only) {
  if (::mount(source, target, nullptr, MS_BIND | (recursive ? MS_REC : 0), nullptr) != 0) return -1;
  if (!read_only) return 0;
  return SetReadOnly(AT_FDCWD, target, recursive ? kAtRecursive : 0);
}

int RunOp(const MountOp& op, int* slots) {
  const char* source = op.source.c_str();
  const char* target = op.target.c_str();
  switch (op.kind) {
    case MountOp::kTmpfs:
      return ::mount("tmpfs", target, "tmpfs", MS_NOSUID, op.data.c_str());
    case MountOp::kMkdirs:
      return MakeDirsChild(target);
    case MountOp::kTouch: {
      int fd = ::open(target, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
      if (fd < 0) return errno == EEXIST ? 0 : -1;
      ::close(fd);
      return 0;
    }
    case MountOp::kSymlink:
      return ::symlink(source, target) != 0 && errno != EEXIST ? -1 : 0;
    case MountOp::kBind:
      return Bind(source, target, op.recursive, op.read_only);
    case MountOp::kOverlay:
      if (::mount("overlay", target, "overlay", 0, op.data.c_str()) == 0) return 0;
      if (!op.optional) return -1;
      return Bind(source, target, /*recursive=*/true, /*read_only=*/true);
    case MountOp::kProc:
      return ::mount("proc", target, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
    case MountOp::kSysfs:
      return ::mount("sysfs", target, "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                     nullptr);
    case MountOp::kDevpts:
      return ::mount("devpts", target, "devpts", MS_NOSUID | MS_NOEXEC,
                     "newinstance,ptmxmode=0666,mode=0620");
    case MountOp::kCloneTree: {
      const unsigned flags = kOpenTreeClone | kOpenTreeCloexec | (op.recursive ? kAtRecursive : 0);
      int fd = static_cast<int>(::syscall(SYS_open_tree, AT_FDCWD, source, flags));
      if (fd < 0) return -1;
      if (op.read_only &&
          SetReadOnly(fd, "", kAtEmptyPath | (op.recursive ? kAtRecursive : 0)) != 0) {
        ::close(fd);
        return -1;
      }
      slots[op.slot] = fd;
      return 0;
    }
    case MountOp::kAdoptTree:
      slots[op.slot] = op.fd;
      return op.read_only ? SetReadOnly(op.fd, "", kAtEmptyPath) : 0;
    case MountOp::kAttachTree:
      if (slots[op.slot] < 0) {
        errno = EBADF;
        return -1;
      }
      return static_cast<int>(
          ::syscall(SYS_move_mount, slots[op.slot], "", AT_FDCWD, target, kMoveMountFEmptyPath));
    case MountOp::kPivot:
      if (::chdir(target) != 0 || ::syscall(SYS_pivot_root, ".", ".") != 0 ||
          ::umount2(".", MNT_DETACH) != 0 || ::chdir("/") != 0) {
        return -1;
      }
      return 0;
  }
  return 0;
}

std::string OpText(const MountOp& op) {
  switch (op.kind) {
    case MountOp::kTmpfs:
    case MountOp::kProc:
    case MountOp::kSysfs:
    case MountOp::kDevpts: {
      const char* type = op.kind == MountOp::kTmpfs   ? "tmpfs"
                         : op.kind == MountOp::kProc  ? "proc"
                         : op.kind == MountOp::kSysfs ? "sysfs"
                                                      : "devpts";
      return std::string("mount ") + type + " on " + op.target;
    }
    case MountOp::kMkdirs:
      return "mkdir " + op.target;
    case MountOp::kTouch:
      return "create " + op.target;
    case MountOp::kSymlink:
      return "symlink " + op.target;
    case MountOp::kBind:
      return "mount " + op.source + " on " + op.target;
    case MountOp::kOverlay:
      return "mount an overlay of " + op.source + " on " + op.target;
    case MountOp::kCloneTree:
      return "clone the mount of " + op.source;
    case MountOp::kAdoptTree:
      return "take the mount tree in fd " + std::to_string(op.fd);
    case MountOp::kAttachTree:
      return "mount on " + op.target;
    case MountOp::kPivot:
      return "pivot_root into " + op.target;
  }
  return "?";
}

// Runs the plan in the child; returns the index of the failed op, or -1.
int RunOps(const std::vector<MountOp>& ops, int* slots) {
  for (size_t i = 0; i < ops.size(); ++i) {
    if (RunOp(ops[i], slots) != 0 && !ops[i].optional) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

int DropCapabilities() {
  for (int cap = 0; cap <= 63; ++cap) {
    if (Kept(cap)) continue;
    if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) {
      if (errno == EINVAL) break;  // past the kernel's last capability
      return -1;
    }
  }
  // Inheritable and ambient capabilities would survive exec past the bounding set.
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (::syscall(SYS_capget, &header, data) != 0) return -1;
  for (int i = 0; i < 2; ++i) {
    uint32_t mask = 0;
    for (int cap : kKeptCapabilities) {
      if (cap / 32 == i) mask |= 1u << (cap % 32);
    }
    data[i].effective &= mask;
    data[i].permitted &= mask;
    data[i].inheritable = 0;
  }
  if (::syscall(SYS_capset, &header, data) != 0) return -1;
  return ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL ? -1
                                                                                            : 0;
}

int SwitchUser(uid_t uid, gid_t gid) {
  // In podsim's own user namespace setgroups is denied; the group list is
  // then the one podsim had, which maps to nothing outside anyway.
  if (::setgroups(1, &gid) != 0 && errno != EPERM) return -1;
  if (::setresgid(gid, gid, gid) != 0) return -1;
  return ::setresuid(uid, uid, uid);
}

Result<ContainerProcess> ContainerProcess::Launch(const LaunchSpec& spec) {
  if (spec.argv.empty()) return Fail("no command to run");
  int start_pipe[2];
  if (::pipe2(start_pipe, O_CLOEXEC) != 0) return Fail(ErrnoError("pipe"));
  UniqueFd start_read(start_pipe[0]);
  UniqueFd start_write(start_pipe[1]);

  // Everything the child touches is prepared here: it must not allocate.
  std::vector<char*> argv = ExecArray(spec.argv);
  std::vector<char*> envp = ExecArray(spec.env);
  std::vector<int> slots(static_cast<size_t>(spec.mounts.slots) + 1, -1);
  const std::string working_dir = spec.working_dir.empty() ? "/" : spec.working_dir;
  const int write_fd = start_write.get();

  pid_t pid = static_cast<pid_t>(
      ::syscall(SYS_clone, CLONE_NEWNS | CLONE_NEWPID | SIGCHLD, nullptr, nullptr, nullptr, 0));
  if (pid < 0) return Fail(ErrnoError("clone a container process"));
  if (pid == 0) {
    for (const auto& [fd, type] :
         {std::pair{spec.net_ns, CLONE_NEWNET}, std::pair{spec.uts_ns, CLONE_NEWUTS},
          std::pair{spec.ipc_ns, CLONE_NEWIPC}}) {
      if (fd >= 0 && ::setns(fd, type) != 0) ChildFail(write_fd, kStageSetns);
    }
    ::setsid();
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
      ChildFail(write_fd, kStagePrivate);
    }
    if (int failed = RunOps(spec.mounts.ops, slots.data()); failed >= 0) {
      ChildFail(write_fd, failed);
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
    if (DropCapabilities() != 0) ChildFail(write_fd, kStageCapabilities);
    if (SwitchUser(spec.uid, spec.gid) != 0) ChildFail(write_fd, kStageUser);
    // After the user switch, which clears the parent-death signal; then
    // podsim may have died before it was set: its pidfd says so.
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) {
      ChildFail(write_fd, kStageParentDeathSignal);
    }
    if (spec.parent_pidfd >= 0) {
      pollfd parent{spec.parent_pidfd, POLLIN, 0};
      if (::poll(&parent, 1, 0) != 0) {
        errno = ESRCH;
        ChildFail(write_fd, kStageParentGone);
      }
    }
    ::sigprocmask(SIG_SETMASK, &spec.signal_mask, nullptr);
    environ = envp.data();
    ::execvp(argv[0], argv.data());
    ChildFail(write_fd, kStageExec);
  }
  start_write.Reset();
  auto child = OwnedChild::Adopt(pid);
  if (!child) return Fail(child.error());
  return ContainerProcess(std::move(*child), std::move(start_read), spec);
}

ContainerProcess::ContainerProcess(OwnedChild child, UniqueFd start_fd, const LaunchSpec& spec)
    : child_(std::move(child)),
      start_fd_(std::move(start_fd)),
      command_(spec.argv[0]),
      uid_(spec.uid),
      mounts_(spec.mounts.ops) {}

Status ContainerProcess::TakeStartResult() {
  ChildFailure failure{};
  ssize_t n = RetryEintr([&] { return ::read(start_fd_.get(), &failure, sizeof failure); });
  start_fd_.Reset();
  if (n == 0) return {};
  if (n != static_cast<ssize_t>(sizeof failure)) return Fail("container start: lost its report");
  switch (failure.stage) {
    case kStageExec:
      return Fail(DescribeStartError(command_, failure.err), failure.err);
    case kStagePrivate:
      return Fail(ErrnoError("make the mounts private", failure.err));
    case kStageSetns:
      return Fail(ErrnoError("join the pod's namespaces", failure.err));
    case kStageWorkingDir:
      return Fail(ErrnoError("chdir to the working directory", failure.err));
    case kStageStdio:
      return Fail(ErrnoError("set up stdio", failure.err));
    case kStageCapabilities:
      return Fail(ErrnoError("drop capabilities", failure.err));
    case kStageUser:
      // EINVAL: the user is not mapped in podsim's own user namespace.
      return Fail(ErrnoError(
          "run as user " + std::to_string(uid_) +
              (failure.err == EINVAL ? " (podsim runs unprivileged and maps only its own user, "
                                       "as root: run podsim as root for runAsUser)"
                                     : ""),
          failure.err));
    case kStageParentDeathSignal:
      return Fail(ErrnoError("prctl PR_SET_PDEATHSIG", failure.err));
    case kStageParentGone:
      return Fail(ErrnoError("podsim ended before the container started", failure.err));
    default:
      if (failure.stage >= 0 && static_cast<size_t>(failure.stage) < mounts_.size()) {
        return Fail(ErrnoError(OpText(mounts_[failure.stage]), failure.err));
      }
      return Fail(ErrnoError("container start", failure.err));
  }
}

std::optional<int> ContainerProcess::TryReap() {
  const std::optional<int> waited = child_.TryWait();
  if (!waited) return std::nullopt;
  const int status = *waited;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

void ContainerProcess::Signal(int signo) const { child_.Signal(signo); }

bool MountOpsWork(const std::vector<MountOp>& ops) {
  std::vector<int> slots(ops.size() + 1, -1);
  pid_t pid =
      static_cast<pid_t>(::syscall(SYS_clone, CLONE_NEWNS | SIGCHLD, nullptr, nullptr, nullptr, 0));
  if (pid < 0) return false;
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) ::_exit(1);
    ::_exit(RunOps(ops, slots.data()) < 0 ? 0 : 1);
  }
  int status = 0;
  if (RetryEintr([&] { return ::waitpid(pid, &status, 0); }) != pid) return false;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace podstep::podsim
