#pragma once
// Readiness probes as the kubelet runs them, and the Tekton controller's
// rule built on them: the `tekton.dev/ready` annotation (which releases the
// first step) is set only once every sidecar is Running and Ready, or has
// terminated (pkg/pod/status.go SidecarsReady). Pure: a probe is run by
// sys/probe_process, and time is passed in, so the policy is tested with a
// fake clock.

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

/// A non-step container as Tekton's SidecarsReady sees it.
struct SidecarState {
  bool running = false;     ///< started and not terminated
  bool ready = false;       ///< the kubelet's Ready: running and (no probe, or probe passed)
  bool terminated = false;  ///< any exit counts, as in Tekton
};

/// Tekton's SidecarsReady: every sidecar Running and Ready, or Terminated.
bool SidecarsReady(const std::vector<SidecarState>& sidecars);

}  // namespace podstep::podsim
