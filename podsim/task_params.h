#pragma once
// Tekton's params (pkg/apis/pipeline/v1/param_types.go and
// pkg/reconciler/taskrun/resources/apply.go): declarations with their
// inferred types and defaults, the values a TaskRun or a Step gives, and the
// replacement tables the controller builds from both. Pure; the JSON given
// here has passed tekton_schema.h.

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "podsim/substitution.h"

namespace podstep::podsim {

/// ParamValue: a string, an array of strings or an object of strings.
struct ParamValue {
  std::string type = "string";  ///< "string", "array" or "object"
  std::string string_value;
  std::vector<std::string> array_value;
  std::map<std::string, std::string> object_value;

  /// ParamValue.UnmarshalJSON: an array of strings, an object of strings,
  /// a string; anything else becomes the string of its JSON text.
  static ParamValue FromJson(const nlohmann::json& value);
  nlohmann::json ToJson() const;
};

/// A ParamSpec after SetDefaults: its type inferred from `properties` or the
/// default when not written.
struct ParamSpec {
  std::string name;
  std::string type;
  std::optional<ParamValue> default_value;
  /// Key → type; absent when the declaration has no `properties`.
  std::optional<std::map<std::string, std::string>> properties;
  std::vector<std::string> enum_values;
};

/// A param given by a TaskRun or a Step.
struct Param {
  std::string name;
  ParamValue value;
};

/// The declarations of a `params` list (ParamSpec.SetDefaults applied).
std::vector<ParamSpec> ParseParamSpecs(const nlohmann::json& list);

/// The params of a `params` list.
std::vector<Param> ParseParams(const nlohmann::json& list);

/// The tables ApplyReplacements uses: `params.x`, `params["x"]`,
/// `params['x']`, `params.x[0]`, `params.o.key` → string; `params.a` →
/// array; `params.o` → object.
struct ParamReplacements {
  StringReplacements strings;
  ArrayReplacements arrays;
  std::map<std::string, std::map<std::string, std::string>, std::less<>> objects;
};

/// replacementsFromDefaultParams: the defaults of the declarations.
ParamReplacements ReplacementsFromDefaults(const std::vector<ParamSpec>& specs);

/// replacementsFromParams: the given values.
ParamReplacements ReplacementsFromParams(const std::vector<Param>& params);

/// getTaskParameters: the declarations' defaults, overridden by every param
/// the TaskRun gives (declared or not: propagated params); an object given
/// only in part keeps its default's other keys.
ParamReplacements TaskParameters(const std::vector<ParamSpec>& specs,
                                 const std::vector<Param>& params);

/// Params.ReplaceVariables: substitutes into the values of `params`; a string
/// value that is exactly a reference to an array or object becomes one.
void ReplaceParamVariables(std::vector<Param>& params, const ParamReplacements& r);

/// ReplaceParamVariables on a `params` list, returned as a list.
nlohmann::json ReplaceParamVariables(const nlohmann::json& params, const ParamReplacements& r);

/// The declared names; the names of the declarations of one type.
std::vector<std::string> ParamNames(const std::vector<ParamSpec>& specs,
                                    const std::string& type = "");

}  // namespace podstep::podsim
