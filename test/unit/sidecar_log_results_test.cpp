#include "common/sidecar_log_results.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <deque>
#include <map>
#include <set>

#include "common/artifacts_json.h"

namespace podstep {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

// Files are a map; steps' `out` files appear as the scripted waits say.
class FakeIo : public SidecarLogResultsIo {
 public:
  Result<std::vector<std::string>> ListDir(const std::string& dir) override {
    if (!run_dir_exists) return Fail("open " + dir + ": no such file or directory", ENOENT);
    return run_entries;
  }
  WaitOutcome WaitForStep(const std::string& out_file) override {
    waited.push_back(out_file);
    if (auto scripted = outcomes.find(out_file); scripted != outcomes.end()) {
      if (!scripted->second.empty()) {
        WaitOutcome next = scripted->second.front();
        scripted->second.pop_front();
        return next;
      }
    }
    return {WaitOutcome::kReady};
  }
  Result<std::optional<std::string>> ReadRegularFile(const std::string& path,
                                                     size_t max_bytes) override {
    if (refused.contains(path)) return Fail(path + ": a FIFO, not a regular file");
    auto found = files.find(path);
    if (found == files.end()) return std::optional<std::string>();
    if (found->second.size() > max_bytes) return Fail(path + ": too large");
    return std::optional<std::string>(found->second);
  }
  Result<bool> IsFile(const std::string& path) override { return files.contains(path); }
  Status Print(std::string_view line) override {
    printed.emplace_back(line);
    return {};
  }
  int AwaitTermination() override {
    ++awaited_termination;
    return termination_code;
  }

  bool run_dir_exists = true;
  std::vector<std::string> run_entries = {"0", "1"};
  std::map<std::string, std::deque<WaitOutcome>> outcomes;
  std::map<std::string, std::string> files;
  std::set<std::string> refused;
  std::vector<std::string> waited;
  std::vector<std::string> printed;
  int awaited_termination = 0;
  int termination_code = 0;
};

class SidecarLogResultsTest : public ::testing::Test {
 protected:
  SidecarLogResultsTest() {
    config.paths.root = "/t";
    config.results_dir = "/t/results";
    config.step_results_json = "{}";
  }
  int Run() { return RunSidecarLogResults(config, io); }

