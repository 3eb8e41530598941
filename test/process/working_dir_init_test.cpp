// The real `workingdirinit` binary (CONTRACT.md §10). Absolute directories
// under /workspace are tested in a private mount namespace whose root is a
// temp dir (the host's / is never written).

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include "process/process_support.h"

namespace podstep::test {
namespace {

using ::testing::HasSubstr;

std::string WorkingDirInitBin() {
  return BinUnderTest("workingdirinit", PODSTEP_WORKINGDIRINIT_BIN);
}

bool IsDir(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

class WorkingDirInitTest : public EntrypointTest {
 protected:
  RunOutcome RunInit(const std::vector<std::string>& args, const std::string& name = "wdi") {
    std::vector<std::string> argv = {WorkingDirInitBin()};
    argv.insert(argv.end(), args.begin(), args.end());
    Process p = StartArgv(argv, name);
    return Finish(p, name);
  }
};

// Relative directories are made under the working directory (the test's
// temp dir), mode 0755 before the umask, parents included.
TEST_F(WorkingDirInitTest, CreatesRelativeDirectories) {
  RunOutcome r = RunInit({"src/app", "./a//b/", "-looks-like-a-flag", "src"});
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(IsDir(Path("src/app")));
  EXPECT_TRUE(IsDir(Path("a/b")));
  EXPECT_TRUE(IsDir(Path("-looks-like-a-flag")));
  struct stat st {};
  ASSERT_EQ(::stat(Path("src/app").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777 & ~0755u, 0u) << std::oct << (st.st_mode & 07777);
}

TEST_F(WorkingDirInitTest, IgnoresAbsoluteDirectoriesOutsideWorkspace) {
  RunOutcome r = RunInit({Path("outside/x"), "/workspace", "/workspace/../tmp/nope"});
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_FALSE(Exists(Path("outside")));
}

TEST_F(WorkingDirInitTest, AFailedMkdirLogsTheReferencesLineAndExits1) {
  WriteFile(Path("file"), "");
  RunOutcome r = RunInit({"ok", "file//sub/", "never"});
  EXPECT_EQ(r.status, ExitStatus::Exited(1));
  EXPECT_THAT(r.err, HasSubstr(" Failed to mkdir \"file/sub\": mkdir file: not a directory\n"));
  EXPECT_TRUE(IsDir(Path("ok")));
  EXPECT_FALSE(Exists(Path("never")));  // log.Fatalf: later arguments are not tried
}

// /workspace/... is made inside a private mount namespace chrooted into a
// temp dir that holds bind mounts of what the binary needs to run.
TEST_F(WorkingDirInitTest, CreatesDirectoriesUnderWorkspace) {
  const std::string new_root = Path("root");
  MakeDirs(new_root + "/workspace");
  const std::string bin_dir = std::filesystem::path(WorkingDirInitBin()).parent_path();
  const std::string script =
      "set -e; r=$1; b=$2; shift 2\n"
      "for d in /usr /lib /lib32 /lib64 /bin /sbin /etc /proc /dev \"$b\"; do\n"
      "  [ -e \"$d\" ] || continue\n"
      "  mkdir -p \"$r$d\"\n"
      "  mount --rbind \"$d\" \"$r$d\"\n"
      // Read-only: nothing run in there can write through to the host.
      "  mount -o remount,bind,ro \"$r$d\"\n"
      "done\n"
      "exec chroot \"$r\" \"$@\"\n";
  RunOutcome r = [&] {
    Process p =
        StartArgv({"unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh",
                   new_root, bin_dir, WorkingDirInitBin(), "/workspace/a/b", "/workspace//c/./d/",
                   "/workspace", "/etc/podstep-must-not-exist", "rel"},
                  "chroot");
    return Finish(p, "chroot");
  }();
  if (r.status != ExitStatus::Exited(0) &&
      (r.err.find("unshare") != std::string::npos || r.err.find("mount") != std::string::npos ||
       r.err.find("chroot") != std::string::npos)) {
    GTEST_SKIP() << "no private mount namespace + chroot here: " << r.err;
  }
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_TRUE(IsDir(new_root + "/workspace/a/b"));
  EXPECT_TRUE(IsDir(new_root + "/workspace/c/d"));
  EXPECT_TRUE(IsDir(new_root + "/rel"));  // chroot's working directory is its /
  EXPECT_FALSE(Exists(new_root + "/etc/podstep-must-not-exist"));
  EXPECT_FALSE(Exists("/etc/podstep-must-not-exist"));
}

}  // namespace
}  // namespace podstep::test
