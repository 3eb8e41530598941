#include "common/go_json.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "unit/utf8_oracle.h"

namespace podstep {
namespace {

using namespace std::string_literals;

std::string Quote(std::string_view bytes) {
  std::string out;
  AppendGoJsonString(out, bytes);
  return out;
}

struct QuoteCase {
  std::string input;
  std::string expected;
};

TEST(GoJsonStringTest, Table) {
  const std::vector<QuoteCase> cases = {
      {"", R"("")"},
      {"plain text", R"("plain text")"},
      {"say \"hi\"", R"("say \"hi\"")"},
      {"back\\slash", R"("back\\slash")"},
      {"a<b>c&d", R"("a\u003cb\u003ec\u0026d")"},
      {"/ and ' and \x7f", "\"/ and ' and \x7f\""},
      {"line\nfeed\rtab\tbs\bff\f", R"("line\nfeed\rtab\tbs\bff\f")"},
      {"\xE2\x80\xA8|\xE2\x80\xA9", R"("\u2028|\u2029")"},
      {"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", "\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\""},
      {"\xEF\xBF\xBD", "\"\xEF\xBF\xBD\""},  // a real U+FFFD stays raw
      {"\xEF\xBF\xBF\xF4\x8F\xBF\xBF", "\"\xEF\xBF\xBF\xF4\x8F\xBF\xBF\""},  // U+FFFF, U+10FFFF
      {"\x80", R"("\ufffd")"},  // lone continuation byte
      {"\xFF\xFE", R"("\ufffd\ufffd")"},
      {"\xC0\x80", R"("\ufffd\ufffd")"},                      // overlong NUL
      {"\xC1\xBF", R"("\ufffd\ufffd")"},                      // overlong DEL
      {"\xE0\x80\xAF", R"("\ufffd\ufffd\ufffd")"},            // overlong 3-byte
      {"\xF0\x80\x80\xAF", R"("\ufffd\ufffd\ufffd\ufffd")"},  // overlong 4-byte
      {"\xED\xA0\x80", R"("\ufffd\ufffd\ufffd")"},            // surrogate U+D800
      {"\xED\xBF\xBF", R"("\ufffd\ufffd\ufffd")"},            // surrogate U+DFFF
      {"\xF4\x90\x80\x80", R"("\ufffd\ufffd\ufffd\ufffd")"},  // U+110000
      {"\xF5\x80\x80\x80", R"("\ufffd\ufffd\ufffd\ufffd")"},
      {"a\xE2\x82", R"("a\ufffd\ufffd")"},  // truncated at the end
      {"\xE2\x82z", R"("\ufffd\ufffdz")"},  // truncated in the middle
      {"\xF0\x9F\x98", R"("\ufffd\ufffd\ufffd")"},
      {"\xC3\xA9\xC3", "\"\xC3\xA9\\ufffd\""},
      {"\xE2\x80\xA8\xE2\x80", R"("\u2028\ufffd\ufffd")"},
      {"\0"s, R"("\u0000")"},
  };
  for (const QuoteCase& c : cases) {
    EXPECT_EQ(Quote(c.input), c.expected) << "input " << testing::PrintToString(c.input);
  }
}

TEST(GoJsonStringTest, AllControlCharacters) {
  const std::map<int, std::string> short_escapes = {
      {'\b', R"(\b)"}, {'\t', R"(\t)"}, {'\n', R"(\n)"}, {'\f', R"(\f)"}, {'\r', R"(\r)"}};
  for (int byte = 0; byte < 0x20; ++byte) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "\\u%04x", byte);
    const auto found = short_escapes.find(byte);
    const std::string expected = found != short_escapes.end() ? found->second : hex;
    EXPECT_EQ(Quote(std::string(1, static_cast<char>(byte))), "\"" + expected + "\"")
        << "byte " << byte;
  }
}

TEST(GoJsonStringTest, PrintableAsciiIsVerbatimExceptFive) {
  for (int byte = 0x20; byte < 0x80; ++byte) {
    const std::string input(1, static_cast<char>(byte));
    if (byte == '"' || byte == '\\' || byte == '<' || byte == '>' || byte == '&') {
      EXPECT_NE(Quote(input), "\"" + input + "\"") << "byte " << byte;
    } else {
      EXPECT_EQ(Quote(input), "\"" + input + "\"") << "byte " << byte;
    }
  }
}

