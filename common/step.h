#pragma once
// One step's run, in the contract's order (CONTRACT.md §3): wait, run, decide,
// collect results, write the termination message, the exitCode file and —
// last, so a waiter that sees it sees everything else — the post file.
// Every dependency on the outside world is an interface.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/process.h"
#include "common/tekton_paths.h"
#include "common/termination_message.h"
#include "common/wait.h"

namespace podstep {

inline constexpr std::string_view kResultFromTerminationMessage = "termination-message";
inline constexpr std::string_view kResultFromSidecarLogs = "sidecar-logs";

/// Everything the flags and environment say about the step.
struct StepConfig {
  std::string entrypoint;                 // -entrypoint; "" means TEKTON_PLATFORM_COMMANDS
  std::vector<std::string> command_args;  // after `--`
  std::string platform_commands_json;     // env TEKTON_PLATFORM_COMMANDS
  std::string platform;                   // e.g. "linux/amd64"
  std::vector<std::string> wait_files;
  bool wait_file_content = false;
  std::string post_file;
  std::string termination_path;
  std::vector<std::string> results;
  std::vector<std::string> step_results;
  std::string when_expressions;  // raw JSON
  std::chrono::nanoseconds timeout{0};
  std::string stdout_path;
  std::string stderr_path;
  bool breakpoint_on_failure = false;
  bool debug_before_step = false;
  std::string on_error;
  std::string step_metadata_dir;
  std::string result_from{kResultFromTerminationMessage};
  bool compress_termination_message = false;
  bool hermetic = false;
  /// The environment ("NAME=value") the command gets after substitution.
  std::vector<std::string> environment;
  /// Features accepted on the command line but not implemented yet; each
  /// makes the step fail cleanly (post `.err`) instead of running half-set-up.
  std::vector<std::string> unsupported;
  TektonPaths paths;
};

/// Blocks until a file is ready; abstract so tests can script outcomes.
class FileWaiter {
 public:
  virtual ~FileWaiter() = default;
  virtual WaitOutcome Wait(const std::string& file, const WaitOptions& options) = 0;
};

/// File I/O of a step; abstract so tests can record it.
class StepFiles {
 public:
  virtual ~StepFiles() = default;
  virtual Status MakeDirs(const std::string& path) = 0;
  /// Creates parent directories, then creates/truncates the file.
  virtual Status WriteFile(const std::string& path, std::string_view content) = 0;
  /// nullopt when the file does not exist.
  virtual Result<std::optional<std::string>> ReadFile(const std::string& path) = 0;
  virtual Status WriteTermination(const std::string& path, const std::vector<RunResult>& entries,
                                  bool compress) = 0;
  /// Writes an executable (0755) temporary file and returns its path.
  virtual Result<std::string> WriteTempExecutable(std::string_view content) = 0;
};

/// Wall clock; abstract so tests get fixed timestamps.
class WallClock {
 public:
  virtual ~WallClock() = default;
  virtual std::chrono::system_clock::time_point Now() = 0;
};

struct StepDeps {
  FileWaiter& waiter;
  ProcessRunner& runner;
  StepFiles& files;
  WallClock& clock;
};

/// Runs the step and returns the entrypoint's exit code. Never throws; every
/// failure after this point writes `<post_file>.err` and logs one line.
int RunStep(const StepConfig& config, StepDeps deps);

/// The command to run: -entrypoint + args, or the platform's entry of
/// TEKTON_PLATFORM_COMMANDS (falling back to the platform without variant).
Result<std::vector<std::string>> ResolveCommand(const StepConfig& config);

/// Rejects names that could escape their directory: empty is allowed (the
/// reference skips it), `/`, `.` and `..` are not.
Status ValidateFileName(std::string_view kind, const std::string& name);

/// This build's platform in the `os/arch[/variant]` form Go's platforms package uses.
std::string CurrentPlatform();

}  // namespace podstep
