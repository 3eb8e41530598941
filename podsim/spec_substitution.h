#pragma once
// Where Tekton applies `$(…)` substitution in a Task spec
// (pkg/container/*_replacements.go, resources.ApplyReplacements): the
// fields of steps, sidecars, the step template, volumes and workspace mount
// paths, with array expansion in command and args. Pure; the JSON given here
// has passed tekton_schema.h.

#include <nlohmann/json.hpp>

#include "podsim/substitution.h"
#include "podsim/task_params.h"

namespace podstep::podsim {

/// container.ApplyStepReplacements: script, onError, stdout/stderr paths and
/// the container fields (name, image, imagePullPolicy, command and args with
/// array expansion, env values and the names and keys they reference,
/// envFrom, workingDir, volumeMounts' name, mountPath and subPath); also the
/// step's `when` expressions, which the entrypoint evaluates.
void ApplyStepReplacements(nlohmann::json& step, const StringReplacements& strings,
                           const ArrayReplacements& arrays);

/// container.ApplySidecarReplacements: script and the container fields.
void ApplySidecarReplacements(nlohmann::json& sidecar, const StringReplacements& strings,
                              const ArrayReplacements& arrays);

/// The names a volume source refers to (configMap and secret names and item
/// keys and paths, claim names, projected sources, CSI attributes), in a
/// Volume or a workspace binding.
void ApplyVolumeSourceReplacements(nlohmann::json& holder, const StringReplacements& strings);

/// resources.ApplyReplacements on a whole Task spec: steps (and their
/// StepAction params), step template, volumes (name and source), workspace
/// mount paths, sidecars. Objects only replace whole-object step params.
void ApplySpecReplacements(nlohmann::json& spec, const ParamReplacements& replacements);

/// ApplySpecReplacements with string replacements only.
void ApplySpecReplacements(nlohmann::json& spec, const StringReplacements& strings);

}  // namespace podstep::podsim
