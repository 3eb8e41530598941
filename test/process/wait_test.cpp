// Waiting for earlier steps and for the Downward-API ready file (CONTRACT.md
// sections 1, 3.2, 4 and 11).

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "process/process_support.h"

namespace podstep::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Clock = std::chrono::steady_clock;

class WaitTest : public EntrypointTest {
 protected:
  /// §3.1 happens before §3.2: once `<step_metadata_dir>/results` exists the
  /// step has reached its wait.
  bool ReachedWait(int i) const { return Exists(Step(i).metadata_dir + "/results"); }

  /// Starts step `i`, waits until it reached its wait, then checks that it
  /// keeps waiting for a short window (neither ends nor runs `marker`).
  Process StartWaiting(int i, const std::vector<std::string>& flags, const std::string& marker) {
    const std::string name = "ep" + std::to_string(i);
    Process p = Start(StepArgs(i, flags, Helper({"write", marker, "ran"})), name);
    EXPECT_TRUE(WaitUntil([&] { return ReachedWait(i) || !p.Running(); }));
    EXPECT_TRUE(StaysFalse([&] { return Exists(marker) || !p.Running(); }, milliseconds(300)))
        << "step " << i << " did not wait: " << ReadFileOr(StderrPath(name));
    return p;
  }
};

// A chain started all at once, like the kubelet starts step containers. Each
// step appends to a log; earlier steps take longer, so only correct waiting
// gives the right order.
TEST_F(WaitTest, ChainRunsStepsInOrder) {
  const std::string log = Path("log");
  const int delays[] = {300, 100, 0};
  std::vector<Process> steps;
  for (int i = 2; i >= 0; --i) {
    std::vector<std::string> flags;
    if (i > 0) flags = {"-wait_file", Step(i - 1).post_file};
    steps.push_back(Start(
        StepArgs(i, flags,
                 Helper({"append", log, "step-" + std::to_string(i), std::to_string(delays[i])})),
        "ep" + std::to_string(i)));
  }
  for (int i = 2; i >= 0; --i) {
    RunOutcome r = Finish(steps[2 - i], "ep" + std::to_string(i));
    EXPECT_EQ(r.status, ExitStatus::Exited(0)) << "step " << i << ": " << r.err;
    EXPECT_TRUE(WrotePostFile(Step(i)));
  }
  EXPECT_EQ(ReadFileOr(log), "step-0\nstep-1\nstep-2\n");
}

TEST_F(WaitTest, ChainSkipsStepsAfterAFailure) {
  const std::string log = Path("log");
  std::vector<Process> steps;
  steps.push_back(Start(
      StepArgs(2, {"-wait_file", Step(1).post_file}, Helper({"append", log, "step-2"})), "ep2"));
  steps.push_back(
      Start(StepArgs(1, {"-wait_file", Step(0).post_file}, Helper({"exit", "5"})), "ep1"));
  steps.push_back(Start(StepArgs(0, {}, Helper({"append", log, "step-0", "100"})), "ep0"));

  RunOutcome r0 = Finish(steps[2], "ep0");
  RunOutcome r1 = Finish(steps[1], "ep1");
  RunOutcome r2 = Finish(steps[0], "ep2");
  EXPECT_EQ(r0.status, ExitStatus::Exited(0)) << r0.err;
  EXPECT_EQ(r1.status, ExitStatus::Exited(5)) << r1.err;
  EXPECT_TRUE(WroteErrPostFile(Step(1)));

  // §3.2 for the skipped step.
  EXPECT_EQ(r2.status, ExitStatus::Exited(1)) << r2.err;
  EXPECT_TRUE(WroteErrPostFile(Step(2)));
  EXPECT_FALSE(Exists(Step(2).exit_code_file()));
  EXPECT_THAT(r2.err, HasSubstr("Skipping step because a previous step failed"));
  const TerminationMessage m = Termination(2);
  const auto reason = m.Find("Reason");
  ASSERT_TRUE(reason.has_value()) << m.raw;
  EXPECT_EQ(reason->value, "Skipped");
  EXPECT_EQ(reason->type, 3);
  EXPECT_TRUE(m.Has("StartedAt")) << m.raw;
  EXPECT_EQ(ReadFileOr(log), "step-0\n") << "the skipped step's command ran";
}

TEST_F(WaitTest, ExistingEmptyFileReleasesWithoutWaitFileContent) {
  const std::string ready = Path("ready");
  WriteFile(ready, "");
  RunOutcome r = RunStep(0, {"-wait_file", ready}, Helper({"exit", "0"}));
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_TRUE(WrotePostFile(Step(0)));
}

