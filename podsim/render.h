#pragma once
// Rendering a Tekton Task or TaskRun into the Pod the Tekton controller would
// create for it (CONTRACT.md §1 and §12): the `prepare` and `place-scripts`
// init containers, step containers wrapped by /tekton/bin/entrypoint with
// their arguments in the controller's order, sidecars, and the internal
// volumes. Pure: no file or process is touched.

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace podstep::podsim {

/// The TaskRun-level facts that turning a finished pod into a TaskRun
/// status needs.
struct TaskRunInfo {
  std::string task_run_name;
  std::string task_name;
  /// Declared task results in order: name → "string" | "array" | "object".
  std::vector<std::pair<std::string, std::string>> results;
  /// Declared step results per step container: container → name → type.
  std::map<std::string, std::map<std::string, std::string>> step_results;
  /// spec.timeout of the TaskRun (default 1h as the controller).
  std::chrono::nanoseconds timeout = std::chrono::hours(1);
};

/// What `podsim` runs: the pod, plus the TaskRun it came from (if any).
struct RenderedPod {
  nlohmann::json pod;
  std::optional<TaskRunInfo> task_run;
};

/// Picks what to run from the documents of one file: the first TaskRun (its
/// `taskRef.name` resolved against the Tasks of the same file, or its
/// `taskSpec`), else the first Task (run with a TaskRun named
/// `<task>-run`, default params), else the first Pod (returned as is). Errors
/// name the unsupported field (`unsupported field spec.steps[0].volumeMounts`)
/// or the missing piece (`param "x": no value`).
Result<RenderedPod> RenderManifests(const std::vector<nlohmann::json>& documents);

/// Go's time.Duration.String(): "1h0m0s", "1m30s", "1.5s", "300ms", "0s".
std::string FormatGoDuration(std::chrono::nanoseconds d);

/// Replaces each `$(expr)` whose expr is a key of `values` by the value; any
/// other reference is left as written. Never fails.
std::string SubstituteVariables(const std::string& text,
                                const std::map<std::string, std::string>& values);

}  // namespace podstep::podsim
