#include "podsim/tekton_validation.h"

#include <set>
#include <string_view>

#include "common/go_duration.h"
#include "common/go_quote.h"
#include "podsim/json_fields.h"
#include "podsim/json_lists.h"
#include "podsim/names.h"
#include "podsim/substitution.h"
#include "podsim/tekton_references.h"

namespace podstep::podsim {
namespace {

using nlohmann::json;
using Names = VariableNames;

std::string At(const std::string& path, const std::string& field) {
  return FieldPath(path, field);
}

std::string At(const std::string& path, const std::string& field, size_t i) {
  return Index(FieldPath(path, field), i);
}

// One string field of a step and its path below the step, as Tekton's
// validators name it.
struct StepString {
  std::string path;
  std::string value;
  enum Kind { kPlain, kListItem, kOnError } kind = kPlain;
};

// The fields validateStepVariables and friends look at.
std::vector<StepString> StepStrings(const json& step) {
  std::vector<StepString> out;
  for (const char* key : {"name", "image", "workingDir", "script"}) {
    out.push_back({key, step.value(key, "")});
  }
  for (const char* key : {"command", "args"}) {
    const json& items = ListField(step, key);
    for (size_t i = 0; i < items.size(); ++i) {
      out.push_back({At("", key, i), items[i].get<std::string>(), StepString::kListItem});
    }
  }
  for (const json& env : ListField(step, "env")) {
    out.push_back({"env[" + env.value("name", "") + "]", env.value("value", "")});
  }
  const json& mounts = ListField(step, "volumeMounts");
  for (size_t i = 0; i < mounts.size(); ++i) {
    for (const char* key : {"name", "mountPath", "subPath"}) {
      out.push_back({At("", "volumeMount", i) + "." + key, mounts[i].value(key, "")});
    }
  }
  out.push_back({"onError", step.value("onError", ""), StepString::kOnError});
  return out;
}

// The containers a check runs on, each with its path ("spec.steps[0]").
using Containers = std::vector<std::pair<const json*, std::string>>;

Containers StepsOf(const json& steps, const std::string& path) {
  Containers out;
  for (size_t i = 0; i < steps.size(); ++i) out.emplace_back(&steps[i], At(path, "steps", i));
  return out;
}

// Runs `check` on each field of each container; the first error gets its path.
template <class Check>
Status ForEachString(const Containers& containers, Check check) {
  for (const auto& [container, path] : containers) {
    for (const StepString& field : StepStrings(*container)) {
      if (auto ok = check(field); !ok) {
        return Fail(FieldError(ok.error().message, At(path, field.path)));
      }
    }
  }
  return {};
}

Status ValidateArrayAndObjectUsage(const Containers& containers,
                                   const std::vector<ParamSpec>& params) {
  const std::vector<std::string> array_names = ParamNames(params, "array");
  const std::vector<std::string> object_names = ParamNames(params, "object");
  const Names arrays(array_names.begin(), array_names.end());
  const Names objects(object_names.begin(), object_names.end());
  return ForEachString(containers, [&](const StepString& f) -> Status {
    if (f.kind == StepString::kOnError) return {};
    if (f.kind == StepString::kListItem) {
      if (auto ok = IsolatedVariables(f.value, "params", arrays); !ok) return ok;
    } else if (auto ok = NoProhibitedVariables(f.value, "params", arrays); !ok) {
      return ok;
    }
    return NoEntireProhibitedVariables(f.value, "params", objects);
  });
}

// ValidateUsageOfDeclaredParameters over any containers.
Status ValidateDeclaredParams(const Containers& containers, const std::vector<ParamSpec>& params) {
  const std::vector<std::string> all = ParamNames(params);
  const Names names(all.begin(), all.end());
  if (auto ok = ForEachString(
          containers,
          [&](const StepString& f) { return NoUnknownVariables(f.value, "params", names); });
      !ok) {
    return ok;
  }
  for (const ParamSpec& p : params) {
    if (p.type != "object") continue;
    if (!p.properties) return Fail(FieldError("missing field(s)", p.name + ".properties"));
    Names keys;
    for (const auto& [key, type] : *p.properties) keys.insert(key);
    if (auto ok = ForEachString(containers,
                                [&](const StepString& f) {
                                  return NoUnknownVariables(f.value, "params." + p.name, keys);
                                });
        !ok) {
      return ok;
    }
  }
  return {};
}

Status ValidateContextUsage(const json& steps, const std::string& path) {
  static const Names kTaskRun = {"name", "namespace", "uid"};
  static const Names kTask = {"name", "retry-count"};
  return ForEachString(StepsOf(steps, path), [&](const StepString& f) -> Status {
    if (auto ok = NoUnknownVariables(f.value, "context.taskRun", kTaskRun); !ok) return ok;
    return NoUnknownVariables(f.value, "context.task", kTask);
  });
}

// `^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$` (resultref.go's ResultNameFormat).
bool IsResultName(std::string_view name) {
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  if (name.empty() || !alnum(name.front()) || !alnum(name.back())) return false;
  for (char c : name) {
    if (!alnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

Status ValidateResults(const json& results, const std::string& path, bool task_results) {
  for (size_t i = 0; i < results.size(); ++i) {
    const json& r = results[i];
    const std::string at = At(path, "results", i);
    const std::string name = r.value("name", "");
    if (!IsResultName(name)) {
      return Fail(FieldError("invalid key name " + GoQuote(name), at + ".name"));
    }
    const std::string type = r.value("type", "");
    if (type == "object" && !r.contains("properties")) {
      return Fail(FieldError("missing field(s)", at + "." + name + ".properties"));
    }
    if (!type.empty() && type != "string" && type != "array" && type != "object") {
      return Fail(FieldError("invalid value: " + type, at + ".type"));
    }
    if (task_results && r.contains("value") && !r["value"].is_string()) {
      return Fail(FieldError(
          "Invalid Type. Wanted string but got: \"" + ParamValue::FromJson(r["value"]).type + "\"",
          at + "." + name + ".type"));
    }
  }
  return {};
}

// validateTaskResultsVariables and, for steps with results,
// ValidateStepResultsVariables.
Status ValidateResultReferences(const json& spec, const std::string& path) {
  const Names task_results = NamesOf(ListField(spec, "results"));
  const json& steps = ListField(spec, "steps");
  for (size_t i = 0; i < steps.size(); ++i) {
    const std::string script = steps[i].value("script", "");
    const std::string at = At(path, "steps", i) + ".script";
    if (auto ok = NoUnknownVariables(script, "results", task_results); !ok) {
      return Fail(FieldError(ok.error().message, at));
    }
    if (!steps[i].contains("results")) continue;
    // v0.58 also held `$(results.…)` of such a step to its step results, a
    // bug later Tekton fixed: a step may write task and step results.
    if (auto ok = NoUnknownVariables(script, "step.results", NamesOf(steps[i]["results"])); !ok) {
      return Fail(FieldError(ok.error().message, at));
    }
    if (auto ok = ValidateResults(steps[i]["results"], At(path, "steps", i), false); !ok) {
      return ok;
    }
  }
  return ValidateResults(ListField(spec, "results"), path, true);
}

Status ValidateStepRef(const json& step, const std::string& at) {
  static const char* const kNotWithRef[][2] = {
      {"image", "image cannot be used with Ref"},
      {"command", "command cannot be used with Ref"},
      {"args", "args cannot be used with Ref"},
      {"script", "script cannot be used with Ref"},
      {"workingDir", "working dir cannot be used with Ref"},
      {"env", "env cannot be used with Ref"},
      {"volumeMounts", "volumeMounts cannot be used with Ref"},
      {"results", "results cannot be used with Ref"}};
  for (const auto& [field, message] : kNotWithRef) {
    if (step.contains(field)) return Fail(FieldError(message, at + "." + field));
  }
  if (step["ref"].value("name", "").empty() && step["ref"].value("resolver", "").empty()) {
    return Fail(
        FieldError("expected exactly one, got neither", at + ".ref.name, " + at + ".ref.resolver"));
  }
  return {};
}

Status ValidateVolumeMounts(const json& mounts, const std::string& at) {
  for (size_t j = 0; j < mounts.size(); ++j) {
    const std::string name = mounts[j].value("name", "");
    const std::string mount_path = mounts[j].value("mountPath", "");
    if (mount_path.starts_with("/tekton/") && !mount_path.starts_with("/tekton/home")) {
      return Fail(FieldError("volumeMount cannot be mounted under /tekton/ (volumeMount " +
                                 GoQuote(name) + " mounted at " + GoQuote(mount_path) + ")",
                             At(at, "volumeMounts", j) + ".mountPath"));
    }
    if (name.starts_with("tekton-internal-")) {
      return Fail(FieldError(
          "volumeMount name " + GoQuote(name) + " cannot start with \"tekton-internal-\"",
          At(at, "volumeMounts", j) + ".name"));
    }
  }
  return {};
}

// validateStepResultReference: the entrypoint resolves `$(steps.<s>.results.<r>)`
// in env, command and args only (StepResultRegex, `\$\(steps\..*\.results\..*\)`).
Status ValidateStepResultPlaces(const json& step, const std::string& at) {
  auto used = [](const std::string& text) {
    const size_t open = text.find("$(steps.");
    return open != std::string::npos && text.find(".results.", open) != std::string::npos &&
           text.find(')', text.find(".results.", open)) != std::string::npos;
  };
  std::vector<std::pair<std::string, std::string>> fields;
  for (const char* key : {"name", "image", "script", "imagePullPolicy", "workingDir"}) {
    fields.emplace_back(key, step.value(key, ""));
  }
  for (const json& mount : ListField(step, "volumeMounts")) {
    for (const char* key : {"name", "mountPath", "subPath"}) {
      fields.emplace_back(std::string("volumeMounts.") + key, mount.value(key, ""));
    }
  }
  for (const auto& [field, value] : fields) {
    if (used(value)) {
      return Fail(FieldError(
          "stepResult substitutions are only allowed in env, command and args. Found usage in",
          at + "." + field));
    }
  }
  return {};
}

// validateStep, for the step merged with the step template (`image`).
Status ValidateStep(const json& step, const std::string& image, const std::string& at,
                    Names& names) {
  if (step.contains("ref")) {
    if (auto ok = ValidateStepRef(step, at); !ok) return ok;
  } else {
    if (step.contains("params")) {
      return Fail(FieldError("params cannot be used without Ref", at + ".params"));
    }
    if (image.empty()) return Fail(FieldError("missing field(s)", at + ".Image"));
    if (step.contains("script") && step.contains("command")) {
      return Fail(FieldError("script cannot be used with command", at + ".script"));
    }
  }
  if (const std::string name = step.value("name", ""); !name.empty()) {
    if (!names.insert(name).second) return Fail(FieldError("invalid value: " + name, at + ".name"));
    if (!Dns1123LabelErrors(name).empty()) {
      return Fail(FieldError("invalid value " + GoQuote(name), at + ".name") +
                  " (Task step name must be a valid DNS Label)");
    }
  }
  if (step.contains("timeout") &&
      ParseGoDuration(step["timeout"].get<std::string>())->count() < 0) {
    return Fail(FieldError("invalid value: " + step["timeout"].get<std::string>(),
                           at + ".negative timeout"));
  }
  if (auto ok = ValidateVolumeMounts(ListField(step, "volumeMounts"), at); !ok) return ok;
  if (auto ok = ValidateStepResultPlaces(step, at); !ok) return ok;
  const std::string on_error = step.value("onError", "");
  if (!on_error.empty() && !on_error.starts_with("$(params") && on_error != "continue" &&
      on_error != "stopAndFail") {
    return Fail(FieldError("invalid value: \"" + on_error + "\"", at + ".onError"));
  }
  return {};
}

Status ValidateSteps(const json& spec, const std::string& path) {
  const json& steps = ListField(spec, "steps");
  if (steps.empty()) return Fail(FieldError("missing field(s)", At(path, "steps")));
  const std::string template_image =
      spec.contains("stepTemplate") ? spec["stepTemplate"].value("image", "") : "";
  Names names;
  for (size_t i = 0; i < steps.size(); ++i) {
    const std::string image = steps[i].value("image", template_image);
    if (auto ok = ValidateStep(steps[i], image, At(path, "steps", i), names); !ok) return ok;
  }
  return {};
}

Status ValidateSidecars(const json& sidecars, const std::string& path) {
  for (const json& sidecar : sidecars) {
    if (sidecar.value("name", "") == "tekton-log-results") {
      return Fail(FieldError("Invalid: cannot use reserved sidecar name tekton-log-results ",
                             At(path, "sidecars") + ".name"));
    }
    if (sidecar.value("image", "").empty()) {
      return Fail(FieldError("missing field(s)", At(path, "sidecars") + ".image"));
    }
    if (sidecar.contains("script") && sidecar.contains("command")) {
      return Fail(
          FieldError("script cannot be used with command", At(path, "sidecars") + ".script"));
    }
  }
  return {};
}

Status ValidateUniqueNames(const json& list, const std::string& path, const std::string& what) {
  Names seen;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string name = list[i].value("name", "");
    if (!seen.insert(name).second) {
      const std::string message = what == "volume"
                                      ? "multiple volumes with same name " + GoQuote(name)
                                      : what + " name " + GoQuote(name) + " must be unique";
      return Fail(
          FieldError(message, At(path, what == "volume" ? "volumes" : "workspaces", i) + ".name"));
    }
  }
  return {};
}

// Workspace names become mount paths (/workspace/<name>): podsim holds them
// to the DNS-1123 label rule Kubernetes holds volume names to, where Tekton
// checks nothing.
Status ValidateWorkspaceNames(const json& spec, const std::string& path) {
  const json& declarations = ListField(spec, "workspaces");
  for (size_t i = 0; i < declarations.size(); ++i) {
    auto ok = ValidateDns1123Label(At(path, "workspaces", i) + ".name",
                                   declarations[i].value("name", ""));
    if (!ok) return ok;
  }
  return {};
}

// validateWorkspaceUsages: a step or sidecar uses declared workspaces only.
Status ValidateWorkspaceUsages(const json& spec, const std::string& path) {
  const Names declared = NamesOf(ListField(spec, "workspaces"));
  for (const char* list : {"steps", "sidecars"}) {
    const json& containers = ListField(spec, list);
    for (size_t i = 0; i < containers.size(); ++i) {
      const json& usages = ListField(containers[i], "workspaces");
      for (size_t j = 0; j < usages.size(); ++j) {
        const std::string name = usages[j].value("name", "");
        if (!declared.contains(name)) {
          return Fail(FieldError("undefined workspace " + GoQuote(name),
                                 At(At(path, list, i), "workspaces", j) + ".name"));
        }
      }
    }
  }
  return {};
}

// `^[_a-zA-Z][_a-zA-Z0-9.-]*$`, without the dot for object params and keys.
bool IsParamName(std::string_view name, bool allow_dot) {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) {
    return false;
  }
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' &&
        !(allow_dot && c == '.')) {
      return false;
    }
  }
  return true;
}

Status ValidateParamSpecs(const std::vector<ParamSpec>& params, const std::string& path) {
  Names seen;
  for (const ParamSpec& p : params) {
    const std::string at = At(path, "params") + "." + p.name;
    if (p.type != "string" && p.type != "array" && p.type != "object") {
      return Fail(FieldError("invalid value: " + p.type, at + ".type"));
    }
    if (p.default_value && p.default_value->type != p.type) {
      return Fail(FieldError("\"" + p.type + "\" type does not match default value's type: \"" +
                                 p.default_value->type + "\"",
                             at + ".type, " + at + ".default.type"));
    }
    if (!seen.insert(p.name).second) {
      return Fail(
          FieldError("parameter appears more than once", At(path, "params") + "[" + p.name + "]"));
    }
    bool valid = IsParamName(p.name, p.type != "object");
    for (const auto& [key, type] : p.properties.value_or(std::map<std::string, std::string>{})) {
      if (p.type == "object") valid = valid && IsParamName(key, false);
      if (type != "string") {
        return Fail(FieldError("The value type specified for these keys [" + key + "] is invalid",
                               at + ".properties"));
      }
    }
    if (!valid) {
      return Fail(FieldError(
          "The format of following array and string variable names is invalid: [" + p.name + "]",
          At(path, "params")));
    }
    if (!p.enum_values.empty() && p.type != "string") {
      return Fail(FieldError("enum can only be set with string type param",
                             At(path, "params") + "[" + p.name + "]"));
    }
  }
  return {};
}

}  // namespace

