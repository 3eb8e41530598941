// Results and the termination message (CONTRACT.md sections 3.10, 3.11, 6
// and 11).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "process/byte_pattern.h"
#include "process/process_support.h"

namespace podstep::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class ResultsTest : public EntrypointTest {
 protected:
  std::string TaskResult(const std::string& name) const { return root() + "/results/" + name; }
  std::string StepResult(int i, const std::string& name) const {
    return Step(i).metadata_dir + "/results/" + name;
  }
};

TEST_F(ResultsTest, TaskResultsAreReadAndMissingOnesSkipped) {
  RunOutcome r = RunStep(0, {"-results", "a,b"}, Helper({"write", TaskResult("a"), "hello"}));
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_TRUE(WrotePostFile(Step(0)));
  const TerminationMessage m = Termination(0);
  const auto a = m.Find("a");
  ASSERT_TRUE(a.has_value()) << m.raw;
  EXPECT_EQ(a->value, "hello");
  EXPECT_EQ(a->type, 1);
  EXPECT_FALSE(m.Has("b")) << m.raw;
  EXPECT_TRUE(m.Has("StartedAt")) << m.raw;
  EXPECT_THAT(m.json, Not(HasSubstr("resourceName")));
}

TEST_F(ResultsTest, StepResultsAreReadFromTheMetadataDir) {
  RunOutcome r = RunStep(0, {"-step_results", "x"}, Helper({"write", StepResult(0, "x"), "world"}));
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  const TerminationMessage m = Termination(0);
  const auto x = m.Find("x");
  ASSERT_TRUE(x.has_value()) << m.raw;
  EXPECT_EQ(x->value, "world");
  EXPECT_EQ(x->type, 4);
}

// §3.10: "also after a failure".
TEST_F(ResultsTest, ResultsAreReadAfterAFailure) {
  RunOutcome r =
      RunStep(0, {"-results", "a"},
              {"sh", "-c", "\"$0\" write \"$1\" partial && exit 3", HelperBin(), TaskResult("a")});
  EXPECT_EQ(r.status, ExitStatus::Exited(3)) << r.err;
  EXPECT_TRUE(WroteErrPostFile(Step(0)));
  EXPECT_EQ(Termination(0).Find("a").value_or(TerminationEntry{}).value, "partial");
}

// §6: values verbatim; invalid UTF-8 must still give valid JSON (the parser
// used here rejects invalid UTF-8 and stray control characters).
TEST_F(ResultsTest, ArbitraryBytesStillGiveValidJson) {
  const std::string value =
      std::string("say \"hi\" \\ back\tslash\nline\x01\x1f ") + "\xff\xfe\xc3\x28 \xe2\x82 end";
  WriteFile(TaskResult("weird"), value);
  WriteFile(TaskResult("utf8"), "gr\xc3\xbc\xc3\x9f \xe2\x9c\x93");
  RunOutcome r = RunStep(0, {"-results", "weird,utf8"}, Helper({"exit", "0"}));
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  const TerminationMessage m = Termination(0);
  const auto weird = m.Find("weird");
  ASSERT_TRUE(weird.has_value()) << m.raw;
  EXPECT_TRUE(weird->value.starts_with("say \"hi\" \\ back\tslash\nline\x01\x1f ")) << weird->value;
  EXPECT_TRUE(weird->value.ends_with(" end")) << weird->value;
  EXPECT_EQ(m.Find("utf8").value_or(TerminationEntry{}).value, "gr\xc3\xbc\xc3\x9f \xe2\x9c\x93");
}

// §6: an existing JSON array is appended to.
TEST_F(ResultsTest, AppendsToAnExistingArray) {
  WriteFile(Step(0).termination, R"([{"key":"old","value":"kept","type":1}])");
  WriteFile(TaskResult("new"), "fresh");
  RunOutcome r = RunStep(0, {"-results", "new"}, Helper({"exit", "0"}));
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  const TerminationMessage m = Termination(0);
  EXPECT_EQ(m.Find("old").value_or(TerminationEntry{}).value, "kept") << m.raw;
  EXPECT_EQ(m.Find("new").value_or(TerminationEntry{}).value, "fresh") << m.raw;
  EXPECT_TRUE(m.Has("StartedAt")) << m.raw;
}

