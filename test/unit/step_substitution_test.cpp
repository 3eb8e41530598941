#include "common/step_substitution.h"

#include <gtest/gtest.h>

#include <map>

namespace podstep {
namespace {

class StepSubstitutionTest : public ::testing::Test {
 protected:
  StepSubstitution Make() {
    return StepSubstitution("/tekton/steps",
                            [this](const std::string& path) -> Result<std::optional<std::string>> {
                              auto found = files.find(path);
                              if (found == files.end()) return std::optional<std::string>();
                              return std::optional<std::string>(found->second);
                            });
  }
  std::map<std::string, std::string> files{
      {"/tekton/steps/step-a/results/s", "hello"},
      {"/tekton/steps/step-a/results/q", "\"quoted\""},
      {"/tekton/steps/step-a/results/arr", R"(["x","y"])"},
      {"/tekton/steps/step-a/results/one", R"(["only"])"},
      {"/tekton/steps/step-a/results/empty", "[]"},
      {"/tekton/steps/step-a/results/obj", R"({"k":"v","l":"w"})"},
      {"/tekton/steps/step-a/artifacts/provenance.json",
       R"({"outputs":[{"name":"image","values":[{"uri":"u","digest":{"sha256":"d"}}]}],"inputs":[]})"},
  };
};

TEST(FindResultReferencesTest, NonGreedyAndPerLine) {
  EXPECT_EQ(FindResultReferences("$(steps.a.results.x) and $(steps.b.results.y)"),
            (std::vector<std::string>{"$(steps.a.results.x)", "$(steps.b.results.y)"}));
  EXPECT_EQ(FindResultReferences("no refs $(steps.a.foo)"), std::vector<std::string>{});
  EXPECT_EQ(FindResultReferences("$(steps.a.results.x\n)"), std::vector<std::string>{});
  EXPECT_EQ(FindResultReferences("$(steps.a.results.o.key)"),
            std::vector<std::string>{"$(steps.a.results.o.key)"});
}

TEST(ParseResultValueTest, GoParamValueRules) {
  EXPECT_EQ(ParseResultValue("plain").string_value, "plain");
  EXPECT_EQ(ParseResultValue("\"lit\\n\"").string_value, "lit\n");
  ResultValue array = ParseResultValue(R"(["a","b"])");
  EXPECT_EQ(array.type, ResultValue::kArray);
  EXPECT_EQ(array.array_value, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(ParseResultValue(R"({"k":"v"})").type, ResultValue::kObject);
  // Not an array of strings: kept as the raw string.
  EXPECT_EQ(ParseResultValue("[1,2]").string_value, "[1,2]");
  EXPECT_EQ(ParseResultValue("{bad").string_value, "{bad");
  EXPECT_EQ(ParseResultValue("").string_value, "");
}

TEST_F(StepSubstitutionTest, StringsIndexesAndKeys) {
  auto s = Make();
  EXPECT_EQ(*s.ReplaceResults("say $(steps.a.results.s)!"), "say hello!");
  EXPECT_EQ(*s.ReplaceResults("$(steps.a.results.q)"), "quoted");
  EXPECT_EQ(*s.ReplaceResults("$(steps.a.results.arr[1])"), "y");
  EXPECT_EQ(*s.ReplaceResults("$(steps.a.results.obj.l)"), "w");
  EXPECT_EQ(*s.ReplaceResults("$(steps.a.results.s)-$(steps.a.results.arr[0])"), "hello-x");
}

TEST_F(StepSubstitutionTest, ArrayExpansionInArgs) {
  auto s = Make();
  EXPECT_EQ(*s.ReplaceResultsInArgs({"echo", "$(steps.a.results.arr[*])", "end"}),
            (std::vector<std::string>{"echo", "x", "y", "end"}));
  EXPECT_EQ(*s.ReplaceResultsInArgs({"$(steps.a.results.one[*])"}),
            std::vector<std::string>{"only"});
  EXPECT_EQ(*s.ReplaceResultsInArgs({"$(steps.a.results.empty[*])"}), std::vector<std::string>{""});
  EXPECT_FALSE(s.ReplaceResultsInArgs({"pre-$(steps.a.results.arr[*])"}));
}

TEST_F(StepSubstitutionTest, Errors) {
  auto s = Make();
  EXPECT_FALSE(s.ReplaceResults("$(steps.a.results.missing)"));
  EXPECT_FALSE(s.ReplaceResults("$(steps.a.results.arr[5])"));
  EXPECT_FALSE(s.ReplaceResults("$(steps.x/../../etc.results.passwd)"));
  auto error = s.ReplaceResultsInArgs({"$(steps.a.results.missing)"});
  ASSERT_FALSE(error);
  EXPECT_NE(error.error().message.find("failed to find replacement for $(steps.a.results.missing)"),
            std::string::npos);
}

TEST_F(StepSubstitutionTest, Artifacts) {
  auto s = Make();
  EXPECT_EQ(*s.ReplaceArtifacts("img=$(steps.a.outputs.image)"),
            R"(img=[{"digest":{"sha256":"d"},"uri":"u"}])");
  EXPECT_FALSE(s.ReplaceArtifacts("$(steps.a.inputs.image)"));
  EXPECT_EQ(*s.ReplaceArtifacts("$(steps.a.results.s)"), "$(steps.a.results.s)");
}

}  // namespace
}  // namespace podstep
