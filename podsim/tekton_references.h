#pragma once
// Tekton's checks of `$(…)` references (pkg/substitution's Validate*
// functions) on one string at a time, and the check podsim makes after
// substitution that no reference Tekton replaces is left. Errors carry
// Tekton's text (`non-existent variable in "…"`). Pure.

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>

#include "common/error.h"

namespace podstep::podsim {

using VariableNames = std::set<std::string, std::less<>>;

/// The knative FieldError text "<message>: <path>".
std::string FieldError(const std::string& message, const std::string& path);

/// The `name` of each item of a list (params, results, workspaces).
VariableNames NamesOf(const nlohmann::json& list);

/// ValidateNoReferencesToUnknownVariables: every `$(<prefix>.x…)` of
/// `value` names one of `known` (indexes `[i]`/`[*]` and an object key
/// aside): `non-existent variable in "<value>"`; a dotted name of three
/// parts or more is Tekton's "Invalid referencing of parameters" error.
Status NoUnknownVariables(std::string_view value, std::string_view prefix,
                          const VariableNames& known);

/// ValidateNoReferencesToProhibitedVariables: none of `names` (arrays) as a
/// whole, where a string goes: `variable type invalid in "<value>"`.
Status NoProhibitedVariables(std::string_view value, std::string_view prefix,
                             const VariableNames& names);

/// ValidateNoReferencesToEntireProhibitedVariables: none of `names`
/// (objects) as a whole: `variable type invalid in "<value>"`.
Status NoEntireProhibitedVariables(std::string_view value, std::string_view prefix,
                                   const VariableNames& names);

/// ValidateVariableReferenceIsIsolated: a reference to one of `names`
/// (arrays) in a command or args item is the whole item: `variable is not
/// properly isolated in "<value>"`.
Status IsolatedVariables(std::string_view value, std::string_view prefix,
                         const VariableNames& names);

/// After substitution: no reference Tekton replaces (params, context,
/// results, workspaces, step results, credentials, exit code paths) is
/// left anywhere in the steps, sidecars, step template and volumes, and
/// every `$(steps.<name>.results.<r>)` left for the entrypoint names a
/// declared step result. Stricter than Tekton, which leaves a reference it
/// does not know as literal text in the command.
Status ValidateNoReferencesLeft(const nlohmann::json& spec, const std::string& path);

}  // namespace podstep::podsim
