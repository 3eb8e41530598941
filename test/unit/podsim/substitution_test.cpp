// The `$(…)` scanner: Tekton's replacement and reference finding, and the
// kubelet's expansion.

#include "podsim/substitution.h"

#include <gtest/gtest.h>

namespace podstep::podsim {
namespace {

TEST(PodsimSubstitution, ReplacesKnownKeysInOnePass) {
  const StringReplacements r = {{"params.a", "1"}, {"params.b", "$(params.a)"}};
  EXPECT_EQ(ApplyReplacements("$(params.a)-$(params.b)-$(params.c)", r),
            "1-$(params.a)-$(params.c)");
  EXPECT_EQ(ApplyReplacements("no reference, $ and $( alone", r), "no reference, $ and $( alone");
  EXPECT_EQ(ApplyReplacements("$(params.a", r), "$(params.a");
  EXPECT_EQ(ApplyReplacements("", r), "");
}

TEST(PodsimSubstitution, ReferencesNestedInUnknownOnesAreReplaced) {
  const StringReplacements r = {{"results.r.path", "/tekton/results/r"}};
  EXPECT_EQ(ApplyReplacements("echo $(cat $(results.r.path))", r), "echo $(cat /tekton/results/r)");
  EXPECT_EQ(ApplyReplacements("$($(results.r.path))", r), "$(/tekton/results/r)");
}

TEST(PodsimSubstitution, WholeArrayReferencesExpand) {
  const StringReplacements s = {{"params.s", "x"}};
  const ArrayReplacements a = {{"params.a", {"1", "2"}}};
  using V = std::vector<std::string>;
  EXPECT_EQ(ApplyArrayReplacements("$(params.a)", s, a), (V{"1", "2"}));
  EXPECT_EQ(ApplyArrayReplacements("$(params.a[*])", s, a), (V{"1", "2"}));
  EXPECT_EQ(ApplyArrayReplacements("-$(params.a[*])", s, a), (V{"-$(params.a[*])"}));
  EXPECT_EQ(ApplyArrayReplacements("$(params.s)", s, a), (V{"x"}));
  EXPECT_EQ(ApplyArrayReplacements("$(params.e[*])", s, {{"params.e", {}}}), V{});
}

TEST(PodsimSubstitution, FindsReferencesAsTektonsRegexDoes) {
  auto names = [](std::string_view text, std::string_view prefix) {
    std::vector<std::string> out;
    for (const auto& ref : FindVariableReferences(text, prefix)) out.emplace_back(ref.name);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names("$(params.a) $(params[\"b.c\"]) $(params['d']) $(paramsx.e)", "params"),
            (V{"a", "b.c", "d"}));
  EXPECT_EQ(names("$(params.o.key) $(params.a[*]) $(params.a[1])", "params"),
            (V{"o.key", "a[*]", "a[1]"}));
  // Go's `.` does not match a newline: no reference spans lines.
  EXPECT_EQ(names("$(params.a\n)", "params"), V{});
  EXPECT_EQ(names("$(context.taskRun.name) $(context.task.name)", "context.task"), (V{"name"}));
  EXPECT_EQ(FindVariableReferences("x $(params.a) y", "params")[0].whole, "$(params.a)");
}

TEST(PodsimSubstitution, TrimArrayIndex) {
  EXPECT_EQ(TrimArrayIndex("a[1]"), "a");
  EXPECT_EQ(TrimArrayIndex("a[*]"), "a");
  EXPECT_EQ(TrimArrayIndex("a[12].b[]"), "a.b");
  EXPECT_EQ(TrimArrayIndex("a[x]"), "a[x]");
}

TEST(PodsimSubstitution, KubeletExpansion) {
  auto lookup = [](std::string_view name) -> std::optional<std::string> {
    if (name == "A") return "x";
    return std::nullopt;
  };
  EXPECT_EQ(ExpandKubeletReferences("$(A)-$(B)-$$(A)-$", lookup), "x-$(B)-$(A)-$");
  EXPECT_EQ(ExpandKubeletReferences("$(A", lookup), "$(A");
  EXPECT_EQ(ExpandKubeletReferences("$$$(A)", lookup), "$x");
  EXPECT_EQ(ExpandKubeletReferences("$(steps.a.results.b)", lookup), "$(steps.a.results.b)");
}

}  // namespace
}  // namespace podstep::podsim
