#include "common/sidecar_log_results.h"

#include <signal.h>

#include <algorithm>
#include <map>

#include "common/artifacts_json.h"
#include "common/comma_list.h"
#include "common/go_json.h"
#include "common/logging.h"
#include "common/file_names.h"
#include "common/step.h"
#include "common/signal_names.h"

namespace podstep {
namespace {

// The reference's own texts (users grep them), double spaces included.
constexpr std::string_view kWaitError = "error while waiting for the steps to finish  ";
constexpr std::string_view kResultsError = "error parsing results: ";

// Newer Tekton passes "" for "no names", where strings.Split gives {""}.
std::vector<std::string> SplitNonEmptyList(const std::string& text) {
  return text.empty() ? std::vector<std::string>() : SplitCommaList(text);
}

std::unexpected<Error> TypeError(char next, std::string_view go_type) {
  return Fail("json: cannot unmarshal " + std::string(GoJsonKindName(next)) + " into Go value of type " +
              std::string(go_type));
}

// Go checks the whole text before decoding, so a syntax error wins over a
// type error. The common case gets Go's exact text.
Status CheckJsonSyntax(std::string_view json) {
  GoJsonReader reader(json);
  if (reader.AtEnd()) return Fail("unexpected end of JSON input");
  const char first = reader.Peek();
  const bool starts_value = first == '"' || first == '[' || first == '{' || first == '-' ||
                            (first >= '0' && first <= '9') || first == 't' || first == 'f' ||
                            first == 'n';
  // Go quotes the character like a rune literal; printable ASCII other than
  // the quote itself reads the same.
  if (!starts_value && first > ' ' && first < 0x7f && first != '\'') {
    return Fail(std::string("invalid character '") + first + "' looking for beginning of value");
  }
  if (!reader.SkipValue(0) || !reader.AtEnd()) return Fail("invalid JSON: syntax error");
  return {};
}

// Names become path elements: an empty one would name the directory itself
// (the reference then failed reading it), `/` or `..` would leave it.
Status ValidateResultName(std::string_view kind, const std::string& name) {
  if (name.empty()) {
    return Fail("refusing an empty " + std::string(kind) + " name: it names the directory");
  }
  return ValidateFileName(kind, name);
}

class SidecarRun {
 public:
  SidecarRun(const SidecarLogResultsConfig& config, SidecarLogResultsIo& io)
      : config_(config), io_(io) {}

  int Run() {
    auto step_results = ParseStepResults(config_.step_results_json);
    if (config_.result_names.empty() && (!step_results || step_results->empty()) &&
        config_.step_names.empty() && !config_.kubernetes_sidecar_mode) {
      // v0.58 requires -result-names; newer Tekton passes "" when a Task has
      // only step results or artifacts. Nothing requested at all is still
      // v0.58's error (a native sidecar must not exit 1: it would restart).
      LogError("result-names were not provided");
      return 1;
    }
    if (!step_results) {
      LogError("{}", step_results.error().message);
      return 1;
    }
    const std::vector<std::string> result_names = SplitNonEmptyList(config_.result_names);
    const std::vector<std::string> step_names = SplitNonEmptyList(config_.step_names);
    // Every name is checked before waiting: a bad one fails at once instead
    // of after the whole TaskRun.
    for (const auto& name : result_names) {
      if (auto valid = ValidateResultName("result", name); !valid) return Fatal(valid.error());
    }
    for (const auto& [step, names] : *step_results) {
      if (auto valid = ValidateResultName("step", step); !valid) return Fatal(valid.error());
      for (const auto& name : names) {
        if (auto valid = ValidateResultName("step result", name); !valid) {
          return Fatal(valid.error());
        }
      }
    }
    for (const auto& name : step_names) {
      if (auto valid = ValidateResultName("step", name); !valid) return Fatal(valid.error());
    }

    if (auto waited = WaitForSteps(); !waited) {
      if (interrupted_by_ != 0) return 128 + interrupted_by_;
      return Fatal(waited.error());
    }

    for (const auto& name : result_names) {
      PrintResult(config_.results_dir + "/" + name, name, kSidecarTaskResult);
    }
    for (const auto& [step, names] : *step_results) {
      for (const auto& name : names) {
        PrintResult(config_.paths.StepsDir() + "/" + step + "/results/" + name, step + "." + name,
                    kSidecarStepResult);
      }
    }
    for (const auto& step : step_names) PrintArtifacts(step);

    if (failed_) return 1;
    if (!config_.kubernetes_sidecar_mode) return 0;
    // A native sidecar must not exit (it would be restarted): stay until the
    // kubelet stops it. A SIGTERM that came during the wait ends it now.
    if (stop_requested_) return 0;
    return io_.AwaitTermination();
  }

 private:
  int Fatal(const Error& error) {
    LogError("{}", error.message);
    return 1;
  }

  void Report(std::string message) {
    LogError("{}", message);
    failed_ = true;
  }

