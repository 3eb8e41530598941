#pragma once
// The PodRuntime on this machine: a locked pod directory, the pod's shared
// namespaces, containers as ContainerProcesses, and one poll() over the
// signalfd, their start pipes, pidfds and output pipes. When podsim is not
// root it first moves into a user namespace of its own.

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/sys/signal_channel.h"
#include "podsim/pod_runtime.h"
#include "podsim/sys/container_process.h"
#include "podsim/sys/pod_dir.h"
#include "podsim/sys/pod_sandbox.h"
#include "podsim/sys/probe_process.h"

namespace podstep::podsim {

struct RuntimeOptions {
  std::string pod_name;
  /// Where the pod directory is made ($TMPDIR or /tmp when empty).
  std::string temp_root;
  bool host_network = false;
  /// Binaries the kubelet mounts; checked to be executable up front.
  std::vector<std::string> binaries;
};

class RealPodRuntime : public PodRuntime {
 public:
  /// Sweeps stale pod directories, then makes this pod's directory and
  /// namespaces. Fails with what to do (no namespaces, no temp dir, a
  /// binary missing).
  static Result<std::unique_ptr<RealPodRuntime>> Create(const RuntimeOptions& options);
  /// Kills every container still running and reaps it, then removes the pod directory.
  ~RealPodRuntime() override;

  std::string VolumeDir(size_t volume) const override;
  std::string TerminationFile(size_t container) const override;
  Status PrepareVolumes(size_t count) override;
  Status WriteVolumeFiles(size_t volume, const VolumeFiles& files) override;
  Result<MountRequest::Kind> PrepareHostPath(const std::string& path,
                                             const std::string& type) override;
  Result<MountRequest> SubPathMount(const std::string& container_path, size_t volume,
                                    const std::string& sub_path, bool read_only) override;
  Status ResetTerminationFile(size_t container) override;
  std::string ReadTerminationMessage(size_t container, size_t budget) override;
  Status Start(const ContainerLaunch& launch) override;
  void Signal(RunId run, int signo) override;
  Status StartProbe(RunId run, const Probe& probe) override;
  void StopProbe(RunId run) override;
  std::vector<RuntimeEvent> Wait(std::optional<SteadyClock::time_point> until) override;
  SteadyClock::time_point SteadyNow() override { return SteadyClock::now(); }
  Clock::time_point WallNow() override { return Clock::now(); }

  /// kHostOverlay when overlayfs stacks on the host root here, else kHostReadOnly.
  [[nodiscard]] ContainerRoot::Kind host_root() const { return host_root_; }

 private:
  struct Run {
    std::optional<ContainerProcess> process;
    UniqueFd output;
    bool exit_reported = false;
    ProbeTarget probe_target;  // pid set once the process exists
    std::optional<ProbeProcess> probe;
  };
  RealPodRuntime(SignalChannel signals, PodDir dir, PrivateTmpfs memory, PodSandbox sandbox,
                 UniqueFd self, bool host_network)
      : signals_(std::move(signals)),
        dir_(std::move(dir)),
        memory_(std::move(memory)),
        sandbox_(std::move(sandbox)),
        self_pidfd_(std::move(self)),
        host_network_(host_network) {}
  void ReadOutput(RunId id, Run& run, std::vector<RuntimeEvent>& events);

  SignalChannel signals_;
  PodDir dir_;
  // The pod's volumes and bookkeeping (containers' scratch mount points,
  // termination files, /dev/shm): off the host's disk, where creating and
  // removing each of these inodes can cost milliseconds (see README).
  PrivateTmpfs memory_;
  PodSandbox sandbox_;
  UniqueFd self_pidfd_;
  bool host_network_;
  ContainerRoot::Kind host_root_ = ContainerRoot::kHostReadOnly;
  // Detached mount trees of subPaths, each attached by one container.
  std::vector<UniqueFd> sub_paths_;
  // Last: destroyed first, so every container is gone before the pod dir.
  std::map<RunId, Run> runs_;
};

}  // namespace podstep::podsim
