#pragma once
// The entrypoint's pod-setup subcommands (CONTRACT.md §8): `cp`, `init`,
// `step-init`, `decode-script`. They run in the `prepare` and
// `place-scripts` init containers.

#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/tekton_paths.h"

namespace podstep {

struct SubcommandOutcome {
  bool ok = true;
  /// One line to log: "Copied a to b" on success, "cp error: …" on failure.
  std::string message;
};

/// Runs the subcommand named by `args[0]` when the arity matches the
/// reference's; nullopt when `args` names no subcommand (then the caller runs
/// a step as usual).
std::optional<SubcommandOutcome> RunSubcommand(const std::vector<std::string>& args,
                                               const TektonPaths& paths);

/// Creates `<root>/steps` and, for step i named n, the links `steps/<n>` and
/// `steps/<i>` to `<root>/run/<i>/status`. Existing links are kept.
Status InitStepLinks(const std::vector<std::string>& step_names, const TektonPaths& paths);

/// Replaces the file's base64 content by the decoded bytes, keeping its
/// permission bits; on invalid base64 the file is left untouched.
Status DecodeScriptInPlace(const std::string& path);

}  // namespace podstep
