#include "podsim/spec_substitution.h"

namespace podstep::podsim {
namespace {

using nlohmann::json;

void Replace(json& object, const char* key, const StringReplacements& strings) {
  if (!object.is_object()) return;
  auto it = object.find(key);
  if (it != object.end() && it->is_string()) {
    *it = ApplyReplacements(it->get<std::string>(), strings);
  }
}

void ReplaceList(json& object, const char* key, const StringReplacements& strings,
                 const ArrayReplacements& arrays) {
  auto it = object.find(key);
  if (it == object.end()) return;
  json out = json::array();
  for (const json& item : *it) {
    for (std::string& s : ApplyArrayReplacements(item.get<std::string>(), strings, arrays)) {
      out.push_back(std::move(s));
    }
  }
  *it = std::move(out);
}

void ReplaceEach(json& object, const char* key, const StringReplacements& strings,
                 std::initializer_list<const char*> fields) {
  if (!object.is_object() || !object.contains(key)) return;
  for (json& item : object[key]) {
    for (const char* field : fields) Replace(item, field, strings);
  }
}

void ReplaceEnv(json& container, const StringReplacements& strings) {
  if (!container.contains("env")) return;
  for (json& env : container["env"]) {
    Replace(env, "value", strings);
    if (!env.contains("valueFrom")) continue;
    for (const char* ref : {"secretKeyRef", "configMapKeyRef"}) {
      if (env["valueFrom"].contains(ref)) {
        Replace(env["valueFrom"][ref], "name", strings);
        Replace(env["valueFrom"][ref], "key", strings);
      }
    }
  }
  if (!container.contains("envFrom")) return;
  for (json& env_from : container["envFrom"]) {
    Replace(env_from, "prefix", strings);
    for (const char* ref : {"configMapRef", "secretRef"}) {
      if (env_from.contains(ref)) Replace(env_from[ref], "name", strings);
    }
  }
}

// applyContainerReplacements.
void ApplyContainerReplacements(json& c, const StringReplacements& strings,
                                const ArrayReplacements& arrays) {
  for (const char* key : {"name", "image", "imagePullPolicy", "workingDir"}) {
    Replace(c, key, strings);
  }
  ReplaceList(c, "args", strings, arrays);
  ReplaceList(c, "command", strings, arrays);
  ReplaceEnv(c, strings);
  ReplaceEach(c, "volumeMounts", strings, {"name", "mountPath", "subPath"});
}

void ReplaceWhen(json& step, const StringReplacements& strings, const ArrayReplacements& arrays) {
  if (!step.contains("when")) return;
  for (json& when : step["when"]) {
    Replace(when, "input", strings);
    Replace(when, "cel", strings);
    ReplaceList(when, "values", strings, arrays);
  }
}

}  // namespace

void ApplyStepReplacements(json& step, const StringReplacements& strings,
                           const ArrayReplacements& arrays) {
  Replace(step, "script", strings);
  Replace(step, "onError", strings);
  for (const char* config : {"stdoutConfig", "stderrConfig"}) {
    if (step.contains(config)) Replace(step[config], "path", strings);
  }
  ReplaceWhen(step, strings, arrays);
  ApplyContainerReplacements(step, strings, arrays);
}

void ApplySidecarReplacements(json& sidecar, const StringReplacements& strings,
                              const ArrayReplacements& arrays) {
  Replace(sidecar, "script", strings);
  ApplyContainerReplacements(sidecar, strings, arrays);
}

void ApplyVolumeSourceReplacements(json& holder, const StringReplacements& strings) {
  for (const auto& [source, name_key] :
       {std::pair{"configMap", "name"}, {"secret", "secretName"}}) {
    if (!holder.contains(source)) continue;
    Replace(holder[source], name_key, strings);
    ReplaceEach(holder[source], "items", strings, {"key", "path"});
  }
  if (holder.contains("persistentVolumeClaim")) {
    Replace(holder["persistentVolumeClaim"], "claimName", strings);
  }
  if (holder.contains("projected") && holder["projected"].contains("sources")) {
    for (json& source : holder["projected"]["sources"]) {
      for (const char* kind : {"configMap", "secret"}) {
        if (!source.contains(kind)) continue;
        Replace(source[kind], "name", strings);
        ReplaceEach(source[kind], "items", strings, {"key", "path"});
      }
      if (source.contains("serviceAccountToken")) {
        Replace(source["serviceAccountToken"], "audience", strings);
      }
    }
  }
  if (holder.contains("csi")) {
    json& csi = holder["csi"];
    if (csi.contains("nodePublishSecretRef")) Replace(csi["nodePublishSecretRef"], "name", strings);
    if (csi.contains("volumeAttributes")) {
      for (auto& [key, value] : csi["volumeAttributes"].items()) {
        value = ApplyReplacements(value.get<std::string>(), strings);
      }
    }
  }
}

void ApplySpecReplacements(json& spec, const ParamReplacements& r) {
  if (spec.contains("steps")) {
    for (json& step : spec["steps"]) {
      if (step.contains("params")) step["params"] = ReplaceParamVariables(step["params"], r);
      ApplyStepReplacements(step, r.strings, r.arrays);
    }
  }
  if (spec.contains("stepTemplate")) {
    ApplyContainerReplacements(spec["stepTemplate"], r.strings, r.arrays);
  }
  if (spec.contains("volumes")) {
    for (json& volume : spec["volumes"]) {
      Replace(volume, "name", r.strings);
      ApplyVolumeSourceReplacements(volume, r.strings);
    }
  }
  ReplaceEach(spec, "workspaces", r.strings, {"mountPath"});
  if (spec.contains("sidecars")) {
    for (json& sidecar : spec["sidecars"]) ApplySidecarReplacements(sidecar, r.strings, r.arrays);
  }
}

void ApplySpecReplacements(json& spec, const StringReplacements& strings) {
  ParamReplacements r;
  r.strings = strings;
  ApplySpecReplacements(spec, r);
}

}  // namespace podstep::podsim
