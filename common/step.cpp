#include "common/step.h"

#include <nlohmann/json.hpp>

#include "common/file_names.h"
#include "common/go_time.h"
#include "common/logging.h"
#include "common/step_outcome.h"
#include "common/step_substitution.h"
#include "common/signal_names.h"
#include "common/when_expressions.h"

namespace podstep {
namespace {

constexpr std::string_view kSkippedLog = "Skipping step because a previous step failed";

// Replaces each string by `replace(string)`, stopping at the first failure.
template <class Replace>
Status ReplaceEach(std::vector<std::string*> items, Replace replace) {
  for (std::string* item : items) {
    auto replaced = replace(*item);
    if (!replaced) return Fail(replaced.error());
    *item = std::move(*replaced);
  }
  return {};
}

std::vector<std::string*> Pointers(std::vector<std::string>& items) {
  std::vector<std::string*> pointers;
  for (auto& item : items) pointers.push_back(&item);
  return pointers;
}

class StepRun {
 public:
  StepRun(const StepConfig& config, StepDeps deps) : config_(config), deps_(deps) {}

  int Run() {
    if (auto prepared = Prepare(); !prepared) return FailBeforeRun(prepared.error().message);
    // Whatever does not depend on the predecessor is done before waiting for
    // it, so that its post file is followed by little more than the spawn:
    // whether any text refers to an earlier step at all (only the values
    // depend on it), the request and the runner's spawn for the command as
    // known now, and the time zone (the first local-time conversion reads
    // /etc/localtime). None of it creates a file.
    substitution_needed_ = MayNeedSubstitution();
    request_ = Request(command_, config_.environment);
    deps_.runner.Prepare(request_);
    (void)Timestamp();

    for (const auto& file : config_.wait_files) {
      WaitOutcome waited =
          deps_.waiter.Wait(file, {config_.wait_file_content, config_.breakpoint_on_failure});
      if (waited.status != WaitOutcome::kReady) return FailWait(file, waited);
    }
    if (config_.debug_before_step && !WaitBeforeStepDebugger()) {
      return FailBeforeRun(
          "Skipping execute step script because before step breakpoint fail-continue");
    }

    started_at_ = Timestamp();
    if (config_.timeout.count() < 0) return FailBeforeRun("negative timeout specified");

    if (substitution_needed_) {
      if (auto substituted = ApplySubstitutions(); !substituted) {
        return FailBeforeRun(substituted.error().message);
      }
      request_ = Request(std::move(command_), std::move(environment_));
    }
    if (!when_.empty()) {
      auto allowed = EvaluateWhenExpressions(when_);
      if (!allowed)
        return FailBeforeRun("Error evaluating when expressions: " + allowed.error().message);
      if (!*allowed) return SkipByWhen();
    }

    StepDecision decision =
        DecideOutcome(deps_.runner.Run(request_),
                      config_.on_error, config_.breakpoint_on_failure);
    if (!decision.log.empty()) LogInfo("{}", decision.log);
    return Finish(std::move(decision));
  }

 private:
  // Everything that can be known wrong before waiting: a bad flag value
  // fails at once, so no later step is left waiting on a step that can't run.
  Status Prepare() {
    if (!config_.unsupported.empty()) {
      return Fail(config_.unsupported.front() + " is not supported yet by this entrypoint");
    }
    for (const auto& name : config_.results) {
      if (auto valid = ValidateFileName("result", name); !valid) return valid;
    }
    for (const auto& name : config_.step_results) {
      if (auto valid = ValidateFileName("step result", name); !valid) return valid;
    }
    auto command = ResolveCommand(config_);
    if (!command) return Fail(command.error());
    command_ = std::move(*command);
    if (!config_.when_expressions.empty()) {
      auto when = ParseWhenExpressions(config_.when_expressions);
      if (!when) return Fail(when.error().Wrap("invalid -when_expressions"));
      when_ = std::move(*when);
    }
    for (const char* sub : {"results", "artifacts"}) {
      std::string dir =
          config_.step_metadata_dir.empty() ? sub : config_.step_metadata_dir + "/" + sub;
      if (auto made = deps_.files.MakeDirs(dir); !made) return made;
    }
    return {};
  }

