#pragma once
// Readiness probes as the kubelet runs them: the Ready condition of each
// container, which the Tekton controller waits for on every sidecar before
// it sets `tekton.dev/ready` (pkg/pod/status.go SidecarsReady). Pure: a
// probe is run by sys/probe_process, and time is passed in, so the policy
// is tested with a fake clock.

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace podstep::podsim {

using ProbeClock = std::chrono::steady_clock;

struct Probe {
  enum Kind { kExec, kTcpSocket, kHttpGet };
  Kind kind = kExec;
  std::vector<std::string> command;  ///< kExec: run in the container
  std::string host;                  ///< kTcpSocket, kHttpGet: an IP; "" is the pod's (127.0.0.1)
  int port = 0;
  std::string http_path = "/";                               ///< kHttpGet
  std::vector<std::pair<std::string, std::string>> headers;  ///< kHttpGet
  std::chrono::seconds initial_delay{0};
  std::chrono::seconds period{10};
  std::chrono::seconds timeout{1};
  int success_threshold = 1;
  int failure_threshold = 3;
};

/// Parses a container's `readinessProbe` at `path` with Kubernetes'
/// defaults (periodSeconds 10, timeoutSeconds 1, successThreshold 1,
/// failureThreshold 3). Refused: grpc, HTTPS, named ports, a host name
/// that is not an IP address (there is no DNS in the pod).
Result<Probe> ParseProbe(const nlohmann::json& probe, const std::string& path);

/// One container's readiness under its probe, as the kubelet's prober
/// worker keeps it: not ready at start; the first probe after
/// initialDelaySeconds, then one every periodSeconds (a probe that overran
/// its period is followed at once); ready after successThreshold successes
/// in a row, not ready again after failureThreshold failures in a row.
class ReadinessTracker {
 public:
  ReadinessTracker(const Probe& probe, ProbeClock::time_point started);

  /// When the next probe is due.
  [[nodiscard]] ProbeClock::time_point next_probe() const { return next_; }
  /// A probe started at `now`: the one after it is due a period later.
  void ProbeStarted(ProbeClock::time_point now);
  /// The probe's outcome (a timeout is a failure). True when readiness changed.
  bool ProbeFinished(bool success);
  [[nodiscard]] bool ready() const { return ready_; }

 private:
  std::chrono::seconds period_;
  int success_threshold_;
  int failure_threshold_;
  ProbeClock::time_point next_;
  bool ready_ = false;
  bool last_success_ = false;
  int run_ = 0;  // results in a row equal to last_success_
};

/// The readiness of a pod's containers, as the kubelet's prober manager
/// keeps it: a tracker per running container that has a probe, at most one
/// probe in flight per container, a probe that overruns timeoutSeconds
/// counted as a failure. The caller runs the probes it is told to and
/// reports their outcomes; containers are named by their index.
class ReadinessProber {
 public:
  /// `probes[i]` is container i's readinessProbe (nullopt: none). The
  /// vector must outlive the prober.
  explicit ReadinessProber(const std::vector<std::optional<Probe>>& probes);

  /// Container i's command is running since `now`.
  void Started(size_t container, ProbeClock::time_point now);
  /// Container i ended: no more probes, not ready.
  void Stopped(size_t container);
  /// Whether container i has a probe in flight.
  [[nodiscard]] bool Probing(size_t container) const;
  /// The kubelet's Ready: running, and its probe (if any) has passed.
  [[nodiscard]] bool Ready(size_t container) const;

  /// Probes due at `now`, each marked as in flight: run them.
  std::vector<size_t> DueProbes(ProbeClock::time_point now);
  /// In-flight probes that overran their timeout at `now`: stop them (each
  /// already counted as a failure).
  std::vector<size_t> Overdue(ProbeClock::time_point now);
  /// Container i's in-flight probe ended. True when its readiness changed.
  bool Finished(size_t container, bool success);
  /// When DueProbes or Overdue next has something; nullopt when never.
  [[nodiscard]] std::optional<ProbeClock::time_point> NextWake() const;

 private:
  struct State {
    bool running = false;
    std::optional<ReadinessTracker> tracker;
    std::optional<ProbeClock::time_point> deadline;  // of the probe in flight
  };
  const std::vector<std::optional<Probe>>& probes_;
  std::vector<State> states_;
};

}  // namespace podstep::podsim
