#pragma once
// The Tekton controller's part in a TaskRun's pod, as a pure policy over the
// containers' states and the (steady) time:
//  * tekton.dev/ready=READY once every sidecar runs and is Ready (its
//    readiness probe passed) or has ended, with any exit code (the first
//    step waits for it in the Downward-API volume);
//  * tekton.dev/cancel=CANCEL at --cancel-after, while a step still runs;
//  * the verdict when every step is done (the TaskRun completes as Tekton
//    reports it), and then the sidecars' stop by the nop image swap;
//  * at the deadline: the verdict (timed out) and the pod's deletion.
// A pod without steps (or without the controller) is a plain pod: its
// verdict comes when every container is done.

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "podsim/pod_runtime.h"

namespace podstep::podsim {

inline constexpr const char* kReadyAnnotation = "tekton.dev/ready";
inline constexpr const char* kCancelAnnotation = "tekton.dev/cancel";

struct ControllerOptions {
  /// Play the Tekton controller (a pod with step containers).
  bool tekton = true;
  std::optional<std::chrono::nanoseconds> cancel_after;
  /// From the pod's start.
  std::optional<std::chrono::nanoseconds> deadline;
};

/// A main container as the controller sees it.
struct ContainerView {
  bool is_step = false;
  bool running = false;  ///< started and not terminated
  bool done = false;     ///< terminated, its output all read
  int exit_code = 0;     ///< when done
  bool ready = true;     ///< the kubelet's Ready (its readiness probe passed), when running
};

struct PodView {
  bool init_failed = false;
  bool main_started = false;  ///< the main containers were started
  std::vector<ContainerView> containers;
};

struct ControllerActions {
  std::vector<std::pair<std::string, std::string>> annotations;  ///< to set on the pod
  bool verdict = false;        ///< the outcome is known, now (given once)
  bool stop_sidecars = false;  ///< swap the running sidecars' image for nop (once)
  bool delete_pod = false;     ///< stop every container for good (deadline; once)
};

class TektonController {
 public:
  TektonController(ControllerOptions options, SteadyClock::time_point pod_start);

  /// The main containers were started at `now`: --cancel-after counts from here.
  void MainContainersStarted(SteadyClock::time_point now);
  /// What to do, given the pod as it is at `now`.
  ControllerActions Reconcile(const PodView& pod, SteadyClock::time_point now);
  /// When Reconcile must run next even if nothing happens.
  [[nodiscard]] std::optional<SteadyClock::time_point> NextTimer() const;

  [[nodiscard]] bool verdict_given() const { return verdict_given_; }
  [[nodiscard]] bool cancelled() const { return cancelled_; }
  [[nodiscard]] bool timed_out() const { return timed_out_; }

 private:
  ControllerOptions options_;
  std::optional<SteadyClock::time_point> deadline_;
  std::optional<SteadyClock::time_point> cancel_at_;
  bool ready_set_ = false;
  bool verdict_given_ = false;
  bool cancelled_ = false;
  bool timed_out_ = false;
};

}  // namespace podstep::podsim
