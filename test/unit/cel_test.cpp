#include "common/cel.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace podstep {
namespace {

struct ConditionCase {
  const char* expression;
  bool want;
};

// Expressions from Tekton's docs after substitution, and what users write.
TEST(CelTest, TektonDocExamples) {
  const std::vector<ConditionCase> cases = {
      {"'main' == 'main'", true},
      {"'feature-x' == 'main'", false},
      {"'foo' in ['foo', 'bar']", true},
      {"'baz' in ['foo', 'bar']", false},
      {"'v1.2.3'.matches('^v[0-9]+\\\\.[0-9]+')", true},
      {"'1.2.3'.matches('^v[0-9]+\\\\.[0-9]+')", false},
      {"size('abc') > 2 && !('x' in ['y'])", true},
      {"'$(params.skip)' == 'true'", false},
      {"'true' == 'true' || 'a' != 'b'", true},
      {"'release-2024'.matches('release-\\\\d{4}$')", true},
      {"'main'.startsWith('ma') && 'main'.endsWith('in') && 'main'.contains('ai')", true},
      {"int('42') > 40 && double('2.5') < 3.0", true},
      {"'prod' in {'prod': 1, 'dev': 2}", true},
  };
  for (const auto& [expression, want] : cases) {
    auto result = EvaluateCelCondition(expression);
    ASSERT_TRUE(result) << expression << ": " << result.error().message;
    EXPECT_EQ(*result, want) << expression;
  }
}

struct ValueCase {
  const char* expression;
  const char* want;  // as EvaluateCelToString renders it
};

TEST(CelTest, Values) {
  const std::vector<ValueCase> cases = {
      // Literals.
      {"'single' + \"double\"", "\"singledouble\""},
      {"'''tri'ple''' + \"\"\"tri\"ple\"\"\"", "\"tri'pletri\\\"ple\""},
      {"'\\n\\t\\\\\\'\\\"\\x41\\u00e9\\U0001F600\\101\\?\\`'",
       "\"\n\t\\\\'\\\"A\xC3\xA9\xF0\x9F\x98\x80"
       "A?`\""},
      {"r'\\d+\\n' == '\\\\d+\\\\n'", "true"},
      {"'a' // a comment\n + 'b'", "\"ab\""},
      {"[42, 0x2A, 42u, 0x2Au, 4.2e1, .5, 1e3, -7, -0x10]",
       "[42, 42, 42u, 42u, 42, 0.5, 1000, -7, -16]"},
      {"-9223372036854775808", "-9223372036854775808"},
      {"[true, false, null, [], {}, [1,], {'k': 'v',}]",
       "[true, false, null, [], {}, [1], {\"k\": \"v\"}]"},
      // Precedence and associativity.
      {"1 + 2 * 3 - 4 / 2 % 3", "5"},
      {"(1 + 2) * 3", "9"},
      {"true || false && false", "true"},
      {"false ? 1 : true ? 2 : 3", "2"},
      {"!!true", "true"},
      {"- -5", "5"},
      {"-(5)", "-5"},
      // Arithmetic.
      {"7 / 2", "3"},
      {"-7 / 2", "-3"},
      {"-7 % 3", "-1"},
      {"7u / 2u", "3u"},
      {"1.0 / 0.0", "+Inf"},
      {"0.1 + 0.2", "0.30000000000000004"},
      {"'ab' + 'cd'", "\"abcd\""},
      {"[1] + [2, 3]", "[1, 2, 3]"},
      {"[] + [1]", "[1]"},
      // Equality and ordering (heterogeneous only through dyn, as cel-go's checker wants).
      {"dyn(1) == 1.0", "true"},
      {"dyn(1u) == 1", "true"},
      {"dyn(2) < 2.5", "true"},
      {"[dyn(1), 'a'] == [1.0, 'a']", "true"},
      {"{'a': 1, 'b': 2} == {'b': 2, 'a': 1}", "true"},
      {"dyn(1) == 'a'", "false"},
      {"null == null", "true"},
      {"'a' < 'b' && 'B' < 'a' && false < true", "true"},
      {"dyn(1.0/0.0*0.0) == dyn(1.0/0.0*0.0)", "false"},
      // Containers.
      {"[10, 20, 30][1]", "20"},
      {"{'k': 'v'}['k']", "\"v\""},
      {"{'k': 'v'}.k", "\"v\""},
      {"{'a': {'b': 7}}.a.b", "7"},
      {"{'a': 1, 'a': 2}", "{\"a\": 2}"},
      {"2 in [1, 2]", "true"},
      {"dyn(2.0) in [1, 2]", "true"},
      {"'x' in {'x': 0}", "true"},
      // Functions.
      {"size('h\xC3\xA9llo')", "5"},
      {"'h\xC3\xA9llo'.size()", "5"},
      {"size([1, 2]) + size({'a': 1})", "3"},
      {"''.contains('')", "true"},
      {"matches('abc', 'b')", "true"},
      // Conversions.
      {"int('-42')", "-42"},
      {"int('+42')", "42"},
      {"int(42u)", "42"},
      {"int(-1.9)", "-1"},
      {"uint('42')", "42u"},
      {"uint(42)", "42u"},
      {"double('1e3')", "1000"},
      {"double('-Infinity')", "-Inf"},
      {"double(3)", "3"},
      {"string(42)", "\"42\""},
      {"string(42u)", "\"42\""},
      {"string(1.5)", "\"1.5\""},
      {"string(1234567.0)", "\"1.234567e+06\""},
      {"string(0.0001)", "\"0.0001\""},
      {"string(0.00001)", "\"1e-05\""},
      {"string(true)", "\"true\""},
      {"bool('T') && !bool('false')", "true"},
      {"type(1) == int && type('a') == string && type([]) == list && type(int) == type", "true"},
      {"type(null)", "null_type"},
      {"dyn([1, 'a'])[1]", "\"a\""},
  };
  for (const auto& [expression, want] : cases) {
    auto result = EvaluateCelToString(expression);
    ASSERT_TRUE(result) << expression << ": " << result.error().message;
    EXPECT_EQ(*result, want) << expression;
  }
}

struct ErrorCase {
  const char* expression;
  const char* message;
};

void ExpectErrors(const std::vector<ErrorCase>& cases) {
  for (const auto& [expression, message] : cases) {
    auto result = EvaluateCelCondition(expression);
    ASSERT_FALSE(result) << expression << " gave " << *result;
    EXPECT_EQ(result.error().message, message) << expression;
  }
}

// What cel-go's parser and checker reject, worded as the first line of its
// error: the reference fails the step on these before evaluating anything.
TEST(CelTest, CompileErrors) {
  ExpectErrors({
      {"'a' ==", "ERROR: <input>:1:7: Syntax error: unexpected end of expression"},
      {"('a' == 'a'", "ERROR: <input>:1:12: Syntax error: expected ')', found end of expression"},
      {"1 = 1", "ERROR: <input>:1:3: Syntax error: unexpected '='"},
      {"'unterminated", "ERROR: <input>:1:1: Syntax error: unterminated string literal"},
      {"'a\nb' == 'a'", "ERROR: <input>:1:1: Syntax error: newline in string literal"},
      // In CEL source `\.` is no escape: a regex escape needs `\\.`.
      {"'v1.2'.matches('^v[0-9]+\\.[0-9]+')",
       "ERROR: <input>:1:25: Syntax error: invalid escape sequence '\\'"},
      {"'\\ud800' == ''", "ERROR: <input>:1:2: invalid unicode code point"},
      {"9223372036854775808 > 0", "ERROR: <input>:1:1: invalid int literal"},
      {"1e999 > 0.0", "ERROR: <input>:1:1: invalid double literal"},
      {"if == 1", "ERROR: <input>:1:1: reserved identifier: if"},
      {"{'a': 1}.?a == 1", "ERROR: <input>:1:9: Syntax error: unsupported syntax '.?'"},
      {"x == 1", "ERROR: <input>:1:1: undeclared reference to 'x' (in container '')"},
      {"\n  branch == 'main'",
       "ERROR: <input>:2:3: undeclared reference to 'branch' (in container '')"},
      {"foo('x')", "ERROR: <input>:1:4: undeclared reference to 'foo' (in container '')"},
      {"'abc'.lowerAscii() == 'abc'",
       "ERROR: <input>:1:17: undeclared reference to 'lowerAscii' (in container '')"},
      {"1 == 1.0",
       "ERROR: <input>:1:3: found no matching overload for '_==_' applied to '(int, double)'"},
      {"1 == 'a'",
       "ERROR: <input>:1:3: found no matching overload for '_==_' applied to '(int, string)'"},
      {"'a' == null",
       "ERROR: <input>:1:5: found no matching overload for '_==_' applied to '(string, null)'"},
      {"1 < 2.0",
       "ERROR: <input>:1:3: found no matching overload for '_<_' applied to '(int, double)'"},
      {"'a' < 1",
       "ERROR: <input>:1:5: found no matching overload for '_<_' applied to '(string, int)'"},
      {"1 + 1.0 == 2.0",
       "ERROR: <input>:1:3: found no matching overload for '_+_' applied to '(int, double)'"},
      {"[1] + ['a'] == []",
       "ERROR: <input>:1:5: found no matching overload for '_+_' applied to "
       "'(list(int), list(string))'"},
      {"1 in ['1']",
       "ERROR: <input>:1:3: found no matching overload for '@in' applied to "
       "'(int, list(string))'"},
      {"'a' in 'abc'",
       "ERROR: <input>:1:5: found no matching overload for '@in' applied to "
       "'(string, string)'"},
      {"5.0 % 2.0 == 1.0",
       "ERROR: <input>:1:5: found no matching overload for '_%_' applied to '(double, double)'"},
      {"-1u == 1u", "ERROR: <input>:1:1: found no matching overload for '-_' applied to '(uint)'"},
      {"!'a'", "ERROR: <input>:1:1: found no matching overload for '!_' applied to '(string)'"},
      {"size(1) == 1",
       "ERROR: <input>:1:5: found no matching overload for 'size' applied to '(int)'"},
      {"'abc'.contains(1)",
       "ERROR: <input>:1:15: found no matching overload for 'contains' applied to 'string.(int)'"},
      {"int(true) == 1",
       "ERROR: <input>:1:4: found no matching overload for 'int' applied to '(bool)'"},
      {"[1, 2][1u] == 2",
       "ERROR: <input>:1:7: found no matching overload for '_[_]' applied to '(list(int), uint)'"},
      {"true ? 1 : 'a'",
       "ERROR: <input>:1:6: found no matching overload for '_?_:_' applied to "
       "'(bool, int, string)'"},
      {"1 && true", "ERROR: <input>:1:1: expected type 'bool' but found 'int'"},
      {"'a'.b == 1", "ERROR: <input>:1:4: type 'string' does not support field selection"},
      // A type error fails compilation even where evaluation would not reach it.
      {"true || 1 == 'a'",
       "ERROR: <input>:1:11: found no matching overload for '_==_' applied to '(int, string)'"},
  });
}

TEST(CelTest, EvaluationErrors) {
  ExpectErrors({
      {"1 / 0 == 0", "division by zero"},
      {"5 % 0 == 0", "modulus by zero"},
      {"5u / 0u == 0u", "division by zero"},
      {"9223372036854775807 + 1 > 0", "integer overflow"},
      {"-9223372036854775807 - 2 < 0", "integer overflow"},
      {"4611686018427387904 * 2 > 0", "integer overflow"},
      {"-(-9223372036854775807 - 1) > 0", "integer overflow"},
      {"(-9223372036854775807 - 1) / -1 > 0", "integer overflow"},
      {"0u - 1u > 0u", "unsigned integer overflow"},
      {"int(1e19) > 0", "integer overflow"},
      {"uint(-1) > 0u", "unsigned integer overflow"},
      {"int('1e3') == 1000", "type conversion error from 'string' to 'int'"},
      {"bool('yes')", "type conversion error from 'string' to 'bool'"},
      {"[1][5] == 1", "index '5' out of range in list size '1'"},
      {"{'a': 1}['b'] == 1", "no such key: b"},
      {"{'a': 1}.b == 1", "no such key: b"},
      {"dyn('a') < 1", "no such overload"},
      {"dyn(1.0/0.0*0.0) < 1.0", "NaN values cannot be ordered"},
      {"'a'.matches('(')", "error parsing regexp: missing closing ): `(`"},
      {"true && 1 / 0 == 1", "division by zero"},
  });
}

TEST(CelTest, ErrorsAreAbsorbedByLogicalOperators) {
  const std::vector<ConditionCase> cases = {
      {"false && 1 / 0 == 1", false},
      {"1 / 0 == 1 && false", false},
      {"true || 1 / 0 == 1", true},
      {"1 / 0 == 1 || true", true},
      {"[1][2] == 1 || 'a'.matches('(') || true", true},
      {"dyn(1) && false", false},
      {"false ? 1 / 0 == 1 : true", true},
  };
  for (const auto& [expression, want] : cases) {
    auto result = EvaluateCelCondition(expression);
    ASSERT_TRUE(result) << expression << ": " << result.error().message;
    EXPECT_EQ(*result, want) << expression;
  }
}

TEST(CelTest, NotABoolean) {
  ExpectErrors({
      {"'a'", "the CEL expression 'a' is not evaluated to a boolean"},
      {"1 + 1", "the CEL expression 1 + 1 is not evaluated to a boolean"},
      {"[true]", "the CEL expression [true] is not evaluated to a boolean"},
      {"null", "the CEL expression null is not evaluated to a boolean"},
  });
}

TEST(CelTest, UnsupportedConstructsAreNamed) {
  ExpectErrors({
      {"[1, 2].exists(x, x > 1)", "unsupported CEL construct: the exists() macro"},
      {"[1, 2].all(x, x > 0)", "unsupported CEL construct: the all() macro"},
      {"[1].map(x, x * 2) == [2]", "unsupported CEL construct: the map() macro"},
      {"has({'a': 1}.a)", "unsupported CEL construct: the has() macro"},
      {"timestamp('2024-01-01T00:00:00Z') > timestamp('2023-01-01T00:00:00Z')",
       "unsupported CEL construct: function timestamp()"},
      {"duration('1h') > duration('1m')", "unsupported CEL construct: function duration()"},
      {"b'abc' == b'abc'", "unsupported CEL construct: bytes literals"},
      {"google.protobuf.Int64Value{value: 1} == 1",
       "unsupported CEL construct: message construction (Int64Value{...})"},
      {"'a'.matches('\\\\pL')", "unsupported CEL construct: regular expression syntax `\\p`"},
  });
}

TEST(CelTest, Limits) {
  // cel-go's parser refuses more than 250 nested levels and 100,000 code points.
  const std::string nested_ok = std::string(249, '(') + "true" + std::string(249, ')');
  EXPECT_EQ(EvaluateCelCondition(nested_ok), true);
  auto deep = EvaluateCelCondition(std::string(250, '(') + "true" + std::string(250, ')'));
  ASSERT_FALSE(deep);
  EXPECT_EQ(deep.error().message, "ERROR: <input>:-1:0: expression recursion limit exceeded: 250");
  auto large = EvaluateCelCondition("'" + std::string(100'000, 'a') + "' == ''");
  ASSERT_FALSE(large);
  EXPECT_EQ(large.error().message,
            "ERROR: <input>:-1:0: expression code point size exceeds limit: size: 100008, limit "
            "100000");
  // Long chains are loops, not recursion.
  std::string chain = "1";
  for (int i = 0; i < 5000; ++i) chain += " + 1";
  EXPECT_EQ(EvaluateCelToString(chain).value(), "5001");
}

// Mutations of valid expressions and random text from a fixed seed: every
// input ends with a value or an error, never a crash (run under ASan/UBSan).
TEST(CelTest, RandomInputsNeverCrash) {
  std::mt19937 random(20261122);
  const std::string alphabet = "'\"()[]{}!&|=<>+-*/%?:.,; \n0123456789abcdefxyzinruU\\^$`_";
  const std::vector<std::string> seeds = {
      "'a' in ['a', 'b'] && size('abc') > 2",
      "{'k': [1, 2u, 3.0]}['k'][0] == 1",
      "'v1.2'.matches('^v[0-9]+(\\\\.[0-9]+)*$')",
      "dyn(1) == 1.0 ? int('4') : -0x10",
      "r'''x''' + \"\\u00e9\" != ''",
  };
  for (int i = 0; i < 20000; ++i) {
    std::string expression;
    if (i % 2 == 0) {
      expression.resize(random() % 24);
      for (char& c : expression) c = alphabet[random() % alphabet.size()];
    } else {
      expression = seeds[random() % seeds.size()];
      for (int edits = 1 + static_cast<int>(random() % 4); edits > 0; --edits) {
        const size_t at = random() % (expression.size() + 1);
        if (random() % 2 == 0 && at < expression.size()) {
          expression.erase(at, 1);
        } else {
          expression.insert(at, 1, alphabet[random() % alphabet.size()]);
        }
      }
    }
    auto result = EvaluateCelToString(expression);
    if (!result) {
      EXPECT_FALSE(result.error().message.empty()) << expression;
    }
  }
}

struct RegexCase {
  std::string pattern;
  std::string text;
  bool want;
};

// Go's regexp.MatchString: the pattern may match anywhere (RE2 semantics).
TEST(RegexSearchTest, MatchesAnywhere) {
  const std::vector<RegexCase> cases = {
      {"a", "cab", true},
      {"^a", "cab", false},
      {"b$", "cab", true},
      {"^$", "", true},
      {"", "anything", true},
      {"h.*o", "hello world", true},
      {"h.*o", "goodbye\nhi\n", false},
      {"(?s)h.*o", "h\no", true},
      {"^b$", "a\nb", false},
      {"(?m)^b$", "a\nb", true},
      {"(foo|bar|[A-Z])$", "foo\n", false},
      {"\\Afoo\\z", "foo", true},
      {"^[a-z]+$", "aB", false},
      {"(?i)^[a-z]+$", "aB", true},
      {"(?i:a)bc", "ABC", false},
      {"[^x]+", "xxxabcdxxx", true},
      {"[^\\s\\S]", "aaaa", false},
      {"^\\d{3}-\\d{4}$", "555-1234", true},
      {"^\\w+$", "word_1", true},
      {"^\\s+$", " \t\n", true},
      {"\\D\\W\\S", "a- ", false},
      {"[[:alpha:]]+[[:digit:]]", "ab1", true},
      {"[[:^alpha:]]", "ab", false},
      {"[]a]", "]", true},
      {"[a-]", "-", true},
      {"^a{2,3}$", "aaa", true},
      {"^a{2,3}$", "aaaa", false},
      {"^a{2}$", "aa", true},
      {"^a{2,}$", "aaaaa", true},
      {"x{", "x{", true},
      {"a{,5}", "a{,5}", true},
      {"^(a|b)+$", "abba", true},
      {"^(?:ab|cd)+$", "abcdab", true},
      {"^(?P<major>\\d+)\\.(?<minor>\\d+)$", "1.22", true},
      {"colou?r", "color", true},
      {"a+?b", "aaab", true},
      {"\\bfoo\\b", "nofoo foo that", true},
      {"\\bx\\b", "\xC2\xABx", true},
      {"\\Bx\\B", "axb", true},
      {"^...$", "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", true},  // three code points
      {"^.$", "\xC3\xA9", true},
      {"\\x41\\x{42}\\103", "ABC", true},
      {"\\Q1.2\\E", "132", false},
      {"\\Q1.2\\E", "1.2", true},
      {"a\\.b", "axb", false},
      // Linear time: exponential for a backtracking matcher.
      {"^(a*)*b$", std::string(5000, 'a'), false},
      {"(x+x+)+y", std::string(5000, 'x'), false},
  };
  for (const auto& [pattern, text, want] : cases) {
    auto result = RegexSearch(pattern, text);
    ASSERT_TRUE(result) << pattern << ": " << result.error().message;
    EXPECT_EQ(*result, want) << pattern << " on " << text;
  }
}

// Go's regexp/syntax messages.
TEST(RegexSearchTest, Errors) {
  const std::vector<ErrorCase> cases = {
      {"(", "error parsing regexp: missing closing ): `(`"},
      {"a)", "error parsing regexp: unexpected ): `a)`"},
      {"[a", "error parsing regexp: missing closing ]: `[a`"},
      {"[z-a]", "error parsing regexp: invalid character class range: `z-a`"},
      {"[[:foo:]]", "error parsing regexp: invalid character class range: `[:foo:]`"},
      {"*a", "error parsing regexp: missing argument to repetition operator: `*`"},
      {"a|+", "error parsing regexp: missing argument to repetition operator: `+`"},
      {"a**", "error parsing regexp: invalid nested repetition operator: `**`"},
      {"a{1001}", "error parsing regexp: invalid repeat count: `{1001}`"},
      {"a{3,2}", "error parsing regexp: invalid repeat count: `{3,2}`"},
      {"\\q", "error parsing regexp: invalid escape sequence: `\\q`"},
      {"\\1", "error parsing regexp: invalid escape sequence: `\\1`"},
      {"a\\", "error parsing regexp: trailing backslash at end of expression: ``"},
      {"(?z)", "error parsing regexp: invalid or unsupported Perl syntax: `(?z`"},
      {"(?=a)", "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"},
      {"(?P<>a)", "error parsing regexp: invalid named capture: `(?P<>`"},
      {"(a{1000}){1000}", "error parsing regexp: expression too large"},
      {"\\pL", "unsupported CEL construct: regular expression syntax `\\p`"},
  };
  for (const auto& [pattern, message] : cases) {
    auto result = RegexSearch(pattern, "a");
    ASSERT_FALSE(result) << pattern;
    EXPECT_EQ(result.error().message, message) << pattern;
  }
  auto deep = RegexSearch(std::string(1001, '(') + std::string(1001, ')'), "");
  ASSERT_FALSE(deep);
  EXPECT_EQ(deep.error().message.substr(0, 49),
            "error parsing regexp: expression nests too deeply");
}

TEST(RegexSearchTest, RandomPatternsNeverCrash) {
  std::mt19937 random(7);
  const std::string alphabet = "ab.*+?|()[]{}^$\\-:,0123dswbBAzQEPx<>i";
  for (int i = 0; i < 20000; ++i) {
    std::string pattern(random() % 16, ' ');
    for (char& c : pattern) c = alphabet[random() % alphabet.size()];
    auto result = RegexSearch(pattern, "ab-1 ba\n{}");
    if (!result) {
      EXPECT_FALSE(result.error().message.empty()) << pattern;
    }
  }
}

}  // namespace
}  // namespace podstep
