#pragma once
// The entrypoint's command line: the reference's flags, parsed with Go `flag`
// semantics, turned into a StepConfig.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/comma_list.h"
#include "common/credentials/credentials.h"
#include "common/step.h"

namespace podstep {

struct EntrypointCommandLine {
  enum Status { kRun, kHelp, kVersion, kUsageError } status = kRun;
  std::string error;                    // kUsageError: one line
  std::string usage;                    // Go-style flag usage (kHelp, kUsageError)
  std::vector<std::string> positional;  // subcommand and its arguments
  StepConfig config;
  /// The credential flags' secrets, read while parsing (set when kRun).
  std::optional<Credentials> credentials;
};

/// Parses argv (without the program name). `getenv` supplies the
/// environment (TEKTON_PLATFORM_COMMANDS, TEKTON_HERMETIC, TEKTON_RESOURCE_NAME,
/// PODSTEP_TEKTON_ROOT) so tests need not touch the process's own;
/// `credential_files` reads the secrets the credential flags name.
EntrypointCommandLine ParseEntrypointCommandLine(
    const std::vector<std::string>& args, const std::function<const char*(const char*)>& getenv,
    CredentialFiles& credential_files);

}  // namespace podstep
