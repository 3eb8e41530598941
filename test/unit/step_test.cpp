#include "common/step.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>

namespace podstep {
namespace {

class FakeWaiter : public FileWaiter {
 public:
  WaitOutcome Wait(const std::string& file, const WaitOptions&) override {
    if (on_wait) on_wait();
    waited.push_back(file);
    auto found = outcomes.find(file);
    return found == outcomes.end() ? WaitOutcome{} : found->second;
  }
  bool WaitForContent(const std::string& file, std::chrono::milliseconds bound) override {
    content_waits.emplace_back(file, bound);
    if (before_content_check) before_content_check();
    return content_arrives;
  }
  std::map<std::string, WaitOutcome> outcomes;
  std::vector<std::string> waited;
  std::vector<std::pair<std::string, std::chrono::milliseconds>> content_waits;
  std::function<void()> before_content_check;
  std::function<void()> on_wait;
  bool content_arrives = true;
};

class FakeRunner : public ProcessRunner {
 public:
  void Prepare(const RunRequest& request) override { prepared.push_back(request); }
  RunOutcome Run(const RunRequest& request) override {
    requests.push_back(request);
    return outcome;
  }
  RunOutcome outcome = RunOutcome::Exited(0);
  std::vector<RunRequest> prepared;
  std::vector<RunRequest> requests;
};

class FakeFiles : public StepFiles {
 public:
  Status MakeDirs(const std::string& path) override {
    dirs.push_back(path);
    return {};
  }
  Status WriteFile(const std::string& path, std::string_view content) override {
    if (full.contains(path)) {
      files[path] = "";  // opened with O_TRUNC, then the write failed
      return Fail("write " + path + ": no space left on device", ENOSPC);
    }
    files[path] = std::string(content);
    return {};
  }
  std::set<std::string> full;
  // Like the real one: refused files fail with EINVAL, larger ones with EFBIG.
  Result<std::optional<std::string>> ReadFile(const std::string& path,
                                              std::size_t max_bytes) override {
    read_limits[path] = max_bytes;
    if (fifos.contains(path)) return Fail("refusing to read '" + path + "': a FIFO", EINVAL);
    auto found = files.find(path);
    if (found == files.end()) return std::optional<std::string>();
    if (found->second.size() > max_bytes) {
      return Fail("refusing to read '" + path + "': larger than " + std::to_string(max_bytes) +
                      " bytes",
                  EFBIG);
    }
    return std::optional<std::string>(found->second);
  }
  std::set<std::string> fifos;
  std::map<std::string, std::size_t> read_limits;
  Status WriteTermination(const std::string& path, const std::vector<RunResult>& entries,
                          bool compress) override {
    auto built = BuildTerminationMessage(files[path], entries, compress);
    if (!built) return Fail(built.error());
    files[path] = *built;
    return {};
  }
  Result<std::string> WriteTempExecutable(std::string_view content) override {
    std::string path = "/tmp/script-" + std::to_string(++temp_count);
    files[path] = std::string(content);
    return path;
  }
  int temp_count = 0;
  bool Has(const std::string& path) const { return files.contains(path); }
  std::map<std::string, std::string> files;
  std::vector<std::string> dirs;
};

class FixedClock : public WallClock {
 public:
  std::chrono::system_clock::time_point Now() override { return {}; }
};

class StepTest : public ::testing::Test {
 protected:
  StepTest() {
    config.entrypoint = "cmd";
    config.command_args = {"a", "b"};
    config.post_file = "/run/1/out";
    config.termination_path = "/termination";
    config.step_metadata_dir = "/run/1/status";
    config.wait_files = {"/run/0/out"};
    config.paths.root = "/tekton";
  }
  int Run() { return RunStep(config, {waiter, runner, files, clock}); }
  std::optional<std::vector<RunResult>> Termination() {
    return ParseTerminationMessage(files.files["/termination"]);
  }
  int CountKey(const std::string& key) {
    int count = 0;
    for (const auto& entry : Termination().value_or(std::vector<RunResult>{})) {
      count += entry.key == key;
    }
    return count;
  }
  bool HasEntry(const std::string& key, const std::string& value) {
    auto entries = Termination();
    if (!entries) return false;
    for (const auto& entry : *entries) {
      if (entry.key == key && entry.value == value) return true;
    }
    return false;
  }