Status ValidateTaskSpec(const json& spec, const std::string& path) {
  const std::vector<ParamSpec> params = ParseParamSpecs(ListField(spec, "params"));
  const json& steps = ListField(spec, "steps");
  for (auto ok :
       {ValidateSteps(spec, path), ValidateUniqueNames(ListField(spec, "volumes"), path, "volume"),
        ValidateUniqueNames(ListField(spec, "workspaces"), path, "workspace"),
        ValidateWorkspaceNames(spec, path), ValidateWorkspaceUsages(spec, path),
        ValidateSidecars(ListField(spec, "sidecars"), path), ValidateParamSpecs(params, path),
        ValidateArrayAndObjectUsage(StepsOf(steps, path), params),
        ValidateContextUsage(steps, path), ValidateResultReferences(spec, path)}) {
    if (!ok) return ok;
  }
  return {};
}

Status ValidateParameterUsage(const json& steps, const std::vector<ParamSpec>& params,
                              const std::string& path) {
  return ValidateDeclaredParams(StepsOf(steps, path), params);
}

Status ValidateStepActionSpec(const json& spec, const std::string& path) {
  const std::string script = spec.value("script", "");
  if (spec.value("image", "").empty())
    return Fail(FieldError("missing field(s)", At(path, "Image")));
  if (!script.empty() && spec.contains("command")) {
    return Fail(FieldError("script cannot be used with command", At(path, "script")));
  }
  if (!FindVariableReferences(script, "params").empty()) {
    return Fail(FieldError("param substitution in scripts is not allowed.", At(path, "script")));
  }
  const std::vector<ParamSpec> params = ParseParamSpecs(ListField(spec, "params"));
  const Containers self = {{&spec, path}};
  const Names results = NamesOf(ListField(spec, "results"));
  for (auto ok : {ValidateDeclaredParams(self, params), ValidateParamSpecs(params, path),
                  ValidateArrayAndObjectUsage(self, params)}) {
    if (!ok) return ok;
  }
  for (const char* prefix : {"step.results", "results"}) {
    if (auto ok = NoUnknownVariables(script, prefix, results); !ok) {
      return Fail(FieldError(ok.error().message, At(path, "script")));
    }
  }
  const json& mounts = ListField(spec, "volumeMounts");
  for (size_t i = 0; i < mounts.size(); ++i) {
    const std::string name = mounts[i].value("name", "");
    const auto refs = FindVariableReferences(name, "params");
    if (refs.size() != 1 || refs[0].whole != name) {
      return Fail(FieldError("invalid value: " + name, At(path, "volumeMounts", i) + ".name"));
    }
  }
  return ValidateResults(ListField(spec, "results"), path, false);
}

}  // namespace podstep::podsim
