#include "common/termination_message.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "common/base64.h"
#include "common/sys/termination_file.h"
#include "unit/utf8_oracle.h"

namespace podstep {
namespace {

using Entries = std::vector<RunResult>;

const RunResult kStartedAt{"StartedAt", "2024-01-02T03:04:05.678Z", ResultType::kInternal};
const std::string kStartedAtJson =
    R"([{"key":"StartedAt","value":"2024-01-02T03:04:05.678Z","type":3}])";

// kStartedAtJson compressed the way Go's flate writer shapes its output
// (a Huffman block, then an empty final stored block) and base64 RawStd.
const std::string kGoShapedCompressed =
    "tknz:iq5Wyk6tVLJSCi5JLCpJTXEsUdJRKkvMKU0FihkZGJnoGhjqGhiFGBhbGZhYGZjqmZlbRAGVlFQWAFUY18YCAA"
    "AA//8BAAD//w";
// The same JSON in one stored (uncompressed) DEFLATE block.
const std::string kStoredCompressed =
    "tknz:AUEAvv9beyJrZXkiOiJTdGFydGVkQXQiLCJ2YWx1ZSI6IjIwMjQtMDEtMDJUMDM6MDQ6MDUuNjc4WiIsInR5cG"
    "UiOjN9XQ";

TEST(TerminationMarshalTest, Table) {
  const std::vector<std::pair<Entries, std::string>> cases = {
      {{}, "[]"},
      {{kStartedAt}, kStartedAtJson},
      {{{"a", "b"}}, R"([{"key":"a","value":"b"}])"},
      {{{"", ""}}, R"([{"key":"","value":""}])"},
      {{{"r", "x", ResultType::kTaskRun}, {"s", "y", ResultType::kStep}},
       R"([{"key":"r","value":"x","type":1},{"key":"s","value":"y","type":4}])"},
      {{{"p", "{}", ResultType::kStepArtifacts}, {"q", "[]", ResultType::kTaskRunArtifacts}},
       R"([{"key":"p","value":"{}","type":5},{"key":"q","value":"[]","type":6}])"},
      {{{"u", "v", kUnknownResultType}}, R"([{"key":"u","value":"v","type":10}])"},
      {{{"k<>", "\"x\"\n\xFF", ResultType::kTaskRun}},
       R"([{"key":"k\u003c\u003e","value":"\"x\"\n\ufffd","type":1}])"},
  };
  for (const auto& [entries, expected] : cases) EXPECT_EQ(MarshalRunResults(entries), expected);
}

struct ParseCase {
  std::string content;
  std::optional<Entries> expected;
};