TEST_F(WaitTest, WaitFileContentNeedsANonEmptyFile) {
  const std::string ready = Path("ready");
  const std::string marker = Path("ran");
  WriteFile(ready, "");
  Process p = StartWaiting(0, {"-wait_file", ready, "-wait_file_content"}, marker);
  WriteFile(ready, "READY");
  RunOutcome r = Finish(p, "ep0");
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_TRUE(Exists(marker));
  EXPECT_TRUE(WrotePostFile(Step(0)));
}

// §1: the kubelet writes a new timestamped dir and renames `..data` over the
// old symlink; `ready -> ..data/ready` never changes itself.
TEST_F(WaitTest, SeesAtomicDownwardApiUpdatePromptly) {
  const std::string downward = root() + "/downward";
  const std::string old_dir = "..2024_01_01_00_00_00.000000001";
  const std::string new_dir = "..2024_01_01_00_00_07.000000002";
  WriteFile(downward + "/" + old_dir + "/ready", "");
  ASSERT_EQ(symlink(old_dir.c_str(), (downward + "/..data").c_str()), 0);
  ASSERT_EQ(symlink("..data/ready", (downward + "/ready").c_str()), 0);

  const std::string marker = Path("ran");
  Process p = StartWaiting(0, {"-wait_file", downward + "/ready", "-wait_file_content"}, marker);

  WriteFile(downward + "/" + new_dir + "/ready", "READY");
  ASSERT_EQ(symlink(new_dir.c_str(), (downward + "/..data_tmp").c_str()), 0);
  const auto swapped = Clock::now();
  ASSERT_EQ(rename((downward + "/..data_tmp").c_str(), (downward + "/..data").c_str()), 0);

  ASSERT_TRUE(WaitUntil([&] { return Exists(marker); })) << ReadFileOr(StderrPath("ep0"));
  const auto started_after = Clock::now() - swapped;
  RecordProperty("start_latency_ms",
                 static_cast<int>(std::chrono::duration_cast<milliseconds>(started_after).count()));
  // Generous: an event-driven wait needs milliseconds; this is no benchmark.
  EXPECT_LT(started_after, std::chrono::seconds(2))
      << std::chrono::duration_cast<milliseconds>(started_after).count() << " ms";
  RunOutcome r = Finish(p, "ep0");
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
}

TEST_F(WaitTest, WaitsForAFileInDirectoriesCreatedLater) {
  const std::string marker = Path("ran");
  const std::string parent = Path("later");
  Process p = StartWaiting(0, {"-wait_file", parent + "/sub/ready"}, marker);
  MakeDirs(parent);
  MakeDirs(parent + "/sub");
  WriteFile(parent + "/sub/ready", "");
  RunOutcome r = Finish(p, "ep0");
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_TRUE(Exists(marker));
}

// §2 (comma-separated list) and §3.2 (each in order).
TEST_F(WaitTest, WaitsForEveryFileOfTheList) {
  const std::string marker = Path("ran");
  const std::string a = Path("a");
  const std::string b = Path("b");
  Process p = StartWaiting(0, {"-wait_file", a + "," + b}, marker);
  WriteFile(a, "");
  EXPECT_TRUE(StaysFalse([&] { return Exists(marker) || !p.Running(); }, milliseconds(200)))
      << "ran before the second wait file existed";
  WriteFile(b, "");
  RunOutcome r = Finish(p, "ep0");
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_TRUE(Exists(marker));
}

// §4: with breakpoint_on_failure a `.err` simply ends the wait.
TEST_F(WaitTest, BreakpointOnFailureRunsAfterAFailedPredecessor) {
  const std::string wait = Path("prev/out");
  WriteFile(wait + ".err", "");
  const std::string marker = Path("ran");
  RunOutcome r =
      RunStep(0, {"-wait_file", wait, "-breakpoint_on_failure"}, Helper({"write", marker, "x"}));
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_TRUE(Exists(marker));
  EXPECT_TRUE(WrotePostFile(Step(0)));
}

TEST_F(WaitTest, ErrFileAppearingWhileWaitingSkipsTheStep) {
  const std::string wait = Path("prev/out");
  MakeDirs(Path("prev"));
  const std::string marker = Path("ran");
  Process p = StartWaiting(0, {"-wait_file", wait}, marker);
  WriteFile(wait + ".err", "");
  RunOutcome r = Finish(p, "ep0");
  EXPECT_EQ(r.status, ExitStatus::Exited(1)) << r.err;
  EXPECT_TRUE(WroteErrPostFile(Step(0)));
  EXPECT_THAT(r.err, HasSubstr("Skipping step because a previous step failed"));
  EXPECT_FALSE(Exists(marker));
  EXPECT_EQ(Termination(0).Find("Reason").value_or(TerminationEntry{}).value, "Skipped");
}

