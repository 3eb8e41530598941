#pragma once
// Reading the manifests podsim runs: a file of JSON (what `kubectl get -o
// json` prints, a single object or a `List`) or YAML (one or more documents),
// as nlohmann::json values.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace podstep::podsim {

/// Parses `text` as JSON when it starts (after blanks) with `{` or `[`,
/// otherwise as YAML. Every document becomes one value; a `kind: List` (or a
/// top-level JSON array) contributes its items. YAML plain scalars become
/// numbers, booleans or null as in YAML 1.2's core schema; quoted ones stay
/// strings. Errors read "parse <what>: <cause>".
Result<std::vector<nlohmann::json>> ParseManifests(std::string_view text, std::string_view what);

/// Reads the file and parses it with ParseManifests ("-" reads stdin).
Result<std::vector<nlohmann::json>> LoadManifests(const std::string& path);

}  // namespace podstep::podsim
