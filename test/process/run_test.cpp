// One step run end to end: success, failure, exit codes, how the command is
// started (CONTRACT.md sections 3, 5, 6 and 11).

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>

#include <filesystem>
#include <string>
#include <vector>

#include "process/process_support.h"

namespace podstep::test {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

double Now() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

class RunTest : public EntrypointTest {};

// §3.1, §3.4, §3.9 success, §6.
TEST_F(RunTest, SuccessWritesPostFileExitCodeDirsAndStartedAt) {
  const double before = Now();
  RunOutcome r = RunStep(0, {}, Helper({"print", "hello"}));
  const double after = Now();
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_EQ(r.out, "hello\n");

  const StepFiles s = Step(0);
  EXPECT_TRUE(WrotePostFile(s));
  EXPECT_EQ(ReadFileOr(s.exit_code_file()), "0");
  EXPECT_TRUE(fs::is_directory(s.metadata_dir + "/results"));
  EXPECT_TRUE(fs::is_directory(s.metadata_dir + "/artifacts"));

  const TerminationMessage m = Termination(0);
  const auto started = m.Find("StartedAt");
  ASSERT_TRUE(started.has_value()) << m.raw;
  EXPECT_EQ(started->type, 3);
  EXPECT_TRUE(IsStartedAtFormat(started->value)) << started->value;
  const auto seconds = ParseStartedAt(started->value);
  ASSERT_TRUE(seconds.has_value()) << started->value;
  // Millisecond resolution, so allow a little slack on both sides.
  EXPECT_GE(*seconds, before - 1.0) << started->value;
  EXPECT_LE(*seconds, after + 1.0) << started->value;
  EXPECT_FALSE(m.Has("ExitCode")) << m.raw;
  EXPECT_FALSE(m.Has("Reason")) << m.raw;
}

// §3.4: Z for UTC.
TEST_F(RunTest, StartedAtInUtcEndsWithZ) {
  RunOutcome r = RunStep(0, {}, Helper({"exit", "0"}), {"TZ=UTC0"});
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  const auto started = Termination(0).Find("StartedAt");
  ASSERT_TRUE(started.has_value());
  EXPECT_TRUE(started->value.ends_with("Z")) << started->value;
}

// §2: everything after the first `--` is appended to the command, verbatim,
// including a later `--` and things that look like flags.
TEST_F(RunTest, ArgsAfterDoubleDashReachTheCommand) {
  RunOutcome r = RunStep(0, {}, Helper({"args", "a", "b c", "-x", "--", "--post_file", ""}));
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_EQ(r.out, "a\nb c\n-x\n--\n--post_file\n\n");
}

// §5: the name is resolved through PATH like execvp.
TEST_F(RunTest, CommandIsLookedUpInPath) {
  RunOutcome r = RunStep(0, {}, {"sh", "-c", "echo via-sh \"$0\"", "zero"});
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_EQ(r.out, "via-sh zero\n");
}

TEST_F(RunTest, CommandIsLookedUpInTheGivenPath) {
  const std::string helper_dir = fs::path(HelperBin()).parent_path();
  const std::string helper_name = fs::path(HelperBin()).filename();
  RunOutcome r = RunStep(0, {}, {helper_name, "print", "found"},
                         {"PATH=" + Path("empty-dir") + ":" + helper_dir + ":/usr/bin:/bin"});
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_EQ(r.out, "found\n");
}

// §5: stdin is /dev/null (the entrypoint's own stdin is a regular file here).
TEST_F(RunTest, ChildStdinIsDevNull) {
  RunOutcome r = RunStep(0, {}, Helper({"stdin-is-devnull"}));
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
}

// §5: the child gets its own process group.
TEST_F(RunTest, ChildHasItsOwnProcessGroup) {
  RunOutcome r = RunStep(0, {}, Helper({"pgid-differs"}));
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
}

// §5: the child runs with the entrypoint's environment.
TEST_F(RunTest, ChildInheritsEnvironment) {
  RunOutcome r = RunStep(0, {}, Helper({"env", "PODSTEP_PROC_TEST_VAR"}),
                         {"PODSTEP_PROC_TEST_VAR=some value"});
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_EQ(r.out, "some value\n");
}

// §3.9 non-zero exit: `.err`, the child's code, no exitCode file.
TEST_F(RunTest, FailurePropagatesExitCodeAndWritesErrPostFile) {
  RunOutcome r = RunStep(0, {}, Helper({"exit", "3"}));
  EXPECT_EQ(r.status, ExitStatus::Exited(3)) << r.err;
  const StepFiles s = Step(0);
  EXPECT_TRUE(WroteErrPostFile(s));
  EXPECT_FALSE(Exists(s.exit_code_file()));
  EXPECT_TRUE(Termination(0).Has("StartedAt"));
}

// §3.9 with on_error=continue.
TEST_F(RunTest, OnErrorContinueExitsZeroAndRecordsExitCode) {
  RunOutcome r = RunStep(0, {"-on_error", "continue"}, Helper({"exit", "3"}));
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  const StepFiles s = Step(0);
  EXPECT_TRUE(WrotePostFile(s));
  EXPECT_EQ(ReadFileOr(s.exit_code_file()), "3");
  const TerminationMessage m = Termination(0);
  const auto exit_code = m.Find("ExitCode");
  ASSERT_TRUE(exit_code.has_value()) << m.raw;
  EXPECT_EQ(exit_code->value, "3");
  EXPECT_EQ(exit_code->type, 3);
  EXPECT_TRUE(m.Has("StartedAt")) << m.raw;
}

TEST_F(RunTest, OnErrorContinueWithSuccessIsPlainSuccess) {
  RunOutcome r = RunStep(0, {"-on_error=continue"}, Helper({"exit", "0"}));
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_TRUE(WrotePostFile(Step(0)));
  EXPECT_EQ(ReadFileOr(Step(0).exit_code_file()), "0");
}

TEST_F(RunTest, OnErrorStopAndFailIsTheDefault) {
  RunOutcome r = RunStep(0, {"-on_error", "stopAndFail"}, Helper({"exit", "3"}));
  EXPECT_EQ(r.status, ExitStatus::Exited(3)) << r.err;
  EXPECT_TRUE(WroteErrPostFile(Step(0)));
  EXPECT_FALSE(Exists(Step(0).exit_code_file()));
}

// §11: killed by signal N → 128+N.
class KilledBySignalTest : public EntrypointTest, public ::testing::WithParamInterface<int> {};

TEST_P(KilledBySignalTest, ExitsWith128PlusSignal) {
  const int sig = GetParam();
  RunOutcome r = RunStep(0, {}, Helper({"kill-self", std::to_string(sig)}));
  EXPECT_EQ(r.status, ExitStatus::Exited(128 + sig)) << r.err;
  EXPECT_TRUE(WroteErrPostFile(Step(0)));
}

INSTANTIATE_TEST_SUITE_P(Signals, KilledBySignalTest, ::testing::Values(SIGKILL, SIGTERM, SIGUSR2),
                         [](const auto& info) { return "Signal" + std::to_string(info.param); });

// The spawn walks PATH as glibc's execvpe does, and a failed start is
// described as the reference (Go's exec package) does.
TEST_F(RunTest, NotFoundInPathIsDescribedAsGoDoes) {
  RunOutcome r = RunStep(0, {}, {"podstep-no-such-command"});
  EXPECT_EQ(r.status, ExitStatus::Exited(1)) << r.err;
  EXPECT_THAT(r.err, HasSubstr("Error executing command: exec: \"podstep-no-such-command\": "
                               "executable file not found in $PATH"));
}

TEST_F(RunTest, NotExecutableIsPermissionDenied) {
  const std::string command = Path("not-executable.sh");
  WriteFile(command, "#!/bin/sh\necho should not run\n");
  chmod(command.c_str(), 0644);
  RunOutcome r = RunStep(0, {}, {command});
  EXPECT_EQ(r.status, ExitStatus::Exited(1)) << r.err;
  EXPECT_THAT(r.err, HasSubstr("Error executing command: fork/exec " + command +
                               ": permission denied"));
}

TEST_F(RunTest, ExecutableWithoutShebangIsAnExecFormatError) {
  const std::string command = Path("no-shebang");
  WriteFile(command, "echo should not run\n");
  chmod(command.c_str(), 0755);
  RunOutcome r = RunStep(0, {}, {command});
  EXPECT_EQ(r.status, ExitStatus::Exited(1)) << r.err;
  EXPECT_THAT(r.err, HasSubstr("fork/exec " + command + ": exec format error"));
}

// A PATH entry holding a non-executable file of that name is skipped (as
// execvp does); a later one runs. Found nowhere executable: EACCES.
TEST_F(RunTest, PathSearchSkipsANonExecutableCandidate) {
  MakeDirs(Path("first"));
  MakeDirs(Path("second"));
  WriteFile(Path("first/podstep-cmd"), "#!/bin/sh\necho first\n");
  chmod(Path("first/podstep-cmd").c_str(), 0644);
  WriteFile(Path("second/podstep-cmd"), "#!/bin/sh\necho second\n");
  chmod(Path("second/podstep-cmd").c_str(), 0755);
  const std::string path = "PATH=" + Path("first") + ":" + Path("second") + ":/usr/bin:/bin";
  RunOutcome r = RunStep(0, {}, {"podstep-cmd"}, {path});
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_EQ(r.out, "second\n");

  RunOutcome denied = RunStep(1, {}, {"podstep-cmd"}, {"PATH=" + Path("first") + ":/usr/bin"});
  EXPECT_EQ(denied.status, ExitStatus::Exited(1)) << denied.err;
  EXPECT_THAT(denied.err, HasSubstr("fork/exec podstep-cmd: permission denied"));
}

// §3.9 command could not be started.
class NotStartedTest : public EntrypointTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(NotStartedTest, WritesErrAndExitsOne) {
  std::string command = GetParam();
  if (command == "not-executable") {
    command = Path("not-executable.sh");
    WriteFile(command, "#!/bin/sh\necho should not run\n");
    chmod(command.c_str(), 0644);
  } else if (command == "directory") {
    command = Path("a-directory");
    MakeDirs(command);
  }
  RunOutcome r = RunStep(0, {}, {command, "arg"});
  EXPECT_EQ(r.status, ExitStatus::Exited(1)) << r.err;
  EXPECT_THAT(r.err, HasSubstr("Error executing command"));
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(WroteErrPostFile(Step(0)));
  EXPECT_FALSE(Exists(Step(0).exit_code_file()));
}

INSTANTIATE_TEST_SUITE_P(Commands, NotStartedTest,
                         ::testing::Values("/nonexistent/podstep-cmd", "podstep-no-such-command",
                                           "not-executable", "directory"),
                         [](const auto& info) {
                           std::string name;
                           for (char c : info.param) name += std::isalnum(c) ? c : '_';
                           return name;
                         });

}  // namespace
}  // namespace podstep::test

namespace podstep::test {
namespace {

// §5: TEKTON_HERMETIC=1 runs the command without network, in new namespaces.
TEST_F(RunTest, HermeticCommandHasOnlyLoopback) {
  const std::vector<std::string> command = {
      "sh", "-c", "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '; echo pid=$$"};
  RunOutcome r = RunStep(0, {}, command, {"TEKTON_HERMETIC=1"});
  if (r.status == ExitStatus::Exited(1) &&
      r.err.find("TEKTON_HERMETIC") != std::string::npos) {
    GTEST_SKIP() << "new user/network namespaces not permitted here: " << r.err;
  }
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_EQ(r.out, "lo\npid=1\n");
  EXPECT_TRUE(WrotePostFile(Step(0)));

  // TEKTON_RESOURCE_NAME turns hermetic mode off.
  RunOutcome open = RunStep(1, {}, {"sh", "-c", "echo pid=$$"},
                            {"TEKTON_HERMETIC=1", "TEKTON_RESOURCE_NAME=r"});
  ASSERT_EQ(open.status, ExitStatus::Exited(0)) << open.err;
  EXPECT_NE(open.out, "pid=1\n");
}

}  // namespace
}  // namespace podstep::test
