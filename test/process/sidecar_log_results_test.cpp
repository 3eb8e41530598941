// The real `sidecarlogresults` binary (CONTRACT.md §10) on a fake /tekton
// (PODSTEP_TEKTON_ROOT), and `entrypoint -result_from sidecar-logs`.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "process/process_support.h"

namespace podstep::test {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

std::string SidecarBin() {
  return BinUnderTest("sidecarlogresults", PODSTEP_SIDECARLOGRESULTS_BIN);
}

// What the v0.58 reference's json.Encoder prints for one result.
std::string Line(const std::string& name, const std::string& value, const std::string& type) {
  return "{\"Name\":\"" + name + "\",\"Value\":\"" + value + "\",\"Type\":\"" + type + "\"}";
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

class SidecarLogResultsTest : public EntrypointTest {
 protected:
  std::string Run(int i) const { return root() + "/run/" + std::to_string(i); }
  std::string TaskResult(const std::string& name) const { return root() + "/results/" + name; }
  std::string StepResult(const std::string& step, const std::string& name) const {
    return root() + "/steps/" + step + "/results/" + name;
  }
  /// `steps` step dirs under run/, the first `done` of them finished.
  void MakeSteps(int steps, int done) {
    for (int i = 0; i < steps; ++i) {
      MakeDirs(Run(i));
      if (i < done) WriteFile(Run(i) + "/out", "");
    }
  }
  Process StartSidecar(const std::vector<std::string>& args, const std::string& name = "slr") {
    std::vector<std::string> argv = {SidecarBin()};
    argv.insert(argv.end(), args.begin(), args.end());
    return StartArgv(argv, name);
  }
  RunOutcome RunSidecar(const std::vector<std::string>& args, const std::string& name = "slr") {
    Process p = StartSidecar(args, name);
    return Finish(p, name);
  }
};

TEST_F(SidecarLogResultsTest, PrintsAllResultsFoundAndSkipsMissingOnes) {
  MakeSteps(2, 2);
  WriteFile(TaskResult("foo"), "hello");
  WriteFile(TaskResult("html"), "<a&b>\n");
  WriteFile(StepResult("step-a", "r"), "[\"x\"]");
  RunOutcome r =
      RunSidecar({"-results-dir", root() + "/results", "-result-names", "foo,missing,html",
                  "-step-results", R"({"step-a":["r","gone"],"step-b":["s"]})"});
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_THAT(Lines(r.out), UnorderedElementsAre(Line("foo", "hello", "task"),
                                                 Line("html", "\\u003ca\\u0026b\\u003e\\n", "task"),
                                                 Line("step-a.r", "[\\\"x\\\"]", "step")));
  EXPECT_EQ(r.err, "");
}

// Without -results-dir the results are read from <root>/results.
TEST_F(SidecarLogResultsTest, DefaultResultsDirIsUnderTheTektonRoot) {
  MakeSteps(1, 1);
  WriteFile(TaskResult("a"), "1");
  RunOutcome r = RunSidecar({"-result-names", "a", "-step-results", "{}"});
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_THAT(Lines(r.out), UnorderedElementsAre(Line("a", "1", "task")));
}

// The wait is on inotify events: the sidecar exits within milliseconds of the
// last `out` appearing, well under its 200 ms fallback poll.
TEST_F(SidecarLogResultsTest, WaitsForEveryStepsOutFileByEvents) {
  using Clock = std::chrono::steady_clock;
  auto fastest = Clock::duration::max();
  for (int round = 0; round < 3; ++round) {
    const std::string run = root() + "/run";
    std::filesystem::remove_all(run);
    MakeSteps(2, 0);
    WriteFile(TaskResult("a"), "done");
    Process p = StartSidecar({"-result-names", "a", "-step-results", "{}"});
    ASSERT_TRUE(StaysFalse([&] { return !p.Running(); }, milliseconds(150)))
        << "it did not wait for the steps";
    WriteFile(Run(0) + "/out", "");
    ASSERT_TRUE(StaysFalse([&] { return !p.Running(); }, milliseconds(100)))
        << "it did not wait for step 1";
    const auto written = Clock::now();
    WriteFile(Run(1) + "/out", "");
    RunOutcome r = Finish(p, "slr");
    const auto took = Clock::now() - written;
    ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
    EXPECT_THAT(Lines(r.out), UnorderedElementsAre(Line("a", "done", "task")));
    fastest = std::min(fastest, took);
  }
  EXPECT_LT(fastest, milliseconds(100)) << "only the fallback poll noticed the step finishing";
}

TEST_F(SidecarLogResultsTest, StopsWaitingAtTheFirstOutErr) {
  MakeSteps(3, 1);
  WriteFile(Run(1) + "/out.err", "");  // step 1 failed: step 2 will never write `out`
  WriteFile(TaskResult("a"), "partial");
  RunOutcome r = RunSidecar({"-result-names", "a", "-step-results", "{}"});
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_THAT(Lines(r.out), UnorderedElementsAre(Line("a", "partial", "task")));
}

TEST_F(SidecarLogResultsTest, AnErrWhileWaitingEndsTheWait) {
  MakeSteps(2, 0);
  Process p = StartSidecar({"-result-names", "a", "-step-results", "{}"});
  ASSERT_TRUE(StaysFalse([&] { return !p.Running(); }, milliseconds(100)));
  WriteFile(Run(0) + "/out.err", "");
  RunOutcome r = Finish(p, "slr");
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_EQ(r.out, "");
}

// Results are what lifts the 4096-byte termination-message limit (Tekton
// issue #10334): a large one is printed whole.
TEST_F(SidecarLogResultsTest, ResultsLargerThan4096BytesArePrinted) {
  MakeSteps(1, 1);
  const std::string big(100'000, 'x');
  WriteFile(TaskResult("big"), big);
  RunOutcome r = RunSidecar({"-result-names", "big", "-step-results", "{}"});
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_EQ(r.out, Line("big", big, "task") + "\n");
}

TEST_F(SidecarLogResultsTest, AResultOverTheMaximumIsAnErrorTheOthersArePrinted) {
  MakeSteps(1, 1);
  WriteFile(TaskResult("huge"), std::string(1572864, 'x'));
  WriteFile(TaskResult("small"), "ok");
  RunOutcome r = RunSidecar({"-result-names", "huge,small", "-step-results", "{}"});
  EXPECT_EQ(r.status, ExitStatus::Exited(1));
  EXPECT_THAT(Lines(r.out), UnorderedElementsAre(Line("small", "ok", "task")));
  EXPECT_THAT(r.err, HasSubstr("error parsing results: error reading the results file refusing "
                               "to read '" + TaskResult("huge") + "': larger than 1572863 bytes\n"));
  EXPECT_EQ(Lines(r.err).size(), 1u) << r.err;
}

TEST_F(SidecarLogResultsTest, AFifoResultIsRefusedWithoutHanging) {
  MakeSteps(1, 1);
  MakeDirs(root() + "/results");
  ASSERT_EQ(mkfifo(TaskResult("fifo").c_str(), 0644), 0);
  WriteFile(TaskResult("ok"), "1");
  RunOutcome r = RunSidecar({"-result-names", "fifo,ok", "-step-results", "{}"});
  ASSERT_TRUE(r.status.has_value());
  EXPECT_EQ(r.status, ExitStatus::Exited(1));
  EXPECT_THAT(r.err, HasSubstr("error reading the results file refusing to read '" +
                               TaskResult("fifo") + "': a FIFO, not a regular file\n"));
  EXPECT_THAT(Lines(r.out), UnorderedElementsAre(Line("ok", "1", "task")));
}

TEST_F(SidecarLogResultsTest, NoResultNamesIsAnError) {
  MakeSteps(1, 1);
  RunOutcome r = RunSidecar({"-step-results", "{}"});
  EXPECT_EQ(r.status, ExitStatus::Exited(1));
  EXPECT_THAT(r.err, HasSubstr(" result-names were not provided\n"));
  EXPECT_EQ(r.out, "");
}

TEST_F(SidecarLogResultsTest, BadStepResultsJsonIsAnError) {
  MakeSteps(1, 1);
  RunOutcome r = RunSidecar({"-result-names", "a", "-step-results", "{not json"});
  EXPECT_EQ(r.status, ExitStatus::Exited(1));
  EXPECT_THAT(r.err, Not(IsEmpty()));
  RunOutcome missing = RunSidecar({"-result-names", "a"}, "missing");
  EXPECT_EQ(missing.status, ExitStatus::Exited(1));
  EXPECT_THAT(missing.err, HasSubstr(" unexpected end of JSON input\n"));
}

TEST_F(SidecarLogResultsTest, GoFlagErrorsExit2) {
  RunOutcome unknown = RunSidecar({"-bogus"}, "unknown");
  EXPECT_EQ(unknown.status, ExitStatus::Exited(2));
  EXPECT_THAT(unknown.err, HasSubstr("flag provided but not defined: -bogus\nUsage of "));
  EXPECT_THAT(unknown.err, HasSubstr("  -result-names string\n"));
  RunOutcome no_value = RunSidecar({"-result-names"}, "no_value");
  EXPECT_EQ(no_value.status, ExitStatus::Exited(2));
  EXPECT_THAT(no_value.err, HasSubstr("flag needs an argument: -result-names\n"));
  RunOutcome bad_bool = RunSidecar({"-kubernetes-sidecar-mode=maybe"}, "bad_bool");
  EXPECT_EQ(bad_bool.status, ExitStatus::Exited(2));
  RunOutcome help = RunSidecar({"-help"}, "help");
  EXPECT_EQ(help.status, ExitStatus::Exited(0));
  EXPECT_THAT(help.err, HasSubstr("  -kubernetes-sidecar-mode\n"));
}

// Newer controllers: `-result-names ""`, -step-names for step artifacts, and
// `-kubernetes-sidecar-mode true` (two arguments: Go stops parsing at "true").
TEST_F(SidecarLogResultsTest, NativeSidecarModePrintsThenWaitsForSigterm) {
  MakeSteps(1, 1);
  WriteFile(StepResult("step-a", "r"), "v");
  WriteFile(root() + "/steps/step-a/artifacts/provenance.json",
            R"({"outputs":[{"name":"img","values":[{"uri":"u","digest":{"sha256":"ab"}}]}]})");
  Process p = StartSidecar({"-results-dir", root() + "/results", "-result-names", "", "-step-names",
                            "step-a", "-step-results", R"({"step-a":["r"]})",
                            "-kubernetes-sidecar-mode", "true"});
  ASSERT_TRUE(WaitUntil([&] { return Lines(ReadFileOr(StdoutPath("slr"))).size() == 2; }))
      << ReadFileOr(StderrPath("slr"));
  EXPECT_TRUE(StaysFalse([&] { return !p.Running(); }, milliseconds(200)))
      << "a native sidecar must not exit by itself";
  ASSERT_TRUE(p.Signal(SIGTERM));
  RunOutcome r = Finish(p, "slr");
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_THAT(
      Lines(r.out),
      UnorderedElementsAre(
          Line("step-a.r", "v", "step"),
          Line(
              "step-a",
              R"({\"outputs\":[{\"name\":\"img\",\"values\":[{\"digest\":{\"sha256\":\"ab\"},\"uri\":\"u\"}]}]})",
              "stepArtifact")));
}

TEST_F(SidecarLogResultsTest, WithoutSidecarModeSigtermEndsTheWait) {
  MakeSteps(1, 0);
  Process p = StartSidecar({"-result-names", "a", "-step-results", "{}"});
  ASSERT_TRUE(StaysFalse([&] { return !p.Running(); }, milliseconds(100)));
  ASSERT_TRUE(p.Signal(SIGTERM));
  RunOutcome r = Finish(p, "slr");
  EXPECT_EQ(r.status, ExitStatus::Exited(128 + SIGTERM)) << r.err;
  EXPECT_EQ(r.out, "");
}

// §3.10/§6 with `-result_from sidecar-logs`: the sidecar reports the
// results, so the termination message holds no result and no artifact — only
// StartedAt (and ExitCode/Reason when there are) — and a result far above
// 4096 bytes does not fail the step.
TEST_F(SidecarLogResultsTest, EntrypointWithSidecarLogsKeepsResultsOutOfTheMessage) {
  const std::string big(20'000, 'r');
  WriteFile(TaskResult("big"), big);
  WriteFile(Step(0).metadata_dir + "/results/s", "step-value");
  WriteFile(Step(0).metadata_dir + "/artifacts/provenance.json", "{}");
  RunOutcome r = RunStep(0,
                         {"-results", "big", "-step_results", "s", "-result_from", "sidecar-logs",
                          "-on_error", "continue"},
                         Helper({"exit", "3"}));
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_TRUE(WrotePostFile(Step(0)));
  const TerminationMessage m = Termination(0);
  std::vector<std::string> keys;
  for (const auto& entry : m.entries) keys.push_back(entry.key);
  EXPECT_THAT(keys, UnorderedElementsAre("StartedAt", "ExitCode")) << m.raw;
  EXPECT_EQ(m.Find("ExitCode").value_or(TerminationEntry{}).value, "3");
  EXPECT_EQ(ReadFileOr(Step(0).exit_code_file()), "3");
  // The files stay for the sidecar (and for later steps' substitutions).
  EXPECT_EQ(ReadFileOr(TaskResult("big")), big);
}

TEST_F(SidecarLogResultsTest, EntrypointWithSidecarLogsIgnoresAFifoResult) {
  MakeDirs(root() + "/results");
  ASSERT_EQ(mkfifo(TaskResult("fifo").c_str(), 0644), 0);
  RunOutcome r =
      RunStep(0, {"-results", "fifo", "-result_from", "sidecar-logs"}, Helper({"exit", "0"}));
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_TRUE(WrotePostFile(Step(0)));
  EXPECT_FALSE(Termination(0).Has("fifo"));
}

}  // namespace
}  // namespace podstep::test
