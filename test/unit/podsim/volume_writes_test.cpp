// The kubelet's atomic writer layout with modes and nested paths, and the
// hostPath preparation, on a temporary directory.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "podsim/sys/atomic_writer.h"
#include "podsim/sys/host_path.h"
#include "podsim/sys/sub_path.h"

namespace podstep::podsim {
namespace {

namespace fs = std::filesystem;

class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/podsim-volume-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  static std::string Read(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  static int Mode(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return static_cast<int>(st.st_mode & 07777);
  }
  std::string dir_;
};

TEST_F(TempDirTest, AtomicWriterLayoutModesAndNestedPaths) {
  const std::string v = dir_ + "/v";
  ASSERT_TRUE(WriteAtomicVolume(v, VolumeFiles{{"a", {"1", 0400}}, {"sub/b", {"2", 0755}}}));
  EXPECT_EQ(Read(v + "/a"), "1");
  EXPECT_EQ(Read(v + "/sub/b"), "2");
  EXPECT_EQ(Mode(v + "/a"), 0400);
  EXPECT_EQ(Mode(v + "/sub/b"), 0755);
  EXPECT_TRUE(fs::is_symlink(v + "/a"));
  EXPECT_EQ(fs::read_symlink(v + "/sub"), "..data/sub");
  EXPECT_TRUE(fs::is_symlink(v + "/..data"));

  // An update swaps ..data and drops the links of files that are gone.
  const fs::path before = fs::read_symlink(v + "/..data");
  ASSERT_TRUE(WriteAtomicVolume(v, VolumeFiles{{"a", {"one", 0644}}}));
  EXPECT_EQ(Read(v + "/a"), "one");
  EXPECT_NE(fs::read_symlink(v + "/..data"), before);
  EXPECT_FALSE(fs::exists(v + "/" + before.string()));
  EXPECT_FALSE(fs::is_symlink(v + "/sub"));
}

TEST_F(TempDirTest, HostPathIsCheckedAndCreatedByType) {
  const std::string dir = dir_ + "/made/dir";
  ASSERT_TRUE(PrepareHostPath(dir, "DirectoryOrCreate"));
  EXPECT_EQ(StatHostFile(dir), HostFileKind::kDirectory);
  const std::string file = dir_ + "/file";
  ASSERT_TRUE(PrepareHostPath(file, "FileOrCreate"));
  EXPECT_EQ(StatHostFile(file), HostFileKind::kFile);
  auto wrong = PrepareHostPath(file, "Directory");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().message, "hostPath type check failed: " + file + " is not a directory");
  EXPECT_EQ(StatHostFile("/dev/null"), HostFileKind::kCharDevice);
  EXPECT_EQ(StatHostFile(dir_ + "/none"), HostFileKind::kMissing);
}

}  // namespace
}  // namespace podstep::podsim

namespace podstep::podsim {
namespace {

TEST_F(TempDirTest, SubPathIsMadeAndOpenedBeneathTheVolume) {
  const std::string volume = dir_ + "/volume";
  fs::create_directories(volume);
  ::chmod(volume.c_str(), 0777);
  auto made = OpenSubPath(volume, "a/b/c");
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_TRUE(made->is_directory);
  EXPECT_EQ(Mode(volume + "/a/b"), 0777);
  EXPECT_EQ(made->path, volume + "/a/b/c");
  // As root, a detached mount tree for the container to attach.
  EXPECT_EQ(made->tree.valid(), ::geteuid() == 0);

  ASSERT_TRUE(WriteAtomicVolume(dir_ + "/cm", VolumeFiles{{"key", {"v", 0644}}}));
  auto file = OpenSubPath(dir_ + "/cm", "key");  // through the ..data link, inside
  ASSERT_TRUE(file) << file.error().message;
  EXPECT_FALSE(file->is_directory);

  fs::create_symlink("/", volume + "/escape");
  fs::create_symlink("../..", volume + "/a/up");
  for (const char* hostile : {"escape", "escape/etc", "a/up/x"}) {
    auto refused = OpenSubPath(volume, hostile);
    ASSERT_FALSE(refused) << hostile;
    EXPECT_EQ(refused.error().message,
              std::string("subPath ") + hostile + ": resolves outside the volume");
  }
  EXPECT_FALSE(fs::exists("/etc/x-podsim-should-not-exist"));
}

}  // namespace
}  // namespace podstep::podsim