// §3.2 / §4: a stat error other than ENOENT ends the wait with an error.
TEST_F(WaitTest, StatErrorFailsTheStep) {
  const std::string marker = Path("ran");
  RunOutcome r = RunStep(0, {"-wait_file", "/dev/null/x"}, Helper({"write", marker, "x"}));
  EXPECT_EQ(r.status, ExitStatus::Exited(1)) << r.err;
  EXPECT_THAT(r.err, HasSubstr("Error executing command: waiting for"));
  EXPECT_TRUE(WroteErrPostFile(Step(0)));
  EXPECT_FALSE(Exists(Step(0).exit_code_file()));
  EXPECT_FALSE(Exists(marker));
  EXPECT_TRUE(Termination(0).Has("StartedAt"));
}

// §11: a predecessor whose entrypoint died without writing its post file.
TEST_F(WaitTest, PredecessorKilledWithoutPostFileSkipsTheStep) {
  const std::string ready = Path("a-ready");
  Process a = Start(StepArgs(0, {}, Helper({"block", ready})), "ep0");
  ASSERT_TRUE(WaitUntil([&] { return Exists(ready); })) << ReadFileOr(StderrPath("ep0"));
  EXPECT_TRUE(Exists(Step(0).post_file + ".lock"))
      << "step 0 holds no " << Step(0).post_file << ".lock";

  const std::string marker = Path("ran");
  // While A lives (its lock held), B keeps waiting.
  Process b = StartWaiting(1, {"-wait_file", Step(0).post_file}, marker);

  ASSERT_TRUE(a.Signal(SIGKILL));
  ASSERT_TRUE(a.WaitFor(kDeadline).has_value());
  const auto killed = Clock::now();
  RunOutcome r = Finish(b, "ep1");
  const auto took = Clock::now() - killed;
  EXPECT_LT(took, std::chrono::seconds(3))
      << std::chrono::duration_cast<milliseconds>(took).count() << " ms";
  EXPECT_EQ(r.status, ExitStatus::Exited(1)) << r.err;
  EXPECT_TRUE(WroteErrPostFile(Step(1)));
  EXPECT_THAT(r.err, HasSubstr("previous step exited without writing"));
  EXPECT_FALSE(Exists(marker));
  EXPECT_EQ(Termination(1).Find("Reason").value_or(TerminationEntry{}).value, "Skipped");
}

// §11: a predecessor that is alive and then succeeds is not mistaken for a
// killed one.
TEST_F(WaitTest, LivePredecessorHoldingItsLockIsWaitedFor) {
  const std::string go = Path("a-go");
  Process a = Start(StepArgs(0, {"-wait_file", go}, Helper({"exit", "0"})), "ep0");
  ASSERT_TRUE(WaitUntil([&] { return Exists(Step(0).metadata_dir + "/results"); }));
  const std::string marker = Path("ran");
  Process b = StartWaiting(1, {"-wait_file", Step(0).post_file}, marker);
  WriteFile(go, "");
  RunOutcome ra = Finish(a, "ep0");
  RunOutcome rb = Finish(b, "ep1");
  EXPECT_EQ(ra.status, ExitStatus::Exited(0)) << ra.err;
  EXPECT_EQ(rb.status, ExitStatus::Exited(0)) << rb.err;
  EXPECT_TRUE(Exists(marker));
  EXPECT_THAT(rb.err, Not(HasSubstr("previous step exited without writing")));
}

// The inotify watches `pid` holds, from /proc/<pid>/fdinfo ("inotify wd:"
// lines), across all its descriptors.
int InotifyWatches(pid_t pid) {
  const std::string dir = "/proc/" + std::to_string(pid) + "/fdinfo";
  DIR* fds = opendir(dir.c_str());
  if (fds == nullptr) return -1;
  int watches = 0;
  while (dirent* entry = readdir(fds)) {
    std::ifstream info(dir + "/" + entry->d_name);
    for (std::string line; std::getline(info, line);) {
      if (line.rfind("inotify wd:", 0) == 0) ++watches;
    }
  }
  closedir(fds);
  return watches;
}

