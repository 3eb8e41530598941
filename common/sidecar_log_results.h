#pragma once
// The `sidecarlogresults` binary's logic (CONTRACT.md §10): with
// `-result_from sidecar-logs` the controller does not read results from
// termination messages (4 KiB each) but from this sidecar's log, one JSON line
// per result. It waits until the steps are done, then prints what they wrote.
// The outside world (directory listing, waiting, bounded reads, stdout,
// signals) is one interface, so the logic is tested without files.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/tekton_paths.h"
#include "common/wait.h"

namespace podstep {

/// The largest result file we print. The controller rejects a log line longer
/// than its `max-result-size` feature flag (default 4096), and refuses to
/// start with a flag value of 1.5 MiB (1572864) or more — the CRD size limit —
/// so a longer value can never be accepted; reading stops one byte past it.
inline constexpr size_t kMaxSidecarResultBytes = 1572863;

/// `Type` of a printed line (the reference's SidecarLogResultType values).
inline constexpr std::string_view kSidecarTaskResult = "task";
inline constexpr std::string_view kSidecarStepResult = "step";
inline constexpr std::string_view kSidecarStepArtifact = "stepArtifact";

struct SidecarLogResultsConfig {
  std::string results_dir;               // -results-dir
  std::string result_names;              // -result-names, comma-separated
  std::string step_results_json;         // -step-results, {"step":["name",...]}
  std::string step_names;                // -step-names (newer Tekton), comma-separated
  bool kubernetes_sidecar_mode = false;  // -kubernetes-sidecar-mode
  TektonPaths paths;                     // run dir and steps dir
  size_t max_result_bytes = kMaxSidecarResultBytes;
};

/// Everything outside the process; abstract so tests can fake it.
class SidecarLogResultsIo {
 public:
  virtual ~SidecarLogResultsIo() = default;
  /// Names of the entries of `dir` (without "." and ".."). The error text is
  /// Go's os.ReadDir error ("open <dir>: no such file or directory").
  virtual Result<std::vector<std::string>> ListDir(const std::string& dir) = 0;
  /// Blocks until `out_file` exists, or `<out_file>.err` does, or its step's
  /// entrypoint died without writing either, or stat fails, or a
  /// terminating signal arrives (kInterrupted).
  virtual WaitOutcome WaitForStep(const std::string& out_file) = 0;
  /// A regular file's content: nullopt when it does not exist; an error
  /// (never a hang) when it is not a regular file, cannot be read, or is
  /// longer than `max_bytes` (nothing past max_bytes + 1 is read).
  virtual Result<std::optional<std::string>> ReadRegularFile(const std::string& path,
                                                             size_t max_bytes) = 0;
  /// Go's `fileExists`: stat succeeds and it is not a directory; an error for
  /// stat failures other than "does not exist".
  virtual Result<bool> IsFile(const std::string& path) = 0;
  /// Writes one whole line to stdout.
  virtual Status Print(std::string_view line) = 0;
  /// Blocks until SIGTERM or SIGINT (returns 0) or another terminating
  /// signal (returns 128 + its number).
  virtual int AwaitTermination() = 0;
};

/// One line as the v0.58 reference's json.Encoder writes a SidecarLogResult:
/// `{"Name":…,"Value":…,"Type":…}` + "\n", strings escaped as Go does (HTML
/// characters as \u003c etc., invalid UTF-8 as \ufffd).
std::string FormatSidecarLogLine(std::string_view name, std::string_view value,
                                 std::string_view type);

/// Decodes -step-results as Go's json.Unmarshal into map[string][]string:
/// `null` is an empty map, a step's `null` an empty list, a repeated key
/// keeps its last value. The error is Go's text for the common cases
/// ("unexpected end of JSON input", "json: cannot unmarshal number into Go
/// value of type []string") and a syntax-error text otherwise. Steps come
/// back sorted by name (Go's map order is random; the output order is free).
Result<std::vector<std::pair<std::string, std::vector<std::string>>>> ParseStepResults(
    std::string_view json);

/// Runs the whole binary after flag parsing and returns its exit code: 0;
/// 1 after logging a failure (Go's log.Fatal); 128+N when terminating signal N
/// ended the wait (in -kubernetes-sidecar-mode SIGTERM and SIGINT are kept
/// for after the results are printed, as the reference does). Results that
/// can be printed are printed even when another one fails.
int RunSidecarLogResults(const SidecarLogResultsConfig& config, SidecarLogResultsIo& io);

}  // namespace podstep
