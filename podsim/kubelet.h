#pragma once
// The kubelet model: runs a PodSpec's init containers in order, then all
// containers at once, each a ContainerProcess with the pod's volumes; reads
// each container's termination message the kubelet way; and plays the Tekton
// controller's part the in-pod binaries depend on (the `tekton.dev/ready`
// and `tekton.dev/cancel` annotations, stopping sidecars by swapping in nop).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "podsim/pod_spec.h"

namespace podstep::podsim {

using Clock = std::chrono::system_clock;

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
  Clock::time_point completion_time{};
  bool init_failed = false;
  bool cancelled = false;  ///< --cancel-after fired before the pod ended.
  bool timed_out = false;  ///< The TaskRun deadline passed: everything was killed.
};

struct KubeletOptions {
  std::string entrypoint_bin;  ///< Mounted at /ko-app/entrypoint.
  std::string nop_bin;         ///< Mounted at /ko-app/nop, and the whole nop image.
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
};

/// Runs the pod to the end. Fails only when the pod cannot be run at all
/// (no namespaces, temp dir, interrupted by SIGINT/SIGTERM): a container
/// that fails is a result, not an error.
Result<PodRun> RunPod(const PodSpec& pod, const KubeletOptions& options, LogSink& logs);

/// The kubelet's per-container termination message budget: 4096 bytes, or
/// less when 12 KiB split evenly across `container_count` is smaller.
size_t TerminationMessageBudget(size_t container_count);

}  // namespace podstep::podsim