TEST(TerminationParseTest, Table) {
  const Entries one = {{"a", "b", ResultType::kTaskRun}};
  const std::vector<ParseCase> cases = {
      {kStartedAtJson, Entries{kStartedAt}},
      {"[]", Entries{}},
      {"null", Entries{}},
      {" \n\t", Entries{}},
      {"", Entries{}},
      {R"( [ {"key" : "a", "value":"b", "type":1} ] )"
       "\n",
       one},
      {R"([{"type":1,"value":"b","key":"a"}])", one},
      {R"([{"key":"a","value":"b","type":"TaskRunResult"}])", one},
      {R"([{"key":"a","value":"b","type":"InternalTektonResult"}])",
       Entries{{"a", "b", ResultType::kInternal}}},
      {R"([{"type":"StepResult"},{"type":"StepArtifactsResult"},)"
       R"({"type":"TaskRunArtifactsResult"},{"type":"Other"},{"type":7},{"type":-0}])",
       Entries{{"", "", ResultType::kStep},
               {"", "", ResultType::kStepArtifacts},
               {"", "", ResultType::kTaskRunArtifacts},
               {"", "", kUnknownResultType},
               {"", "", static_cast<ResultType>(7)},
               {}}},
      // Go matches field names case-insensitively, Unicode folding included.
      {R"([{"KEY":"a","Value":"b","tYpE":1}])", one},
      {R"([{"\u212aey":"a","value":"b","type":1}])", one},
      // Go: null leaves a string unchanged and sets the type to 0; null elements are empty.
      {R"([{"key":"a","key":null,"value":null,"type":3,"type":null}])", Entries{{"a", ""}}},
      {"[null]", Entries{{}}},
      {R"([{"key":"a","key":"b"}])", Entries{{"b", ""}}},
      {R"([{"key":"a","resourceName":"r","value":"b","type":1}])", one},
      {R"([{"key":"a","x":{"y":[1,-2.5e3,true,false,null,"z"]},"value":"b","type":1}])", one},
      // Go keeps invalid UTF-8 and lone surrogates as U+FFFD.
      {"[{\"key\":\"\xFF\",\"value\":\"\\ud800\"}]", Entries{{"\xEF\xBF\xBD", "\xEF\xBF\xBD"}}},
      {R"([{"key":"\u003c\ud83d\ude00"}])", Entries{{"<\xF0\x9F\x98\x80", ""}}},
      // Not what Go unmarshals into []RunResult.
      {"{}", std::nullopt},
      {R"("text")", std::nullopt},
      {"5", std::nullopt},
      {"[1]", std::nullopt},
      {"[[]]", std::nullopt},
      {R"([{"key":5}])", std::nullopt},
      {R"([{"value":true}])", std::nullopt},
      {R"([{"key":{}}])", std::nullopt},
      {R"([{"resourceName":1}])", std::nullopt},
      {R"([{"type":1.5}])", std::nullopt},
      {R"([{"type":1e2}])", std::nullopt},
      {R"([{"type":true}])", std::nullopt},
      {R"([{"type":[]}])", std::nullopt},
      {R"([{"type":99999999999}])", std::nullopt},  // fits Go's int, not ours
      {R"([{"key":"a"})", std::nullopt},
      {R"([{"key":"a"},])", std::nullopt},
      {R"([{"key":"a",}])", std::nullopt},
      {R"([{"key":"a"}] x)", std::nullopt},
      {R"([{"key":"a"}][])", std::nullopt},
      {R"([{"x":01}])", std::nullopt},
      {R"([{"x":[}])", std::nullopt},
      {"[{\"key\":\"a\x01\"}]", std::nullopt},
      {"nullx", std::nullopt},
      {"garbage", std::nullopt},
      {" tknz:" + kStoredCompressed.substr(5), std::nullopt},
  };
  for (const ParseCase& c : cases) {
    EXPECT_EQ(ParseTerminationMessage(c.content), c.expected) << c.content;
  }
}

TEST(TerminationParseTest, DecodesGoCompressedPayloads) {
  EXPECT_EQ(ParseTerminationMessage(kGoShapedCompressed), Entries{kStartedAt});
  EXPECT_EQ(ParseTerminationMessage(kStoredCompressed), Entries{kStartedAt});
  // Go's base64 skips line breaks; bytes after the final DEFLATE block are ignored.
  EXPECT_EQ(ParseTerminationMessage(kStoredCompressed + "\n"), Entries{kStartedAt});
  auto deflated = Base64Decode(kStoredCompressed.substr(5), false);
  ASSERT_TRUE(deflated.has_value());
  EXPECT_EQ(ParseTerminationMessage("tknz:" + Base64Encode(*deflated + "junk", false)),
            Entries{kStartedAt});
}

TEST(TerminationParseTest, RejectsBrokenCompressedPayloads) {
  const std::vector<std::string> cases = {
      "tknz:",
      "tknz:!!!!",
      "tknz:" + kStoredCompressed.substr(5) + "==",                // padding is not RawStd
      kStoredCompressed.substr(0, kStoredCompressed.size() - 8),   // truncated DEFLATE
      "tknz:" + Base64Encode("\x07garbage", false),                // invalid block type
      "tknz:" + Base64Encode("\x01\x05\x00\xfa\xffhello", false),  // valid DEFLATE, not JSON
  };
  for (const std::string& content : cases) {
    EXPECT_EQ(ParseTerminationMessage(content), std::nullopt) << content;
  }
}