  SidecarLogResultsConfig config;
  FakeIo io;
};

TEST(FormatSidecarLogLineTest, MatchesGoEncoderOfTheV058Struct) {
  EXPECT_EQ(FormatSidecarLogLine("foo", "bar", "task"),
            "{\"Name\":\"foo\",\"Value\":\"bar\",\"Type\":\"task\"}\n");
  // json.Encoder escapes HTML characters, U+2028, invalid UTF-8 and controls.
  EXPECT_EQ(FormatSidecarLogLine("s.r", "<a&b>\n\"q\"\\\xe2\x80\xa8\xff\x01", "step"),
            "{\"Name\":\"s.r\",\"Value\":\"\\u003ca\\u0026b\\u003e\\n\\\"q\\\"\\\\\\u2028\\ufffd"
            "\\u0001\",\"Type\":\"step\"}\n");
}

TEST(ParseStepResultsTest, DecodesLikeGoIntoAMapOfLists) {
  auto parsed = ParseStepResults(R"( {"b":["x","y"], "a":null, "b2":[], "c":["z"], "c":["w"]} )");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_THAT(*parsed, ElementsAre(Pair("a", IsEmpty()), Pair("b", ElementsAre("x", "y")),
                                   Pair("b2", IsEmpty()), Pair("c", ElementsAre("w"))));
  auto null = ParseStepResults("null");
  ASSERT_TRUE(null);
  EXPECT_THAT(*null, IsEmpty());
}

TEST(ParseStepResultsTest, ErrorsInGoWords) {
  auto message = [](std::string_view json) {
    auto parsed = ParseStepResults(json);
    return parsed ? std::string("(ok)") : parsed.error().message;
  };
  EXPECT_EQ(message(""), "unexpected end of JSON input");
  EXPECT_EQ(message("  "), "unexpected end of JSON input");
  EXPECT_FALSE(ParseStepResults("fals"));
  EXPECT_EQ(message("x"), "invalid character 'x' looking for beginning of value");
  EXPECT_EQ(message("[]"),
            "json: cannot unmarshal array into Go value of type map[string][]string");
  EXPECT_EQ(message("{\"a\":1}"), "json: cannot unmarshal number into Go value of type []string");
  EXPECT_EQ(message("{\"a\":[true]}"), "json: cannot unmarshal bool into Go value of type string");
  EXPECT_EQ(message("{\"a\":[\"x\"]"), "invalid JSON: syntax error");
  EXPECT_EQ(message("{} {}"), "invalid JSON: syntax error");
}

TEST_F(SidecarLogResultsTest, PrintsEveryResultFoundAndSkipsMissingOnes) {
  config.result_names = "foo,missing,bar";
  config.step_results_json = R"({"step-a":["r","gone"],"step-b":["s"]})";
  io.files["/t/results/foo"] = "1";
  io.files["/t/results/bar"] = "two";
  io.files["/t/steps/step-a/results/r"] = "[\"x\"]";
  io.files["/t/steps/step-b/results/s"] = "";
  EXPECT_EQ(Run(), 0);
  EXPECT_THAT(io.printed, UnorderedElementsAre(FormatSidecarLogLine("foo", "1", "task"),
                                               FormatSidecarLogLine("bar", "two", "task"),
                                               FormatSidecarLogLine("step-a.r", "[\"x\"]", "step"),
                                               FormatSidecarLogLine("step-b.s", "", "step")));
  EXPECT_THAT(io.waited, ElementsAre("/t/run/0/out", "/t/run/1/out"));
  EXPECT_EQ(io.awaited_termination, 0);
}

TEST_F(SidecarLogResultsTest, WaitsForStepsInNumericOrder) {
  io.run_entries = {"10", "2", "0", "1"};
  config.result_names = "a";
  EXPECT_EQ(Run(), 0);
  EXPECT_THAT(io.waited,
              ElementsAre("/t/run/0/out", "/t/run/1/out", "/t/run/2/out", "/t/run/10/out"));
}

TEST_F(SidecarLogResultsTest, StopsWaitingAtTheFirstFailedStep) {
  io.run_entries = {"0", "1", "2"};
  io.outcomes["/t/run/1/out"] = {WaitOutcome{WaitOutcome::kPreviousStepFailed}};
  config.result_names = "a";
  io.files["/t/results/a"] = "partial";
  EXPECT_EQ(Run(), 0);
  EXPECT_THAT(io.waited, ElementsAre("/t/run/0/out", "/t/run/1/out"));
  EXPECT_THAT(io.printed, ElementsAre(FormatSidecarLogLine("a", "partial", "task")));
}

TEST_F(SidecarLogResultsTest, AKilledStepAlsoEndsTheWait) {
  io.outcomes["/t/run/0/out"] = {WaitOutcome{WaitOutcome::kPredecessorKilled}};
  config.result_names = "a";
  EXPECT_EQ(Run(), 0);
  EXPECT_THAT(io.waited, ElementsAre("/t/run/0/out"));
}

TEST_F(SidecarLogResultsTest, NoRunDirIsTheReferencesError) {
  io.run_dir_exists = false;
  config.result_names = "a";
  testing::internal::CaptureStderr();
  EXPECT_EQ(Run(), 1);
  EXPECT_THAT(testing::internal::GetCapturedStderr(),
              testing::HasSubstr("error while waiting for the steps to finish  error parsing the "
                                 "run dir  open /t/run: no such file or directory\n"));
}

TEST_F(SidecarLogResultsTest, StatErrorIsTheReferencesError) {
  io.outcomes["/t/run/0/out"] = {WaitOutcome{WaitOutcome::kStatError, EACCES}};
  config.result_names = "a";
  testing::internal::CaptureStderr();
  EXPECT_EQ(Run(), 1);
  EXPECT_THAT(testing::internal::GetCapturedStderr(),
              testing::HasSubstr("error while waiting for the steps to finish  error checking for "
                                 "out file's existence error checking for file existence stat "
                                 "/t/run/0/out: permission denied\n"));
  EXPECT_THAT(io.printed, IsEmpty());
}

TEST_F(SidecarLogResultsTest, NothingRequestedIsV058sError) {
  testing::internal::CaptureStderr();
  EXPECT_EQ(Run(), 1);
  EXPECT_THAT(testing::internal::GetCapturedStderr(),
              testing::HasSubstr(" result-names were not provided\n"));
  EXPECT_THAT(io.waited, IsEmpty());
}

// Newer controllers pass `-result-names ""` for Tasks with only step results.
TEST_F(SidecarLogResultsTest, StepResultsAloneAreEnough) {
  config.step_results_json = R"({"s":["r"]})";
  io.files["/t/steps/s/results/r"] = "v";
  EXPECT_EQ(Run(), 0);
  EXPECT_THAT(io.printed, ElementsAre(FormatSidecarLogLine("s.r", "v", "step")));
}

TEST_F(SidecarLogResultsTest, BadStepResultsJsonFailsBeforeWaiting) {
  config.result_names = "a";
  config.step_results_json = "";
  testing::internal::CaptureStderr();
  EXPECT_EQ(Run(), 1);
  EXPECT_THAT(testing::internal::GetCapturedStderr(),
              testing::HasSubstr(" unexpected end of JSON input\n"));
  EXPECT_THAT(io.waited, IsEmpty());
}

TEST_F(SidecarLogResultsTest, UnsafeNamesFailBeforeWaiting) {
  for (const char* names : {"../x", "a,,b", "a/b", ".."}) {
    SCOPED_TRACE(names);
    io.waited.clear();
    config.result_names = names;
    testing::internal::CaptureStderr();
    EXPECT_EQ(Run(), 1);
    EXPECT_THAT(testing::internal::GetCapturedStderr(), testing::HasSubstr("refusing"));
    EXPECT_THAT(io.waited, IsEmpty());
  }
  config.result_names = "a";
  config.step_results_json = R"({"../s":["r"]})";
  EXPECT_EQ(Run(), 1);
  config.step_results_json = R"({"s":["r/x"]})";
  EXPECT_EQ(Run(), 1);
  config.step_results_json = "{}";
  config.step_names = "../step";
  EXPECT_EQ(Run(), 1);
  EXPECT_THAT(io.waited, IsEmpty());
}

TEST_F(SidecarLogResultsTest, ARefusedOrOversizeResultFailsButTheOthersArePrinted) {
  config.result_names = "fifo,ok,big";
  config.max_result_bytes = 8;
  io.refused.insert("/t/results/fifo");
  io.files["/t/results/ok"] = "12345678";
  io.files["/t/results/big"] = "123456789";
  testing::internal::CaptureStderr();
  EXPECT_EQ(Run(), 1);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_THAT(err, testing::HasSubstr("error parsing results: error reading the results file "
                                      "/t/results/fifo: a FIFO, not a regular file\n"));
  EXPECT_THAT(err, testing::HasSubstr("error parsing results: error reading the results file "
                                      "/t/results/big: too large\n"));
  EXPECT_THAT(io.printed, ElementsAre(FormatSidecarLogLine("ok", "12345678", "task")));
}

TEST_F(SidecarLogResultsTest, StepArtifactsAreNormalisedLikeTheNewerReference) {
  config.step_names = "step-a,step-none";
  io.files["/t/steps/step-a/artifacts/provenance.json"] =
      R"({"outputs":[{"name":"image","values":[{"uri":"u","digest":{"sha256":"ab"}}]}]})";
  EXPECT_EQ(Run(), 0);
  EXPECT_THAT(
      io.printed,
      ElementsAre(FormatSidecarLogLine(
          "step-a",
          R"({"outputs":[{"name":"image","values":[{"digest":{"sha256":"ab"},"uri":"u"}]}]})",
          "stepArtifact")));
}

TEST_F(SidecarLogResultsTest, SidecarModeWaitsForSigtermAfterPrinting) {
  config.result_names = "a";
  config.kubernetes_sidecar_mode = true;
  io.files["/t/results/a"] = "v";
  io.termination_code = 0;
  EXPECT_EQ(Run(), 0);
  EXPECT_EQ(io.awaited_termination, 1);
  EXPECT_EQ(io.printed.size(), 1u);
}

TEST_F(SidecarLogResultsTest, SidecarModeKeepsASigtermThatCameDuringTheWait) {
  config.result_names = "a";
  config.kubernetes_sidecar_mode = true;
  io.files["/t/results/a"] = "v";
  WaitOutcome term{.status = WaitOutcome::kInterrupted, .signal = SIGTERM};
  io.outcomes["/t/run/0/out"] = {term};
  EXPECT_EQ(Run(), 0);
  EXPECT_THAT(io.waited, ElementsAre("/t/run/0/out", "/t/run/0/out", "/t/run/1/out"));
  EXPECT_EQ(io.awaited_termination, 0);
  EXPECT_EQ(io.printed.size(), 1u);
}

TEST_F(SidecarLogResultsTest, WithoutSidecarModeASignalEndsTheWait) {
  config.result_names = "a";
  io.files["/t/results/a"] = "v";
  WaitOutcome term{.status = WaitOutcome::kInterrupted, .signal = SIGTERM};
  io.outcomes["/t/run/0/out"] = {term};
  testing::internal::CaptureStderr();
  EXPECT_EQ(Run(), 128 + SIGTERM);
  testing::internal::GetCapturedStderr();
  EXPECT_THAT(io.printed, IsEmpty());
}

TEST(NormalizeArtifactsJsonTest, ReMarshalsLikeGo) {
  auto normalize = [](std::string_view json) {
    auto normalized = NormalizeArtifactsJson(json);
    return normalized ? *normalized : "error: " + normalized.error().message;
  };
  EXPECT_EQ(normalize("{}"), "{}");
  EXPECT_EQ(normalize("null"), "{}");
  EXPECT_EQ(normalize(R"({"inputs":[],"outputs":null,"other":{"x":[1]}})"), "{}");
  EXPECT_EQ(normalize(R"({"INPUTS":[{"Name":"src","values":[{"digest":{"sha256":"b","md5":"a"},)"
                      R"("URI":"git<x>"}],"buildOutput":false}],)"
                      R"("outputs":[{"name":"","values":[],"buildOutput":true},null]})"),
            R"({"inputs":[{"name":"src","values":[{"digest":{"md5":"a","sha256":"b"},)"
            R"("uri":"git\u003cx\u003e"}]}],"outputs":[{"buildOutput":true},{}]})");
  EXPECT_EQ(normalize(""), "error: unexpected end of JSON input");
  EXPECT_EQ(normalize("{"), "error: invalid JSON: syntax error");
  EXPECT_EQ(normalize("[]"),
            "error: json: cannot unmarshal array into Go value of type v1.Artifacts");
  EXPECT_EQ(
      normalize(R"({"inputs":[{"name":3}]})"),
      "error: json: cannot unmarshal number into Go struct field Artifact.inputs.name of type "
      "string");
  // Slices and their elements, as go1.19's encoding/json words them.
  EXPECT_EQ(normalize(R"({"inputs":"x"})"),
            "error: json: cannot unmarshal string into Go struct field Artifacts.inputs of type "
            "[]v1.Artifact");
  EXPECT_EQ(normalize(R"({"inputs":[1]})"),
            "error: json: cannot unmarshal number into Go struct field Artifacts.inputs of type "
            "v1.Artifact");
  EXPECT_EQ(normalize(R"({"inputs":[{"values":"x"}]})"),
            "error: json: cannot unmarshal string into Go struct field Artifact.inputs.values of "
            "type []v1.ArtifactValue");
  EXPECT_EQ(normalize(R"({"inputs":[{"values":[2]}]})"),
            "error: json: cannot unmarshal number into Go struct field Artifact.inputs.values of "
            "type v1.ArtifactValue");
}

}  // namespace
}  // namespace podstep
