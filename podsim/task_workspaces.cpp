#include "podsim/task_workspaces.h"

#include <set>

#include "podsim/json_lists.h"
#include "podsim/spec_substitution.h"
#include "podsim/stable_names.h"

namespace podstep::podsim {
namespace {

using nlohmann::json;

// The items of object[key], none when it is absent (which stays absent).
template <class Fn>
void ForEach(json& object, const char* key, Fn fn) {
  if (!object.contains(key)) return;
  for (json& item : object[key]) fn(item);
}

std::string MountPathOf(const json& declaration) {
  return declaration.value("mountPath", "/workspace/" + declaration.value("name", ""));
}

// The source a binding mounts: the binding without its name and subPath.
json SourceOf(const json& binding, const std::string& seed) {
  if (binding.contains("volumeClaimTemplate")) {
    const json& meta = binding["volumeClaimTemplate"].value("metadata", json::object());
    const std::string claim =
        meta.value("name", "pvc") + "-" + StableSuffix(seed + binding.value("name", ""));
    return {{"persistentVolumeClaim", {{"claimName", claim}}}};
  }
  json source = binding;
  source.erase("name");
  source.erase("subPath");
  return source;
}

const json* Usage(const json& container, const std::string& workspace) {
  for (const json& usage : ListField(container, "workspaces")) {
    if (usage.value("name", "") == workspace) return &usage;
  }
  return nullptr;
}

// applyWorkspaceMountPath: `variable` is the usage's mountPath in the steps
// and sidecars that give one, the declaration's path elsewhere.
void ApplyMountPath(json& spec, const json& declaration, const std::string& variable) {
  const std::string name = declaration.value("name", "");
  const ArrayReplacements no_arrays;
  for (const auto& [list, is_step] : {std::pair{"steps", true}, {"sidecars", false}}) {
    ForEach(spec, list, [&](json& container) {
      const json* usage = Usage(container, name);
      if (usage == nullptr || usage->value("mountPath", "").empty()) return;
      const StringReplacements r = {{variable, (*usage)["mountPath"].get<std::string>()}};
      is_step ? ApplyStepReplacements(container, r, no_arrays)
              : ApplySidecarReplacements(container, r, no_arrays);
    });
  }
  ApplySpecReplacements(spec, StringReplacements{{variable, MountPathOf(declaration)}});
}

void AddSidecarMount(json& sidecar, const json& mount) {
  for (const json& existing : ListField(sidecar, "volumeMounts")) {
    if (existing.value("mountPath", "") == mount["mountPath"]) return;
  }
  GrowList(sidecar, "volumeMounts").push_back(mount);
}

// mountAsIsolatedWorkspace.
void MountIsolated(json& spec, const std::string& workspace, const json& mount) {
  for (const char* list : {"steps", "sidecars"}) {
    ForEach(spec, list, [&](json& container) {
      const json* usage = Usage(container, workspace);
      if (usage == nullptr) return;
      json own = mount;
      if (!usage->value("mountPath", "").empty()) own["mountPath"] = (*usage)["mountPath"];
      GrowList(container, "volumeMounts").push_back(own);
    });
  }
}

std::set<std::string> IsolatedWorkspaces(const json& spec) {
  std::set<std::string> names;
  for (const char* list : {"steps", "sidecars"}) {
    for (const json& container : ListField(spec, list)) {
      for (const json& usage : ListField(container, "workspaces"))
        names.insert(usage.value("name", ""));
    }
  }
  return names;
}

}  // namespace

WorkspaceVolumes CreateWorkspaceVolumes(const json& bindings, const std::string& seed) {
  WorkspaceVolumes volumes;
  std::map<std::string, json> claims;
  for (const json& binding : bindings) {
    const std::string name = binding.value("name", "");
    json volume = SourceOf(binding, seed);
    volume["name"] = "ws-" + StableSuffix(seed + "/workspace/" + name);
    if (volume.contains("persistentVolumeClaim")) {
      const std::string claim = volume["persistentVolumeClaim"].value("claimName", "");
      if (auto it = claims.find(claim); it != claims.end()) volume = it->second;
      claims.emplace(claim, volume);
    }
    volumes[name] = std::move(volume);
  }
  return volumes;
}

void PropagateWorkspaces(json& spec, const json& bindings) {
  json& declarations = GrowList(spec, "workspaces");
  for (const json& binding : bindings) {
    bool declared = false;
    for (const json& d : declarations) declared = declared || d["name"] == binding["name"];
    if (!declared) declarations.push_back({{"name", binding["name"]}});
  }
}

void ApplyWorkspaceVariables(json& spec, const json& bindings, const WorkspaceVolumes& volumes) {
  std::set<std::string> bound;
  for (const json& binding : bindings) bound.insert(binding.value("name", ""));
  StringReplacements r;
  for (const json& declaration : ListField(spec, "workspaces")) {
    const std::string name = declaration.value("name", "");
    const std::string prefix = "workspaces." + name + ".";
    if (declaration.value("optional", false) && !bound.contains(name)) {
      r[prefix + "bound"] = "false";
      r[prefix + "path"] = "";
    } else {
      r[prefix + "bound"] = "true";
      ApplyMountPath(spec, declaration, prefix + "path");
    }
  }
  for (const auto& [name, volume] : volumes) r["workspaces." + name + ".volume"] = volume["name"];
  for (const json& binding : bindings) {
    r["workspaces." + binding.value("name", "") + ".claim"] =
        binding.contains("persistentVolumeClaim")
            ? binding["persistentVolumeClaim"].value("claimName", "")
            : "";
  }
  ApplySpecReplacements(spec, r);
}

void MountWorkspaces(json& spec, const json& bindings, const WorkspaceVolumes& volumes) {
  if (bindings.empty()) return;
  PropagateWorkspaces(spec, bindings);
  const std::set<std::string> isolated = IsolatedWorkspaces(spec);
  std::set<std::string> added;
  for (const json& binding : bindings) {
    const std::string name = binding.value("name", "");
    json declaration;
    for (const json& d : spec["workspaces"]) {
      if (d["name"] == name) declaration = d;
    }
    const json& volume = volumes.at(name);
    json mount = {{"name", volume["name"]}, {"mountPath", MountPathOf(declaration)}};
    if (!binding.value("subPath", "").empty()) mount["subPath"] = binding["subPath"];
    if (declaration.value("readOnly", false)) mount["readOnly"] = true;
    if (isolated.contains(name)) {
      MountIsolated(spec, name, mount);
    } else {
      if (!spec.contains("stepTemplate")) spec["stepTemplate"] = json::object();
      GrowList(spec["stepTemplate"], "volumeMounts").push_back(mount);
      ForEach(spec, "sidecars", [&](json& sidecar) { AddSidecarMount(sidecar, mount); });
    }
    if (added.insert(volume["name"].get<std::string>()).second) {
      GrowList(spec, "volumes").push_back(volume);
    }
  }
}

}  // namespace podstep::podsim