  // Whether substitution could change anything: every reference (to a step
  // result or artifact) starts with "$(steps.", in the environment, the
  // command, the when expressions or, for a script, its text. When none
  // does, substitution would read no file and change nothing, so it is
  // skipped. A script that cannot be read now is left to the full path.
  bool MayNeedSubstitution() {
    auto refers = [](std::string_view text) {
      return text.find("$(steps.") != std::string_view::npos;
    };
    for (const auto& text : config_.environment) {
      if (refers(text)) return true;
    }
    for (const auto& text : command_) {
      if (refers(text)) return true;
    }
    for (const auto& expression : when_) {
      if (refers(expression.input) || refers(expression.cel)) return true;
      for (const auto& value : expression.values) {
        if (refers(value)) return true;
      }
    }
    if (IsScript(command_)) {
      auto script = deps_.files.ReadFile(command_[0], kMaxSubstitutedFileBytes);
      if (!script || !*script || refers(**script)) return true;
    }
    return false;
  }

  bool IsScript(const std::vector<std::string>& command) const {
    return command.size() == 1 && command[0].rfind(config_.paths.ScriptsDir() + "/", 0) == 0 &&
           command[0].find('/', config_.paths.ScriptsDir().size() + 1) == std::string::npos;
  }

  // Substitution failures are logged and the literal text stays, as in the
  // reference: the controller already validated the references at admission.
  // A file refused as hostile (a FIFO, a device, too large) fails the step
  // instead: the reference hung on it or read it until it ran out of memory.
  Status ApplySubstitutions() {
    environment_ = config_.environment;
    std::optional<Error> refused;
    StepSubstitution substitution(config_.paths.StepsDir(), [&](const std::string& path) {
      auto content = deps_.files.ReadFile(path, kMaxSubstitutedFileBytes);
      if (!content && IsRefusedFile(content.error()) && !refused) refused = content.error();
      return content;
    });
    if (auto replaced = SubstituteResults(substitution); !replaced) {
      if (refused) return Fail(refused->Wrap("Error while substituting step results"));
      LogError("Error while substituting step results: {}", replaced.error().message);
    }
    if (auto replaced = SubstituteArtifacts(substitution); !replaced) {
      if (refused) return Fail(refused->Wrap("Error while substituting step artifacts"));
      LogError("Error while substituting step artifacts: {}", replaced.error().message);
    }
    return {};
  }

  Status SubstituteResults(StepSubstitution& substitution) {
    auto replace = [&](const std::string& text) { return substitution.ReplaceResults(text); };
    if (auto replaced = ReplaceEach(Pointers(environment_), replace); !replaced) return replaced;
    for (auto& expression : when_) {
      auto values = substitution.ReplaceResultsInArgs(expression.values);
      if (!values) return Fail(values.error());
      expression.values = std::move(*values);
      if (auto replaced = ReplaceEach({&expression.input, &expression.cel}, replace); !replaced) {
        return replaced;
      }
    }
    auto command = substitution.ReplaceResultsInArgs(command_);
    if (!command) return Fail(command.error());
    command_ = std::move(*command);
    return {};
  }

  Status SubstituteArtifacts(StepSubstitution& substitution) {
    auto replace = [&](const std::string& text) { return substitution.ReplaceArtifacts(text); };
    if (IsScript(command_)) {
      // A script's text is substituted into a temporary copy that runs instead.
      auto script = deps_.files.ReadFile(command_[0], kMaxSubstitutedFileBytes);
      if (!script) return Fail(script.error());
      if (*script) {
        auto replaced = replace(**script);
        if (!replaced) return Fail(replaced.error());
        if (*replaced != **script) {
          auto temp = deps_.files.WriteTempExecutable(*replaced);
          if (!temp) return Fail(temp.error());
          command_ = {*temp};
        }
      }
    } else if (auto replaced = ReplaceEach(Pointers(command_), replace); !replaced) {
      return replaced;
    }
    return ReplaceEach(Pointers(environment_), replace);
  }

  std::string Timestamp() { return FormatLocalGoTimestamp(deps_.clock.Now()); }