  // Like the reference: every entry of the run dir at start is a step whose
  // `out` must appear; the first `out.err` ends the wait (later steps will
  // not run). One step after the other: steps finish in order, and a step
  // waited on can only be missing its file while an earlier one runs.
  Status WaitForSteps() {
    auto entries = io_.ListDir(config_.paths.RunDir());
    if (!entries)
      return Fail(std::string(kWaitError) + "error parsing the run dir  " +
                  entries.error().message);
    std::vector<std::string> steps = std::move(*entries);
    std::ranges::sort(steps, [](const std::string& a, const std::string& b) {
      return a.size() != b.size() ? a.size() < b.size() : a < b;  // "2" before "10"
    });
    for (const auto& step : steps) {
      const std::string out = config_.paths.RunDir() + "/" + step + "/out";
      for (;;) {
        WaitOutcome waited = io_.WaitForStep(out);
        if (waited.status == WaitOutcome::kReady) break;
        if (waited.status == WaitOutcome::kPreviousStepFailed ||
            waited.status == WaitOutcome::kPredecessorKilled) {
          return {};  // later steps are skipped: print what exists
        }
        if (waited.status == WaitOutcome::kInterrupted) {
          if (config_.kubernetes_sidecar_mode &&
              (waited.signal == SIGTERM || waited.signal == SIGINT)) {
            stop_requested_ = true;  // the reference notes it and exits after printing
            continue;
          }
          LogError("stopped waiting for the steps: received {}", SignalName(waited.signal));
          interrupted_by_ = waited.signal;
          return Fail("interrupted");
        }
        return Fail(std::string(kWaitError) +
                    "error checking for out file's existence error checking for file existence " +
                    ErrnoError("stat " + out, waited.sys_errno).message);
      }
    }
    return {};
  }

  void PrintResult(const std::string& path, std::string_view name, std::string_view type) {
    auto content = io_.ReadRegularFile(path, config_.max_result_bytes);
    if (!content) {
      Report(std::string(kResultsError) + "error reading the results file " +
             content.error().message);
      return;
    }
    if (!*content) return;  // not written: the controller reports missing results
    Print(FormatSidecarLogLine(name, **content, type));
  }

  void PrintArtifacts(const std::string& step) {
    const std::string path = config_.paths.StepsDir() + "/" + step + "/artifacts/provenance.json";
    auto exists = io_.IsFile(path);
    if (!exists) return Report(exists.error().message);
    if (!*exists) return;
    auto content = io_.ReadRegularFile(path, config_.max_result_bytes);
    if (!content) return Report("error reading the results file " + content.error().message);
    if (!*content) return;  // removed between the two looks
    auto normalized = NormalizeArtifactsJson(**content);
    if (!normalized) return Report("invalid artifacts : " + normalized.error().message);
    Print(FormatSidecarLogLine(step, *normalized, kSidecarStepArtifact));
  }

  void Print(const std::string& line) {
    if (auto printed = io_.Print(line); !printed) {
      Report("error writing results: " + printed.error().message);
    }
  }

  const SidecarLogResultsConfig& config_;
  SidecarLogResultsIo& io_;
  bool failed_ = false;
  bool stop_requested_ = false;
  int interrupted_by_ = 0;
};

}  // namespace

std::string FormatSidecarLogLine(std::string_view name, std::string_view value,
                                 std::string_view type) {
  std::string line = "{\"Name\":";
  AppendGoJsonString(line, name);
  line += ",\"Value\":";
  AppendGoJsonString(line, value);
  line += ",\"Type\":";
  AppendGoJsonString(line, type);
  line += "}\n";
  return line;
}

Result<std::vector<std::pair<std::string, std::vector<std::string>>>> ParseStepResults(
    std::string_view json) {
  if (auto valid = CheckJsonSyntax(json); !valid) return Fail(valid.error());
  std::map<std::string, std::vector<std::string>> steps;
  GoJsonReader reader(json);
  if (!reader.ConsumeLiteral("null")) {
    if (reader.Peek() != '{') return TypeError(reader.Peek(), "map[string][]string");
    reader.Consume('{');
    bool first = true;
    while (!reader.Consume('}')) {
      if (!first) reader.Consume(',');
      first = false;
      std::optional<std::string> step = reader.ReadString();
      if (!step) return Fail("invalid JSON: syntax error");  // checked above; never trusted
      reader.Consume(':');
      std::vector<std::string> names;
      if (!reader.ConsumeLiteral("null")) {
        if (reader.Peek() != '[') return TypeError(reader.Peek(), "[]string");
        reader.Consume('[');
        bool first_name = true;
        while (!reader.Consume(']')) {
          if (!first_name) reader.Consume(',');
          first_name = false;
          if (reader.ConsumeLiteral("null")) {
            names.emplace_back();  // Go leaves a null element as ""
            continue;
          }
          if (reader.Peek() != '"') return TypeError(reader.Peek(), "string");
          std::optional<std::string> name = reader.ReadString();
          if (!name) return Fail("invalid JSON: syntax error");
          names.push_back(std::move(*name));
        }
      }
      steps[*step] = std::move(names);
    }
  }
  return std::vector<std::pair<std::string, std::vector<std::string>>>(steps.begin(), steps.end());
}

int RunSidecarLogResults(const SidecarLogResultsConfig& config, SidecarLogResultsIo& io) {
  return SidecarRun(config, io).Run();
}

}  // namespace podstep
