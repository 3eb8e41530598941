#pragma once
// Rendering Tekton documents into the Pods the Tekton controller would
// create for them, with the controller's and its webhook's checks: each
// TaskRun's Task (taskRef to a Task document, or taskSpec) and StepActions
// resolved, validated, its `$(…)` references replaced, its workspaces and
// credentials mounted, and the Pod built (pod_builder.h). Pure: no file or
// process is touched.

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "podsim/image_store.h"

namespace podstep::podsim {

/// The TaskRun-level facts that turning a finished pod into a TaskRun
/// status needs.
struct TaskRunInfo {
  std::string task_run_name;
  std::string task_name;
  /// Declared task results in order: name → "string" | "array" | "object".
  std::vector<std::pair<std::string, std::string>> results;
  /// Task results whose `value` is a step result: name → {step container, step result}.
  std::map<std::string, std::pair<std::string, std::string>> results_from_steps;
  /// Declared step results per step container: container → name → type.
  std::map<std::string, std::map<std::string, std::string>> step_results;
  /// spec.timeout of the TaskRun (default 1h as the controller; 0 is none).
  std::chrono::nanoseconds timeout = std::chrono::hours(1);
};

/// What `podsim` runs: the pod, plus the TaskRun it came from (if any).
struct RenderedPod {
  nlohmann::json pod;
  std::optional<TaskRunInfo> task_run;
};

/// Renders what the documents ask to run: every TaskRun; with none, every
/// Task (each run by a TaskRun named `<task>-run` with default params);
/// with none, every Pod (returned as is). Task, StepAction, ServiceAccount,
/// Secret and ConfigMap documents are what TaskRuns refer to. `select`,
/// when not empty, keeps those of these names, each of which must name one
/// (`--select x: no TaskRun of that name in the documents`). Errors name the document and the field, with Tekton's text where
/// Tekton has one: `TaskRun "r": non-existent variable in "$(params.x)":
/// spec.taskSpec.steps[0].script`.
Result<std::vector<RenderedPod>> RenderDocuments(const std::vector<nlohmann::json>& documents,
                                                 ImageStore& images,
                                                 const std::vector<std::string>& select = {});

/// The first of RenderDocuments, with no image known.
Result<RenderedPod> RenderManifests(const std::vector<nlohmann::json>& documents);

}  // namespace podstep::podsim