  RunRequest Request(std::vector<std::string> argv, std::vector<std::string> environment) const {
    return {.argv = std::move(argv),
            .stdout_path = config_.stdout_path,
            .stderr_path = config_.stderr_path,
            .timeout = config_.timeout,
            .cancel_file = config_.paths.CancelFile(),
            .hermetic = config_.hermetic,
            .environment = std::move(environment)};
  }

  int FailWait(const std::string& file, const WaitOutcome& waited) {
    started_at_ = Timestamp();
    std::vector<RunResult> entries;
    int exit_code = 1;
    switch (waited.status) {
      case WaitOutcome::kPreviousStepFailed:
        LogInfo("{}", kSkippedLog);
        entries.push_back(InternalEntry("Reason", "Skipped"));
        break;
      case WaitOutcome::kPredecessorKilled:
        LogInfo("{}: previous step exited without writing \"{}\": it was killed", kSkippedLog,
                file);
        entries.push_back(InternalEntry("Reason", "Skipped"));
        break;
      case WaitOutcome::kStatError:
        LogInfo("Error executing command: waiting for \"{}\": stat {}: {}", file, file,
                GoErrnoText(waited.sys_errno));
        break;
      case WaitOutcome::kInterrupted:
        LogInfo("Stopped waiting for \"{}\": received {}; the step did not run", file,
                SignalName(waited.signal));
        exit_code = 128 + waited.signal;
        break;
      case WaitOutcome::kReady:
        break;
    }
    WriteTermination(entries, {});
    // Under breakpoint_on_failure the debugger decides what later steps see.
    if (!config_.breakpoint_on_failure) WritePost(StepDecision::kPostError);
    return exit_code;
  }

  int FailBeforeRun(const std::string& message) {
    LogInfo("{}", message);
    if (started_at_.empty()) started_at_ = Timestamp();
    WriteTermination({}, {});
    WritePost(StepDecision::kPostError);
    return 1;
  }

  bool WaitBeforeStepDebugger() {
    LogInfo(
        "debug before step breakpoint has taken effect, waiting for user's decision:\n"
        "1) continue, use cmd: /tekton/debug/scripts/debug-beforestep-continue\n"
        "2) fail-continue, use cmd: /tekton/debug/scripts/debug-beforestep-fail-continue");
    // Only whether `.beforestepexit` or `.beforestepexit.err` appears
    // matters, as in the reference: the content ("0"/"1") is never read, so
    // `echo > f` filling the file after creating it cannot race.
    std::string file = config_.post_file + ".beforestepexit";
    return deps_.waiter.Wait(file, {}).status == WaitOutcome::kReady;
  }

  int SkipByWhen() {
    LogInfo("Step was skipped due to when expressions were evaluated to false.");
    StepDecision decision;
    decision.entries.push_back(InternalEntry("Reason", "Skipped"));
    decision.exit_code_file = "0";
    return Finish(std::move(decision));
  }

  // Results are read and the size limit checked BEFORE the post file is
  // written, so an oversize message fails this step instead of letting the
  // next one start (the reference wrote the plain post file first).
  int Finish(StepDecision decision) {
    std::vector<RunResult> results;
    if (auto read = ReadResults(results); !read) {
      // A result too large for any message gets the reference's wording.
      if (read.error().sys_errno == EFBIG) {
        LogInfo("{} ({})", kMessageTooLong, read.error().message);
      } else {
        LogInfo("Error while handling results: {}", read.error().message);
      }
      DowngradeToFailure(decision, 1);
      results.clear();
    }
    if (!WriteTermination(decision.entries, results)) {
      DowngradeToFailure(decision, 1);
      std::erase_if(decision.entries, [](const RunResult& e) { return e.key == "ExitCode"; });
      WriteTermination(decision.entries, {});
    }
    if (decision.exit_code_file) {
      std::string path = MetadataPath("exitCode");
      if (auto written = deps_.files.WriteFile(path, *decision.exit_code_file); !written) {
        // A step whose exitCode is empty or missing must not look
        // successful to the steps after it (ENOSPC left it empty).
        LogError("Error writing exit code file: {}", written.error().message);
        DowngradeToFailure(decision, 1);
      }
    }
    if (!WritePost(decision.post)) return 1;
    if (decision.await_breakpoint) return AwaitBreakpointExit();
    return decision.exit_code;
  }

