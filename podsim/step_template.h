#pragma once
// A Task's stepTemplate merged into its steps as Tekton merges it
// (pkg/apis/pipeline/v1/merge.go: a Kubernetes strategic merge of the
// step's container fields over the template's). Pure; the JSON given here
// has passed tekton_schema.h.

#include <nlohmann/json.hpp>

namespace podstep::podsim {

/// The step with the template under it: a field the step sets wins (an
/// empty string or list counts as unset, as in Go's omitempty JSON);
/// `env` merges by name, `volumeMounts` by mountPath, `volumeDevices` by
/// devicePath, each in strategic merge's order (the step's items in its
/// order, the template's other items placed by their template order);
/// objects such as securityContext and computeResources merge key by key.
/// An env var the merge leaves with both `value` and `valueFrom` is the
/// step's. Tekton's own step fields (script, timeout, results, …) are the
/// step's.
nlohmann::json MergeStepWithTemplate(const nlohmann::json& step_template,
                                     const nlohmann::json& step);

}  // namespace podstep::podsim