TEST(GoJsonStringTest, AppendsToExistingText) {
  std::string out = "x=";
  AppendGoJsonString(out, "<");
  EXPECT_EQ(out, R"(x="\u003c")");
}

TEST(GoJsonUtf8Test, SequenceLength) {
  const std::vector<std::pair<std::string, size_t>> cases = {
      {"", 0},
      {"a", 1},
      {"\x7F", 1},
      {"\x80", 0},
      {"\xC1\x80", 0},
      {"\xC2\x80", 2},
      {"\xC2", 0},
      {"\xDF\xBF", 2},
      {"\xE0\x9F\x80", 0},
      {"\xE0\xA0\x80", 3},
      {"\xED\x9F\xBF", 3},
      {"\xED\xA0\x80", 0},
      {"\xF0\x8F\x80\x80", 0},
      {"\xF0\x90\x80\x80x", 4},
      {"\xF4\x8F\xBF\xBF", 4},
      {"\xF4\x90\x80\x80", 0},
      {"\xF8\x80\x80\x80", 0},
      {"\xE2\x82\x41", 0},
  };
  for (const auto& [input, length] : cases) {
    EXPECT_EQ(ValidUtf8SequenceLength(input), length) << testing::PrintToString(input);
  }
}

// Random byte strings, biased towards the bytes that matter: the output is
// always JSON that nlohmann accepts and decodes to Go's sanitized string.
TEST(GoJsonStringTest, PropertyAlwaysValidJson) {
  std::mt19937 random(20240102);
  static constexpr unsigned char kInteresting[] = {
      0x00, 0x08, 0x0A, 0x1F, '"',  '\\', '<',  '>',  '&',  0x7F, 0x80, 0xBF, 0xC0, 0xC2,
      0xDF, 0xE0, 0xE2, 0xA0, 0xA8, 0xED, 0xEF, 0xF0, 0x90, 0xF4, 0x8F, 0xF5, 0xFF, 'a'};
  for (int round = 0; round < 5000; ++round) {
    std::string input(random() % 24, '\0');
    for (char& c : input) {
      c = static_cast<char>(random() % 2 ? kInteresting[random() % sizeof kInteresting]
                                         : random() % 256);
    }
    const std::string quoted = Quote(input);
    const auto parsed = nlohmann::json::parse(quoted, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(parsed.is_string()) << testing::PrintToString(input) << " -> " << quoted;
    EXPECT_EQ(parsed.get<std::string>(), GoSanitize(input)) << testing::PrintToString(input);
    GoJsonReader reader(quoted);
    EXPECT_EQ(reader.ReadString(), GoSanitize(input)) << testing::PrintToString(input);
    EXPECT_TRUE(reader.AtEnd());
  }
}

struct ReadStringCase {
  std::string json;
  std::optional<std::string> expected;
};

TEST(GoJsonReaderTest, ReadString) {
  const std::vector<ReadStringCase> cases = {
      {R"("abc")", "abc"},
      {R"(  "x y" )", "x y"},
      {R"("\"\\\/\b\f\n\r\t")", "\"\\/\b\f\n\r\t"},
      {R"("\u0041\u00e9\u20AC")", "A\xC3\xA9\xE2\x82\xAC"},
      {R"("\u0000")", "\0"s},
      {R"("\ud83d\ude00")", "\xF0\x9F\x98\x80"},
      {R"("\uD83D\uDE00")", "\xF0\x9F\x98\x80"},
      {R"("\ud800")", "\xEF\xBF\xBD"},  // lone high surrogate
      {R"("\udc00")", "\xEF\xBF\xBD"},  // lone low surrogate
      {R"("\ud800\u0041")",
       "\xEF\xBF\xBD"
       "A"},  // next escape kept
      {R"("\ud800\ud800\udc00")", "\xEF\xBF\xBD\xF0\x90\x80\x80"},
      {R"("\udc00\ud800")", "\xEF\xBF\xBD\xEF\xBF\xBD"},
      {"\"\xFF\xC3\xA9\xED\xA0\x80\"", "\xEF\xBF\xBD\xC3\xA9\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
      {"\"\x7F\"", "\x7F"},
      {"\"a\x01\"", std::nullopt},  // raw control byte
      {"\"a\tb\"", std::nullopt},
      {R"("\'")", std::nullopt},
      {R"("\x41")", std::nullopt},
      {R"("\u12")", std::nullopt},
      {R"("\u12g4")", std::nullopt},
      {R"("\ud800\u12")", std::nullopt},
      {R"("abc)", std::nullopt},
      {R"("abc\)", std::nullopt},
      {"abc", std::nullopt},
      {"", std::nullopt},
  };
  for (const ReadStringCase& c : cases) {
    GoJsonReader reader(c.json);
    EXPECT_EQ(reader.ReadString(), c.expected) << c.json;
  }
}

TEST(GoJsonReaderTest, ReadNumber) {
  const std::vector<std::pair<std::string, std::optional<std::string>>> cases = {
      {"0", "0"},
      {"-0", "-0"},
      {"12", "12"},
      {"1.5", "1.5"},
      {"1e5", "1e5"},
      {"1E+5", "1E+5"},
      {"-1.0e-3", "-1.0e-3"},
      {" 7,", "7"},
      {"01", "0"},  // the caller then rejects the '1' that follows
      {"-", std::nullopt},
      {"1.", std::nullopt},
      {".5", std::nullopt},
      {"1e", std::nullopt},
      {"1e+", std::nullopt},
      {"+1", std::nullopt},
      {"x", std::nullopt},
      {"", std::nullopt},
  };
  for (const auto& [json, expected] : cases) {
    GoJsonReader reader(json);
    auto number = reader.ReadNumber();
    EXPECT_EQ(number ? std::optional<std::string>(*number) : std::nullopt, expected) << json;
  }
}

TEST(GoJsonReaderTest, SkipValue) {
  const std::vector<std::pair<std::string, bool>> cases = {
      {"null", true},
      {"true", true},
      {"false", true},
      {"-1.5e3", true},
      {R"("s")", true},
      {"[]", true},
      {"{}", true},
      {" [ 1 , [ ] , { } ] ", true},
      {R"({"a":[1,{"b":null}],"c":"d"})", true},
      {"nul", false},
      {"True", false},
      {"[1,]", false},
      {"[1 2]", false},
      {"{1:2}", false},
      {R"({"a"})", false},
      {R"({"a":1,})", false},
      {"[", false},
      {"]", false},
      {"{", false},
      {R"(["\x"])", false},
      {"", false},
      {"[1}", false},
      {R"({"a":1])", false},
  };
  for (const auto& [json, valid] : cases) {
    GoJsonReader reader(json);
    EXPECT_EQ(reader.SkipValue(0) && reader.AtEnd(), valid) << json;
  }
}

TEST(GoJsonReaderTest, NestingLimitIsGos) {
  auto nested = [](int depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  const std::string at_limit = nested(GoJsonReader::kMaxDepth);
  EXPECT_TRUE(GoJsonReader(at_limit).SkipValue(0));
  const std::string beyond = nested(GoJsonReader::kMaxDepth + 1);
  EXPECT_FALSE(GoJsonReader(beyond).SkipValue(0));
  const std::string inside = nested(GoJsonReader::kMaxDepth - 2);
  EXPECT_TRUE(GoJsonReader(inside).SkipValue(2));
  EXPECT_FALSE(GoJsonReader(inside).SkipValue(3));
}

TEST(GoJsonReaderTest, ConsumeAndPeek) {
  GoJsonReader reader(" \t\r\n[ null ,true]  ");
  EXPECT_EQ(reader.Peek(), '[');
  EXPECT_FALSE(reader.Consume('{'));
  EXPECT_TRUE(reader.Consume('['));
  EXPECT_FALSE(reader.ConsumeLiteral("true"));
  EXPECT_TRUE(reader.ConsumeLiteral("null"));
  EXPECT_TRUE(reader.Consume(','));
  EXPECT_TRUE(reader.ConsumeLiteral("true"));
  EXPECT_FALSE(reader.AtEnd());
  EXPECT_TRUE(reader.Consume(']'));
  EXPECT_TRUE(reader.AtEnd());
  EXPECT_EQ(reader.Peek(), '\0');
  EXPECT_FALSE(reader.Consume('\0'));
}

}  // namespace
}  // namespace podstep
