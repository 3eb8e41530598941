#pragma once
// The shape of the Tekton documents podsim reads (TaskRun, Task, StepAction,
// and the Kubernetes objects they embed), checked once, as the API server's
// strict decoding does: an unknown field is refused with its path
// (`strict decoding error: unknown field "spec.TaskSpec"`), a value of the
// wrong JSON type names its field. Null fields are dropped on the way, as
// Go's decoder ignores them. After CheckTaskRun / CheckTask /
// CheckStepAction passed, the rest of podsim reads these fields without
// checking types again. Pure.

#include <nlohmann/json.hpp>
#include <string>

#include "common/error.h"

namespace podstep::podsim {

/// A TaskRun document (apiVersion, kind, metadata, spec, status).
Status CheckTaskRun(nlohmann::json& document);

/// A Task document.
Status CheckTask(nlohmann::json& document);

/// A StepAction document.
Status CheckStepAction(nlohmann::json& document);

/// A Task spec at `path` (e.g. "spec.taskSpec").
Status CheckTaskSpec(nlohmann::json& spec, const std::string& path);

}  // namespace podstep::podsim
