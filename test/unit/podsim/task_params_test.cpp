// Tekton's params: values, inferred types, and the replacement tables.

#include "podsim/task_params.h"

#include <gtest/gtest.h>

namespace podstep::podsim {
namespace {

using nlohmann::json;

TEST(PodsimParams, ValuesAsGoUnmarshalsThem) {
  EXPECT_EQ(ParamValue::FromJson("s").type, "string");
  EXPECT_EQ(ParamValue::FromJson(json::array({"a"})).type, "array");
  EXPECT_EQ(ParamValue::FromJson(json::object({{"k", "v"}})).type, "object");
  // Not a list or map of strings: the JSON text, as a string.
  EXPECT_EQ(ParamValue::FromJson(json::array({1, 2})).string_value, "[1,2]");
  EXPECT_EQ(ParamValue::FromJson(3).string_value, "3");
  EXPECT_EQ(ParamValue::FromJson(true).string_value, "true");
}

TEST(PodsimParams, TypesAreInferredAsSetDefaultsDoes) {
  auto specs = ParseParamSpecs(json::parse(R"([
    {"name": "s"}, {"name": "a", "default": ["x"]}, {"name": "o", "properties": {"k": {}}},
    {"name": "d", "default": {"k": "v"}}, {"name": "t", "type": "array"}])"));
  ASSERT_EQ(specs.size(), 5u);
  EXPECT_EQ(specs[0].type, "string");
  EXPECT_EQ(specs[1].type, "array");
  EXPECT_EQ(specs[2].type, "object");
  EXPECT_EQ((*specs[2].properties)["k"], "string");
  EXPECT_EQ(specs[3].type, "object");
  EXPECT_EQ(specs[4].type, "array");
}

TEST(PodsimParams, TaskParametersOverrideDefaultsAndMergeObjects) {
  auto specs = ParseParamSpecs(json::parse(R"([
    {"name": "s", "default": "d"}, {"name": "a", "default": ["1", "2"]},
    {"name": "o", "properties": {"x": {}, "y": {}}, "default": {"x": "dx", "y": "dy"}}])"));
  auto params = ParseParams(json::parse(R"([
    {"name": "s", "value": "given"}, {"name": "o", "value": {"y": "gy"}},
    {"name": "extra", "value": "propagated"}])"));
  ParamReplacements r = TaskParameters(specs, params);
  EXPECT_EQ(r.strings["params.s"], "given");
  EXPECT_EQ(r.strings["params[\"s\"]"], "given");
  EXPECT_EQ(r.strings["params['s']"], "given");
  EXPECT_EQ(r.strings["params.extra"], "propagated");
  EXPECT_EQ(r.strings["params.a[1]"], "2");
  EXPECT_EQ(r.arrays["params.a"], (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(r.strings["params.o.x"], "dx");
  EXPECT_EQ(r.strings["params.o.y"], "gy");
  EXPECT_EQ(r.objects["params.o"], (std::map<std::string, std::string>{{"x", "dx"}, {"y", "gy"}}));
}

TEST(PodsimParams, ReplaceVariablesCorrectsTypes) {
  ParamReplacements r;
  r.strings = {{"params.s", "v"}};
  r.arrays = {{"params.a", {"1", "2"}}};
  r.objects = {{"params.o", {{"k", "v"}}}};
  json out = ReplaceParamVariables(json::parse(R"j([
    {"name": "s", "value": "x-$(params.s)"}, {"name": "a", "value": "$(params.a[*])"},
    {"name": "o", "value": "$(params.o[*])"}, {"name": "l", "value": ["$(params.a)", "z"]},
    {"name": "r", "value": "$(steps.x.results.y)"}])j"),
                                   r);
  EXPECT_EQ(out[0]["value"], "x-v");
  EXPECT_EQ(out[1]["value"], json::parse(R"(["1","2"])"));
  EXPECT_EQ(out[2]["value"], json::parse(R"({"k":"v"})"));
  EXPECT_EQ(out[3]["value"], json::parse(R"(["1","2","z"])"));
  EXPECT_EQ(out[4]["value"], "$(steps.x.results.y)");
}

}  // namespace
}  // namespace podstep::podsim