  StepConfig config;
  FakeWaiter waiter;
  FakeRunner runner;
  FakeFiles files;
  FixedClock clock;
};

TEST_F(StepTest, PreparesTheSpawnBeforeWaitingAndCreatesNothingElseEarly) {
  config.environment = {"A=1"};
  size_t prepared_at_wait = 0;
  std::set<std::string> files_at_wait;
  waiter.on_wait = [&] {
    prepared_at_wait = runner.prepared.size();
    for (const auto& [path, content] : files.files) files_at_wait.insert(path);
  };
  EXPECT_EQ(Run(), 0);
  EXPECT_EQ(prepared_at_wait, 1u);
  ASSERT_EQ(runner.prepared.size(), 1u);
  EXPECT_EQ(runner.prepared[0].argv, (std::vector<std::string>{"cmd", "a", "b"}));
  EXPECT_EQ(runner.prepared[0].environment, std::vector<std::string>{"A=1"});
  // Only the results and artifacts directories exist before the wait, as in
  // the reference: no file is written early.
  EXPECT_TRUE(files_at_wait.empty());
  ASSERT_EQ(runner.requests.size(), 1u);
  EXPECT_EQ(runner.requests[0].argv, runner.prepared[0].argv);
  EXPECT_EQ(runner.requests[0].environment, runner.prepared[0].environment);
}

// Nothing refers to an earlier step: the request prepared before the wait
// is the one run, and after the wait no file is read for substitution. A
// script is read once, before the wait, to know that.
TEST_F(StepTest, WithoutStepReferencesNothingIsReadAfterTheWait) {
  config.entrypoint = "/tekton/scripts/script-0";
  config.command_args = {};
  config.environment = {"A=1", "B=$(not.a.step)"};
  files.files["/tekton/scripts/script-0"] = "#!/bin/sh\necho $(params.x)\n";
  std::map<std::string, std::size_t> reads_at_wait;
  waiter.on_wait = [&] { reads_at_wait = files.read_limits; };
  EXPECT_EQ(Run(), 0);
  EXPECT_TRUE(reads_at_wait.contains("/tekton/scripts/script-0"));
  ASSERT_EQ(runner.requests.size(), 1u);
  EXPECT_EQ(runner.requests[0].argv, std::vector<std::string>{"/tekton/scripts/script-0"});
  EXPECT_EQ(runner.requests[0].environment, config.environment);
  EXPECT_EQ(files.temp_count, 0);
}

// A reference anywhere — here only inside the script — takes the full path
// after the wait, which reads the earlier step's files then.
TEST_F(StepTest, AReferenceInTheScriptIsSubstitutedAfterTheWait) {
  config.entrypoint = "/tekton/scripts/script-0";
  config.command_args = {};
  files.files["/tekton/scripts/script-0"] = "echo $(steps.a.outputs.img)\n";
  const std::string provenance = "/tekton/steps/step-a/artifacts/provenance.json";
  waiter.on_wait = [&] {
    EXPECT_FALSE(files.read_limits.contains(provenance));
    files.files[provenance] = R"({"outputs":[{"name":"img","values":[{"uri":"pkg:x"}]}]})";
  };
  EXPECT_EQ(Run(), 0);
  EXPECT_TRUE(files.read_limits.contains(provenance));
  ASSERT_EQ(runner.requests.size(), 1u);
  EXPECT_EQ(runner.requests[0].argv, std::vector<std::string>{"/tmp/script-1"});
  EXPECT_EQ(files.files["/tmp/script-1"], "echo [{\"uri\":\"pkg:x\"}]\n");
}

TEST_F(StepTest, SuccessWritesPostExitCodeAndStartedAt) {
  EXPECT_EQ(Run(), 0);
  ASSERT_EQ(runner.requests.size(), 1u);
  EXPECT_EQ(runner.requests[0].argv, (std::vector<std::string>{"cmd", "a", "b"}));
  EXPECT_EQ(runner.requests[0].cancel_file, "/tekton/downward/cancel");
  EXPECT_EQ(waiter.waited, std::vector<std::string>{"/run/0/out"});
  EXPECT_TRUE(files.Has("/run/1/out"));
  EXPECT_FALSE(files.Has("/run/1/out.err"));
  EXPECT_EQ(files.files["/run/1/status/exitCode"], "0");
  EXPECT_EQ(files.dirs,
            (std::vector<std::string>{"/run/1/status/results", "/run/1/status/artifacts"}));
  auto entries = Termination();
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].key, "StartedAt");
  EXPECT_EQ((*entries)[0].type, ResultType::kInternal);
}

