// Signals the entrypoint must not pass on (CONTRACT.md §11): the step starts
// with default dispositions whatever we inherited, and a signal arriving
// after the outcome is on disk does not change our exit status.

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "process/process_support.h"

namespace podstep::test {
namespace {

using ::testing::HasSubstr;

class SelfSignalsTest : public EntrypointTest {};

// Started with SIGHUP, SIGINT, SIGUSR1 and SIGPIPE ignored (`trap ''` is
// inherited through exec), the step must still see none ignored.
TEST_F(SelfSignalsTest, StepStartsWithDefaultDispositions) {
  std::vector<std::string> argv = {"sh", "-c", "trap '' HUP INT USR1 PIPE && exec \"$@\"", "sh",
                                   EntrypointBin()};
  for (const std::string& a : StepArgs(0, {}, {"grep", "^SigIgn:", "/proc/self/status"})) {
    argv.push_back(a);
  }
  Process p = StartArgv(argv, "ep0");
  RunOutcome r = Finish(p, "ep0");
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_EQ(r.out, "SigIgn:\t0000000000000000\n");
}

// SIGTERM while the entrypoint writes the outcome (not as PID 1): it wrote
// the post file and exitCode 0, then died of the SIGTERM it had blocked,
// with 143. The termination path is a FIFO here so the write phase can be
// held open: the entrypoint blocks opening it to read the old message.
TEST_F(SelfSignalsTest, SigtermDuringTheWritePhaseKeepsTheExitStatusConsistent) {
  const StepFiles s = Step(0);
  std::vector<std::string> args = StepArgs(0, {}, Helper({"exit", "0"}));
  ASSERT_EQ(unlink(s.termination.c_str()), 0);
  ASSERT_EQ(mkfifo(s.termination.c_str(), 0644), 0);
  Process p = Start(args, "ep0");

  // A non-blocking open for writing succeeds once the entrypoint opened the
  // FIFO for reading: the command has exited, the outcome is being written.
  int writer = -1;
  ASSERT_TRUE(WaitUntil([&] {
    writer = open(s.termination.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    return writer >= 0;
  })) << ReadFileOr(StderrPath("ep0"));
  ASSERT_TRUE(p.Signal(SIGTERM));
  close(writer);  // EOF: there is no old message

  // Then it opens the FIFO to write the message: read that to EOF.
  const int reader = open(s.termination.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  ASSERT_GE(reader, 0);
  std::string message;
  EXPECT_TRUE(WaitUntil([&] {
    char buffer[4096];
    const ssize_t n = read(reader, buffer, sizeof buffer);
    if (n > 0) message.append(buffer, static_cast<std::size_t>(n));
    return n == 0 && !message.empty();
  })) << message;
  close(reader);

  RunOutcome r = Finish(p, "ep0");
  EXPECT_THAT(message, HasSubstr("StartedAt"));
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_TRUE(WrotePostFile(s));
  EXPECT_EQ(ReadFileOr(s.exit_code_file()), "0");
}

}  // namespace
}  // namespace podstep::test
