// Hostile result files (CONTRACT.md §11): a FIFO, a device or a huge file
// must end the step in bounded time with `.err` and one clear log line,
// never hang it or read until the memory runs out.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "process/process_support.h"

namespace podstep::test {
namespace {

using ::testing::HasSubstr;

class HostileFilesTest : public EntrypointTest {
 protected:
  std::string TaskResult(const std::string& name) const { return root() + "/results/" + name; }
  /// What `$(steps.first.results.<name>)` reads.
  std::string EarlierStepResult(const std::string& name) const {
    return root() + "/steps/step-first/results/" + name;
  }
  static void MakeFifo(const std::string& path) {
    MakeDirs(path.substr(0, path.rfind('/')));
    ASSERT_EQ(mkfifo(path.c_str(), 0644), 0) << path;
  }
  static void LinkToDevZero(const std::string& path) {
    MakeDirs(path.substr(0, path.rfind('/')));
    ASSERT_EQ(symlink("/dev/zero", path.c_str()), 0) << path;
  }
  void ExpectFailedWithErr(const RunOutcome& r) {
    EXPECT_EQ(r.status, ExitStatus::Exited(1)) << r.err;
    EXPECT_TRUE(WroteErrPostFile(Step(0)));
    EXPECT_FALSE(Exists(Step(0).exit_code_file()));
  }
};

// The reference blocked in open() after the command finished, holding the
// step lock: no post file, no `.err`, SIGTERM ignored.
TEST_F(HostileFilesTest, ResultThatIsAFifoFailsTheStep) {
  MakeFifo(TaskResult("r"));
  RunOutcome r = RunStep(0, {"-results", "r"}, Helper({"exit", "0"}));
  ExpectFailedWithErr(r);
  EXPECT_THAT(r.err, HasSubstr("a FIFO, not a regular file"));
  EXPECT_TRUE(Termination(0).Has("StartedAt"));
}

TEST_F(HostileFilesTest, StepResultThatIsAFifoFailsTheStep) {
  MakeFifo(Step(0).metadata_dir + "/results/s");
  RunOutcome r = RunStep(0, {"-step_results", "s"}, Helper({"exit", "0"}));
  ExpectFailedWithErr(r);
  EXPECT_THAT(r.err, HasSubstr("a FIFO, not a regular file"));
}

TEST_F(HostileFilesTest, ResultLinkedToDevZeroFailsTheStep) {
  LinkToDevZero(TaskResult("z"));
  RunOutcome r = RunStep(0, {"-results", "z"}, Helper({"exit", "0"}));
  ExpectFailedWithErr(r);
  EXPECT_THAT(r.err, HasSubstr("a character device, not a regular file"));
}

// Larger than any message can hold: only 4 KiB + 1 is read, and the
// reference's wording explains the failure.
TEST_F(HostileFilesTest, HugeResultIsNotReadWhole) {
  const std::string path = TaskResult("huge");
  WriteFile(path, "");
  ASSERT_EQ(truncate(path.c_str(), 8LL << 30), 0);  // sparse: 8 GiB, no disk used
  RunOutcome r = RunStep(0, {"-results", "huge"}, Helper({"exit", "0"}));
  ExpectFailedWithErr(r);
  EXPECT_THAT(r.err, HasSubstr("Termination message is above max allowed size 4096"));
}

TEST_F(HostileFilesTest, SubstitutedResultThatIsAFifoFailsBeforeRunning) {
  MakeFifo(EarlierStepResult("r"));
  const std::string marker = Path("ran");
  RunOutcome r = RunStep(0, {}, Helper({"write", marker, "$(steps.first.results.r)"}));
  ExpectFailedWithErr(r);
  EXPECT_THAT(r.err, HasSubstr("Error while substituting step results"));
  EXPECT_THAT(r.err, HasSubstr("a FIFO, not a regular file"));
  EXPECT_FALSE(Exists(marker)) << "the command ran";
}

TEST_F(HostileFilesTest, SubstitutedResultLinkedToDevZeroFailsBeforeRunning) {
  LinkToDevZero(EarlierStepResult("z"));
  const std::string marker = Path("ran");
  RunOutcome r = RunStep(0, {}, Helper({"write", marker, "$(steps.first.results.z)"}));
  ExpectFailedWithErr(r);
  EXPECT_THAT(r.err, HasSubstr("a character device, not a regular file"));
  EXPECT_FALSE(Exists(marker)) << "the command ran";
}

// Above the stated cap (2 MiB, more than exec accepts): refused unread.
TEST_F(HostileFilesTest, HugeSubstitutedResultFailsBeforeRunning) {
  const std::string path = EarlierStepResult("huge");
  WriteFile(path, "");
  ASSERT_EQ(truncate(path.c_str(), 8LL << 30), 0);
  const std::string marker = Path("ran");
  RunOutcome r = RunStep(0, {}, Helper({"write", marker, "$(steps.first.results.huge)"}));
  ExpectFailedWithErr(r);
  EXPECT_THAT(r.err, HasSubstr("larger than 2097152 bytes"));
  EXPECT_FALSE(Exists(marker)) << "the command ran";
}

}  // namespace
}  // namespace podstep::test
