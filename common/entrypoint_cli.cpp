#include "common/entrypoint_cli.h"

#include "common/go_flags.h"

namespace podstep {

EntrypointCommandLine ParseEntrypointCommandLine(
    const std::vector<std::string>& args, const std::function<const char*(const char*)>& getenv,
    CredentialFiles& credential_files) {
  auto env = [&](const char* name) -> std::string {
    const char* value = getenv(name);
    return value == nullptr ? "" : value;
  };
  EntrypointCommandLine line;
  StepConfig& config = line.config;
  config.paths.root = env(kTektonRootEnv).empty() ? config.paths.root : env(kTektonRootEnv);

  std::string wait_files, results, step_results;
  bool version = false, enable_spire = false;
  std::string spire_socket_path;

  GoFlagSet flags("entrypoint");
  flags.AddString("entrypoint", &config.entrypoint, "", "Original specified entrypoint to execute");
  flags.AddString("wait_file", &wait_files, "", "Comma-separated list of paths to wait for");
  flags.AddBool("wait_file_content", &config.wait_file_content,
                "If specified, expect wait_file to have content");
  flags.AddString("post_file", &config.post_file, "",
                  "If specified, file to write upon completion");
  flags.AddString("termination_path", &config.termination_path, config.paths.Termination(),
                  "If specified, file to write upon termination");
  flags.AddString("results", &results, "",
                  "If specified, list of file names that might contain task results");
  flags.AddString("step_results", &step_results, "", "step results if specified");
  flags.AddString("when_expressions", &config.when_expressions, "",
                  "when expressions if specified");
  flags.AddDuration("timeout", &config.timeout, "If specified, sets timeout for step");
  flags.AddString("stdout_path", &config.stdout_path, "", "If specified, file to copy stdout to");
  flags.AddString("stderr_path", &config.stderr_path, "", "If specified, file to copy stderr to");
  flags.AddBool("breakpoint_on_failure", &config.breakpoint_on_failure,
                "If specified, expect steps to not skip on failure");
  flags.AddBool("debug_before_step", &config.debug_before_step,
                "If specified, wait for a debugger to attach before executing the step");
  flags.AddString("on_error", &config.on_error, "",
                  "Set to \"continue\" to ignore an error and continue when a container terminates "
                  "with a non-zero exit code. Set to \"stopAndFail\" to declare a failure with a "
                  "step error and stop executing the rest of the steps.");
  flags.AddString("step_metadata_dir", &config.step_metadata_dir, "",
                  "If specified, create directory to store the step metadata e.g. "
                  "/tekton/steps/<step-name>/");
  flags.AddString("result_from", &config.result_from, std::string(kResultFromTerminationMessage),
                  "The method using which to extract results from tasks. Default is using the "
                  "termination message.");
  flags.AddBool("compress_termination_message", &config.compress_termination_message,
                "If true, compress termination messages with flate to fit more results in the "
                "4KB Kubernetes limit.");
  flags.AddBool("enable_spire", &enable_spire,
                "If specified by configmap, this enables spire signing and verification");
  flags.AddString("spire_socket_path", &spire_socket_path,
                  "unix:///spiffe-workload-api/spire-agent.sock",
                  "Experimental: The SPIRE agent socket for SPIFFE workload API.");
  Credentials& credentials =
      line.credentials.emplace(config.paths.CredsSecretsDir(), credential_files);
  credentials.Register(flags);
  flags.AddBool("version", &version, "Print the version of this entrypoint and exit");

  SplitArgs split = SplitAtDoubleDash(args);
  ParseOutcome parsed = flags.Parse(split.flag_args);
  if (parsed.status != ParseStatus::kOk) line.usage = flags.Usage();
  if (parsed.status == ParseStatus::kHelp) {
    line.status = EntrypointCommandLine::kHelp;
    return line;
  }
  if (parsed.status == ParseStatus::kError) {
    line.status = EntrypointCommandLine::kUsageError;
    line.error = parsed.error;
    return line;
  }
  if (version) {
    line.status = EntrypointCommandLine::kVersion;
    return line;
  }
  line.positional = std::move(parsed.positional);
  config.command_args = std::move(split.command_args);
  config.wait_files = SplitCommaList(wait_files);
  config.results = SplitCommaList(results);
  config.step_results = SplitCommaList(step_results);
  config.platform_commands_json = env("TEKTON_PLATFORM_COMMANDS");
  config.platform = CurrentPlatform();
  config.hermetic = env("TEKTON_HERMETIC") == "1" && env("TEKTON_RESOURCE_NAME").empty();
  if (enable_spire) config.unsupported.push_back("-enable_spire (SPIRE result signing)");
  return line;
}

}  // namespace podstep