TEST_F(StepTest, PreviousStepFailedSkipsWithoutRunning) {
  waiter.outcomes["/run/0/out"] = {WaitOutcome::kPreviousStepFailed};
  EXPECT_EQ(Run(), 1);
  EXPECT_TRUE(runner.requests.empty());
  EXPECT_TRUE(files.Has("/run/1/out.err"));
  EXPECT_FALSE(files.Has("/run/1/out"));
  EXPECT_FALSE(files.Has("/run/1/status/exitCode"));
  EXPECT_TRUE(HasEntry("Reason", "Skipped"));
  EXPECT_EQ(CountKey("StartedAt"), 1);
}

TEST_F(StepTest, KilledPredecessorSkipsToo) {
  waiter.outcomes["/run/0/out"] = {WaitOutcome::kPredecessorKilled};
  EXPECT_EQ(Run(), 1);
  EXPECT_TRUE(files.Has("/run/1/out.err"));
  EXPECT_TRUE(HasEntry("Reason", "Skipped"));
}

TEST_F(StepTest, StatErrorAndSignalFailWithoutSkippedReason) {
  waiter.outcomes["/run/0/out"] = {WaitOutcome::kStatError, ENOTDIR};
  EXPECT_EQ(Run(), 1);
  EXPECT_TRUE(files.Has("/run/1/out.err"));
  EXPECT_FALSE(HasEntry("Reason", "Skipped"));

  files.files.clear();
  waiter.outcomes["/run/0/out"] = {.status = WaitOutcome::kInterrupted, .signal = 15};
  EXPECT_EQ(Run(), 143);
  EXPECT_TRUE(files.Has("/run/1/out.err"));
  EXPECT_TRUE(HasEntry("StartedAt", Termination()->at(0).value));
}

TEST_F(StepTest, WaitErrorsWriteNoPostFileUnderBreakpointOnFailure) {
  config.breakpoint_on_failure = true;
  waiter.outcomes["/run/0/out"] = {WaitOutcome::kStatError, EACCES};
  EXPECT_EQ(Run(), 1);
  EXPECT_FALSE(files.Has("/run/1/out.err"));
  EXPECT_FALSE(files.Has("/run/1/out"));
  EXPECT_EQ(CountKey("StartedAt"), 1);
}

TEST_F(StepTest, NegativeTimeoutFails) {
  config.timeout = std::chrono::seconds(-1);
  EXPECT_EQ(Run(), 1);
  EXPECT_TRUE(runner.requests.empty());
  EXPECT_TRUE(files.Has("/run/1/out.err"));
  EXPECT_EQ(CountKey("StartedAt"), 1);
}

TEST_F(StepTest, ResultsAreReadWithTheirTypes) {
  config.results = {"a", "missing", ""};
  config.step_results = {"s"};
  files.files["/tekton/results/a"] = "hello";
  files.files["/run/1/status/results/s"] = "[\"x\"]";
  EXPECT_EQ(Run(), 0);
  auto entries = Termination();
  ASSERT_TRUE(entries);
  EXPECT_EQ((*entries)[0], (RunResult{"a", "hello", ResultType::kTaskRun}));
  EXPECT_EQ((*entries)[1], (RunResult{"s", "[\"x\"]", ResultType::kStep}));
  EXPECT_EQ((*entries)[2].key, "StartedAt");
}

TEST_F(StepTest, ArtifactsAreAddedUnlessResultsComeFromSidecarLogs) {
  files.files["/run/1/status/artifacts/provenance.json"] = "{}";
  files.files["/tekton/artifacts/provenance.json"] = "{\"t\":1}";
  config.results = {"a"};
  files.files["/tekton/results/a"] = "v";
  EXPECT_EQ(Run(), 0);
  EXPECT_TRUE(HasEntry("/run/1/status/artifacts/provenance.json", "{}"));
  EXPECT_TRUE(HasEntry("/tekton/artifacts/provenance.json", "{\"t\":1}"));

  files.files.erase("/termination");
  config.result_from = "sidecar-logs";
  EXPECT_EQ(Run(), 0);
  EXPECT_FALSE(HasEntry("a", "v"));
  EXPECT_FALSE(HasEntry("/tekton/artifacts/provenance.json", "{\"t\":1}"));
}

TEST_F(StepTest, OversizeResultsFailTheStepBeforeThePostFile) {
  config.results = {"big"};
  files.files["/tekton/results/big"] = std::string(5000, 'x');
  EXPECT_EQ(Run(), 1);
  EXPECT_TRUE(files.Has("/run/1/out.err"));
  EXPECT_FALSE(files.Has("/run/1/out"));
  EXPECT_FALSE(files.Has("/run/1/status/exitCode"));
  EXPECT_TRUE(Termination().has_value());
  EXPECT_FALSE(HasEntry("big", std::string(5000, 'x')));
}

