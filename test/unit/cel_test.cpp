#include "common/cel.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <tuple>
#include <vector>

namespace podstep {
namespace {

TEST(CelTest, ConditionsUsersWrite) {
  const std::vector<std::pair<const char*, bool>> cases = {
      {"'main' == 'main'", true},
      {"'feature' == 'main'", false},
      {"'foo' in ['foo', 'bar']", true},
      {"'baz' in ['foo', 'bar']", false},
      {"!('x' in ['y'])", true},
      {"'v1.2.3'.matches('^v[0-9]+\\\\.[0-9]+')", true},
      {"'release-2024'.matches('release-\\\\d{4}$')", true},
      {"'abc'.matches('^b')", false},
      {"size('abc') > 2 && !('x' in ['y'])", true},
      {"'abc'.size() == 3", true},
      {"size([1, 2]) == 2 && size({'a': 1}) == 1", true},
      {"'hello world'.contains('o w')", true},
      {"'hello'.startsWith('he') && 'hello'.endsWith('lo')", true},
      {"1 < 2 && 2.5 >= 2 && 3u > 2u", true},
      {"1 == 1.0", true},
      {"1 == 1u", true},
      {"'a' < 'b'", true},
      {"true != false", true},
      {"(1 + 2) * 3 == 9", true},
      {"7 / 2 == 3 && 7 % 2 == 1 && -7 / 2 == -3", true},
      {"'a' + 'b' == 'ab'", true},
      {"[1] + [2] == [1, 2]", true},
      {"{'k': 'v'}['k'] == 'v'", true},
      {"[10, 20][1] == 20", true},
      {"'k' in {'k': 1}", true},
      {"true ? 'yes' == 'yes' : false", true},
      {"false ? 1 / 0 == 1 : true", true},
      {"int('42') == 42 && string(7) == '7' && double(1) == 1.0 && uint(3) == 3u", true},
      {"bool('true')", true},
      {"null == null", true},
      {"1 == 'a'", false},
      {"\"double\" == 'double'", true},
      {"'''tri'ple''' == \"tri'ple\"", true},
      {"r'\\d' == '\\\\d'", true},
      {"'\\u00e9' == '\xC3\xA9' && size('\xC3\xA9') == 1", true},
      {"0x10 == 16", true},
      {"-(3) == -3", true},
      {"'a'.matches('a|b') && 'ab'.matches('^(a|b)+$') && !'abc'.matches('^(a|b)+$')", true},
      {"'x-1'.matches('[^a-z0-9]')", true},
      {"'a.b'.matches('a\\\\.b') && !'axb'.matches('a\\\\.b')", true},
      {"'aaa'.matches('^a{2,3}$') && !'aaaa'.matches('^a{2,3}$')", true},
      {"'  '.matches('^\\\\s+$') && 'word_1'.matches('^\\\\w+$')", true},
  };
  for (const auto& [expression, want] : cases) {
    auto result = EvaluateCelCondition(expression);
    ASSERT_TRUE(result) << expression << ": " << result.error().message;
    EXPECT_EQ(*result, want) << expression;
  }
}

TEST(CelTest, ErrorsAreAbsorbedByShortCircuitingOperators) {
  EXPECT_EQ(EvaluateCelCondition("false && 1 / 0 == 1"), false);
  EXPECT_EQ(EvaluateCelCondition("1 / 0 == 1 && false"), false);
  EXPECT_EQ(EvaluateCelCondition("true || 1 / 0 == 1"), true);
  EXPECT_EQ(EvaluateCelCondition("1 / 0 == 1 || true"), true);
  EXPECT_FALSE(EvaluateCelCondition("true && 1 / 0 == 1"));
}

TEST(CelTest, Errors) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"'a'", "the CEL expression 'a' is not evaluated to a boolean"},
      {"1 + 1", "the CEL expression 1 + 1 is not evaluated to a boolean"},
      {"1 / 0 == 0", "division by zero"},
      {"5 % 0 == 0", "modulus by zero"},
      {"9223372036854775807 + 1 > 0", "integer overflow"},
      {"1 + 1.0 == 2.0", "no such overload: int + double"},
      {"'a' < 1", "no such overload: string < int"},
      {"[1][5] == 1", "index out of bounds: 5"},
      {"foo('x')", "unsupported CEL construct: function foo(string)"},
      {"x == 1", "invalid CEL expression x == 1: undeclared reference to 'x'"},
      {"'a' ==", "invalid CEL expression 'a' ==: unexpected end of expression"},
      {"('a' == 'a'", "invalid CEL expression ('a' == 'a': expected ')'"},
      {"'unterminated", "invalid CEL expression 'unterminated: unterminated string"},
      {"'a'.matches('(') ", "invalid regex '(': missing ')'"},
  };
  for (const auto& [expression, message] : cases) {
    auto result = EvaluateCelCondition(expression);
    ASSERT_FALSE(result) << expression;
    EXPECT_EQ(result.error().message, message) << expression;
  }
}

