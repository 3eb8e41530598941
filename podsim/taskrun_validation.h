#pragma once
// What Tekton checks in a TaskRun: its webhook (taskrun_validation.go: one
// of taskRef and taskSpec, params and workspace bindings well formed, the
// params an inline spec uses declared or given) and its reconciler before
// it creates the pod (validate_taskrun.go, validate_params.go,
// workspace/validate.go: every param has a value of the declared type, enum
// values, array indexes in bounds, every non-optional workspace bound).
// Errors carry Tekton's text. Pure; the JSON given here has passed
// tekton_schema.h.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/error.h"
#include "podsim/task_params.h"

namespace podstep::podsim {

/// TaskRunSpec.Validate on `spec` (a TaskRun's spec).
Status ValidateTaskRunSpec(const nlohmann::json& spec);

/// ValidateResolvedTask, ValidateEnumParam and ValidateParamArrayIndex:
/// `task_spec` run with `params`; `task_name` as Tekton names it ("" inline).
Status ValidateRunParams(const nlohmann::json& task_spec, const std::vector<Param>& params,
                         const std::string& task_name);

/// workspace.ValidateBindings: `declarations` (with one per binding for an
/// inline spec, as the controller propagates them) against `bindings`.
Status ValidateWorkspaceBindings(const nlohmann::json& declarations,
                                 const nlohmann::json& bindings);

}  // namespace podstep::podsim
