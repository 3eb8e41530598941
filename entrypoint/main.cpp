// entrypoint: Tekton's step wrapper. Parses flags, builds the real
// dependencies, runs one step (or a subcommand) and exits with its code.

#include <sys/prctl.h>

#include <cstdio>
#include <cstdlib>

#include "common/entrypoint_cli.h"
#include "common/logging.h"
#include "common/subcommands.h"
#include "common/sys/posix_process_runner.h"
#include "common/sys/real_credential_files.h"
#include "common/sys/real_step_deps.h"

extern char** environ;

namespace {

constexpr std::chrono::milliseconds kFallbackPoll{200};

// As the reference does before every step, even one that will be skipped:
// write /tekton/creds from the credential flags, then copy it into $HOME.
// Failures are logged and the step goes on.
void SetUpCredentials(const podstep::Credentials& credentials, const podstep::TektonPaths& paths) {
  using namespace podstep;
  for (const Error& error : credentials.Write(paths.CredsDir())) {
    LogInfo("Error initializing credentials: {}", error.message);
  }
  const char* home = std::getenv("HOME");
  for (const std::string& warning :
       CopyCredsToHome(paths.CredsDir(), home ? home : "", kCredsInitCredentials)) {
    LogInfo("{}", warning);
  }
}

int RunEntrypoint(const podstep::StepConfig& config) {
  using namespace podstep;
  RealStepFiles files;
  SystemWallClock clock;
  // Checked before anything is opened: with too few descriptors the outcome
  // was lost (no lock, no `.err`); now one is still free to write `.err`.
  if (auto headroom = CheckDescriptorHeadroom(DescriptorsNeeded(config)); !headroom) {
    return FailStepBeforeStart(config, files, clock,
                               "Error executing command: " + headroom.error().message);
  }
  IgnoreSelfInflictedSignals();
  auto signals = SignalChannel::Open();
  if (!signals) {
    return FailStepBeforeStart(config, files, clock,
                               "Error executing command: " + signals.error().message);
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
  // One inotify instance, opened only when needed, for both the wait and
  // the cancel watch (see LazyDirWatcher).
  LazyDirWatcher inotify;
  RealFileWaiter waiter(*signals, kFallbackPoll, &inotify);
  PosixProcessRunner runner(*signals, {}, &inotify);
  const int exit_code = RunStep(config, {waiter, runner, files, clock});
  signals->LeaveBlockedAtExit();
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  using podstep::EntrypointCommandLine;
  std::vector<std::string> args(argv + 1, argv + argc);
  podstep::RealCredentialFiles credential_files;
  EntrypointCommandLine line =
      podstep::ParseEntrypointCommandLine(args, &std::getenv, credential_files);
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
  SetUpCredentials(*line.credentials, line.config.paths);
  for (char** entry = environ; *entry != nullptr; ++entry)
    line.config.environment.push_back(*entry);
  return RunEntrypoint(line.config);
}
