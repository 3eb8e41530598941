#pragma once
// Running one readiness probe inside the container it checks, as the
// kubelet's prober does through the runtime: a child process joins the
// container's namespaces with setns(pidfd) — mount, PID, network, UTS, IPC,
// and the user namespace when podsim runs without root — then
//   exec       forks once more (a PID namespace applies to children only) and
//              execs the command there with the container's environment,
//              working directory, user and capabilities, output captured;
//   tcpSocket  connects from inside the pod's network namespace;
//   httpGet    connects likewise, sends GET, reads the status line.
// The child makes only async-signal-safe calls and reports through a pipe.
// The caller polls pid_fd() and enforces the timeout by destroying it.

#include <signal.h>
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/sys/unique_fd.h"
#include "podsim/probes.h"
#include "podsim/sys/owned_child.h"

namespace podstep::podsim {

/// The container a probe checks.
struct ProbeTarget {
  pid_t pid = -1;                ///< the container's PID 1, as podsim sees it
  std::vector<std::string> env;  ///< "NAME=value", the container's
  std::string working_dir;       ///< "/" when empty
  uid_t uid = 0;                 ///< the container's user
  gid_t gid = 0;                 ///< and group
  sigset_t signal_mask{};        ///< the mask the exec'd command starts with
};

struct ProbeOutcome {
  bool success = false;
  /// Why it failed, as the kubelet's event says it: "exit status 1: <output>",
  /// "dial tcp 127.0.0.1:80: connect: connection refused",
  /// "HTTP probe failed with statuscode: 503".
  std::string detail;
};

class ProbeProcess {
 public:
  /// Starts the probe; fails only when no process could be made.
  static Result<ProbeProcess> Start(const Probe& probe, const ProbeTarget& target);

  // Dropped, the probe is killed if it still runs (a timeout), and reaped
  // (OwnedChild).

  /// Readable once the probe process ended (then TryFinish()).
  [[nodiscard]] int pid_fd() const { return child_.pid_fd(); }
  /// The outcome once the process ended; nullopt while it runs.
  std::optional<ProbeOutcome> TryFinish();

 private:
  ProbeProcess(const Probe& probe, OwnedChild child, UniqueFd report, UniqueFd output);
  Probe::Kind kind_;
  std::string what_;  // "dial tcp 127.0.0.1:80" or "exec [command]"
  std::string argv0_;
  OwnedChild child_;
  UniqueFd report_;
  UniqueFd output_;
};

}  // namespace podstep::podsim