  // The most of one result file that can end up in a message: 4096 bytes, or
  // with compression what the controller still decompresses.
  std::size_t MaxResultBytes() const {
    return config_.compress_termination_message ? kMaxDecompressedBytes
                                                : kMaxTerminationMessageBytes;
  }

  Status ReadResults(std::vector<RunResult>& results) {
    // With sidecar-logs the results sidecar prints the results and the
    // termination message holds only StartedAt/ExitCode/Reason (the
    // reference writes no result and no artifact there). Not even reading
    // them keeps a result above 4096 bytes — the point of sidecar logs —
    // from failing the step, and a FIFO from hanging it.
    if (config_.result_from != kResultFromTerminationMessage) return {};
    auto read_all = [&](const std::vector<std::string>& names, const std::string& dir,
                        ResultType type) -> Status {
      for (const auto& name : names) {
        if (name.empty()) continue;
        auto content = deps_.files.ReadFile(dir + "/" + name, MaxResultBytes());
        if (!content) return Fail(content.error());
        if (*content) results.push_back({name, std::move(**content), type});
      }
      return {};
    };
    if (auto read = read_all(config_.results, config_.paths.ResultsDir(), ResultType::kTaskRun);
        !read) {
      return read;
    }
    if (auto read = read_all(config_.step_results, MetadataPath("results"), ResultType::kStep);
        !read) {
      return read;
    }
    for (auto [path, type] :
         {std::pair{MetadataPath("artifacts/provenance.json"), ResultType::kStepArtifacts},
          std::pair{config_.paths.ArtifactsDir() + "/provenance.json",
                    ResultType::kTaskRunArtifacts}}) {
      auto content = deps_.files.ReadFile(path, MaxResultBytes());
      if (!content) return Fail(content.error());
      if (*content) artifacts_.push_back({path, std::move(**content), type});
    }
    return {};
  }

  // Go's order: results first (the reference writes them in an earlier call),
  // then StartedAt, the outcome entries and the artifacts.
  bool WriteTermination(const std::vector<RunResult>& outcome_entries,
                        const std::vector<RunResult>& results) {
    if (config_.termination_path.empty()) return true;
    std::vector<RunResult> entries = results;
    entries.push_back(InternalEntry("StartedAt", started_at_.empty() ? Timestamp() : started_at_));
    entries.insert(entries.end(), outcome_entries.begin(), outcome_entries.end());
    entries.insert(entries.end(), artifacts_.begin(), artifacts_.end());
    auto written = deps_.files.WriteTermination(config_.termination_path, entries,
                                                config_.compress_termination_message);
    if (written) return true;
    if (written.error().message == kMessageTooLong) {
      LogInfo("{}", kMessageTooLong);
      artifacts_.clear();
    } else {
      LogError("Error while writing message: {}", written.error().message);
    }
    return false;
  }

  bool WritePost(StepDecision::Post post) {
    if (post == StepDecision::kNoPost || config_.post_file.empty()) return true;
    std::string path = config_.post_file + (post == StepDecision::kPostError ? ".err" : "");
    if (auto written = deps_.files.WriteFile(path, ""); !written) {
      LogError("Error writing post file: {}", written.error().message);
      return false;
    }
    return true;
  }

