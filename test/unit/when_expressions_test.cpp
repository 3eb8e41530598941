#include "common/when_expressions.h"

#include <gtest/gtest.h>

namespace podstep {
namespace {

bool Allows(const std::string& json) {
  auto parsed = ParseWhenExpressions(json);
  EXPECT_TRUE(parsed) << json;
  auto allowed = EvaluateWhenExpressions(*parsed);
  EXPECT_TRUE(allowed) << json;
  return *allowed;
}

TEST(WhenExpressionsTest, InAndNotIn) {
  EXPECT_TRUE(Allows(R"([{"input":"a","operator":"in","values":["a","b"]}])"));
  EXPECT_FALSE(Allows(R"([{"input":"c","operator":"in","values":["a","b"]}])"));
  EXPECT_TRUE(Allows(R"([{"input":"c","operator":"notin","values":["a","b"]}])"));
  EXPECT_FALSE(Allows(R"([{"input":"a","operator":"notin","values":["a"]}])"));
  EXPECT_FALSE(Allows(
      R"([{"input":"a","operator":"in","values":["a"]},{"input":"a","operator":"in","values":["b"]}])"));
  EXPECT_FALSE(Allows(R"([{"input":"a","operator":"bogus","values":["a"]}])"));
  EXPECT_TRUE(Allows("[]"));
  EXPECT_TRUE(Allows("null"));
}

TEST(WhenExpressionsTest, BadJsonAndCel) {
  EXPECT_FALSE(ParseWhenExpressions("[{"));
  EXPECT_FALSE(ParseWhenExpressions(R"({"input":"a"})"));
  EXPECT_FALSE(ParseWhenExpressions(R"([{"values":"notalist"}])"));
  auto cel = ParseWhenExpressions(R"([{"cel":"'a'"}])");
  ASSERT_TRUE(cel);
  auto evaluated = EvaluateWhenExpressions(*cel);
  ASSERT_FALSE(evaluated);
  EXPECT_EQ(evaluated.error().message, "the CEL expression 'a' is not evaluated to a boolean");
}

TEST(WhenExpressionsTest, CelAndOperatorsMustAllHold) {
  EXPECT_TRUE(Allows(R"([{"cel":"1 == 1"}])"));
  EXPECT_FALSE(Allows(R"([{"cel":"1 == 2"}])"));
  EXPECT_FALSE(Allows(R"([{"cel":"1 == 1"},{"input":"a","operator":"in","values":["b"]}])"));
  EXPECT_TRUE(Allows(R"([{"cel":"'a' in ['a']"},{"input":"a","operator":"in","values":["a"]}])"));
}

}  // namespace
}  // namespace podstep