TEST_F(StepTest, OnErrorContinueRecordsTheExitCode) {
  config.on_error = "continue";
  runner.outcome = RunOutcome::Exited(3);
  EXPECT_EQ(Run(), 0);
  EXPECT_TRUE(files.Has("/run/1/out"));
  EXPECT_EQ(files.files["/run/1/status/exitCode"], "3");
  EXPECT_TRUE(HasEntry("ExitCode", "3"));
}

TEST_F(StepTest, CancelWritesKilled) {
  runner.outcome = RunOutcome::Stopped(RunOutcome::kCancelled);
  EXPECT_EQ(Run(), 9);
  EXPECT_TRUE(files.Has("/run/1/out.err"));
  EXPECT_EQ(files.files["/run/1/status/exitCode"], "killed");
  EXPECT_TRUE(HasEntry("Reason", "Cancelled"));
}

TEST_F(StepTest, UnsafeResultNamesAreRefusedBeforeWaiting) {
  for (const char* name : {"../x", "a/b", "..", "."}) {
    files.files.clear();
    config.results = {name};
    EXPECT_EQ(Run(), 1) << name;
    EXPECT_TRUE(files.Has("/run/1/out.err")) << name;
  }
  EXPECT_TRUE(runner.requests.empty());
  EXPECT_TRUE(waiter.waited.empty());
}

TEST_F(StepTest, UnsupportedFeatureFailsCleanly) {
  config.unsupported = {"-enable_spire"};
  EXPECT_EQ(Run(), 1);
  EXPECT_TRUE(files.Has("/run/1/out.err"));
  EXPECT_TRUE(runner.requests.empty());
}

TEST_F(StepTest, WhenExpressionsCanSkipTheStep) {
  config.when_expressions = R"([{"input":"a","operator":"in","values":["b"]}])";
  EXPECT_EQ(Run(), 0);
  EXPECT_TRUE(runner.requests.empty());
  EXPECT_TRUE(files.Has("/run/1/out"));
  EXPECT_EQ(files.files["/run/1/status/exitCode"], "0");
  EXPECT_TRUE(HasEntry("Reason", "Skipped"));
}

TEST_F(StepTest, BadWhenExpressionsJsonFailsCleanly) {
  config.when_expressions = "[{";
  EXPECT_EQ(Run(), 1);
  EXPECT_TRUE(files.Has("/run/1/out.err"));
}

TEST_F(StepTest, PlatformCommands) {
  config.entrypoint = "";
  config.platform = "linux/arm64/v8";
  config.platform_commands_json = R"({"linux/arm64":["x","y"],"linux/amd64":["z"]})";
  EXPECT_EQ(Run(), 0);
  EXPECT_EQ(runner.requests.at(0).argv, (std::vector<std::string>{"x", "y", "a", "b"}));

  config.platform_commands_json = R"({"linux/amd64":["z"]})";
  files.files.clear();
  EXPECT_EQ(Run(), 1);
  EXPECT_TRUE(files.Has("/run/1/out.err"));
  auto resolved = ResolveCommand(config);
  ASSERT_FALSE(resolved);
  EXPECT_EQ(resolved.error().message, "could not find command for platform \"linux/arm64/v8\"");
}

TEST_F(StepTest, BreakpointOnFailureWaitsForTheExitCode) {
  config.breakpoint_on_failure = true;
  runner.outcome = RunOutcome::Exited(4);
  files.files["/run/1/out.breakpointexit"] = "7\n";
  EXPECT_EQ(Run(), 7);
  EXPECT_FALSE(files.Has("/run/1/out"));
  EXPECT_FALSE(files.Has("/run/1/out.err"));
  EXPECT_EQ(waiter.waited.back(), "/run/1/out.breakpointexit");
}

// `echo 1 > out.breakpointexit` creates the file empty: the exit code is read
// only once the file has content (issue 7 §2).
TEST_F(StepTest, BreakpointExitIsReadOnlyOnceItHasContent) {
  config.breakpoint_on_failure = true;
  runner.outcome = RunOutcome::Exited(4);
  files.files["/run/1/out.breakpointexit"] = "";
  waiter.before_content_check = [&] { files.files["/run/1/out.breakpointexit"] = "1\n"; };
  EXPECT_EQ(Run(), 1);
  ASSERT_EQ(waiter.content_waits.size(), 1u);
  EXPECT_EQ(waiter.content_waits[0].first, "/run/1/out.breakpointexit");
  EXPECT_EQ(waiter.content_waits[0].second, kDebugExitFileContentBound);
  EXPECT_EQ(files.read_limits["/run/1/out.breakpointexit"], kMaxDebugExitFileBytes);
}

