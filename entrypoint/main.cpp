// entrypoint: Tekton's step wrapper. Parses flags, builds the real
// dependencies, runs one step (or a subcommand) and exits with its code.

#include <sys/prctl.h>

#include <cstdio>
#include <cstdlib>

#include "common/entrypoint_cli.h"
#include "common/logging.h"
#include "common/subcommands.h"
#include "common/sys/posix_process_runner.h"
#include "common/sys/real_step_deps.h"

extern char** environ;

namespace {

constexpr std::chrono::milliseconds kFallbackPoll{200};

int RunEntrypoint(const podstep::StepConfig& config) {
  using namespace podstep;
  auto signals = SignalChannel::Open();
  if (!signals) {
    LogError("Error executing command: {}", signals.error().message);
    if (!config.post_file.empty()) (void)RealStepFiles().WriteFile(config.post_file + ".err", "");
    return 1;
  }
  // Orphans of the command are re-parented to us and reaped in the run loop,
  // whether or not we are PID 1.
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  UniqueFd lock;
  if (!config.post_file.empty()) {
    auto acquired = AcquireStepLock(config.post_file);
    if (acquired) {
      lock = std::move(*acquired);
    } else {
      LogWarning(
          "could not take the step lock (later steps will not notice if this one is "
          "killed): {}",
          acquired.error().message);
    }
  }
  RealFileWaiter waiter(*signals, kFallbackPoll);
  PosixProcessRunner runner(*signals);
  RealStepFiles files;
  SystemWallClock clock;
  return RunStep(config, {waiter, runner, files, clock});
}

}  // namespace

int main(int argc, char** argv) {
  using podstep::EntrypointCommandLine;
  std::vector<std::string> args(argv + 1, argv + argc);
  EntrypointCommandLine line = podstep::ParseEntrypointCommandLine(args, &std::getenv);
  switch (line.status) {
    case EntrypointCommandLine::kHelp:
      std::fputs(line.usage.c_str(), stderr);
      return 0;
    case EntrypointCommandLine::kUsageError:
      std::fprintf(stderr, "%s\n%s", line.error.c_str(), line.usage.c_str());
      return 2;
    case EntrypointCommandLine::kVersion:
      std::printf("podstep entrypoint %s\n", PODSTEP_VERSION);
      return 0;
    case EntrypointCommandLine::kRun:
      break;
  }
  if (auto subcommand = podstep::RunSubcommand(line.positional, line.config.paths)) {
    podstep::LogInfo("{}", subcommand->message);
    return subcommand->ok ? 0 : 1;
  }
  for (char** entry = environ; *entry != nullptr; ++entry)
    line.config.environment.push_back(*entry);
  return RunEntrypoint(line.config);
}