TEST(CelTest, RendersValues) {
  EXPECT_EQ(EvaluateCelToString("[1, 'a', 2u, true, null]").value(), "[1, \"a\", 2u, true, null]");
  EXPECT_EQ(EvaluateCelToString("{'k': 1.5}").value(), "{\"k\": 1.5}");
}

// Random expressions: each must end without a crash and the two entry points
// must agree on it — the rendered value, the boolean, or the same error.
TEST(CelTest, RandomInputsGiveConsistentResults) {
  std::mt19937 random(20261122);
  const std::string alphabet = "'\"()[]{}!&|=<>+-*/%?:., 0123456789abcdefxyzinu\\^$";
  int booleans = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string expression(random() % 24, ' ');
    for (char& c : expression) c = alphabet[random() % alphabet.size()];
    auto condition = EvaluateCelCondition(expression);
    auto rendered = EvaluateCelToString(expression);
    if (!rendered) {
      ASSERT_FALSE(condition) << expression;
      EXPECT_EQ(condition.error().message, rendered.error().message) << expression;
    } else if (*rendered == "true" || *rendered == "false") {
      ASSERT_TRUE(condition) << expression << ": " << condition.error().message;
      EXPECT_EQ(*condition, *rendered == "true") << expression;
      ++booleans;
    } else {
      ASSERT_FALSE(condition) << expression;
      EXPECT_EQ(condition.error().message,
                "the CEL expression " + expression + " is not evaluated to a boolean");
    }
  }
  EXPECT_GT(booleans, 0) << "the generator never produced a boolean expression";
}

std::string Nested(int depth, std::string_view open, std::string_view inner,
                   std::string_view close) {
  std::string text;
  for (int i = 0; i < depth; ++i) text += open;
  text += inner;
  for (int i = 0; i < depth; ++i) text += close;
  return text;
}

// §11: parsers of expressions have depth bounds (cel-go's 250 and its text).
TEST(CelTest, NestingDeeperThanCelGoIsAnError) {
  EXPECT_EQ(EvaluateCelCondition(Nested(249, "(", "true", ")")), true);
  for (const std::string& expression :
       {Nested(250, "(", "true", ")"), Nested(5000, "(", "true", ")"),
        Nested(5000, "[", "1", "]") + " == []", Nested(5000, "size(", "'a'", ")") + " == 1",
        "[1]" + Nested(5000, "[", "0", "]") + " == 1", Nested(5000, "false ? 1 : ", "true", ""),
        std::string(100000, '(')}) {
    auto result = EvaluateCelCondition(expression);
    ASSERT_FALSE(result) << expression.substr(0, 40);
    EXPECT_EQ(result.error().message,
              "invalid CEL expression " + expression + ": expression recursion limit exceeded: 250")
        << expression.substr(0, 40);
  }
}

TEST(CelTest, LongRunsOfPrefixOperatorsAreNotNesting) {
  EXPECT_EQ(EvaluateCelCondition(std::string(50000, '!') + "true"), true);
  EXPECT_EQ(EvaluateCelCondition(std::string(50001, '!') + "true"), false);
  EXPECT_EQ(EvaluateCelCondition(std::string(50000, '-') + "(1) == 1"), true);
  EXPECT_EQ(EvaluateCelCondition("!-(1) == 1").error().message, "no such overload: !int");
  EXPECT_EQ(EvaluateCelCondition("-!true").error().message, "no such overload: -bool");
}

