// when_expressions and step-result substitution (CONTRACT.md sections 3.6,
// 3.7, 7 and 11).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "process/process_support.h"

namespace podstep::test {
namespace {

using ::testing::HasSubstr;

class WhenTest : public EntrypointTest {
 protected:
  RunOutcome RunWhen(const std::string& when_json) {
    return RunStep(0, {"--when_expressions", when_json}, Helper({"write", Marker(), "ran"}));
  }
  std::string Marker() const { return Path("ran"); }
};

// §3.7: forbidden → Reason=Skipped, plain post file, exitCode 0, exit 0.
TEST_F(WhenTest, FalseExpressionSkipsTheStepSuccessfully) {
  RunOutcome r = RunWhen(R"([{"input":"a","operator":"in","values":["b","c"]}])");
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_FALSE(Exists(Marker())) << "the command ran";
  EXPECT_TRUE(WrotePostFile(Step(0)));
  EXPECT_EQ(ReadFileOr(Step(0).exit_code_file()), "0");
  const TerminationMessage m = Termination(0);
  const auto reason = m.Find("Reason");
  ASSERT_TRUE(reason.has_value()) << m.raw;
  EXPECT_EQ(reason->value, "Skipped");
  EXPECT_EQ(reason->type, 3);
}

TEST_F(WhenTest, TrueExpressionRunsTheStep) {
  RunOutcome r = RunWhen(R"([{"input":"a","operator":"in","values":["b","a"]}])");
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_TRUE(Exists(Marker()));
  EXPECT_FALSE(Termination(0).Has("Reason"));
}

TEST_F(WhenTest, NotInOperator) {
  RunOutcome r = RunWhen(R"([{"input":"a","operator":"notin","values":["a"]}])");
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_FALSE(Exists(Marker()));
  EXPECT_EQ(Termination(0).Find("Reason").value_or(TerminationEntry{}).value, "Skipped");
}

TEST_F(WhenTest, AllExpressionsMustHold) {
  RunOutcome r = RunWhen(
      R"([{"input":"a","operator":"in","values":["a"]},{"input":"a","operator":"notin","values":["a"]}])");
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_FALSE(Exists(Marker()));
}

TEST_F(WhenTest, CelExpressions) {
  RunOutcome yes = RunStep(0, {"--when_expressions", R"([{"cel":"'a' == 'a'"}])"},
                           Helper({"write", Path("ran-yes"), "x"}));
  EXPECT_EQ(yes.status, ExitStatus::Exited(0)) << yes.err;
  EXPECT_TRUE(Exists(Path("ran-yes")));
  RunOutcome no = RunStep(1, {"--when_expressions", R"([{"cel":"'a' == 'b'"}])"},
                          Helper({"write", Path("ran-no"), "x"}));
  EXPECT_EQ(no.status, ExitStatus::Exited(0)) << no.err;
  EXPECT_FALSE(Exists(Path("ran-no")));
  EXPECT_EQ(Termination(1).Find("Reason").value_or(TerminationEntry{}).value, "Skipped");
}

// §11: bad when_expressions JSON writes `.err`.
TEST_F(WhenTest, MalformedJsonFailsWithErr) {
  RunOutcome r = RunWhen("[{not json");
  ASSERT_TRUE(r.status.has_value());
  EXPECT_NE(*r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_FALSE(Exists(Marker()));
  EXPECT_TRUE(WroteErrPostFile(Step(0)));
}

class SubstitutionTest : public EntrypointTest {
 protected:
  SubstitutionTest() {
    const std::string dir = root() + "/steps/step-prev/results/";
    WriteFile(dir + "plain", "value1");
    WriteFile(dir + "quoted", "\"quoted value\"");
    WriteFile(dir + "arr", R"(["x","y z"])");
    WriteFile(dir + "obj", R"({"k":"v","other":"w"})");
  }
};

TEST_F(SubstitutionTest, PlainAndJsonStringValuesInArgs) {
  RunOutcome r =
      RunStep(0, {},
              Helper({"args", "$(steps.prev.results.plain)", "$(steps.prev.results.quoted)",
                      "<$(steps.prev.results.plain)-$(steps.prev.results.plain)>"}));
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_EQ(r.out, "value1\nquoted value\n<value1-value1>\n");
}

TEST_F(SubstitutionTest, ArrayAndObjectReferences) {
  RunOutcome r = RunStep(0, {},
                         Helper({"args", "$(steps.prev.results.arr[*])",
                                 "$(steps.prev.results.arr[1])", "$(steps.prev.results.obj.k)"}));
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_EQ(r.out, "x\ny z\ny z\nv\n");
}

TEST_F(SubstitutionTest, EnvValues) {
  RunOutcome r =
      RunStep(0, {}, Helper({"env", "FROM_STEP"}), {"FROM_STEP=is $(steps.prev.results.plain)"});
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_EQ(r.out, "is value1\n");
}

TEST_F(SubstitutionTest, WhenExpressionInput) {
  RunOutcome r = RunStep(
      0,
      {"--when_expressions",
       R"j([{"input":"$(steps.prev.results.plain)","operator":"in","values":["value1"]}])j"},
      Helper({"print", "ran"}));
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_EQ(r.out, "ran\n");
}

// §7: a missing file is logged and the literal text stays; the step runs.
TEST_F(SubstitutionTest, MissingResultLeavesTheTextAndRuns) {
  RunOutcome r = RunStep(0, {}, Helper({"args", "$(steps.prev.results.missing)"}));
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_EQ(r.out, "$(steps.prev.results.missing)\n");
  EXPECT_THAT(r.err, HasSubstr("Error while substituting step results"));
}

}  // namespace
}  // namespace podstep::test
