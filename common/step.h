#pragma once
// One step's run, in the contract's order (CONTRACT.md §3): wait, run, decide,
// collect results, write the termination message, the exitCode file and —
// last, so a waiter that sees it sees everything else — the post file.
// Every dependency on the outside world is an interface.

#include <cerrno>
#include <chrono>
#include <cstddef>
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
  /// Waits at most `bound` for `file` to have content (see wait.h's
  /// WaitForContent); false when it is still empty or missing.
  virtual bool WaitForContent(const std::string& file, std::chrono::milliseconds bound) = 0;
};

/// How long a debug exit file (`echo 1 > out.breakpointexit`) may stay empty
/// after it appeared before it is read as it is (empty: exit 0, as the
/// reference). The shell fills it microseconds after creating it; seconds
/// cover a heavily loaded node, and only a user who `touch`es the file by
/// hand ever waits for the whole bound.
inline constexpr std::chrono::milliseconds kDebugExitFileContentBound{5000};

/// Most bytes read of a file substituted into the command, its environment
/// or when expressions (step results, provenance.json, a script): a larger
/// one could not be passed to exec anyway (ARG_MAX is 2 MiB with the default
/// 8 MiB stack; one argument is at most 128 KiB).
inline constexpr std::size_t kMaxSubstitutedFileBytes = 2 * 1024 * 1024;
/// Most bytes read of a debug exit file: it holds one integer.
inline constexpr std::size_t kMaxDebugExitFileBytes = 4096;

/// File I/O of a step; abstract so tests can record it.
class StepFiles {
 public:
  virtual ~StepFiles() = default;
  virtual Status MakeDirs(const std::string& path) = 0;
  /// Creates parent directories, then creates/truncates the file.
  virtual Status WriteFile(const std::string& path, std::string_view content) = 0;
  /// The whole file; nullopt when it does not exist. Never blocks and never
  /// reads more than `max_bytes` + 1: a file that is not a regular file (a
  /// FIFO would block forever, a device never end) fails with sys_errno
  /// EINVAL, one larger than `max_bytes` with EFBIG (see IsRefusedFile).
  virtual Result<std::optional<std::string>> ReadFile(const std::string& path,
                                                      std::size_t max_bytes) = 0;
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

/// For a failure before RunStep could start (e.g. too few file descriptors):
/// logs `message`, writes the termination message (StartedAt) and
/// `<post_file>.err`, and returns the exit code, 1.
int FailStepBeforeStart(const StepConfig& config, StepFiles& files, WallClock& clock,
                        const std::string& message);

/// The command to run: -entrypoint + args, or the platform's entry of
/// TEKTON_PLATFORM_COMMANDS (falling back to the platform without variant).
Result<std::vector<std::string>> ResolveCommand(const StepConfig& config);


/// True for the errors StepFiles::ReadFile gives for a file it refuses to
/// read (not a regular file, or too large), as opposed to ordinary I/O errors.
inline bool IsRefusedFile(const Error& error) {
  return error.sys_errno == EINVAL || error.sys_errno == EFBIG;
}

/// This build's platform in the `os/arch[/variant]` form Go's platforms package uses.
std::string CurrentPlatform();

}  // namespace podstep
