#include "podsim/taskrun_validation.h"

#include <algorithm>
#include <set>

#include "common/go_duration.h"
#include "podsim/json_lists.h"
#include "podsim/names.h"
#include "podsim/substitution.h"
#include "podsim/tekton_validation.h"

namespace podstep::podsim {
namespace {

using nlohmann::json;

// WorkspaceBinding.Validate: exactly one volume source.
Status ValidateBinding(const json& binding, const std::string& at) {
  static const char* const kSources[] = {"persistentVolumeClaim",
                                         "volumeClaimTemplate",
                                         "emptyDir",
                                         "configMap",
                                         "secret",
                                         "projected",
                                         "csi"};
  int sources = 0;
  for (const char* source : kSources) sources += binding.contains(source) ? 1 : 0;
  if (sources != 1) {
    std::string paths;
    for (const char* source :
         {"persistentvolumeclaim", "volumeclaimtemplate", "emptydir", "configmap", "secret"}) {
      paths += (paths.empty() ? "" : ", ") + at + "." + source;
    }
    return Fail(FieldError(
        sources ? "expected exactly one, got both" : "expected exactly one, got neither", paths));
  }
  for (const auto& [source, field, path] :
       {std::tuple{"persistentVolumeClaim", "claimName", "persistentvolumeclaim.claimname"},
        {"configMap", "name", "configmap.name"},
        {"secret", "secretName", "secret.secretName"}}) {
    if (binding.contains(source) && binding[source].value(field, "").empty()) {
      return Fail(FieldError("missing field(s)", at + "." + path));
    }
  }
  return {};
}

Status ValidateNoDuplicates(const json& list, const std::string& path) {
  std::set<std::string> seen;
  for (const json& item : list) {
    const std::string name = item.value("name", "");
    if (!seen.insert(name).second) {
      return Fail(FieldError("expected exactly one, got both", path + "[" + name + "].name"));
    }
  }
  return {};
}

// validateInlineParameters: the TaskRun's params count as declarations of
// the inline spec, merged with its own.
Status ValidateInlineParams(const json& spec) {
  std::vector<ParamSpec> combined;
  for (const Param& p : ParseParams(ListField(spec, "params"))) {
    ParamSpec s{p.name, p.value.type, p.value, std::nullopt, {}};
    if (p.value.type == "object") {
      s.properties.emplace();
      for (const auto& [key, value] : p.value.object_value) (*s.properties)[key] = "string";
    }
    combined.push_back(std::move(s));
  }
  for (const ParamSpec& declared : ParseParamSpecs(ListField(spec["taskSpec"], "params"))) {
    auto given = std::find_if(combined.begin(), combined.end(),
                              [&](const ParamSpec& s) { return s.name == declared.name; });
    if (given == combined.end()) {
      combined.push_back(declared);
      continue;
    }
    if ((declared.default_value && declared.default_value->type == "object") ||
        given->type == "object") {
      if (!declared.properties) {
        return Fail(FieldError("missing field(s)", declared.name + ".properties"));
      }
      given->properties = declared.properties;
    }
  }
  return ValidateParameterUsage(ListField(spec["taskSpec"], "steps"), combined, "spec.taskSpec");
}

// wrongTypeParamsNames' exception: a string that holds a reference may
// become an array or object.
bool HoldsReference(const std::string& text) {
  const size_t open = text.find("$(");
  return open != std::string::npos && ReferenceEnd(text, open) != std::string::npos;
}

Status ValidateParamValues(const std::vector<ParamSpec>& specs, const std::vector<Param>& params) {
  std::set<std::string> given;
  for (const Param& p : params) given.insert(p.name);
  std::vector<std::string> missing, wrong_type;
  for (const ParamSpec& s : specs) {
    if (!given.contains(s.name) && !s.default_value) missing.push_back(s.name);
  }
  if (!missing.empty()) {
    return Fail("missing values for these params which have no default values: " + GoList(missing));
  }
  for (const Param& p : params) {
    for (const ParamSpec& s : specs) {
      if (s.name != p.name || p.value.type == s.type) continue;
      if (p.value.type == "string" && HoldsReference(p.value.string_value)) continue;
      wrong_type.push_back(p.name);
    }
  }
  if (!wrong_type.empty()) {
    return Fail("param types don't match the user-specified type: " + GoList(wrong_type));
  }
  return {};
}

// MissingKeysObjectParamNames.
Status ValidateObjectKeys(const std::vector<ParamSpec>& specs, const std::vector<Param>& params) {
  std::string missing;
  for (const ParamSpec& s : specs) {
    if (s.type != "object" || !s.properties) continue;
    std::set<std::string> provided;
    bool any = s.default_value.has_value() && s.default_value->type == "object";
    if (any) {
      for (const auto& [key, value] : s.default_value->object_value) provided.insert(key);
    }
    for (const Param& p : params) {
      if (p.name != s.name || p.value.type != "object") continue;
      any = true;
      for (const auto& [key, value] : p.value.object_value) provided.insert(key);
    }
    std::vector<std::string> keys;
    for (const auto& [key, type] : *s.properties) {
      if (!provided.contains(key)) keys.push_back(key);
    }
    if (any && !keys.empty()) missing += (missing.empty() ? "" : " ") + s.name + ":" + GoList(keys);
  }
  if (missing.empty()) return {};
  return Fail("missing keys for these params which are required in ParamSpec's properties map[" +
              missing + "]");
}

Status ValidateEnums(const std::vector<ParamSpec>& specs, const std::vector<Param>& params) {
  for (const Param& p : params) {
    if (p.value.type != "string" || p.value.string_value.empty()) continue;
    for (const ParamSpec& s : specs) {
      if (s.name != p.name || s.enum_values.empty()) continue;
      if (std::find(s.enum_values.begin(), s.enum_values.end(), p.value.string_value) ==
          s.enum_values.end()) {
        return Fail("param `" + p.name + "` value: " + p.value.string_value +
                    " is not in the enum list");
      }
    }
  }
  return {};
}

void CollectStrings(const json& value, std::vector<std::string>& out) {
  if (value.is_string()) {
    out.push_back(value);
  } else if (value.is_structured()) {
    for (const json& item : value) CollectStrings(item, out);
  }
}

// ValidateParamArrayIndex: `$(params.a[i])` with i past the array's end.
Status ValidateArrayIndexes(const json& spec, const std::vector<ParamSpec>& specs,
                            const std::vector<Param>& params) {
  std::map<std::string, size_t> lengths;
  for (const ParamSpec& s : specs) {
    if (s.default_value && s.default_value->type == "array") {
      lengths[s.name] = s.default_value->array_value.size();
    }
  }
  for (const Param& p : params) {
    if (p.value.type == "array") lengths[p.name] = p.value.array_value.size();
  }
  std::vector<std::string> texts;
  for (const char* key : {"steps", "stepTemplate", "volumes", "workspaces", "sidecars"}) {
    if (spec.contains(key)) CollectStrings(spec[key], texts);
  }
  std::set<std::string> out_of_bounds;
  for (const std::string& text : texts) {
    for (const VariableReference& ref : FindVariableReferences(text, "params")) {
      const std::string name(ref.name);
      const size_t open = name.rfind('[');
      if (open == std::string::npos || !name.ends_with("]")) continue;
      const std::string index = name.substr(open + 1, name.size() - open - 2);
      if (index.empty() || index.find_first_not_of("0123456789") != std::string::npos) continue;
      auto it = lengths.find(name.substr(0, open));
      if (it != lengths.end() && std::stoul(index) >= it->second) out_of_bounds.emplace(ref.whole);
    }
  }
  if (out_of_bounds.empty()) return {};
  return Fail("non-existent param references:" +
              GoList({out_of_bounds.begin(), out_of_bounds.end()}));
}

}  // namespace

Status ValidateTaskRunSpec(const json& spec) {
  const bool ref = spec.contains("taskRef"), inline_spec = spec.contains("taskSpec");
  if (ref == inline_spec) {
    return Fail(
        FieldError(ref ? "expected exactly one, got both" : "expected exactly one, got neither",
                   "spec.taskRef, spec.taskSpec"));
  }
  if (ref && spec["taskRef"].value("name", "").empty() &&
      spec["taskRef"].value("resolver", "").empty()) {
    return Fail(FieldError("missing field(s)", "spec.taskRef.name"));
  }
  if (spec.contains("timeout") &&
      ParseGoDuration(spec["timeout"].get<std::string>())->count() < 0) {
    return Fail(
        FieldError("invalid value: " + spec["timeout"].get<std::string>() + " should be >= 0",
                   "spec.timeout"));
  }
  if (auto ok = ValidateNoDuplicates(ListField(spec, "params"), "spec.params"); !ok) return ok;
  const json& bindings = ListField(spec, "workspaces");
  for (size_t i = 0; i < bindings.size(); ++i) {
    const std::string at = "spec.workspaces[" + std::to_string(i) + "]";
    if (auto ok = ValidateBinding(bindings[i], at); !ok) return ok;
    if (auto ok = ValidateDns1123Label(at + ".name", bindings[i].value("name", "")); !ok) return ok;
  }
  if (auto ok = ValidateNoDuplicates(bindings, "spec.workspaces"); !ok) return ok;
  if (inline_spec) {
    if (auto ok = ValidateTaskSpec(spec["taskSpec"], "spec.taskSpec"); !ok) return ok;
    return ValidateInlineParams(spec);
  }
  return {};
}

Status ValidateRunParams(const json& task_spec, const std::vector<Param>& params,
                         const std::string& task_name) {
  const std::vector<ParamSpec> specs = ParseParamSpecs(ListField(task_spec, "params"));
  auto ok = ValidateParamValues(specs, params);
  if (ok) ok = ValidateObjectKeys(specs, params);
  if (!ok) return Fail("invalid input params for task " + task_name + ": " + ok.error().message);
  if (auto enums = ValidateEnums(specs, params); !enums) return enums;
  return ValidateArrayIndexes(task_spec, specs, params);
}

Status ValidateWorkspaceBindings(const json& declarations, const json& bindings) {
  std::set<std::string> declared, bound;
  for (const json& d : declarations) declared.insert(d.value("name", ""));
  for (const json& b : bindings) bound.insert(b.value("name", ""));
  for (const json& d : declarations) {
    if (!d.value("optional", false) && !bound.contains(d.value("name", ""))) {
      return Fail("declared workspace \"" + d.value("name", "") +
                  "\" is required but has not been bound");
    }
  }
  for (const json& b : bindings) {
    if (!declared.contains(b.value("name", ""))) {
      return Fail("workspace binding \"" + b.value("name", "") +
                  "\" does not match any declared workspace");
    }
  }
  return {};
}

}  // namespace podstep::podsim
