#include "podsim/tekton_references.h"

#include <map>

#include "common/go_quote.h"
#include "podsim/json_fields.h"
#include "podsim/json_lists.h"
#include "podsim/substitution.h"

namespace podstep::podsim {
namespace {

using nlohmann::json;

// substitution.ExtractVariablesFromString: the names `value` references
// below `prefix`, or Tekton's error for a dotted name of 3+ components.
Result<std::vector<std::string>> ExtractVariables(std::string_view value, std::string_view prefix) {
  std::vector<std::string> vars;
  for (const VariableReference& ref : FindVariableReferences(value, prefix)) {
    std::string_view name = ref.name;
    if (ref.dot_notation && name.find('.') != std::string_view::npos) {
      if (name.find('.', name.find('.') + 1) != std::string_view::npos) {
        std::string printed;
        for (char c : prefix) printed += c == '.' ? std::string("\\.") : std::string(1, c);
        return Fail("Invalid referencing of parameters in \"" + std::string(value) +
                    "\"! Only two dot-separated components after the prefix \"" + printed +
                    "\" are allowed.");
      }
      name = name.substr(0, name.find('.'));
    }
    vars.emplace_back(name);
  }
  return vars;
}

std::string_view WithoutStar(std::string_view name) {
  if (name.ends_with("[*]")) name.remove_suffix(3);
  return name;
}

// The references the controller replaces: any left has no value.
constexpr std::string_view kReplacedPrefixes[] = {
    "params",  "inputs.params", "context.taskRun", "context.task",
    "results", "workspaces",    "step.results",    "credentials"};

// A `$(steps.<step>.…)` reference the entrypoint resolves must name a step
// (and for results, a result it declares); exit code paths are replaced.
Status CheckStepReference(std::string_view name,
                          const std::map<std::string, VariableNames>& steps) {
  const size_t dot = name.find('.');
  const std::string_view step = name.substr(0, dot);
  const std::string_view rest = dot == std::string_view::npos ? "" : name.substr(dot + 1);
  auto it = steps.find(std::string(step));
  if (it == steps.end() || rest.starts_with("exitCode")) return Fail("");
  if (rest.starts_with("results.")) {
    std::string result = TrimArrayIndex(rest.substr(8));
    result = result.substr(0, result.find('.'));
    if (!it->second.contains(result)) return Fail("");
  }
  return {};
}

Status CheckStringLeft(const std::string& text, const std::map<std::string, VariableNames>& steps) {
  const std::string message = "non-existent variable in " + GoQuote(text);
  for (std::string_view prefix : kReplacedPrefixes) {
    if (!FindVariableReferences(text, prefix).empty()) return Fail(message);
  }
  for (const VariableReference& ref : FindVariableReferences(text, "steps")) {
    if (!ref.dot_notation || !CheckStepReference(ref.name, steps)) return Fail(message);
  }
  return {};
}

Status CheckTreeLeft(const json& value, const std::string& path,
                     const std::map<std::string, VariableNames>& steps) {
  if (value.is_string()) {
    auto ok = CheckStringLeft(value.get<std::string>(), steps);
    return ok ? ok : Fail(FieldError(ok.error().message, path));
  }
  if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) {
      if (auto ok = CheckTreeLeft(value[i], path + "[" + std::to_string(i) + "]", steps); !ok) {
        return ok;
      }
    }
  } else if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      if (auto ok = CheckTreeLeft(item, FieldPath(path, key), steps); !ok) return ok;
    }
  }
  return {};
}

}  // namespace

std::string FieldError(const std::string& message, const std::string& path) {
  return path.empty() ? message : message + ": " + path;
}

VariableNames NamesOf(const json& list) {
  VariableNames names;
  for (const json& item : list) names.insert(item.value("name", ""));
  return names;
}

// ValidateNoReferencesToUnknownVariables.
Status NoUnknownVariables(std::string_view value, std::string_view prefix,
                          const VariableNames& known) {
  auto vars = ExtractVariables(value, prefix);
  if (!vars) return Fail(vars.error());
  for (const std::string& v : *vars) {
    if (!known.contains(TrimArrayIndex(v))) {
      return Fail("non-existent variable in " + GoQuote(value));
    }
  }
  return {};
}

// ValidateNoReferencesToProhibitedVariables: a whole array where a string goes.
Status NoProhibitedVariables(std::string_view value, std::string_view prefix,
                             const VariableNames& names) {
  auto vars = ExtractVariables(value, prefix);
  if (!vars) return Fail(vars.error());
  for (const std::string& v : *vars) {
    if (names.contains(WithoutStar(v))) return Fail("variable type invalid in " + GoQuote(value));
  }
  return {};
}

// ValidateNoReferencesToEntireProhibitedVariables: a whole object.
Status NoEntireProhibitedVariables(std::string_view value, std::string_view prefix,
                                   const VariableNames& names) {
  for (const VariableReference& ref : FindVariableReferences(value, prefix)) {
    if (names.contains(WithoutStar(ref.name))) {
      return Fail("variable type invalid in " + GoQuote(value));
    }
  }
  return {};
}

// ValidateVariableReferenceIsIsolated: an array in command or args must be
// the whole item.
Status IsolatedVariables(std::string_view value, std::string_view prefix,
                         const VariableNames& names) {
  auto vars = ExtractVariables(value, prefix);
  if (!vars) return Fail(vars.error());
  const auto refs = FindVariableReferences(value, prefix);
  for (const std::string& v : *vars) {
    if (names.contains(WithoutStar(v)) && value.size() != refs.front().whole.size()) {
      return Fail("variable is not properly isolated in " + GoQuote(value));
    }
  }
  return {};
}

Status ValidateNoReferencesLeft(const json& spec, const std::string& path) {
  std::map<std::string, VariableNames> steps;
  for (const json& step : ListField(spec, "steps")) {
    if (step.contains("name")) steps[step["name"]] = NamesOf(ListField(step, "results"));
  }
  for (const char* key : {"steps", "sidecars", "stepTemplate", "volumes", "workspaces"}) {
    if (!spec.contains(key)) continue;
    if (auto ok = CheckTreeLeft(spec[key], FieldPath(path, key), steps); !ok) return ok;
  }
  return {};
}

}  // namespace podstep::podsim
