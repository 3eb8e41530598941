#pragma once
// One simulated container as a process: cloned into new mount and PID
// namespaces (and a user namespace when podsim is not root), it builds its
// root from a MountOp plan, pivots into it, and execs the command as PID 1.
// Only async-signal-safe calls happen between clone and exec; a failure
// there is reported through a close-on-exec pipe.

#include <signal.h>
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "podsim/mount_plan.h"
#include "common/sys/unique_fd.h"

namespace podstep::podsim {

struct LaunchSpec {
  /// Host directory the container's root tmpfs is mounted on (must exist).
  std::string root_dir;
  std::vector<MountOp> mounts;
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
};

/// Whether this process can create the namespaces: root, or unprivileged
/// user namespaces. Fails with what to do when neither.
Status CheckNamespaceSupport();

class ContainerProcess {
 public:
  /// Clones the container process. Its start (mounts, exec) completes
  /// asynchronously: poll start_fd() and call TakeStartResult().
  static Result<ContainerProcess> Launch(const LaunchSpec& spec);

  ContainerProcess(ContainerProcess&& other) noexcept;
  ContainerProcess& operator=(ContainerProcess&&) = delete;
  ContainerProcess(const ContainerProcess&) = delete;
  /// SIGKILLs the container (and so its whole PID namespace) if still running, and reaps it.
  ~ContainerProcess();

  [[nodiscard]] pid_t pid() const { return pid_; }
  /// Readable once the exec happened or failed (then TakeStartResult()).
  [[nodiscard]] int start_fd() const { return start_fd_.get(); }
  /// Readable once the process ended (then TryReap()).
  [[nodiscard]] int pid_fd() const { return pid_fd_.get(); }

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
  ContainerProcess(pid_t pid, UniqueFd pid_fd, UniqueFd start_fd, std::vector<std::string> argv,
                   std::vector<MountOp> mounts);
  pid_t pid_ = -1;
  bool reaped_ = false;
  UniqueFd pid_fd_;
  UniqueFd start_fd_;
  std::vector<std::string> argv_;
  std::vector<MountOp> mounts_;
};

}  // namespace podstep::podsim