TEST(TerminationParseTest, DecompressedSizeIsCapped) {
  // Like io.LimitReader, the cap cuts the text: a long valid array no longer parses...
  Entries many(kMaxDecompressedBytes / 20, RunResult{"key", "value"});
  const std::string big = MarshalRunResults(many);
  ASSERT_GT(big.size(), kMaxDecompressedBytes);
  EXPECT_EQ(ParseTerminationMessage(CompressTerminationMessage(big)), std::nullopt);
  // ...while what fits under the cap still does.
  const std::string padded = "[]" + std::string(kMaxDecompressedBytes - 2, ' ');
  EXPECT_EQ(ParseTerminationMessage(CompressTerminationMessage(padded)), Entries{});
  EXPECT_EQ(ParseTerminationMessage(CompressTerminationMessage(padded + "x")), Entries{});
  EXPECT_EQ(ParseTerminationMessage(CompressTerminationMessage(" x" + padded)), std::nullopt);
}

TEST(TerminationCompressTest, RoundTrip) {
  const std::vector<Entries> cases = {
      {},
      {kStartedAt},
      {{"result", std::string(3000, 'a'), ResultType::kTaskRun}, kStartedAt},
      {{"bytes", std::string("\0\x01\xC3\xA9<&>", 7), ResultType::kStep}},
  };
  for (const Entries& entries : cases) {
    const std::string compressed = CompressTerminationMessage(MarshalRunResults(entries));
    ASSERT_TRUE(compressed.starts_with("tknz:")) << compressed;
    EXPECT_EQ(compressed.find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 5),
              std::string::npos);
    EXPECT_EQ(ParseTerminationMessage(compressed), entries) << compressed;
  }
}

struct BuildCase {
  std::string name;
  std::string existing;
  Entries entries;
  bool compress;
  std::string expected;
};

TEST(TerminationBuildTest, Table) {
  const RunResult exit_code{"ExitCode", "1", ResultType::kInternal};
  const std::string both = R"([{"key":"StartedAt","value":"2024-01-02T03:04:05.678Z","type":3},)"
                           R"({"key":"ExitCode","value":"1","type":3}])";
  const std::vector<BuildCase> cases = {
      {"new file", "", {kStartedAt}, false, kStartedAtJson},
      {"nothing to add", "", {}, false, "[]"},
      {"append to plain", kStartedAtJson, {exit_code}, false, both},
      {"append to compressed", kGoShapedCompressed, {exit_code}, false, both},
      {"append to stored", kStoredCompressed, {exit_code}, false, both},
      {"append to null", "null", {kStartedAt}, false, kStartedAtJson},
      {"whitespace", " \n", {kStartedAt}, false, kStartedAtJson},
      {"garbage replaced", std::string(5000, 'x'), {kStartedAt}, false, kStartedAtJson},
      {"half a message", kStartedAtJson.substr(0, 30), {kStartedAt}, false, kStartedAtJson},
      {"object replaced", R"({"key":"a"})", {kStartedAt}, false, kStartedAtJson},
      {"bad tknz replaced", "tknz:@@@", {kStartedAt}, false, kStartedAtJson},
      {"compression longer: plain", "", {kStartedAt}, true, kStartedAtJson},
  };
  for (const BuildCase& c : cases) {
    auto built = BuildTerminationMessage(c.existing, c.entries, c.compress);
    ASSERT_TRUE(built.has_value()) << c.name << ": " << built.error().message;
    EXPECT_EQ(*built, c.expected) << c.name;
  }
}