TEST(CelTest, MatchesOnALongStringIsLinear) {
  const std::string subject = "'" + std::string(50000, 'a') + "'";
  EXPECT_EQ(EvaluateCelCondition(subject + ".matches('a*')"), true);
  EXPECT_EQ(EvaluateCelCondition(subject + ".matches('^a*$')"), true);
  EXPECT_EQ(EvaluateCelCondition(subject + ".matches('^(a|aa)*$')"), true);
  EXPECT_EQ(EvaluateCelCondition(subject + ".matches('^(a*)*b$')"), false);
  EXPECT_EQ(EvaluateCelCondition(subject + ".matches('b')"), false);
}

TEST(RegexSearchTest, Semantics) {
  const std::vector<std::tuple<const char*, std::string, bool>> cases = {
      {"", "", true},
      {"", "abc", true},
      {"^$", "", true},
      {"^$", "a", false},
      {"a|", "b", true},
      {"^(a|b)*c$", "ababc", true},
      {"^(a|b)*c$", "ababd", false},
      {"^a{2}$", "aa", true},
      {"^a{2}$", "aaa", false},
      {"^a{2,}$", "aaaaa", true},
      {"^a{0,2}b", "aab", true},
      {"^a{0,2}b", "aaab", false},
      {"^(ab){1,2}$", "abab", true},
      {"^(ab){1,2}$", "ababab", false},
      {"^.$", "\n", false},
      {"[^a]", "\n", true},
      {"\\D", "1a", true},
      {"^\\D+$", "12", false},
      {"a$", "ba\n", false},
      {"^(?:a*)*$", "aaaa", true},
      {"(a*)+$", "b", true},
      {"^[]a]+$", "]a]", true},
      {"\\s", "\v", false},
      {"^\\s+$", " \t\n\f\r", true},
      {"\\S", "\v", true},
  };
  for (const auto& [pattern, text, want] : cases) {
    auto result = RegexSearch(pattern, text);
    ASSERT_TRUE(result) << pattern << ": " << result.error().message;
    EXPECT_EQ(*result, want) << pattern << " on " << text;
  }
}

TEST(RegexSearchTest, PathologicalPatternsAreBounded) {
  // Exponential for a backtracking matcher; one pass here.
  EXPECT_EQ(RegexSearch("^(a*)*b$", std::string(40, 'a')), false);
  EXPECT_EQ(RegexSearch("^(a|a)*b$", std::string(100000, 'a')), false);
  const std::string deep = Nested(5000, "(", "a", ")");
  EXPECT_EQ(RegexSearch(deep, "a").error().message,
            "invalid regex '" + deep + "': expression nests too deeply");
  EXPECT_EQ(RegexSearch(Nested(1000, "(", "a", ")"), "a"), true);
  EXPECT_EQ(RegexSearch("(a{1000}){1000}", "a").error().message,
            "invalid regex '(a{1000}){1000}': expression too large");
  EXPECT_EQ(RegexSearch("a{1001}", "a").error().message,
            "invalid regex 'a{1001}': invalid repeat count");
}

TEST(RegexSearchTest, TooMuchWorkIsAnError) {
  const std::string text(1000, 'a');
  EXPECT_EQ(RegexSearch("(a|b)*c", text, 1000).error().message, "regex '(a|b)*c' is too expensive");
  EXPECT_EQ(RegexSearch("(a|b)*c", text), false);
  // What users write stays far below the default budget on a 50 KB subject.
  EXPECT_EQ(RegexSearch("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", std::string(50000, 'a')), true);
  auto words = RegexSearch("^(\\w{1,100}-?)+$", std::string(50000, 'a'));
  ASSERT_TRUE(words) << words.error().message;
  EXPECT_TRUE(*words);
}

}  // namespace
}  // namespace podstep
