#include "common/parent_path.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace podstep {
namespace {

TEST(ParentPathTest, Examples) {
  EXPECT_EQ(ParentPath("/tekton/run/0/out"), "/tekton/run/0");
  EXPECT_EQ(ParentPath("a/b/"), "a/b");
  EXPECT_EQ(ParentPath("/a"), "/");
  EXPECT_EQ(ParentPath("//a"), "/");
  EXPECT_EQ(ParentPath("//a/b"), "//a");
  EXPECT_EQ(ParentPath("a"), "");
  EXPECT_EQ(ParentPath(""), "");
  EXPECT_EQ(ParentPath("///"), "///");
}

// std::filesystem (what the code used before) is the oracle: every path of
// up to six characters over {a, /, .} gives the same parent and the same
// has_relative_path.
TEST(ParentPathTest, AgreesWithStdFilesystemOnAllShortPaths) {
  const std::string alphabet = "a/.";
  std::vector<std::string> paths = {""};
  for (size_t begin = 0, length = 0; length < 6; ++length) {
    const size_t end = paths.size();
    for (size_t i = begin; i < end; ++i) {
      for (char c : alphabet) paths.push_back(paths[i] + c);
    }
    begin = end;
  }
  for (const std::string& path : paths) {
    std::filesystem::path oracle(path);
    EXPECT_EQ(ParentPath(path), oracle.parent_path().string()) << "path: " << path;
    EXPECT_EQ(HasRelativePath(path), oracle.has_relative_path()) << "path: " << path;
  }
}

}  // namespace
}  // namespace podstep