  int AwaitBreakpointExit() {
    LogInfo(
        "debug onFailure breakpoint has taken effect, waiting for user's decision:\n"
        "1) continue, use cmd: /tekton/debug/scripts/debug-continue\n"
        "2) fail-continue, use cmd: /tekton/debug/scripts/debug-fail-continue");
    std::string file = config_.post_file + ".breakpointexit";
    deps_.waiter.Wait(file, {});
    // The debug scripts run `echo 1 > out.breakpointexit`: the shell creates
    // the file empty and writes a moment later, and the creation wakes us.
    if (!deps_.waiter.WaitForContent(file, kDebugExitFileContentBound)) {
      LogInfo("{} is still empty after {} ms: reading it as it is", file,
              kDebugExitFileContentBound.count());
    }
    auto content = deps_.files.ReadFile(file, kMaxDebugExitFileBytes);
    if (!content) {
      LogInfo("error occurred while reading breakpoint exit code : {}", content.error().message);
      return 0;
    }
    if (!*content) {
      LogInfo(
          "error occurred while reading breakpoint exit code : breakpoint postfile {} not found",
          file);
      return 0;
    }
    std::string text = **content;
    if (!text.empty() && text.back() == '\n') text.pop_back();
    LogInfo("Breakpoint exiting with exit code {}", text);
    try {
      size_t used = 0;
      int code = std::stoi(text, &used);
      if (used == text.size()) return code;
    } catch (const std::exception&) {
    }
    LogInfo("error occurred while reading breakpoint exit code : invalid exit code \"{}\"", text);
    return 0;
  }

  std::string MetadataPath(std::string_view name) const {
    return config_.step_metadata_dir.empty() ? std::string(name)
                                             : config_.step_metadata_dir + "/" + std::string(name);
  }

  const StepConfig& config_;
  StepDeps deps_;
  std::vector<std::string> command_;
  std::vector<std::string> environment_;
  std::vector<WhenExpression> when_;
  std::vector<RunResult> artifacts_;
  std::string started_at_;
  bool substitution_needed_ = true;
  RunRequest request_;  // built before the wait; rebuilt after substitution
};

}  // namespace

std::string CurrentPlatform() {
#if defined(__x86_64__)
  return "linux/amd64";
#elif defined(__aarch64__)
  return "linux/arm64/v8";
#elif defined(__arm__)
  return "linux/arm/v7";
#elif defined(__i386__)
  return "linux/386";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return "linux/ppc64le";
#elif defined(__s390x__)
  return "linux/s390x";
#elif defined(__riscv) && __riscv_xlen == 64
  return "linux/riscv64";
#else
  return "linux/unknown";
#endif
}

Result<std::vector<std::string>> ResolveCommand(const StepConfig& config) {
  std::vector<std::string> command;
  if (!config.entrypoint.empty()) {
    command.push_back(config.entrypoint);
  } else {
    nlohmann::json commands;
    try {
      commands = nlohmann::json::parse(config.platform_commands_json);
      if (!commands.is_object()) throw std::runtime_error("not a JSON object");
    } catch (const std::exception& e) {
      return Fail(
          "no -entrypoint, and TEKTON_PLATFORM_COMMANDS is not a JSON object of commands: " +
          std::string(e.what()));
    }
    std::string platform = config.platform;
    auto found = commands.find(platform);
    if (found == commands.end()) {
      std::string without_variant = platform.substr(0, platform.rfind('/'));
      found = commands.find(without_variant);
    }
    if (found == commands.end()) {
      return Fail("could not find command for platform \"" + platform + "\"");
    }
    try {
      command = found->get<std::vector<std::string>>();
    } catch (const std::exception&) {
      return Fail("TEKTON_PLATFORM_COMMANDS[\"" + found.key() + "\"] is not a list of strings");
    }
  }
  command.insert(command.end(), config.command_args.begin(), config.command_args.end());
  if (command.empty())
    return Fail("no command to run: TEKTON_PLATFORM_COMMANDS gave an empty list");
  return command;
}

int RunStep(const StepConfig& config, StepDeps deps) { return StepRun(config, deps).Run(); }

int FailStepBeforeStart(const StepConfig& config, StepFiles& files, WallClock& clock,
                        const std::string& message) {
  LogInfo("{}", message);
  if (!config.termination_path.empty()) {
    auto written = files.WriteTermination(
        config.termination_path, {InternalEntry("StartedAt", FormatLocalGoTimestamp(clock.Now()))},
        config.compress_termination_message);
    if (!written) LogError("Error while writing message: {}", written.error().message);
  }
  if (!config.post_file.empty()) {
    if (auto written = files.WriteFile(config.post_file + ".err", ""); !written) {
      LogError("Error writing post file: {}", written.error().message);
    }
  }
  return 1;
}

}  // namespace podstep
