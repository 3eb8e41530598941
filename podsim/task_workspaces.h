#pragma once
// A TaskRun's workspaces as the controller handles them (pkg/workspace,
// resources.ApplyWorkspaces): the volumes its bindings become, the
// `$(workspaces.<w>.path|bound|volume|claim)` variables, and the mounts in
// steps and sidecars (all of them, or only those listing the workspace in
// their own `workspaces`). Pure; the JSON given here has passed
// tekton_schema.h.

#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace podstep::podsim {

/// workspace name → the Volume ({"name": "ws-…", <source>}) its binding
/// becomes. A claim bound twice gets one volume (as the controller avoids
/// mounting it twice); a volumeClaimTemplate becomes the claim the
/// controller would create. Names derive from `seed`, not from chance, so a
/// rendering is reproducible.
using WorkspaceVolumes = std::map<std::string, nlohmann::json>;
WorkspaceVolumes CreateWorkspaceVolumes(const nlohmann::json& bindings, const std::string& seed);

/// A declaration for each binding no declaration names (the controller's
/// propagation of workspaces into inline and referenced specs).
void PropagateWorkspaces(nlohmann::json& spec, const nlohmann::json& bindings);

/// resources.ApplyWorkspaces: `bound` ("false" and an empty `path` for an
/// unbound optional workspace), `path` (a step's or sidecar's own mountPath
/// for it first, else the declaration's, else /workspace/<w>), `volume`,
/// `claim`.
void ApplyWorkspaceVariables(nlohmann::json& spec, const nlohmann::json& bindings,
                             const WorkspaceVolumes& volumes);

/// workspace.Apply: each bound workspace mounted (with the binding's
/// subPath and the declaration's readOnly) through the step template into
/// every step, and into every sidecar without a mount at that path; or only
/// into the steps and sidecars that list it. Adds the volumes to the spec.
void MountWorkspaces(nlohmann::json& spec, const nlohmann::json& bindings,
                     const WorkspaceVolumes& volumes);

}  // namespace podstep::podsim
