// podsim's manifest reader on hostile YAML (found by test/fuzz/manifest_fuzzer):
// every input ends, in bounded time and memory, with documents or an error.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "podsim/manifest.h"

namespace podstep::podsim {
namespace {

using nlohmann::json;

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
  auto docs = ParseManifests("a: " + digits + "\nb: 1." + digits + "\nc: 12\nd: -1.5e3\n", "t");
  ASSERT_TRUE(docs) << docs.error().message;
  ASSERT_EQ(docs->size(), 1u);
  const json& doc = docs->front();
  EXPECT_EQ(doc["a"], digits);  // out of int64's range: kept as text, like before
  EXPECT_EQ(doc["b"], 1.1111111111111111);
  EXPECT_EQ(doc["c"], 12);
  EXPECT_EQ(doc["d"], -1500.0);
}

TEST(PodsimManifestLimits, CoreSchemaNumbers) {
  auto docs = ParseManifests(
      "a: +1\nb: .5\nc: 1.\nd: 1e3\ne: 1e\nf: .\ng: -.5E-2\nh: 0x1F\ni: '1'\nj: 1_000\n", "t");
  ASSERT_TRUE(docs) << docs.error().message;
  EXPECT_EQ(docs->front(), json::parse(R"({"a":1,"b":0.5,"c":1.0,"d":1000.0,"e":"1e","f":".",
      "g":-0.005,"h":"0x1F","i":"1","j":"1_000"})"));
}

TEST(PodsimManifestLimits, AliasesAreCopiedWithABound) {
  auto docs = ParseManifests("a: &x {k: [1, 2]}\nb: *x\n&key name: v\n*key : w\n", "t");
  ASSERT_TRUE(docs) << docs.error().message;
  EXPECT_EQ(docs->front(), json::parse(R"({"a":{"k":[1,2]},"b":{"k":[1,2]},"name":"w"})"));

  // "Billion laughs": 10^9 nodes from a few hundred bytes.
  std::string laughs = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 10; ++i) {
    const std::string previous = "*l" + std::to_string(i - 1);
    laughs += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) laughs += (j ? ", " : "") + previous;
    laughs += "]\n";
  }
  auto bomb = ParseManifests(laughs, "t");
  ASSERT_FALSE(bomb);
  EXPECT_NE(bomb.error().message.find("more than 1000000 nodes"), std::string::npos)
      << bomb.error().message;
}

TEST(PodsimManifestLimits, AliasInsideItsOwnAnchorIsAnError) {
  auto docs = ParseManifests("a: &x [1, *x]\n", "t");
  ASSERT_FALSE(docs);
  EXPECT_NE(docs.error().message.find("alias inside its own anchor"), std::string::npos)
      << docs.error().message;
}

TEST(PodsimManifestLimits, KeysAreScalarText) {
  auto docs = ParseManifests("1: a\n~: b\ntrue: c\n", "t");
  ASSERT_TRUE(docs) << docs.error().message;
  EXPECT_EQ(docs->front(), json::parse(R"({"1":"a","null":"b","true":"c"})"));
  auto bad = ParseManifests("? [a]\n: b\n", "t");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("a map key that is not a scalar"), std::string::npos)
      << bad.error().message;
}

TEST(PodsimManifestLimits, DeepNestingIsBoundedByYamlCpp) {
  auto docs = ParseManifests(std::string(100000, '['), "t.yaml");
  ASSERT_FALSE(docs);
  auto deep = ParseManifests("a: " + std::string(100, '[') + std::string(100, ']'), "t");
  ASSERT_TRUE(deep) << deep.error().message;
}

}  // namespace
}  // namespace podstep::podsim
