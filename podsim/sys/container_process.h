#pragma once
// One simulated container as a process: cloned into new mount and PID
// namespaces, it joins the pod's shared namespaces, builds its file-system
// view from a MountPlan, pivots into it, drops to the container runtimes'
// default capabilities and to its user, and execs the command as PID 1.
// Only async-signal-safe calls happen between clone and exec; a failure
// there is reported through a close-on-exec pipe.
//
// Nothing outlives podsim: the process gets PR_SET_PDEATHSIG(SIGKILL) (and
// checks podsim is still alive once it is set); when a PID namespace's
// first process dies the kernel kills every other process in it; mounts
// exist only in the container's own mount namespace.

#include <signal.h>
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/sys/unique_fd.h"
#include "podsim/sys/owned_child.h"
#include "podsim/mount_plan.h"

namespace podstep::podsim {

struct LaunchSpec {
  MountPlan mounts;
  /// argv[0] is resolved through the PATH of `env` inside the container.
  std::vector<std::string> argv;
  /// "NAME=value" each.
  std::vector<std::string> env;
  /// Created when missing, like container runtimes do; "/" when empty.
  std::string working_dir;
  /// Receives the container's stdout and stderr (dup'ed; the caller keeps its copy).
  int output_fd = -1;
  /// The signal mask the container starts with.
  sigset_t signal_mask{};
  /// Namespaces to join (nsfs descriptors); -1 keeps podsim's.
  int net_ns = -1;
  int uts_ns = -1;
  int ipc_ns = -1;
  /// The user the command runs as (its only group is `gid`).
  uid_t uid = 0;
  gid_t gid = 0;
  /// A pidfd of podsim itself: the child exits when podsim died before
  /// PR_SET_PDEATHSIG took effect.
  int parent_pidfd = -1;
};

/// In a container's child, before its exec (async-signal-safe): keeps only
/// the capabilities container runtimes grant a container's root. -1 with
/// errno on failure.
int DropCapabilities();
/// Then becomes `uid` with `gid` as its only group. -1 with errno on failure.
int SwitchUser(uid_t uid, gid_t gid);

class ContainerProcess {
 public:
  /// Clones the container process. Its start (mounts, exec) completes
  /// asynchronously: poll start_fd() and call TakeStartResult().
  static Result<ContainerProcess> Launch(const LaunchSpec& spec);

  // Dropped, the container (and so its whole PID namespace) is SIGKILLed
  // if still running, and reaped (OwnedChild).

  [[nodiscard]] pid_t pid() const { return child_.pid(); }
  /// Readable once the exec happened or failed (then TakeStartResult()); -1 after that.
  [[nodiscard]] int start_fd() const { return start_fd_.get(); }
  /// Readable once the process ended (then TryReap()).
  [[nodiscard]] int pid_fd() const { return child_.pid_fd(); }

  /// After start_fd() is readable: success when the command is running,
  /// else the reason it did not start (`exec: "sh": executable file not
  /// found in $PATH`, `mount /x on /y: permission denied`).
  Status TakeStartResult();
  /// The exit code, the kubelet way (128+N for signal N) when the process
  /// ended; nullopt while it runs.
  std::optional<int> TryReap();
  /// Sends `signo` to the container's PID 1.
  void Signal(int signo) const;

 private:
  ContainerProcess(OwnedChild child, UniqueFd start_fd, const LaunchSpec& spec);
  OwnedChild child_;
  UniqueFd start_fd_;
  std::string command_;
  uid_t uid_ = 0;
  std::vector<MountOp> mounts_;
};

/// Runs `ops` (host paths, no kPivot) in a throwaway mount namespace: true
/// when every one succeeded. podsim asks it whether overlayfs stacks on the
/// host root here.
bool MountOpsWork(const std::vector<MountOp>& ops);

}  // namespace podstep::podsim
