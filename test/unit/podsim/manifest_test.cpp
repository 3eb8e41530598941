// podsim's manifest reader on hostile input (much of it found by
// test/fuzz/manifest_fuzzer): every input ends, in bounded time and memory,
// with objects or a one-line error — never a crash.

#include "podsim/manifest.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "helpers/hostile_manifests.h"

namespace podstep::podsim {
namespace {

using nlohmann::json;

// The error of parsing `text`, which must fail; one line starting "parse t: ".
std::string Error(const std::string& text) {
  auto docs = ParseManifests(text, "t");
  EXPECT_FALSE(docs) << text.substr(0, 200);
  if (docs) return "";
  const std::string& message = docs.error().message;
  EXPECT_TRUE(message.starts_with("parse t: ")) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_LT(message.size(), 400u) << message;
  return message;
}

#define EXPECT_ERROR(text, part)                        \
  do {                                                  \
    const std::string message_ = Error(text);           \
    EXPECT_NE(message_.find(part), std::string::npos)   \
        << "want \"" << (part) << "\" in " << message_; \
  } while (false)

json One(const std::string& text) {
  auto docs = ParseManifests(text, "t");
  EXPECT_TRUE(docs) << docs.error().message;
  if (!docs) return nullptr;
  EXPECT_EQ(docs->size(), 1u);
  return docs->empty() ? json() : docs->front();
}

// yaml-cpp 0.7's LoadAll looped forever, allocating, on a stray ','.
TEST(PodsimManifestLimits, StrayTokenIsAnErrorNotAHang) {
  for (const char* text : {", .", ",", "a: 1\n---\n,\n"}) {
    auto docs = ParseManifests(text, "f.yaml");
    ASSERT_FALSE(docs) << text;
    EXPECT_TRUE(docs.error().message.starts_with("parse f.yaml: ")) << docs.error().message;
  }
}

// A `kind` that is not a string threw from nlohmann's value() (found by the
// fuzzer in CI): in JSON and YAML it is just a document like any other.
TEST(PodsimManifestLimits, KindOfAnyType) {
  for (const char* text : {R"({"kind": {"a": 1}})", R"([{"kind": 3}, {"kind": "List"}])",
                           "kind: [List]\nitems: [1]\n", "kind: {x: 1}\n"}) {
    auto docs = ParseManifests(text, "f");
    ASSERT_TRUE(docs) << text << ": " << docs.error().message;
    EXPECT_FALSE(docs->empty()) << text;
  }
}

// std::regex recursed once per character and overflowed the stack.
TEST(PodsimManifestLimits, LongPlainScalars) {
  const std::string digits(300000, '1');
  const json doc = One("a: " + digits + "\nb: 1." + digits + "\nc: 12\nd: -1.5e3\n");
  EXPECT_EQ(doc["a"], digits);  // out of int64's range: kept as text
  EXPECT_EQ(doc["b"], 1.1111111111111111);
  EXPECT_EQ(doc["c"], 12);
  EXPECT_EQ(doc["d"], -1500.0);
  EXPECT_EQ(One("a: " + std::string(50000, '9') + "\n")["a"], std::string(50000, '9'));
  EXPECT_EQ(One("a: 1e99999\n")["a"], "1e99999");
}

TEST(PodsimManifestLimits, CoreSchemaNumbers) {
  EXPECT_EQ(One("a: +1\nb: .5\nc: 1.\nd: 1e3\ne: 1e\nf: .\ng: -.5E-2\nh: 0x1F\ni: '1'\n"
                "j: 1_000\nk: 0o17\nl: 0o8\nm: 0x\nn: .inf\no: .nan\np: 0X1\n"),
            json::parse(R"({"a":1,"b":0.5,"c":1.0,"d":1000.0,"e":"1e","f":".","g":-0.005,
                "h":31,"i":"1","j":"1_000","k":15,"l":"0o8","m":"0x","n":".inf","o":".nan",
                "p":"0X1"})"));
}

TEST(PodsimManifestLimits, AliasesAreCopied) {
  EXPECT_EQ(One("a: &x {k: [1, 2]}\nb: *x\n&key name: v\nc: {*key : w}\n"),
            json::parse(R"({"a":{"k":[1,2]},"b":{"k":[1,2]},"name":"v","c":{"name":"w"}})"));
}

TEST(PodsimManifestLimits, BillionLaughsIsRefused) {
  const std::string laughs = test::BillionLaughs();
  EXPECT_LT(laughs.size(), 700u);
  EXPECT_ERROR(laughs, "more than 1000000 nodes (aliases expanding?)");
}

// Few nodes but long strings: each alias of a 1 MiB string costs 1 MiB.
TEST(PodsimManifestLimits, AliasesOfLongStringsCountTheirBytes) {
  std::string text = "a: &a \"" + std::string(1 << 20, 'x') + "\"\nb: [*a";
  for (int i = 0; i < 100; ++i) text += ", *a";
  EXPECT_ERROR(text + "]\n", "more than 64 MiB of strings (aliases expanding?)");
}

// Each anchor keeps a copy of its value: anchors nested around a big value
// would copy it once per level.
TEST(PodsimManifestLimits, KeptAnchorsCountTheirCopies) {
  std::string text;
  for (int i = 0; i < 90; ++i) text += "&a" + std::to_string(i) + " [";
  text += "x";
  for (int i = 0; i < 20000; ++i) text += ", x";
  text += std::string(90, ']') + "\n";
  EXPECT_ERROR(text, "more than 1000000 nodes");
}

TEST(PodsimManifestLimits, AliasInsideItsOwnAnchorIsAnError) {
  EXPECT_ERROR("a: &x [1, *x]\n", "alias inside its own anchor");
  // Anchors are per document: the first document's &x is not the second's.
  EXPECT_ERROR("a: &x [1]\n---\nb: &x [*x]\n", "line 3, column 8: alias inside its own anchor");
}

TEST(PodsimManifestLimits, KeysAreScalarText) {
  EXPECT_EQ(One("1: a\n~: b\ntrue: c\n"), json::parse(R"({"1":"a","null":"b","true":"c"})"));
  EXPECT_ERROR("? [a]\n: b\n",
               "line 1, column 4: a map key that is a list or a map, at the document");
  EXPECT_ERROR("a:\n  b: {[x]: 1}\n", "a map key that is a list or a map, at a.b");
}

// Kubernetes refuses duplicate keys in YAML (kubectl: `key "x" already set in
// map`) and, with strict field validation, in JSON: so does podsim.
TEST(PodsimManifestLimits, DuplicateKeysAreRefused) {
  EXPECT_ERROR("a: 1\nb: 2\na: 3\n", "line 3, column 1: duplicate key \"a\" in the document");
  EXPECT_ERROR("spec:\n  steps:\n  - name: x\n    name: y\n",
               "line 4, column 5: duplicate key \"name\" in spec.steps[0]");
  EXPECT_ERROR(R"({"metadata": {"name": "a", "name": "b"}})", "duplicate key \"name\" in metadata");
  EXPECT_ERROR(R"([{}, {"a\nb": 1, "a\nb": 2}])", "duplicate key \"a\\nb\" in [1]");
  // Same text, different YAML types: still the same key.
  EXPECT_ERROR("1: a\n'1': b\n", "duplicate key \"1\"");
}

// yaml-cpp stops at 500 levels with "bad file"; nlohmann's parser does not
// recurse, but every later walk of the value would: both stop at 100, with
// the place named.
TEST(PodsimManifestLimits, DeepNestingIsRefusedClearly) {
  const std::string depth = "nesting deeper than 100 levels";
  EXPECT_TRUE(ParseManifests("a: " + std::string(99, '[') + std::string(99, ']'), "t"));
  EXPECT_ERROR("a: " + std::string(100, '[') + std::string(100, ']'), depth + " at a[0][0]");
  EXPECT_ERROR(std::string(100000, '['), depth);
  EXPECT_ERROR("a: " + std::string(100000, '['), depth);
  EXPECT_ERROR(std::string(100000, '[') + std::string(100000, ']'), depth + " at [0][0]");
  EXPECT_ERROR(test::DeepJsonObjects(100000), depth + " at a.a.a");
  EXPECT_ERROR(test::DeepYamlBlockMaps(2000), depth + " at k.k.k");
  std::string sequence, flow_maps = "x: ";
  for (int i = 0; i < 2000; ++i) {
    sequence += std::string(i, ' ') + "-\n";
    flow_maps += "{a: ";
  }
  EXPECT_ERROR(sequence, depth);
  EXPECT_ERROR(flow_maps, depth);
  std::string dashes = "a: ";
  for (int i = 0; i < 100000; ++i) dashes += "- ";
  EXPECT_ERROR(dashes + "x\n", "");
  // Through aliases: 60 levels anchored, used 60 levels down.
  const std::string sixty_open(60, '['), sixty_close(60, ']');
  EXPECT_ERROR("a: &d " + sixty_open + sixty_close + "\nb: " + sixty_open + "*d" + sixty_close,
               depth + " through an alias at b[0][0]");
}

TEST(PodsimManifestLimits, OnlyUtf8TextIsRead) {
  EXPECT_ERROR(std::string("a: 1\nb: x\0y\n", 12),
               "line 2, column 5: a NUL byte: this is not a text file");
  EXPECT_ERROR("a: \x1b[31m\n", "line 1, column 4: control character 0x1b: manifests are text");
  EXPECT_ERROR("a: \xff\n",
               "line 1, column 4: invalid UTF-8 (byte 0xff): manifests are UTF-8 text");
  EXPECT_ERROR("a: \xc0\xaf\n", "invalid UTF-8 (byte 0xc0)");      // overlong '/'
  EXPECT_ERROR("a: \xed\xa0\x80\n", "invalid UTF-8 (byte 0xed)");  // a surrogate
  EXPECT_ERROR(R"({"a": "é)"
               "\xe9\"}",
               "line 1, column 10: invalid UTF-8 (byte 0xe9)");
  EXPECT_ERROR(
      "\xff\xfe"
      "a\0:\0 \0"
      "1\0",
      "invalid UTF-8");  // UTF-16
  // A UTF-8 byte order mark is allowed, before YAML or JSON; tabs and CRLF too.
  EXPECT_EQ(One("\xEF\xBB\xBF{\"a\": \"é\"}"), json::parse(R"({"a":"é"})"));
  EXPECT_EQ(One("\xEF\xBB\xBF"
                "a:\t\"é\"\r\n"),
            json::parse(R"({"a":"é"})"));
  // YAML escapes of what is not a character.
  EXPECT_ERROR("a: \"\\ud800\"\n", "invalid unicode");
}

TEST(PodsimManifestLimits, BinaryGarbageIsAnError) {
  std::mt19937 random(7);
  for (int round = 0; round < 50; ++round) {
    std::string bytes(4096, '\0');
    for (char& c : bytes) c = static_cast<char>(random());
    Error(bytes);
  }
}

TEST(PodsimManifestLimits, DocumentsMustBeMaps) {
  EXPECT_ERROR("hello\n", "document 1 is a string, not a map (a Kubernetes object)");
  EXPECT_ERROR("a: 1\n---\n- 1\n- 2\n", "document 2: item 0 is a number, not a map");
  EXPECT_ERROR("a: 1\n---\ntrue\n", "document 2 is a boolean");
  EXPECT_ERROR("[{}, [], {}]", "the document: item 1 is a list, not a map");
  EXPECT_ERROR("kind: List\nitems: [{}, null]\n", "document 1: item 1 is null, not a map");
  EXPECT_ERROR("\"text\"", "");
  // Empty documents are skipped, as kubectl does.
  auto docs = ParseManifests("---\n---\na: 1\n---\n~\n", "t");
  ASSERT_TRUE(docs) << docs.error().message;
  EXPECT_EQ(docs->size(), 1u);
}

TEST(PodsimManifestLimits, JsonNumbersOutOfRange) {
  EXPECT_ERROR(R"({"a": 1e999})", "number \"1e999\" is out of range");
  EXPECT_ERROR("{\"a\": " + std::string(50000, '1') + "}", "is out of range");
  EXPECT_EQ(One(R"({"a": 18446744073709551615, "b": -9223372036854775808, "c": 1.5})"),
            json::parse(R"({"a": 18446744073709551615, "b": -9223372036854775808, "c": 1.5})"));
}

TEST(PodsimManifestLimits, TooLargeIsRefusedBeforeParsing) {
  EXPECT_ERROR(std::string(kMaxManifestBytes + 1, '#'),
               "larger than 16 MiB, the most podsim reads");
}

class PodsimLoadManifestsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/podsim-manifest-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(PodsimLoadManifestsTest, OnlyRegularFilesUpToTheLimit) {
  const std::string big = dir_ + "/big.yaml";
  std::ofstream(big).close();
  std::filesystem::resize_file(big, kMaxManifestBytes + 1);
  auto docs = LoadManifests(big);
  ASSERT_FALSE(docs);
  EXPECT_EQ(docs.error().message, "read " + big + ": larger than 16 MiB, the most podsim reads");

  const std::string fifo = dir_ + "/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  docs = LoadManifests(fifo);  // would block forever if opened for reading as a file
  ASSERT_FALSE(docs);
  EXPECT_NE(docs.error().message.find("not a regular file (to read a pipe, give -"),
            std::string::npos)
      << docs.error().message;

  docs = LoadManifests(dir_);
  ASSERT_FALSE(docs);
  EXPECT_NE(docs.error().message.find("not a regular file"), std::string::npos);

  docs = LoadManifests(dir_ + "/missing.yaml");
  ASSERT_FALSE(docs);
  EXPECT_EQ(docs.error().message, "read " + dir_ + "/missing.yaml: no such file or directory");

  const std::string ok = dir_ + "/ok.yaml";
  std::ofstream(ok) << "kind: Pod\n";
  docs = LoadManifests(ok);
  ASSERT_TRUE(docs) << docs.error().message;
  EXPECT_EQ(docs->size(), 1u);
}

}  // namespace
}  // namespace podstep::podsim