TEST(TerminationBuildTest, CompressesOnlyWhenShorter) {
  const Entries big = {{"big", std::string(20000, 'a'), ResultType::kTaskRun}};
  auto plain = BuildTerminationMessage("", big, false);
  ASSERT_FALSE(plain.has_value());
  EXPECT_EQ(plain.error().message, kMessageTooLong);
  auto compressed = BuildTerminationMessage("", big, true);
  ASSERT_TRUE(compressed.has_value());
  EXPECT_TRUE(compressed->starts_with("tknz:"));
  EXPECT_LT(compressed->size(), 200u);
  EXPECT_EQ(ParseTerminationMessage(*compressed), big);
  // Appending to a compressed message keeps the old entries.
  auto appended = BuildTerminationMessage(*compressed, {kStartedAt}, true);
  ASSERT_TRUE(appended.has_value());
  EXPECT_EQ(ParseTerminationMessage(*appended), (Entries{big[0], kStartedAt}));
}

// Incompressible JSON-safe text: base64 of DEFLATE grows it, so the plain
// JSON is kept and the limit applies to it.
std::string RandomAlnum(size_t size) {
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::mt19937 random(4096);
  std::string text(size, 'a');
  for (char& c : text) c = kChars[random() % 62];
  return text;
}

TEST(TerminationBuildTest, LimitIs4096Bytes) {
  const size_t overhead = MarshalRunResults({{"k", ""}}).size();
  for (bool compress : {false, true}) {
    const Entries fits = {{"k", RandomAlnum(kMaxTerminationMessageBytes - overhead)}};
    auto ok = BuildTerminationMessage("", fits, compress);
    ASSERT_TRUE(ok.has_value()) << ok.error().message;
    EXPECT_EQ(ok->size(), 4096u);
    const Entries too_big = {{"k", RandomAlnum(kMaxTerminationMessageBytes - overhead + 1)}};
    auto fail = BuildTerminationMessage("", too_big, compress);
    ASSERT_FALSE(fail.has_value());
    EXPECT_EQ(fail.error().message,
              "Termination message is above max allowed size 4096, caused by large task result.");
    // The old content counts too.
    auto with_old = BuildTerminationMessage(*ok, {{"x", ""}}, compress);
    EXPECT_FALSE(with_old.has_value());
  }
}

TEST(TerminationMarshalTest, PropertyValidJsonForAnyBytes) {
  std::mt19937 random(1337);
  for (int round = 0; round < 2000; ++round) {
    Entries entries(random() % 3);
    for (RunResult& entry : entries) {
      for (std::string* text : {&entry.key, &entry.value}) {
        text->resize(random() % 20);
        for (char& c : *text) {
          c = static_cast<char>(random() % 4 == 0
                                    ? "\"\\<>&\n\x01\xE2\x80\xA8\xED\xF4"[random() % 13]
                                    : random() % 256);
        }
      }
      entry.type = static_cast<ResultType>(random() % 7);
    }
    const std::string json = MarshalRunResults(entries);
    const auto parsed = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(parsed.is_array()) << json;
    ASSERT_EQ(parsed.size(), entries.size());
    Entries sanitized = entries;
    for (size_t i = 0; i < entries.size(); ++i) {
      sanitized[i].key = GoSanitize(entries[i].key);
      sanitized[i].value = GoSanitize(entries[i].value);
      EXPECT_EQ(parsed[i]["key"].get<std::string>(), sanitized[i].key) << json;
      EXPECT_EQ(parsed[i]["value"].get<std::string>(), sanitized[i].value) << json;
      EXPECT_EQ(parsed[i].value("type", 0), static_cast<int>(entries[i].type)) << json;
    }
    EXPECT_EQ(ParseTerminationMessage(json), sanitized) << json;
    EXPECT_EQ(ParseTerminationMessage(CompressTerminationMessage(json)), sanitized) << json;
    // Go's encoder output is a fixed point for text that was valid UTF-8.
    EXPECT_EQ(MarshalRunResults(sanitized),
              MarshalRunResults(*ParseTerminationMessage(MarshalRunResults(sanitized))));
  }
}

