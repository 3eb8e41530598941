#pragma once
// A step's `artifacts/provenance.json` as the reference's sidecar prints it:
// decoded into Tekton's v1.Artifacts with Go's encoding/json and marshalled
// again, so the controller sees the same normalised text (unknown fields
// dropped, empty ones omitted, digests sorted by algorithm).

#include <string>
#include <string_view>

#include "common/error.h"

namespace podstep {

/// Decodes `json` like Go's json.Unmarshal into
/// `{inputs,outputs: [{name, values: [{digest: {alg: hex}, uri}], buildOutput}]}`
/// (field names matched case-insensitively, `null` leaving a field empty) and
/// returns json.Marshal of the result: omitempty fields left out, HTML
/// characters escaped. The error says what did not fit, in Go's words where
/// they are simple ("json: cannot unmarshal number into Go struct field
/// Artifact.inputs.name of type string").
Result<std::string> NormalizeArtifactsJson(std::string_view json);

}  // namespace podstep
