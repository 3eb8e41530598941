#pragma once
// Steps that reference a StepAction (`steps[].ref.name`), resolved as the
// controller resolves them (resources.GetStepActionsData): the
// StepAction's container fields replace the step's, and its params take
// their values from the step's `params` (themselves substituted with the
// TaskRun's params) or their defaults. Pure.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/error.h"
#include "podsim/documents.h"
#include "podsim/task_params.h"

namespace podstep::podsim {

/// The spec's steps with every `ref` resolved against the StepAction
/// documents; `path` names the spec in errors ("spec.taskSpec"). Errors:
/// `stepactions.tekton.dev "x" not found`, a remote resolver, the
/// StepAction's own validation, `extra params passed by Step to
/// StepAction: [p]`, `non-existent params in Step: [p]`.
Result<nlohmann::json> ResolveStepActions(const nlohmann::json& spec,
                                          const std::vector<Param>& run_params,
                                          const Documents& documents, const std::string& path);

}  // namespace podstep::podsim