class TerminationFileTest : public testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/podstep-termination-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    path_ = dir_ + "/termination";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
  }
  static void Write(const std::string& path, const std::string& content) {
    std::ofstream(path, std::ios::binary) << content;
  }

  std::string dir_;
  std::string path_;
};

TEST_F(TerminationFileTest, CreatesAndAppends) {
  ASSERT_TRUE(WriteTerminationMessage(path_, {kStartedAt}, false).has_value());
  EXPECT_EQ(Read(path_), kStartedAtJson);
  ASSERT_TRUE(WriteTerminationMessage(path_, {{"r", "v", ResultType::kTaskRun}}, false));
  EXPECT_EQ(Read(path_), kStartedAtJson.substr(0, kStartedAtJson.size() - 1) +
                             R"(,{"key":"r","value":"v","type":1}])");
}

TEST_F(TerminationFileTest, AppendsToCompressed) {
  Write(path_, kGoShapedCompressed);
  ASSERT_TRUE(WriteTerminationMessage(path_, {{"r", "v"}}, true));
  EXPECT_EQ(ParseTerminationMessage(Read(path_)), (Entries{kStartedAt, {"r", "v"}}));
}

TEST_F(TerminationFileTest, LongerGarbageLeavesNoTrailingBytes) {
  Write(path_, std::string(10000, '#'));
  ASSERT_TRUE(WriteTerminationMessage(path_, {kStartedAt}, false));
  EXPECT_EQ(Read(path_), kStartedAtJson);
}

// Not read past what any message could hold: a huge (here sparse) old file
// is replaced like unparsable content.
TEST_F(TerminationFileTest, HugeOldContentIsReplacedWithoutReadingIt) {
  Write(path_, "[");
  ASSERT_EQ(::truncate(path_.c_str(), 64LL << 30), 0);
  ASSERT_TRUE(WriteTerminationMessage(path_, {kStartedAt}, false));
  EXPECT_EQ(Read(path_), kStartedAtJson);
}

TEST_F(TerminationFileTest, WritesInPlace) {
  Write(path_, "[]");
  const std::string link = dir_ + "/hardlink";
  ASSERT_EQ(::link(path_.c_str(), link.c_str()), 0);
  struct stat before {};
  ASSERT_EQ(::stat(path_.c_str(), &before), 0);
  ASSERT_TRUE(WriteTerminationMessage(path_, {kStartedAt}, false));
  struct stat after {};
  ASSERT_EQ(::stat(path_.c_str(), &after), 0);
  EXPECT_EQ(before.st_ino, after.st_ino);
  EXPECT_EQ(Read(link), kStartedAtJson);
}

TEST_F(TerminationFileTest, OversizeFailsAndLeavesFileAlone) {
  Write(path_, kStartedAtJson);
  auto status = WriteTerminationMessage(path_, {{"big", RandomAlnum(5000)}}, true);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().message, kMessageTooLong);
  EXPECT_EQ(Read(path_), kStartedAtJson);
}

TEST_F(TerminationFileTest, ErrorsCarryContext) {
  const std::string missing = dir_ + "/no/such/dir/termination";
  auto open_failed = WriteTerminationMessage(missing, {kStartedAt}, false);
  ASSERT_FALSE(open_failed.has_value());
  EXPECT_EQ(open_failed.error().message,
            "write termination message '" + missing + "': open: no such file or directory");
  EXPECT_EQ(open_failed.error().sys_errno, ENOENT);
  auto read_failed = WriteTerminationMessage(dir_, {kStartedAt}, false);
  ASSERT_FALSE(read_failed.has_value());
  EXPECT_EQ(read_failed.error().message,
            "write termination message '" + dir_ + "': read: is a directory");
  EXPECT_EQ(read_failed.error().sys_errno, EISDIR);
}

TEST_F(TerminationFileTest, DeviceWithoutSyncIsFine) {
  EXPECT_TRUE(WriteTerminationMessage("/dev/null", {kStartedAt}, false).has_value());
}

}  // namespace
}  // namespace podstep
