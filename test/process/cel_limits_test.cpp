// Hostile CEL in -when_expressions (CONTRACT.md §7, §11): deep nesting, long
// runs of prefix operators and a regex over a long subject end the step with
// an outcome on disk, never a crash.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "process/process_support.h"

namespace podstep::test {
namespace {

using ::testing::HasSubstr;

class CelLimitsTest : public EntrypointTest {
 protected:
  // `cel` must need no JSON escaping.
  RunOutcome RunCel(const std::string& cel) {
    return RunStep(0, {"--when_expressions", R"([{"cel":")" + cel + R"("}])"},
                   Helper({"write", Marker(), "ran"}));
  }
  std::string Marker() const { return Path("ran"); }
};

TEST_F(CelLimitsTest, DeepNestingFailsTheStepWithErr) {
  const std::string cel = std::string(5000, '(') + "true" + std::string(5000, ')');
  RunOutcome r = RunCel(cel);
  EXPECT_EQ(r.status, ExitStatus::Exited(1)) << r.err.substr(0, 500);
  EXPECT_FALSE(Exists(Marker())) << "the command ran";
  EXPECT_TRUE(WroteErrPostFile(Step(0)));
  EXPECT_THAT(r.err, HasSubstr("Error evaluating when expressions: invalid CEL expression ((("));
  EXPECT_THAT(r.err, HasSubstr(": expression recursion limit exceeded: 250"));
  EXPECT_TRUE(Termination(0).Has("StartedAt"));
}

TEST_F(CelLimitsTest, EvaluationErrorFailsTheStepWithErr) {
  RunOutcome r = RunCel("1 / 0 == 1");
  EXPECT_EQ(r.status, ExitStatus::Exited(1)) << r.err;
  EXPECT_FALSE(Exists(Marker()));
  EXPECT_TRUE(WroteErrPostFile(Step(0)));
  EXPECT_THAT(r.err, HasSubstr("Error evaluating when expressions: division by zero"));
}

TEST_F(CelLimitsTest, LongRunOfNegationsIsEvaluated) {
  RunOutcome r = RunCel(std::string(50000, '!') + "true");
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err.substr(0, 500);
  EXPECT_TRUE(Exists(Marker()));
  EXPECT_TRUE(WrotePostFile(Step(0)));
}

TEST_F(CelLimitsTest, RegexOverALongStringIsEvaluated) {
  RunOutcome r = RunCel("'" + std::string(50000, 'a') + "'.matches('^(a|aa)*$')");
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err.substr(0, 500);
  EXPECT_TRUE(Exists(Marker()));
  EXPECT_TRUE(WrotePostFile(Step(0)));
}

}  // namespace
}  // namespace podstep::test