// Still empty after the bound: the reference's reading of an empty file, exit 0.
TEST_F(StepTest, BreakpointExitStillEmptyAfterTheBoundExitsZero) {
  config.breakpoint_on_failure = true;
  runner.outcome = RunOutcome::Exited(4);
  files.files["/run/1/out.breakpointexit"] = "";
  waiter.content_arrives = false;
  EXPECT_EQ(Run(), 0);
}

TEST_F(StepTest, ResultFilesAreReadWithTheMessageLimit) {
  config.results = {"a"};
  config.step_results = {"s"};
  files.files["/tekton/results/a"] = "v";
  files.files["/run/1/status/results/s"] = "w";
  EXPECT_EQ(Run(), 0);
  EXPECT_EQ(files.read_limits["/tekton/results/a"], kMaxTerminationMessageBytes);
  EXPECT_EQ(files.read_limits["/run/1/status/results/s"], kMaxTerminationMessageBytes);
  EXPECT_EQ(files.read_limits["/run/1/status/artifacts/provenance.json"],
            kMaxTerminationMessageBytes);
}

// Compressed, more fits, up to what the controller decompresses.
TEST_F(StepTest, CompressedResultFilesAreReadUpToTheDecompressionLimit) {
  config.results = {"a"};
  config.compress_termination_message = true;
  files.files["/tekton/results/a"] = std::string(6000, 'a');
  EXPECT_EQ(Run(), 0);
  EXPECT_EQ(files.read_limits["/tekton/results/a"], kMaxDecompressedBytes);
  EXPECT_TRUE(HasEntry("a", std::string(6000, 'a')));
}

TEST_F(StepTest, ResultThatIsAFifoFailsTheStep) {
  config.results = {"a"};
  files.fifos.insert("/tekton/results/a");
  EXPECT_EQ(Run(), 1);
  EXPECT_TRUE(files.Has("/run/1/out.err"));
  EXPECT_FALSE(files.Has("/run/1/out"));
  EXPECT_FALSE(files.Has("/run/1/status/exitCode"));
  EXPECT_EQ(CountKey("StartedAt"), 1);
}

TEST_F(StepTest, SubstitutedResultThatIsAFifoFailsBeforeRunning) {
  config.command_args = {"$(steps.first.results.r)"};
  files.fifos.insert("/tekton/steps/step-first/results/r");
  EXPECT_EQ(Run(), 1);
  EXPECT_TRUE(runner.requests.empty());
  EXPECT_TRUE(files.Has("/run/1/out.err"));
  EXPECT_EQ(files.read_limits["/tekton/steps/step-first/results/r"], kMaxSubstitutedFileBytes);
}

// A missing file is still only logged, as in the reference.
TEST_F(StepTest, MissingSubstitutedResultLeavesTheTextAndRuns) {
  config.command_args = {"$(steps.first.results.r)"};
  EXPECT_EQ(Run(), 0);
  ASSERT_EQ(runner.requests.size(), 1u);
  EXPECT_EQ(runner.requests[0].argv,
            (std::vector<std::string>{"cmd", "$(steps.first.results.r)"}));
}

// ENOSPC on the exitCode file left it empty next to a plain post file.
TEST_F(StepTest, ExitCodeFileWriteFailureFailsTheStep) {
  files.full.insert("/run/1/status/exitCode");
  EXPECT_EQ(Run(), 1);
  EXPECT_TRUE(files.Has("/run/1/out.err"));
  EXPECT_FALSE(files.Has("/run/1/out"));
}

TEST_F(StepTest, OutputCopyFailureFailsTheStep) {
  runner.outcome = RunOutcome::Exited(0);
  runner.outcome.output_error = Error{ENOSPC, "write /logs/out: no space left on device"};
  EXPECT_EQ(Run(), 1);
  EXPECT_TRUE(files.Has("/run/1/out.err"));
  EXPECT_FALSE(files.Has("/run/1/status/exitCode"));
}

TEST_F(StepTest, FailStepBeforeStartWritesErrAndStartedAt) {
  EXPECT_EQ(FailStepBeforeStart(config, files, clock, "Error executing command: too few"), 1);
  EXPECT_TRUE(files.Has("/run/1/out.err"));
  EXPECT_FALSE(files.Has("/run/1/out"));
  EXPECT_EQ(CountKey("StartedAt"), 1);
}

}  // namespace
}  // namespace podstep
