// -stdout_path / -stderr_path (CONTRACT.md section 5).

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "process/byte_pattern.h"
#include "process/process_support.h"

namespace podstep::test {
namespace {

using ::testing::HasSubstr;

/// Compares the file with the first `size` pattern bytes, chunk by chunk,
/// without loading 100 MB at once.
::testing::AssertionResult FileIsPattern(const std::string& path, std::uint64_t size) {
  const long long actual = FileSize(path);
  if (actual != static_cast<long long>(size)) {
    return ::testing::AssertionFailure() << path << " has " << actual << " bytes, want " << size;
  }
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ::testing::AssertionFailure() << "open " << path;
  std::vector<unsigned char> got(1 << 20);
  std::vector<unsigned char> want(1 << 20);
  std::uint64_t offset = 0;
  ::testing::AssertionResult result = ::testing::AssertionSuccess();
  while (offset < size) {
    const ssize_t n = read(fd, got.data(), got.size());
    if (n <= 0) {
      result = ::testing::AssertionFailure() << "short read of " << path << " at " << offset;
      break;
    }
    FillPattern(offset, want.data(), static_cast<std::size_t>(n));
    const auto mismatch = std::mismatch(got.begin(), got.begin() + n, want.begin());
    if (mismatch.first != got.begin() + n) {
      result = ::testing::AssertionFailure()
               << path << " differs from the pattern at byte "
               << offset + static_cast<std::uint64_t>(mismatch.first - got.begin());
      break;
    }
    offset += static_cast<std::uint64_t>(n);
  }
  close(fd);
  return result;
}

class TeeTest : public EntrypointTest {};

TEST_F(TeeTest, HundredMegabytesReachBothStdoutAndTheFile) {
  constexpr std::uint64_t kSize = 100ULL * 1024 * 1024;
  const std::string out_file = Path("logs/new/dir/stdout.log");
  const std::string err_file = Path("logs/stderr.log");
  RunOutcome r = RunStep(0, {"-stdout_path", out_file, "-stderr_path", err_file},
                         Helper({"bytes", std::to_string(kSize)}));
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err.substr(0, 2000);
  EXPECT_TRUE(FileIsPattern(StdoutPath("ep0"), kSize));
  EXPECT_TRUE(FileIsPattern(out_file, kSize));
  EXPECT_LE(FileSize(err_file), 0) << "the stderr file got stdout bytes";
  EXPECT_TRUE(WrotePostFile(Step(0)));
}

TEST_F(TeeTest, StderrReachesBothStderrAndTheFile) {
  constexpr std::uint64_t kSize = 1024 * 1024 + 17;
  const std::string err_file = Path("logs/stderr.log");
  RunOutcome r = RunStep(0, {"-stderr_path", err_file}, Helper({"ebytes", std::to_string(kSize)}));
  ASSERT_EQ(r.status, ExitStatus::Exited(0));
  EXPECT_TRUE(FileIsPattern(err_file, kSize));
  // The entrypoint may log lines of its own to stderr; the stream must be in
  // there unbroken.
  std::string want(kSize, '\0');
  FillPattern(0, reinterpret_cast<unsigned char*>(want.data()), want.size());
  EXPECT_NE(r.err.find(want), std::string::npos) << "stderr lost or reordered child bytes";
  EXPECT_EQ(r.out, "");
}

TEST_F(TeeTest, FileIsCreatedWithMode0644) {
  const mode_t old_umask = umask(022);
  const std::string out_file = Path("logs/out.log");
  RunOutcome r = RunStep(0, {"-stdout_path", out_file}, Helper({"print", "x"}));
  umask(old_umask);
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  struct stat st {};
  ASSERT_EQ(stat(out_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644U);
}

TEST_F(TeeTest, AppendsToExistingContent) {
  const std::string out_file = Path("out.log");
  WriteFile(out_file, "old\n");
  RunOutcome r = RunStep(0, {"-stdout_path", out_file}, Helper({"print", "new"}));
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_EQ(ReadFileOr(out_file), "old\nnew\n");
  EXPECT_EQ(r.out, "new\n");
}

TEST_F(TeeTest, BothPathsMayNameTheSameFile) {
  const std::string file = Path("both.log");
  RunOutcome r = RunStep(0, {"-stdout_path", file, "-stderr_path", file},
                         {"sh", "-c", "\"$0\" print to-out && \"$0\" eprint to-err", HelperBin()});
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  const std::string content = ReadFileOr(file);
  EXPECT_THAT(content, HasSubstr("to-out\n"));
  EXPECT_THAT(content, HasSubstr("to-err\n"));
  EXPECT_EQ(content.size(), std::string("to-out\nto-err\n").size()) << content;
  EXPECT_EQ(r.out, "to-out\n");
  EXPECT_THAT(r.err, HasSubstr("to-err\n"));
}

// A child that writes and exits at once: nothing may be lost between its exit
// and the entrypoint's.
TEST_F(TeeTest, NoOutputLostWhenTheChildExitsRightAfterWriting) {
  for (int i = 0; i < 10; ++i) {
    SCOPED_TRACE(i);
    const std::string out_file = Path("out" + std::to_string(i) + ".log");
    const std::string err_file = Path("err" + std::to_string(i) + ".log");
    const std::string text = "line-" + std::to_string(i);
    RunOutcome r = Run(StepArgs(i, {"-stdout_path", out_file, "-stderr_path", err_file},
                                {"sh", "-c", "\"$0\" print \"$1\"; \"$0\" eprint \"$1\"; exit 4",
                                 HelperBin(), text}),
                       "ep" + std::to_string(i));
    EXPECT_EQ(r.status, ExitStatus::Exited(4));
    EXPECT_EQ(r.out, text + "\n");
    EXPECT_THAT(r.err, HasSubstr(text + "\n"));
    EXPECT_EQ(ReadFileOr(out_file), text + "\n");
    EXPECT_EQ(ReadFileOr(err_file), text + "\n");
  }
}

// §11: our own stdout is a pipe whose reader left (`entrypoint … | head -c 5`).
// Our writes get EPIPE and the kernel sends US SIGPIPE: it must not be
// forwarded to the step (which died of it, 141), and the file copy must be
// complete.
TEST_F(TeeTest, ClosedStdoutPipeDoesNotKillTheStep) {
  const std::string out_file = Path("out.log");
  constexpr std::uint64_t kSize = 4 << 20;
  std::vector<std::string> argv = {"bash", "-c",
                                   "\"$@\" | head -c 5 >/dev/null; exit \"${PIPESTATUS[0]}\"",
                                   "bash", EntrypointBin()};
  for (const std::string& a :
       StepArgs(0, {"-stdout_path", out_file}, Helper({"bytes", std::to_string(kSize)}))) {
    argv.push_back(a);
  }
  Process p = StartArgv(argv, "ep0");
  RunOutcome r = Finish(p, "ep0");
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_TRUE(FileIsPattern(out_file, kSize));
  EXPECT_TRUE(WrotePostFile(Step(0)));
}

// A full -stdout_path filesystem: one warning, not one per chunk, and the
// step fails as the reference's does (its copy error fails cmd.Wait); our
// own stdout still gets everything.
TEST_F(TeeTest, FullStdoutPathWarnsOnceAndFailsTheStep) {
  constexpr std::uint64_t kSize = 1 << 20;
  RunOutcome r =
      RunStep(0, {"-stdout_path", "/dev/full"}, Helper({"bytes", std::to_string(kSize)}));
  EXPECT_EQ(r.status, ExitStatus::Exited(1)) << r.err;
  EXPECT_TRUE(WroteErrPostFile(Step(0)));
  EXPECT_FALSE(Exists(Step(0).exit_code_file()));
  std::size_t warnings = 0;
  for (std::size_t at = r.err.find("/dev/full"); at != std::string::npos;
       at = r.err.find("/dev/full", at + 1)) {
    ++warnings;
  }
  EXPECT_EQ(warnings, 2u) << "one warning and one 'Error executing command' line:\n" << r.err;
  EXPECT_THAT(r.err,
              HasSubstr("Error executing command: write /dev/full: no space left on device"));
  EXPECT_EQ(r.out.size(), kSize);
}

// RLIMIT_FSIZE reached on the -stdout_path file: the kernel sends US
// SIGXFSZ; it is not forwarded (the step died of it, 153). The failed copy
// fails the step like any other.
TEST_F(TeeTest, FileSizeLimitDoesNotKillTheStep) {
  const std::string out_file = Path("out.log");
  std::vector<std::string> argv = {"bash", "-c", "ulimit -f 4 && exec \"$@\"", "bash",
                                   EntrypointBin()};
  for (const std::string& a :
       StepArgs(0, {"-stdout_path", out_file}, Helper({"bytes", std::to_string(64 << 10)}))) {
    argv.push_back(a);
  }
  Process p = StartArgv(argv, "ep0");
  RunOutcome r = Finish(p, "ep0");
  EXPECT_EQ(r.status, ExitStatus::Exited(1)) << r.err;
  EXPECT_THAT(r.err, HasSubstr("Error executing command: write " + out_file + ": file too large"));
  EXPECT_TRUE(WroteErrPostFile(Step(0)));
}

// §11: a reader of our stdout that stalls must not stall supervision: the
// 500 ms timeout fires on time (it fired only once the reader drained).
TEST_F(TeeTest, StalledStdoutReaderDoesNotDelayTheTimeout) {
  int fds[2];
  ASSERT_EQ(pipe2(fds, O_CLOEXEC), 0);
  // The entrypoint's stdout is this pipe (opened again through /proc); we
  // hold the read end and never read.
  const std::string pipe_path =
      "/proc/" + std::to_string(getpid()) + "/fd/" + std::to_string(fds[1]);
  std::vector<std::string> argv = {EntrypointBin()};
  for (const std::string& a : StepArgs(0, {"-timeout", "500ms", "-stdout_path", Path("out.log")},
                                       Helper({"bytes", std::to_string(16 << 20)}))) {
    argv.push_back(a);
  }
  std::string error;
  const auto started = std::chrono::steady_clock::now();
  Process p = Process::Spawn({argv, Env(), pipe_path, StderrPath("ep0"), "", dir().path()}, &error);
  ASSERT_TRUE(p.valid()) << error;
  const auto status = p.WaitFor(kDeadline);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  close(fds[0]);
  close(fds[1]);
  ASSERT_TRUE(status.has_value()) << "still running with a stalled stdout reader";
  EXPECT_EQ(*status, ExitStatus::Exited(1)) << ReadFileOr(StderrPath("ep0"));
  EXPECT_LT(elapsed, std::chrono::seconds(4));
  EXPECT_TRUE(WroteErrPostFile(Step(0)));
  EXPECT_EQ(Termination(0).Find("Reason").value_or(TerminationEntry{}).value, "TimeoutExceeded");
}

}  // namespace
}  // namespace podstep::test