// §6: unparsable old content is replaced entirely, no trailing bytes left.
TEST_F(ResultsTest, ReplacesUnparsableContentEntirely) {
  WriteFile(Step(0).termination, "this is not json " + std::string(2000, 'x'));
  RunOutcome r = RunStep(0, {}, Helper({"exit", "0"}));
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  const TerminationMessage m = Termination(0);  // Fails on leftover bytes.
  EXPECT_TRUE(m.Has("StartedAt")) << m.raw;
  EXPECT_THAT(m.raw, Not(HasSubstr("xxx")));
}

// §3.11 and §11: too large → failure with `.err`, never the plain post file.
TEST_F(ResultsTest, OversizeMessageFailsTheStep) {
  RunOutcome r = RunStep(0, {"-results", "big"}, Helper({"fill", TaskResult("big"), "5000", "a"}));
  EXPECT_EQ(r.status, ExitStatus::Exited(1)) << r.err;
  EXPECT_THAT(r.err,
              HasSubstr("Termination message is above max allowed size 4096, caused by large task "
                        "result."));
  EXPECT_TRUE(WroteErrPostFile(Step(0)));
  EXPECT_NE(ReadFileOr(Step(0).exit_code_file()), "0")
      << "exitCode 0 written for a step that failed";
}

// §11: names with `/` or `..` are never read.
TEST_F(ResultsTest, NamesWithSlashOrDotDotAreNeverRead) {
  WriteFile(root() + "/secret", "TOPSECRET-1");
  WriteFile(TaskResult("sub/secret"), "TOPSECRET-2");
  WriteFile(Step(0).metadata_dir + "/secret", "TOPSECRET-3");
  RunOutcome r = RunStep(0, {"-results", "../secret,sub/secret", "-step_results", "../secret"},
                         Helper({"exit", "0"}));
  ASSERT_TRUE(r.status.has_value());
  EXPECT_TRUE(Exists(Step(0).post_file) || Exists(Step(0).err_file()))
      << "neither post file nor .err: a later step would wait forever";
  EXPECT_THAT(ReadFileOr(Step(0).termination), Not(HasSubstr("TOPSECRET")));
  std::string error;
  if (auto m = ReadTermination(Step(0).termination, &error)) {
    EXPECT_THAT(m->json, Not(HasSubstr("TOPSECRET")));
  }
}

// §6: `tknz:` + unpadded base64 of raw DEFLATE, when shorter.
TEST_F(ResultsTest, CompressesALargeCompressibleMessage) {
  RunOutcome r = RunStep(0, {"-results", "a", "-compress_termination_message"},
                         Helper({"fill", TaskResult("a"), "6000", "a"}));
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_TRUE(WrotePostFile(Step(0)));
  const TerminationMessage m = Termination(0);
  EXPECT_TRUE(m.raw.starts_with("tknz:")) << m.raw.substr(0, 80);
  EXPECT_TRUE(m.compressed);
  EXPECT_LE(m.raw.size(), 4096U);
  EXPECT_EQ(m.Find("a").value_or(TerminationEntry{}).value, std::string(6000, 'a'));
  EXPECT_TRUE(m.Has("StartedAt"));
}

TEST_F(ResultsTest, CompressionIsNotUsedWhenItIsLonger) {
  RunOutcome r = RunStep(0, {"-compress_termination_message=true"}, Helper({"exit", "0"}));
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  const TerminationMessage m = Termination(0);
  EXPECT_TRUE(m.raw.starts_with("[")) << m.raw;
  EXPECT_TRUE(m.Has("StartedAt"));
}

TEST_F(ResultsTest, CompressedMessageAboveTheLimitFailsTheStep) {
  // Pseudo-random printable text: about 6.5 bits a character even after
  // DEFLATE, so 4000 characters stay above 4096 bytes once base64-encoded.
  std::string list;
  for (int i = 0; i < 40; ++i) {
    const std::string name = "r" + std::to_string(i);
    unsigned char random[100];
    FillPattern(static_cast<std::uint64_t>(i) * 100, random, sizeof random);
    std::string value;
    for (unsigned char c : random) value += static_cast<char>('#' + c % 90);
    WriteFile(TaskResult(name), value);
    list += (list.empty() ? "" : ",") + name;
  }
  RunOutcome r =
      RunStep(0, {"-results", list, "-compress_termination_message"}, Helper({"exit", "0"}));
  EXPECT_EQ(r.status, ExitStatus::Exited(1)) << r.err;
  EXPECT_THAT(r.err, HasSubstr("Termination message is above max allowed size 4096"));
  EXPECT_TRUE(WroteErrPostFile(Step(0)));
}

}  // namespace
}  // namespace podstep::test
