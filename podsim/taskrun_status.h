#pragma once
// A finished pod read the way Tekton's controller reads it (CONTRACT.md
// §12): per-step states adjusted from the termination messages, task and
// step results, and the Succeeded condition with the controller's wording.
// Pure.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "podsim/kubelet.h"
#include "podsim/pod_spec.h"
#include "podsim/render.h"

namespace podstep::podsim {

/// metav1.Time's JSON form: RFC 3339 in UTC, whole seconds.
std::string FormatKubeTime(Clock::time_point t);

/// The TaskRun `status` object: conditions, podName, startTime,
/// completionTime, steps, results, sidecars. Without `task_run` (a plain Pod)
/// results are typed "string" and the TaskRun name is the pod's.
nlohmann::json BuildTaskRunStatus(const PodSpec& pod, const PodRun& run,
                                  const std::optional<TaskRunInfo>& task_run);

/// True when the status's Succeeded condition is "True".
bool StatusSucceeded(const nlohmann::json& status);

}  // namespace podstep::podsim
