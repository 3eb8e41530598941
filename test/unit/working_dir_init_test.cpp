#include "common/working_dir_init.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "common/go_path.h"

namespace podstep {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Cases from Go's path/filepath tests (Unix).
TEST(GoCleanPathTest, MatchesFilepathClean) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "."},
      {".", "."},
      {"/", "/"},
      {"//", "/"},
      {"abc", "abc"},
      {"abc/def", "abc/def"},
      {"a/b/c", "a/b/c"},
      {"..", ".."},
      {"../..", "../.."},
      {"../../abc", "../../abc"},
      {"/abc", "/abc"},
      {"/abc/", "/abc"},
      {"abc/", "abc"},
      {"abc//def//ghi", "abc/def/ghi"},
      {"//abc", "/abc"},
      {"///abc", "/abc"},
      {"abc/./def", "abc/def"},
      {"/./abc/def", "/abc/def"},
      {"abc/.", "abc"},
      {"abc/def/ghi/../jkl", "abc/def/jkl"},
      {"abc/def/../ghi/../jkl", "abc/jkl"},
      {"abc/def/..", "abc"},
      {"abc/def/../..", "."},
      {"/abc/def/../..", "/"},
      {"abc/def/../../..", ".."},
      {"/abc/def/../../..", "/"},
      {"abc/def/../../../ghi/jkl/../../../mno", "../../mno"},
      {"/../abc", "/abc"},
      {"abc/./../def", "def"},
      {"abc//./../def", "def"},
      {"abc/../../././../def", "../../def"},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(GoCleanPath(in), want) << "Clean(" << in << ")";
}

TEST(WorkingDirToCreateTest, RelativeOrInsideWorkspaceOnly) {
  EXPECT_EQ(WorkingDirToCreate("src/app"), "src/app");
  EXPECT_EQ(WorkingDirToCreate("./a//b/"), "a/b");
  EXPECT_EQ(WorkingDirToCreate("../up"), "../up");
  EXPECT_EQ(WorkingDirToCreate(""), ".");
  EXPECT_EQ(WorkingDirToCreate("/workspace/a"), "/workspace/a");
  EXPECT_EQ(WorkingDirToCreate("/workspace//a/./b/"), "/workspace/a/b");
  EXPECT_EQ(WorkingDirToCreate("/workspace/a/../b"), "/workspace/b");
  EXPECT_EQ(WorkingDirToCreate("/workspace"), std::nullopt);
  EXPECT_EQ(WorkingDirToCreate("/workspace/"), std::nullopt);
  EXPECT_EQ(WorkingDirToCreate("/workspace/a/.."), std::nullopt);
  EXPECT_EQ(WorkingDirToCreate("/workspace/../etc"), std::nullopt);
  EXPECT_EQ(WorkingDirToCreate("/workspacex/a"), std::nullopt);
  EXPECT_EQ(WorkingDirToCreate("/tmp/a"), std::nullopt);
  EXPECT_EQ(WorkingDirToCreate("/"), std::nullopt);
}

class FakeDirMaker : public DirMaker {
 public:
  Status MakeDirs(const std::string& path) override {
    made.push_back(path);
    if (failing.contains(path)) return Fail("mkdir " + path + ": permission denied", EACCES);
    return {};
  }
  std::vector<std::string> made;
  std::set<std::string> failing;
};

TEST(RunWorkingDirInitTest, CreatesEachDirInOrder) {
  FakeDirMaker maker;
  EXPECT_EQ(RunWorkingDirInit({"a", "/tmp/x", "/workspace/w/", "-flag-like"}, maker), 0);
  EXPECT_THAT(maker.made, ElementsAre("a", "/workspace/w", "-flag-like"));
}

TEST(RunWorkingDirInitTest, FirstFailureLogsAndStops) {
  FakeDirMaker maker;
  maker.failing.insert("/workspace/b");
  testing::internal::CaptureStderr();
  EXPECT_EQ(RunWorkingDirInit({"/workspace/a", "/workspace//b", "/workspace/c"}, maker), 1);
  EXPECT_THAT(testing::internal::GetCapturedStderr(),
              HasSubstr(" Failed to mkdir \"/workspace/b\": mkdir /workspace/b: permission "
                        "denied\n"));
  EXPECT_THAT(maker.made, ElementsAre("/workspace/a", "/workspace/b"));
}

TEST(RunWorkingDirInitTest, NoArgumentsIsSuccess) {
  FakeDirMaker maker;
  EXPECT_EQ(RunWorkingDirInit({}, maker), 0);
  EXPECT_TRUE(maker.made.empty());
}

}  // namespace
}  // namespace podstep
