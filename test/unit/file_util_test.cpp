#include "common/sys/file_util.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace podstep {
namespace {

class MakeDirsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "podstep-mkdirs-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path(const std::string& relative) const { return dir_ + "/" + relative; }
  static bool IsDir(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  }
  std::string dir_;
};

// The fast path (mkdir first) and Go's sequence give the same results.
TEST_F(MakeDirsTest, MakesEveryMissingLevel) {
  ASSERT_TRUE(MakeDirs(Path("a/b/c")));
  EXPECT_TRUE(IsDir(Path("a/b/c")));
  ASSERT_TRUE(MakeDirs(Path("a/b/d/")));
  EXPECT_TRUE(IsDir(Path("a/b/d")));
}

TEST_F(MakeDirsTest, AnExistingDirectoryIsFine) {
  ASSERT_TRUE(MakeDirs(Path("a")));
  EXPECT_TRUE(MakeDirs(Path("a")));
  EXPECT_TRUE(MakeDirs(Path("a/.")));
}

TEST_F(MakeDirsTest, AFileInTheWayIsNamedAsGoNamesIt) {
  std::ofstream(Path("file")) << "x";
  auto through = MakeDirs(Path("file/sub"));
  ASSERT_FALSE(through);
  EXPECT_EQ(through.error().message, "mkdir " + Path("file") + ": not a directory");
  auto onto = MakeDirs(Path("file"));
  ASSERT_FALSE(onto);
  EXPECT_EQ(onto.error().message, "mkdir " + Path("file") + ": not a directory");
}

TEST_F(MakeDirsTest, WriteFileCreatingParentsMakesThemOnlyWhenNeeded) {
  ASSERT_TRUE(WriteFileCreatingParents(Path("x/y/file"), "1"));
  ASSERT_TRUE(WriteFileCreatingParents(Path("x/y/file"), "22"));
  std::ifstream in(Path("x/y/file"));
  std::string content((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(content, "22");
  std::ofstream(Path("f")) << "x";
  auto blocked = WriteFileCreatingParents(Path("f/g"), "1");
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().message, "mkdir " + Path("f") + ": not a directory");
}

}  // namespace
}  // namespace podstep
