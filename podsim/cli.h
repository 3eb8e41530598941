#pragma once
// `podsim`'s command line: `run`, `render`, `--help`, `--version`.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace podstep::podsim {

/// Exit codes: the pod succeeded; it failed; bad input or podsim could not run it.
inline constexpr int kExitSucceeded = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

/// What the command line asks for, checked but not yet acted on: values are
/// well-formed (durations parse, `NAME=VALUE` pairs split), nothing is looked
/// up on the file system.
struct PodsimCommandLine {
  enum class Command { kRun, kRender, kHelp, kVersion };
  enum class Output { kTable, kJson };

  Command command = Command::kRun;
  /// The manifest file; "-" is stdin. Empty for kHelp and kVersion.
  std::string file;
  Output output = Output::kTable;
  /// --logs: each container's output to DIR/<container>.log (empty: stderr).
  std::string logs_dir;
  /// --cancel-after, --timeout, --grace-period (Go durations, never negative).
  std::optional<std::chrono::nanoseconds> cancel_after;
  std::optional<std::chrono::nanoseconds> timeout;
  std::optional<std::chrono::nanoseconds> grace;
  /// --entrypoint-bin, --nop-bin, --workingdirinit-bin (empty: next to the
  /// podsim binary).
  std::string entrypoint_bin;
  std::string nop_bin;
  std::string workingdirinit_bin;
  /// --host-network: the containers share the host's network namespace
  /// instead of a private, loopback-only one.
  bool host_network = false;
  /// --select NAME (repeatable): run only these TaskRuns of a file that has
  /// several (empty: all of them).
  std::vector<std::string> select;
  /// --from-dir DIR (repeatable): more ConfigMap/Secret/Task/StepAction
  /// documents that references may resolve to, besides the file's own.
  std::vector<std::string> from_dirs;
  /// --image NAME=ROOTFS_DIR (repeatable): image NAME's root file system.
  std::map<std::string, std::string> images;
  /// --image-command IMAGE=CMD (repeatable): image IMAGE's entrypoint (its
  /// Entrypoint followed by its Cmd) for steps that have no `command`.
  std::map<std::string, std::vector<std::string>> image_commands;
  /// --allow-host-path: hostPath volumes are refused without it.
  bool allow_host_path = false;
};

/// Parses podsim's arguments (argv without argv[0]). Flags may come before or
/// after the command and FILE, spelled `--name VALUE`, `--name=VALUE`, or with
/// one dash (`-output json`, as Go's flag package); `-o` is `--output`; `--`
/// ends the flags. A repeated single-valued flag keeps its last value. Errors
/// are one line naming the flag or argument at fault.
Result<PodsimCommandLine> ParsePodsimCommandLine(const std::vector<std::string>& args);

/// The words of `--image-command`'s CMD: a JSON array of strings when it
/// starts with `[` (`["/bin/sh", "-c"]`), otherwise split at whitespace
/// (`/bin/sh -c`); never empty.
Result<std::vector<std::string>> ParseImageCommand(const std::string& text);

/// Runs podsim with `args` (argv without argv[0]); `self_dir` is the
/// directory of the podsim binary (the default place of entrypoint and nop).
/// Prints to stdout/stderr, returns the exit code. Never throws.
int PodsimMain(const std::vector<std::string>& args, const std::string& self_dir);

/// The usage text (`podsim --help`).
std::string PodsimUsage();

}  // namespace podstep::podsim