// The wait's watches go soon after the command started, while it runs, not
// at the exit: closing an inotify instance that still has watches makes the
// exit wait for the kernel (an SRCU grace period, milliseconds).
TEST_F(WaitTest, TheWaitsWatchesAreGoneWhileTheCommandRuns) {
  const std::string running = Path("running");
  Process p = Start(StepArgs(1, {"-wait_file", Step(0).post_file}, Helper({"block", running})),
                    "ep1");
  ASSERT_TRUE(WaitUntil([&] { return InotifyWatches(p.pid()) > 0 || !p.Running(); }))
      << "never watched for the post file";
  ASSERT_TRUE(p.Running()) << ReadFileOr(StderrPath("ep1"));
  WriteFile(Step(0).post_file, "");
  ASSERT_TRUE(WaitUntil([&] { return Exists(running); })) << ReadFileOr(StderrPath("ep1"));
  EXPECT_TRUE(WaitUntil([&] { return InotifyWatches(p.pid()) == 0; }))
      << InotifyWatches(p.pid()) << " watches left while the command runs";
  EXPECT_TRUE(p.Running());
  p.Signal(SIGTERM);
  RunOutcome r = Finish(p, "ep1");
  EXPECT_EQ(r.status, ExitStatus::Exited(143)) << r.err;
}

// §11: SIGTERM (pod deletion) while still waiting.
TEST_F(WaitTest, SigtermWhileWaitingWritesErrAndTermination) {
  const std::string marker = Path("ran");
  Process p = StartWaiting(0, {"-wait_file", Path("never")}, marker);
  const auto sent = Clock::now();
  ASSERT_TRUE(p.Signal(SIGTERM));
  RunOutcome r = Finish(p, "ep0");
  const auto took = Clock::now() - sent;
  EXPECT_LT(took, std::chrono::seconds(3))
      << std::chrono::duration_cast<milliseconds>(took).count() << " ms";
  ASSERT_TRUE(r.status.has_value());
  EXPECT_TRUE(r.status->exited) << *r.status << " (died instead of writing its files)";
  EXPECT_NE(r.status->code, 0);
  EXPECT_TRUE(WroteErrPostFile(Step(0)));
  EXPECT_FALSE(Exists(marker));
  std::string error;
  const auto m = ReadTermination(Step(0).termination, &error);
  ASSERT_TRUE(m.has_value()) << error;
  EXPECT_FALSE(m->entries.empty()) << m->raw;
}

// §11: no inotify instance left (fs.inotify.max_user_instances, per uid,
// shared by every container of the uid on a node). A real exhaustion: in a
// user namespace of our own, its limit (/proc/sys/user/max_inotify_instances)
// is set to 0, so inotify_init1 fails with EMFILE there. The wait must say
// so once and fall back to the fast poll, not silently to the slow one.
TEST_F(WaitTest, WithoutInotifyInstancesWaitsWithAFastPoll) {
  const std::string no_inotify = "echo 0 > /proc/sys/user/max_inotify_instances && exec \"$@\"";
  {
    std::string error;
    Process probe = Process::Spawn(
        {{"unshare", "--user", "--map-root-user", "sh", "-c", no_inotify, "sh", "true"},
         Env(),
         "",
         "",
         "",
         ""},
        &error);
    const auto status = probe.valid() ? probe.WaitFor(kDeadline) : std::nullopt;
    if (!status || *status != ExitStatus::Exited(0)) {
      GTEST_SKIP() << "a user namespace with its own inotify limit is not permitted here";
    }
  }
  const std::string marker = Path("ran");
  std::vector<std::string> argv = {"unshare",  "--user", "--map-root-user", "sh", "-c",
                                   no_inotify, "sh",     EntrypointBin()};
  for (const std::string& a :
       StepArgs(1, {"-wait_file", Step(0).post_file}, Helper({"write", marker, "ran"}))) {
    argv.push_back(a);
  }
  Process p = StartArgv(argv, "ep1");
  ASSERT_TRUE(WaitUntil([&] { return ReachedWait(1) || !p.Running(); }));
  EXPECT_TRUE(StaysFalse([&] { return Exists(marker) || !p.Running(); }, milliseconds(100)))
      << ReadFileOr(StderrPath("ep1"));
  WriteFile(Step(0).post_file, "");
  RunOutcome r = Finish(p, "ep1");
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_TRUE(Exists(marker));
  const std::string warning = "too many open files: waiting with a 5 ms poll instead";
  const std::size_t first = r.err.find(warning);
  EXPECT_NE(first, std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(warning, first + 1), std::string::npos) << "logged more than once:\n"
                                                               << r.err;
  EXPECT_THAT(r.err, HasSubstr("fs.inotify.max_user_instances"));
}

}  // namespace
}  // namespace podstep::test
