#pragma once
// Support for the process tests: temp dirs, spawning the real binaries with
// their output captured to files, deadline waits, file helpers and a parser
// for the termination message. Written from CONTRACT.md only; it uses no
// podstep library code so it cannot share a bug with the code under test.

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace podstep::test {

using std::chrono::milliseconds;

/// Generous deadline for "must happen" waits: a loaded CI machine running
/// sanitizer builds must never hit it, a hang still ends the test.
inline constexpr milliseconds kDeadline{10'000};

/// Absolute paths of the binaries under test (set by test/CMakeLists.txt).
std::string EntrypointBin();
std::string HelperBin();
std::string StepinitBin();
std::string NopBin();

/// `$PODSTEP_TEST_BIN_DIR/<name>` when that variable is set (another build
/// of the binaries, e.g. build/arm64-musl/bin run through qemu-user), else
/// `built`. The helper is never redirected: it plays the wrapped command.
std::string BinUnderTest(const std::string& name, const std::string& built);

/// Whether the binaries under test are emulated: $PODSTEP_TEST_PLATFORM names
/// another platform than this machine's (qemu-user through binfmt_misc).
bool UnderEmulation();

/// A fresh directory under $TMPDIR (or /tmp), removed recursively on
/// destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  /// `path() + "/" + relative`.
  std::string operator/(const std::string& relative) const { return path_ + "/" + relative; }

 private:
  std::string path_;
};

/// How a process ended.
struct ExitStatus {
  bool exited = false;  ///< Normal exit; `code` is valid.
  int code = -1;
  int signal = 0;  ///< Killed by this signal when !exited.

  bool operator==(const ExitStatus&) const = default;
  static ExitStatus Exited(int code) { return {true, code, 0}; }
};
std::ostream& operator<<(std::ostream& os, const ExitStatus& status);

struct SpawnOptions {
  std::vector<std::string> argv;
  /// Full environment, "NAME=value" each.
  std::vector<std::string> env;
  /// Files receiving the process's stdout/stderr (created/truncated).
  std::string stdout_path;
  std::string stderr_path;
  /// File opened as stdin; empty: /dev/null.
  std::string stdin_path;
  /// Working directory; empty: ours. Tests run in their temp dir so that
  /// relative paths (e.g. no -step_metadata_dir) never litter the build tree.
  std::string cwd;
};

/// A spawned process in a new session. The destructor SIGKILLs every process
/// of that session (so wrapped commands, grandchildren and orphans the test
/// created die too, even when they moved to another process group) and reaps
/// the direct child.
class Process {
 public:
  /// Spawns with posix_spawn; on failure returns a Process whose pid() is -1
  /// and records the reason in `error`.
  static Process Spawn(const SpawnOptions& options, std::string* error);

  Process() = default;
  ~Process();
  Process(Process&& other) noexcept;
  Process& operator=(Process&& other) noexcept;
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  bool valid() const { return pid_ > 0; }

  /// Waits up to `timeout` for the process to end and reaps it. nullopt on
  /// timeout. Once reaped, returns the same status on every call.
  std::optional<ExitStatus> WaitFor(milliseconds timeout);
  /// True while the process has not ended (does not reap).
  bool Running();
  /// Sends `sig` to the process itself.
  bool Signal(int sig) const;

 private:
  void KillSession();

  pid_t pid_ = -1;
  int pidfd_ = -1;
  std::optional<ExitStatus> status_;
};

/// Polls `predicate` about every millisecond until it holds or `timeout`
/// passes. Returns whether it held.
bool WaitUntil(const std::function<bool()>& predicate, milliseconds timeout = kDeadline);

/// Keeps checking for `window` that `predicate` stays false; returns false as
/// soon as it becomes true. Used only to assert that something does NOT
/// happen (a step must keep waiting), never to let things settle.
bool StaysFalse(const std::function<bool()>& predicate, milliseconds window);

bool Exists(const std::string& path);  ///< lstat() succeeds.
std::optional<std::string> ReadFile(const std::string& path);
/// Reads the file, or "" when it cannot be read.
std::string ReadFileOr(const std::string& path);
/// Creates parent directories as needed; ADD_FAILUREs on error.
void WriteFile(const std::string& path, const std::string& content);
void MakeDirs(const std::string& path);
/// Size in bytes, or -1.
long long FileSize(const std::string& path);
/// True when the pid no longer names a live process: it is gone, or it is a
/// zombie (waiting for a parent that is not us).
bool ProcessGoneOrZombie(pid_t pid);

/// One entry of a termination message.
struct TerminationEntry {
  std::string key;
  std::string value;
  int type = 0;  ///< 0 when the "type" member is absent.
};

/// A parsed termination message file.
struct TerminationMessage {
  std::string raw;  ///< Exact file content.
  bool compressed = false;
  std::string json;  ///< The JSON text (decompressed when `tknz:`).
  std::vector<TerminationEntry> entries;

  /// The last entry with this key (the controller keeps the last one).
  std::optional<TerminationEntry> Find(const std::string& key) const;
  bool Has(const std::string& key) const { return Find(key).has_value(); }
};

/// Reads and parses the termination message at `path`: a JSON array of
/// {"key","value","type"?} objects, optionally `tknz:` compressed. nullopt
/// (and `error` set) when the file is missing or is not such an array.
std::optional<TerminationMessage> ReadTermination(const std::string& path, std::string* error);

/// The platform key of this machine as TEKTON_PLATFORM_COMMANDS uses it
/// ("linux/amd64", "linux/arm64", ...); $PODSTEP_TEST_PLATFORM when set
/// (the platform of the binaries in $PODSTEP_TEST_BIN_DIR).
std::string PlatformKey();

/// Whether `text` matches the StartedAt layout 2006-01-02T15:04:05.000Z07:00.
bool IsStartedAtFormat(const std::string& text);
/// Seconds since the epoch of a StartedAt value, nullopt when malformed.
std::optional<double> ParseStartedAt(const std::string& text);

/// One step's files inside a test's temp dir: `<dir>/run/<i>/out`, ...
struct StepFiles {
  std::string post_file;
  std::string termination;
  std::string metadata_dir;

  std::string err_file() const { return post_file + ".err"; }
  std::string exit_code_file() const { return metadata_dir + "/exitCode"; }
};

/// The step succeeded as far as later steps can tell: `<post_file>` exists
/// and `<post_file>.err` does not.
::testing::AssertionResult WrotePostFile(const StepFiles& step);
/// The step failed: `<post_file>.err` exists and `<post_file>` does not.
::testing::AssertionResult WroteErrPostFile(const StepFiles& step);

/// The outcome of a finished entrypoint run.
struct RunOutcome {
  std::optional<ExitStatus> status;  ///< nullopt: did not end in time.
  std::string out;                   ///< Its stdout.
  std::string err;                   ///< Its stderr.
};

/// Base fixture: a temp dir holding the fake Tekton root (`root()`, passed as
/// PODSTEP_TEKTON_ROOT) and per-step files, plus builders for entrypoint runs.
class EntrypointTest : public ::testing::Test {
 protected:
  EntrypointTest();
  /// Under emulation, skips (with the reason) the tests qemu-user cannot
  /// support; see kEmulationLimits in process_support.cpp.
  void SetUp() override;

  const TempDir& dir() const { return dir_; }
  std::string root() const { return dir_ / "tekton"; }
  std::string Path(const std::string& relative) const { return dir_ / relative; }

  /// Files of step `i`: post file `<dir>/run/<i>/out`, termination
  /// `<dir>/run/<i>/termination`, metadata `<dir>/run/<i>/status`.
  StepFiles Step(int i = 0) const;

  /// Arguments for step `i`: the -post_file/-termination_path/
  /// -step_metadata_dir flags, then `flags`, then `-entrypoint command[0] --
  /// command[1:]` (omitted when `command` is empty).
  std::vector<std::string> StepArgs(int i, const std::vector<std::string>& flags,
                                    const std::vector<std::string>& command) const;

  /// The helper as a command: {HelperBin(), args...}.
  static std::vector<std::string> Helper(std::vector<std::string> args);

  /// Environment for the entrypoint: ours without TEKTON_ and PODSTEP_
  /// variables, plus PODSTEP_TEKTON_ROOT=root(), plus `extra` ("NAME=value",
  /// replacing a variable of the same name).
  std::vector<std::string> Env(const std::vector<std::string>& extra = {}) const;

  /// Starts the entrypoint with `args`; its stdout/stderr go to
  /// `<dir>/<name>.stdout` / `.stderr`. ADD_FAILUREs if it cannot spawn.
  Process Start(const std::vector<std::string>& args, const std::string& name = "ep",
                const std::vector<std::string>& extra_env = {});
  /// Starts arbitrary argv (e.g. unshare ... entrypoint) the same way.
  Process StartArgv(const std::vector<std::string>& argv, const std::string& name,
                    const std::vector<std::string>& extra_env = {});

  /// Waits (kDeadline unless given) for `p` and collects its output.
  RunOutcome Finish(Process& p, const std::string& name = "ep", milliseconds timeout = kDeadline);

  /// Start + Finish.
  RunOutcome Run(const std::vector<std::string>& args, const std::string& name = "ep",
                 const std::vector<std::string>& extra_env = {});
  /// Runs step `i` with `flags` and `command`.
  RunOutcome RunStep(int i, const std::vector<std::string>& flags,
                     const std::vector<std::string>& command,
                     const std::vector<std::string>& extra_env = {});

  /// Parses step `i`'s termination file; ADD_FAILUREs and returns an empty
  /// message when it is missing or invalid.
  TerminationMessage Termination(int i = 0) const;

  std::string StdoutPath(const std::string& name) const { return dir_ / (name + ".stdout"); }
  std::string StderrPath(const std::string& name) const { return dir_ / (name + ".stderr"); }

 private:
  TempDir dir_;
};

}  // namespace podstep::test
