#include "common/exec_search.h"

#include <gtest/gtest.h>
#include <limits.h>

#include <cerrno>
#include <string>
#include <vector>

namespace podstep {
namespace {

using Paths = std::vector<std::string>;

TEST(ExecSearchTest, NameWithSlashIsTriedAlone) {
  ExecSearch search = BuildExecSearch("./run.sh", "/bin:/usr/bin");
  EXPECT_EQ(search.candidates, Paths{"./run.sh"});
  EXPECT_FALSE(search.searches_path);
  EXPECT_EQ(search.immediate_errno, 0);
  EXPECT_EQ(BuildExecSearch("/tekton/scripts/script-0", nullptr).candidates,
            Paths{"/tekton/scripts/script-0"});
}

TEST(ExecSearchTest, BareNameWalksPathInOrder) {
  ExecSearch search = BuildExecSearch("sh", "/usr/local/bin:/usr/bin:/bin");
  EXPECT_EQ(search.candidates, (Paths{"/usr/local/bin/sh", "/usr/bin/sh", "/bin/sh"}));
  EXPECT_TRUE(search.searches_path);
}

TEST(ExecSearchTest, EmptyPathElementsAreTheCurrentDirectory) {
  EXPECT_EQ(BuildExecSearch("x", ":/bin").candidates, (Paths{"x", "/bin/x"}));
  EXPECT_EQ(BuildExecSearch("x", "/bin:").candidates, (Paths{"/bin/x", "x"}));
  EXPECT_EQ(BuildExecSearch("x", "/a::/b").candidates, (Paths{"/a/x", "x", "/b/x"}));
  EXPECT_EQ(BuildExecSearch("x", "").candidates, (Paths{"x"}));
}

TEST(ExecSearchTest, UnsetPathIsGlibcsDefault) {
  EXPECT_EQ(BuildExecSearch("true", nullptr).candidates, (Paths{"/bin/true", "/usr/bin/true"}));
}

TEST(ExecSearchTest, EmptyAndOverlongNamesFailWithoutExec) {
  EXPECT_EQ(BuildExecSearch("", "/bin").immediate_errno, ENOENT);
  EXPECT_TRUE(BuildExecSearch("", "/bin").candidates.empty());
  EXPECT_EQ(BuildExecSearch(std::string(NAME_MAX, 'a'), "/bin").immediate_errno, ENAMETOOLONG);
  EXPECT_EQ(BuildExecSearch(std::string(NAME_MAX - 1, 'a'), "/bin").immediate_errno, 0);
}

TEST(ExecSearchTest, WhichErrorsMoveOnAndWhichOneIsReported) {
  for (int err : {EACCES, ENOENT, ESTALE, ENOTDIR, ENODEV, ETIMEDOUT}) {
    EXPECT_TRUE(ExecErrorContinues(err)) << err;
  }
  for (int err : {ENOEXEC, E2BIG, ENOMEM, ETXTBSY, ELOOP, EISDIR}) {
    EXPECT_FALSE(ExecErrorContinues(err)) << err;
  }
  EXPECT_EQ(FoldExecErrors(true, ENOENT), EACCES);
  EXPECT_EQ(FoldExecErrors(false, ENOTDIR), ENOTDIR);
}

}  // namespace
}  // namespace podstep
