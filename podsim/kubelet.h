#pragma once
// The kubelet model: runs a PodSpec's init containers in order, then all
// containers at once, each with the pod's volumes; reads each container's
// termination message the kubelet way; stops containers with SIGTERM, then
// SIGKILL after the grace period; restarts a sidecar with the nop image when
// the controller swaps it in; writes the API-data volumes (downwardAPI,
// configMap, secret, projected); runs the readiness probes; runs a container
// on its image's root file system when the ImageStore has it. The Tekton
// controller's part (annotations, sidecar stop, verdict) is
// TektonController's (controller.h). Pure: the machine is reached through
// PodRuntime (pod_runtime.h).

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "podsim/config_objects.h"
#include "podsim/image_store.h"
#include "podsim/pod_runtime.h"
#include "podsim/pod_spec.h"

namespace podstep::podsim {

/// Receives container output, a line at a time (without the newline).
class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual void Line(const std::string& container, std::string_view line) = 0;
};

/// What the kubelet reports of one container.
struct ContainerStatus {
  std::string name;
  bool started = false;     ///< Its command ran (false: never started, or StartError).
  bool terminated = false;  ///< It has a terminated state.
  int exit_code = 0;
  std::string reason;   ///< "Completed", "Error", "StartError".
  std::string message;  ///< The termination message as read (last bytes), or the start error.
  Clock::time_point started_at{};
  Clock::time_point finished_at{};
  /// A sidecar the controller stopped: this state is the nop image's run.
  bool replaced_by_nop = false;
};

struct PodRun {
  std::vector<ContainerStatus> init_containers;
  std::vector<ContainerStatus> containers;
  Clock::time_point start_time{};
  /// When the outcome was known: the steps' end for a TaskRun pod (its
  /// sidecars are stopped after), the last container's end for a plain pod,
  /// the deadline when it passed.
  Clock::time_point completion_time{};
  bool init_failed = false;
  bool cancelled = false;  ///< --cancel-after fired before the pod ended.
  bool timed_out = false;  ///< The TaskRun deadline passed: everything was killed.
};

struct KubeletOptions {
  std::string entrypoint_bin;  ///< Mounted at /ko-app/entrypoint.
  std::string nop_bin;         ///< Mounted at /ko-app/nop, and the whole nop image.
  std::string workingdirinit_bin;  ///< Mounted at /ko-app/workingdirinit (when set).
  /// Set tekton.dev/cancel=CANCEL this long after the containers started.
  std::optional<std::chrono::nanoseconds> cancel_after;
  /// Kill everything this long after the pod started (the TaskRun timeout).
  std::optional<std::chrono::nanoseconds> deadline;
  /// SIGTERM→SIGKILL grace when stopping containers; the pod's
  /// terminationGracePeriodSeconds when unset.
  std::optional<std::chrono::nanoseconds> grace;
  /// Where the pod directory is made ($TMPDIR or /tmp when empty).
  std::string temp_root;
  /// Play the Tekton controller (ready/cancel annotations, sidecar stop):
  /// only for pods with step containers.
  bool tekton_controller = true;
  /// Share the host's network (and hostname) instead of the pod's own
  /// network namespace, which has only a loopback interface.
  bool host_network = false;
  /// Called once, as soon as the outcome is known (see PodRun::completion_time),
  /// with the pod as it is then — before sidecars are stopped and the
  /// pod's remaining containers are waited for.
  std::function<void(const PodRun&)> on_verdict;
  /// The ConfigMaps and Secrets the pod's volumes and env refer to (none when null).
  const ConfigObjects* objects = nullptr;
  /// What is known of the containers' images (none when null): the root a
  /// container runs on, and its Entrypoint/Cmd/Env/WorkingDir/User.
  ImageStore* images = nullptr;
};

/// Runs the pod to the end on this machine. Fails only when the pod cannot
/// be run at all (no namespaces, temp dir, interrupted by SIGINT/SIGTERM):
/// a container that fails is a result, not an error.
Result<PodRun> RunPod(const PodSpec& pod, const KubeletOptions& options, LogSink& logs);

/// RunPod on a given runtime (tests pass a fake one).
Result<PodRun> RunPodOn(const PodSpec& pod, const KubeletOptions& options, LogSink& logs,
                        PodRuntime& runtime);

/// The kubelet's per-container termination message budget: 4096 bytes, or
/// less when 12 KiB split evenly across `container_count` is smaller.
size_t TerminationMessageBudget(size_t container_count);

/// Splits a container's output into log lines as the kubelet's log writer
/// does: at each newline, and every kMaxLine bytes of a longer line. Each
/// byte is looked at once, whatever the chunking; memory stays below kMaxLine.
class LineSplitter {
 public:
  static constexpr size_t kMaxLine = 16 * 1024;
  /// Calls `line` for each complete (or kMaxLine-long) line in `data`.
  void Feed(std::string_view data, const std::function<void(std::string_view)>& line);
  /// Calls `line` for the partial line left, if any (end of output).
  void Flush(const std::function<void(std::string_view)>& line);

 private:
  std::string partial_;
};

}  // namespace podstep::podsim
