#include "common/subcommands.h"
#include "common/sys/subcommand_files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace podstep {
namespace {

namespace fs = std::filesystem;

class SubcommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/podstep-sub-XXXXXX";
    dir_ = mkdtemp(pattern);
    paths_.root = dir_ + "/tekton";
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& path, const std::string& content) {
    std::ofstream(path, std::ios::binary) << content;
  }
  std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  std::string dir_;
  TektonPaths paths_;
};

TEST_F(SubcommandsTest, ArityDecidesWhatIsASubcommand) {
  EXPECT_FALSE(RunSubcommand({}, paths_));
  EXPECT_FALSE(RunSubcommand({"cp", "a"}, paths_));
  EXPECT_FALSE(RunSubcommand({"cp", "a", "b", "c"}, paths_));
  EXPECT_FALSE(RunSubcommand({"init", "a"}, paths_));
  EXPECT_FALSE(RunSubcommand({"decode-script"}, paths_));
  EXPECT_FALSE(RunSubcommand({"decode-script", "a", "b"}, paths_));
  EXPECT_FALSE(RunSubcommand({"bogus", "a"}, paths_));
  EXPECT_TRUE(RunSubcommand({"step-init"}, paths_));
}

TEST_F(SubcommandsTest, CopyCreatesMode0311AndReplacesWholly) {
  Write(dir_ + "/src", "new");
  auto outcome = RunSubcommand({"cp", dir_ + "/src", dir_ + "/dst"}, paths_);
  ASSERT_TRUE(outcome);
  EXPECT_TRUE(outcome->ok);
  EXPECT_EQ(outcome->message, "Copied " + dir_ + "/src to " + dir_ + "/dst");
  struct stat st {};
  ASSERT_EQ(stat((dir_ + "/dst").c_str(), &st), 0);
  EXPECT_EQ(
      st.st_mode & 0777, 0311 & ~[] {
        mode_t m = umask(0);
        umask(m);
        return m;
      }());
  EXPECT_EQ(Read(dir_ + "/dst"), "new");

  // A longer existing destination leaves no trailing bytes; its mode is kept.
  Write(dir_ + "/long", "a much longer old content");
  chmod((dir_ + "/long").c_str(), 0755);
  EXPECT_TRUE(CopyFileAtomically(dir_ + "/src", dir_ + "/long"));
  EXPECT_EQ(Read(dir_ + "/long"), "new");
  ASSERT_EQ(stat((dir_ + "/long").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0755u);
  // No temporary files left behind.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 3);
}

TEST_F(SubcommandsTest, CopyErrors) {
  auto outcome = RunSubcommand({"cp", dir_ + "/missing", dir_ + "/dst"}, paths_);
  ASSERT_TRUE(outcome);
  EXPECT_FALSE(outcome->ok);
  EXPECT_EQ(outcome->message, "cp error: open " + dir_ + "/missing: no such file or directory");
  EXPECT_FALSE(fs::exists(dir_ + "/dst"));
}

TEST_F(SubcommandsTest, StepInitLinksNamesAndIndexesIdempotently) {
  for (int run = 0; run < 2; ++run) {
    auto outcome = RunSubcommand({"step-init", "step-a", "step-unnamed-1"}, paths_);
    ASSERT_TRUE(outcome);
    EXPECT_TRUE(outcome->ok) << outcome->message;
  }
  EXPECT_EQ(fs::read_symlink(paths_.root + "/steps/step-a"), paths_.root + "/run/0/status");
  EXPECT_EQ(fs::read_symlink(paths_.root + "/steps/0"), paths_.root + "/run/0/status");
  EXPECT_EQ(fs::read_symlink(paths_.root + "/steps/step-unnamed-1"), paths_.root + "/run/1/status");
  EXPECT_EQ(fs::read_symlink(paths_.root + "/steps/1"), paths_.root + "/run/1/status");
}

TEST_F(SubcommandsTest, StepInitRefusesEscapingNames) {
  for (const char* name : {"../evil", "a/b", "..", ".", ""}) {
    auto outcome = RunSubcommand({"step-init", name}, paths_);
    ASSERT_TRUE(outcome);
    EXPECT_FALSE(outcome->ok) << name;
    EXPECT_EQ(outcome->message.rfind("step-init error: ", 0), 0u) << outcome->message;
  }
  EXPECT_FALSE(fs::exists(dir_ + "/evil"));
}

TEST_F(SubcommandsTest, DecodeScriptKeepsModeAndRejectsBadInput) {
  std::string script = dir_ + "/script";
  Write(script, "ZWNobyBoZWxsbwo=\n");  // "echo hello\n"
  chmod(script.c_str(), 0755);
  auto outcome = RunSubcommand({"decode-script", script}, paths_);
  ASSERT_TRUE(outcome);
  EXPECT_TRUE(outcome->ok) << outcome->message;
  EXPECT_EQ(outcome->message, "Decoded script " + script);
  EXPECT_EQ(Read(script), "echo hello\n");
  struct stat st {};
  ASSERT_EQ(stat(script.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0755u);

  Write(script, "not base64!!");
  outcome = RunSubcommand({"decode-script", script}, paths_);
  ASSERT_TRUE(outcome);
  EXPECT_FALSE(outcome->ok);
  EXPECT_EQ(outcome->message.rfind("decode-script error: error decoding script file", 0), 0u);
  EXPECT_NE(outcome->message.find("illegal base64 data at input byte"), std::string::npos);
  EXPECT_EQ(Read(script), "not base64!!");
}

}  // namespace
}  // namespace podstep
