#pragma once
// The seam between the kubelet's decisions and the machine: what the
// kubelet asks of the host (start and signal containers, files of the pod
// dir, time) and the events it gets back. Abstract so the kubelet is tested
// with a fake runtime and a fake clock; the real one is
// podsim/sys/real_pod_runtime.h.

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "podsim/mount_plan.h"
#include "podsim/probes.h"
#include "podsim/volume_sources.h"

namespace podstep::podsim {

/// Wall clock: only for the timestamps a status reports.
using Clock = std::chrono::system_clock;
/// Every timer (grace periods, deadlines, cancel-after) runs on this one.
using SteadyClock = std::chrono::steady_clock;

/// One run of a container (a restart with the nop image is another run).
using RunId = int;

struct ContainerLaunch {
  RunId run = -1;
  /// The container's index in the pod (init containers first).
  size_t container = 0;
  /// The nop image: an empty root holding only the requests.
  bool nop_image = false;
  /// A directory holding the image's root file system, its writes going to
  /// the container's own layer; empty: the host's root.
  std::string rootfs;
  std::vector<std::string> argv;
  std::vector<std::string> env;  ///< "NAME=value"
  std::string working_dir;
  std::vector<MountRequest> mounts;
  uid_t uid = 0;
  /// The user's primary group; unset: the group /etc/passwd gives the user, else 0.
  std::optional<gid_t> gid;
};

struct RuntimeEvent {
 public:
  enum Kind {
    kStarted,       ///< the run's start completed: `start` says whether its command runs
    kExited,        ///< the run's process ended with `exit_code` (after its kStarted)
    kOutput,        ///< bytes the run wrote to stdout/stderr
    kOutputClosed,  ///< its output pipe reached end of file
    kInterrupted,   ///< podsim was asked to stop (`reason`: "interrupted by SIGTERM")
    kProbed,        ///< the run's readiness probe ended: `exit_code` 0 passed, `data` why not
  };
  Kind kind;
  RunId run = -1;
  Status start;
  int exit_code = 0;
  std::string data;
  std::string reason;

  static RuntimeEvent Started(RunId run, Status start) {
    RuntimeEvent e{kStarted, run};
    e.start = std::move(start);
    return e;
  }
  static RuntimeEvent Exited(RunId run, int exit_code) {
    RuntimeEvent e{kExited, run};
    e.exit_code = exit_code;
    return e;
  }
  static RuntimeEvent Output(RunId run, std::string data) {
    RuntimeEvent e{kOutput, run};
    e.data = std::move(data);
    return e;
  }
  static RuntimeEvent OutputClosed(RunId run) { return RuntimeEvent{kOutputClosed, run}; }
  static RuntimeEvent Probed(RunId run, bool success, std::string detail) {
    RuntimeEvent e{kProbed, run};
    e.exit_code = success ? 0 : 1;
    e.data = std::move(detail);
    return e;
  }
  static RuntimeEvent Interrupted(std::string reason) {
    RuntimeEvent e{kInterrupted};
    e.reason = std::move(reason);
    return e;
  }

 private:
  RuntimeEvent(Kind k, RunId r = -1) : kind(k), run(r) {}
};

class PodRuntime {
 public:
  virtual ~PodRuntime() = default;

  /// Host paths the kubelet mounts into containers.
  virtual std::string VolumeDir(size_t volume) const = 0;
  virtual std::string TerminationFile(size_t container) const = 0;

  /// Makes `count` empty volume directories, writable by every user (as
  /// Kubernetes makes an emptyDir).
  virtual Status PrepareVolumes(size_t count) = 0;
  /// Writes an API-data volume (downwardAPI, configMap, secret, projected)
  /// with the kubelet's atomic writer.
  virtual Status WriteVolumeFiles(size_t volume, const VolumeFiles& files) = 0;
  /// Checks (and creates, as its type says) a hostPath; whether the
  /// container sees a directory or a file there.
  virtual Result<MountRequest::Kind> PrepareHostPath(const std::string& path,
                                                     const std::string& type) = 0;
  /// The mount of `sub_path` inside the volume at `container_path`, resolved
  /// safely beneath the volume (missing directories made).
  virtual Result<MountRequest> SubPathMount(const std::string& container_path, size_t volume,
                                            const std::string& sub_path, bool read_only) = 0;
  /// Creates (or empties) the container's termination-message file.
  virtual Status ResetTerminationFile(size_t container) = 0;
  /// The last `budget` bytes of the container's termination-message file.
  virtual std::string ReadTerminationMessage(size_t container, size_t budget) = 0;

  /// Starts a run; its outcome arrives as events. Fails when the container
  /// cannot be made (a mount refused, no process): the kubelet reports a
  /// StartError with the message.
  virtual Status Start(const ContainerLaunch& launch) = 0;
  /// Signals the run's first process (no-op once it ended).
  virtual void Signal(RunId run, int signo) = 0;
  /// Runs `probe` against the running run; its outcome arrives as kProbed.
  /// Fails only when no probe process could be made.
  virtual Status StartProbe(RunId run, const Probe& probe) = 0;
  /// Kills the run's probe in flight (it overran its timeout): no kProbed follows.
  virtual void StopProbe(RunId run) = 0;

  /// Waits for events until `until` (forever when unset); returns what
  /// happened (nothing when `until` passed). Each output event holds a
  /// bounded burst, so interruptions and timers stay live.
  virtual std::vector<RuntimeEvent> Wait(std::optional<SteadyClock::time_point> until) = 0;

  virtual SteadyClock::time_point SteadyNow() = 0;
  virtual Clock::time_point WallNow() = 0;
};

/// The primary group /etc/passwd (its text) gives `uid`; nullopt when no
/// line names it.
std::optional<gid_t> PrimaryGroupOf(std::string_view passwd, uid_t uid);

}  // namespace podstep::podsim
