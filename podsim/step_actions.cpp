#include "podsim/step_actions.h"

#include <set>

#include "common/go_quote.h"
#include "podsim/json_lists.h"
#include "podsim/spec_substitution.h"
#include "podsim/tekton_schema.h"
#include "podsim/tekton_validation.h"

namespace podstep::podsim {
namespace {

using nlohmann::json;

// GetStepActionsData's merge: the StepAction's fields over the step's.
json MergeStepAction(json step, const json& action) {
  step["image"] = action.value("image", "");
  for (const char* always : {"securityContext", "workingDir"}) {
    step.erase(always);
    if (action.contains(always)) step[always] = action[always];
  }
  for (const char* if_set : {"command", "args", "script", "env", "volumeMounts", "results"}) {
    if (action.contains(if_set) && !action[if_set].empty()) step[if_set] = action[if_set];
  }
  return step;
}

// validateStepHasStepActionParameters.
Status CheckStepParams(const std::vector<Param>& given, const std::vector<ParamSpec>& declared) {
  std::set<std::string> declared_names, given_names;
  for (const ParamSpec& spec : declared) declared_names.insert(spec.name);
  std::vector<std::string> extra, missing;
  for (const Param& p : given) {
    given_names.insert(p.name);
    if (!declared_names.contains(p.name)) extra.push_back(p.name);
  }
  if (!extra.empty()) return Fail("extra params passed by Step to StepAction: " + GoList(extra));
  for (const ParamSpec& spec : declared) {
    if (!spec.default_value && !given_names.contains(spec.name)) missing.push_back(spec.name);
  }
  if (!missing.empty()) return Fail("non-existent params in Step: " + GoList(missing));
  return {};
}

// resultref.ParseStepExpression: "steps.<step>.results.<name>[i]" or
// "steps.<step>.results.<name>.<key>" → {step, name}.
std::optional<std::pair<std::string, std::string>> ParseStepExpression(std::string_view text) {
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    const size_t dot = text.find('.', start);
    parts.emplace_back(text.substr(start, dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (parts.size() < 4 || parts[0] != "steps" || parts[2] != "results") return std::nullopt;
  if (parts.size() == 4) return std::pair{parts[1], TrimArrayIndex(parts[3])};
  if (parts.size() == 5) return std::pair{parts[1], parts[3]};
  return std::nullopt;
}

// replacementsArrayIdxStepResults: `$(params.<name>[i])` in the step's
// command, args and env becomes the step result's element i.
void AddIndexedStepResults(const json& step, const std::string& name, const std::string& target,
                           StringReplacements& out) {
  std::vector<std::string> texts;
  for (const char* key : {"command", "args"}) {
    for (const json& item : step.value(key, json::array())) texts.push_back(item);
  }
  for (const json& env : step.value("env", json::array())) texts.push_back(env.value("value", ""));
  for (const std::string& text : texts) {
    for (size_t open = text.find("$("); open != std::string::npos;
         open = text.find("$(", open + 1)) {
      const size_t close = ReferenceEnd(text, open);
      if (close == std::string::npos) break;
      const std::string inner = text.substr(open + 2, close - open - 2);
      for (const std::string& prefix :
           {"params." + name, "params[" + GoQuote(name) + "]", "params['" + name + "']"}) {
        if (!inner.starts_with(prefix + "[") || !inner.ends_with("]")) continue;
        const std::string index = inner.substr(prefix.size() + 1, inner.size() - prefix.size() - 2);
        if (index.empty() || index.find_first_not_of("0123456789") != std::string::npos) continue;
        out[inner] = "$(" + target + "[" + index + "])";
      }
    }
  }
}

// replacementsFromStepResults: a StepAction param given a step result
// (`$(steps.s.results.r)`) reads it through the entrypoint, key by key for
// an object, as a whole or by index for an array. As in the controller, a
// param given anything else stops the search.
StringReplacements StepResultReplacements(const json& step, const std::vector<Param>& given,
                                          const std::vector<ParamSpec>& declared) {
  StringReplacements out;
  for (const Param& p : given) {
    if (p.value.string_value.empty()) continue;
    std::string_view text = p.value.string_value;
    if (text.starts_with("$(")) text.remove_prefix(2);
    if (text.ends_with(")")) text.remove_suffix(1);
    auto parsed = ParseStepExpression(text);
    if (!parsed) return {};
    const std::string target = "steps." + parsed->first + ".results." + parsed->second;
    for (const ParamSpec& spec : declared) {
      if (spec.name != p.name) continue;
      if (spec.type == "object") {
        for (const auto& [key, type] :
             spec.properties.value_or(std::map<std::string, std::string>{})) {
          out["params." + spec.name + "." + key] = "$(" + target + "." + key + ")";
        }
      } else if (spec.type == "array") {
        for (const std::string& pattern :
             {"params." + spec.name, "params[" + GoQuote(spec.name) + "]",
              "params['" + spec.name + "']", "inputs.params." + spec.name}) {
          out[pattern + "[*]"] = "$(" + target + "[*])";
        }
        AddIndexedStepResults(step, spec.name, target, out);
      }
    }
  }
  return out;
}

// applyStepActionParameters.
void ApplyStepActionParams(json& step, const json& task_spec, const std::vector<Param>& run_params,
                           std::vector<Param> given, const std::vector<ParamSpec>& declared) {
  if (!given.empty()) {
    ReplaceParamVariables(
        given,
        TaskParameters(ParseParamSpecs(task_spec.value("params", json::array())), run_params));
  }
  ParamReplacements r = ReplacementsFromDefaults(declared);
  const ParamReplacements from_step = ReplacementsFromParams(given);
  for (const auto& [key, value] : from_step.strings) r.strings[key] = value;
  for (const auto& [key, value] : from_step.arrays) r.arrays[key] = value;
  for (const auto& [key, value] : StepResultReplacements(step, given, declared)) {
    r.strings[key] = value;
  }
  ApplyStepReplacements(step, r.strings, r.arrays);
}

}  // namespace

Result<json> ResolveStepActions(const json& spec, const std::vector<Param>& run_params,
                                const Documents& documents, const std::string& path) {
  json out = spec;
  if (!out.contains("steps")) return out;
  for (size_t i = 0; i < out["steps"].size(); ++i) {
    json& step = out["steps"][i];
    if (!step.contains("ref")) continue;
    const std::string at = path + ".steps[" + std::to_string(i) + "].ref";
    if (const std::string resolver = step["ref"].value("resolver", ""); !resolver.empty()) {
      return Fail(at + ".resolver: podsim resolves no remote StepAction (resolver \"" + resolver +
                  "\"); put the StepAction document in the file or in --from-dir");
    }
    const std::string name = step["ref"].value("name", "");
    const json* found = documents.Find("StepAction", name);
    if (found == nullptr) {
      return Fail(at + ".name: stepactions.tekton.dev \"" + name +
                  "\" not found (put the StepAction in the file or in --from-dir)");
    }
    json action = *found;
    auto ok = CheckStepAction(action);
    if (ok) ok = ValidateStepActionSpec(action["spec"], "spec");
    if (!ok) return Fail("StepAction \"" + name + "\": " + ok.error().message);
    const json& action_spec = action["spec"];
    const std::vector<ParamSpec> declared =
        ParseParamSpecs(action_spec.value("params", json::array()));
    const std::vector<Param> given = ParseParams(step.value("params", json::array()));
    if (auto checked = CheckStepParams(given, declared); !checked) {
      return Fail(path + ".steps[" + std::to_string(i) + "]: " + checked.error().message);
    }
    json merged = MergeStepAction(step, action_spec);
    ApplyStepActionParams(merged, spec, run_params, given, declared);
    merged.erase("params");
    merged.erase("ref");
    step = std::move(merged);
  }
  return out;
}

}  // namespace podstep::podsim
