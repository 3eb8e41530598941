#pragma once
// What Tekton's admission webhook checks in a Task spec before anything runs
// (pkg/apis/pipeline/v1/task_validation.go, pkg/substitution): required
// fields, names, param types, and every `$(…)` reference a step makes to
// params, context, results and step results. Errors are Tekton's, in
// knative's "<message>: <path>" form, e.g.
// `non-existent variable in "echo $(params.x)": spec.steps[0].script`.
// Pure; the JSON given here has passed tekton_schema.h.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/error.h"
#include "podsim/task_params.h"
#include "podsim/tekton_references.h"

namespace podstep::podsim {

/// TaskSpec.Validate for the spec at `path` ("spec", "spec.taskSpec").
Status ValidateTaskSpec(const nlohmann::json& spec, const std::string& path);

/// ValidateUsageOfDeclaredParameters: every `$(params.…)` of the steps names
/// one of `params` (and an existing key of an object param).
Status ValidateParameterUsage(const nlohmann::json& steps, const std::vector<ParamSpec>& params,
                              const std::string& path);

/// StepActionSpec.Validate for the spec at `path`: an image, no script with
/// a command, no `$(params.…)` in the script, every param reference declared.
Status ValidateStepActionSpec(const nlohmann::json& spec, const std::string& path);

}  // namespace podstep::podsim
