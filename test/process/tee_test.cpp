// -stdout_path / -stderr_path (CONTRACT.md section 5).

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <string>
#include <thread>
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

// Our stdout and stderr are pipes, as in a container: the zero-copy path
// (tee + splice). Every byte reaches both pipes and both files, in order,
// while the command alternates between the streams in odd-sized chunks.
class PipedTeeTest : public TeeTest {
 protected:
  /// Runs step 0 with `flags` and `command`, its stdout and stderr being
  /// pipes this test reads; `before_reading` runs first (the reader stalls
  /// until it returns). Returns the bytes each pipe carried.
  std::pair<std::string, std::string> RunPiped(const std::vector<std::string>& flags,
                                               const std::vector<std::string>& command,
                                               const std::function<void()>& before_reading = {},
                                               const std::vector<std::string>& wrapper = {}) {
    int out[2], err[2];
    EXPECT_EQ(pipe2(out, O_CLOEXEC), 0);
    EXPECT_EQ(pipe2(err, O_CLOEXEC), 0);
    auto fd_path = [](int fd) {
      return "/proc/" + std::to_string(getpid()) + "/fd/" + std::to_string(fd);
    };
    std::vector<std::string> argv = wrapper;
    argv.push_back(EntrypointBin());
    for (const std::string& a : StepArgs(0, flags, command)) argv.push_back(a);
    std::string error;
    Process p =
        Process::Spawn({argv, Env(), fd_path(out[1]), fd_path(err[1]), "", dir().path()}, &error);
    EXPECT_TRUE(p.valid()) << error;
    close(out[1]);
    close(err[1]);
    if (before_reading) before_reading();
    std::string got[2];
    pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    std::vector<char> buffer(1 << 16);
    const auto deadline = std::chrono::steady_clock::now() + kDeadline;
    while ((fds[0].fd >= 0 || fds[1].fd >= 0) && std::chrono::steady_clock::now() < deadline) {
      if (poll(fds, 2, 1000) <= 0) continue;
      for (int i = 0; i < 2; ++i) {
        if (fds[i].fd < 0 || fds[i].revents == 0) continue;
        const ssize_t n = read(fds[i].fd, buffer.data(), buffer.size());
        if (n > 0) {
          got[i].append(buffer.data(), static_cast<size_t>(n));
        } else {
          close(fds[i].fd);
          fds[i].fd = -1;
        }
      }
    }
    for (const pollfd& f : fds) {
      if (f.fd >= 0) close(f.fd);
    }
    status_ = p.WaitFor(kDeadline);
    return {got[0], got[1]};
  }
  static std::string Pattern(std::size_t size) {
    std::string want(size, '\0');
    FillPattern(0, reinterpret_cast<unsigned char*>(want.data()), want.size());
    return want;
  }
  std::optional<ExitStatus> status_;
};

TEST_F(PipedTeeTest, BothStreamsReachTheirPipesAndFilesExactlyAndInOrder) {
  constexpr std::uint64_t kSize = (8 << 20) + 4099;
  const std::string out_file = Path("logs/out.log");
  const std::string err_file = Path("logs/err.log");
  auto [out, err] = RunPiped({"-stdout_path", out_file, "-stderr_path", err_file},
                             Helper({"bothbytes", std::to_string(kSize), "12345"}));
  ASSERT_EQ(status_, ExitStatus::Exited(0)) << err.substr(0, 500);
  EXPECT_TRUE(out == Pattern(kSize)) << "stdout pipe: " << out.size() << " bytes";
  EXPECT_TRUE(err == Pattern(kSize)) << "stderr pipe: " << err.size() << " bytes";
  EXPECT_TRUE(FileIsPattern(out_file, kSize));
  EXPECT_TRUE(FileIsPattern(err_file, kSize));
  EXPECT_TRUE(WrotePostFile(Step(0)));
}

// A reader that stalls until its pipe is full and the file stopped growing,
// then reads on: nothing is lost or reordered, in the pipe or the file.
TEST_F(PipedTeeTest, AStalledReaderThatResumesGetsEverything) {
  constexpr std::uint64_t kSize = 6 << 20;
  const std::string out_file = Path("out.log");
  auto [out, err] = RunPiped({"-stdout_path", out_file}, Helper({"bytes", std::to_string(kSize)}),
                             [&] {
                               // Our unread pipe holds 64 KiB: at least that
                               // much went through, and then it is full.
                               EXPECT_TRUE(WaitUntil([&] { return FileSize(out_file) >= 65536; }));
                             });
  ASSERT_EQ(status_, ExitStatus::Exited(0)) << err;
  EXPECT_TRUE(out == Pattern(kSize)) << "stdout pipe: " << out.size() << " bytes";
  EXPECT_TRUE(FileIsPattern(out_file, kSize));
}

// A command that writes without pause, to a reader that keeps up: the tee
// never idles, and the 500 ms timeout still ends the step.
TEST_F(PipedTeeTest, AnEndlessFloodStillTimesOut) {
  int fds[2];
  ASSERT_EQ(pipe2(fds, O_CLOEXEC), 0);
  const std::string pipe_path =
      "/proc/" + std::to_string(getpid()) + "/fd/" + std::to_string(fds[1]);
  std::vector<std::string> argv = {EntrypointBin()};
  for (const std::string& a : StepArgs(0, {"-timeout", "500ms", "-stdout_path", "/dev/null"},
                                       Helper({"bytes", std::to_string(1LL << 40)}))) {
    argv.push_back(a);
  }
  std::string error;
  std::optional<Process> step =
      Process::Spawn({argv, Env(), pipe_path, StderrPath("ep0"), "", dir().path()}, &error);
  close(fds[1]);
  std::thread drain([read_end = fds[0]] {
    const int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    while (splice(read_end, nullptr, null, nullptr, 1 << 20, 0) > 0) {
    }
    close(null);
  });
  const auto status = step->valid() ? step->WaitFor(kDeadline) : std::nullopt;
  step.reset();  // kills the step's session if it is still there: the drain ends
  drain.join();
  close(fds[0]);
  ASSERT_TRUE(status.has_value()) << "the timeout never ended the flooding step " << error;
  EXPECT_EQ(*status, ExitStatus::Exited(1)) << ReadFileOr(StderrPath("ep0"));
  EXPECT_EQ(Termination(0).Find("Reason").value_or(TerminationEntry{}).value, "TimeoutExceeded");
}

TEST_F(PipedTeeTest, BothPathsMayNameTheSameFile) {
  constexpr std::uint64_t kSize = 2 << 20;
  const std::string file = Path("both.log");
  WriteFile(file, "old\n");
  auto [out, err] = RunPiped({"-stdout_path", file, "-stderr_path", file},
                             Helper({"bothbytes", std::to_string(kSize), "4096"}));
  ASSERT_EQ(status_, ExitStatus::Exited(0)) << err.substr(0, 500);
  // Appended, nothing overwritten: the old line, then both streams whole.
  EXPECT_EQ(FileSize(file), static_cast<long long>(4 + 2 * kSize));
  EXPECT_EQ(ReadFileOr(file).substr(0, 4), "old\n");
  EXPECT_TRUE(out == Pattern(kSize));
}

// A -stdout_path that refuses splice (/dev/full): the copy through a buffer
// takes over, and the failure is reported once, as with a file stdout.
// A file system that fills up in the middle of the stream (a 256 KiB tmpfs,
// mounted in a mount namespace of the step's own): the file keeps what fit,
// one warning and the step's failure say why, and our stdout pipe still
// gets every byte.
TEST_F(PipedTeeTest, AFileSystemFillingUpMidStreamFailsOnceAndStdoutGetsAll) {
  constexpr std::uint64_t kSize = 4 << 20;
  const std::string mount_dir = Path("small");
  ASSERT_EQ(mkdir(mount_dir.c_str(), 0755), 0);
  const std::string file = mount_dir + "/out.log";
  // The mount is tried first on its own: not permitted here, the test skips.
  std::string probe_error;
  Process probe = Process::Spawn({{"unshare", "--mount", "sh", "-c",
                                   "mount -t tmpfs -o size=256k podstep-test \"$0\"", mount_dir},
                                  Env(), "/dev/null", "/dev/null", "", dir().path()},
                                 &probe_error);
  if (!probe.valid() || probe.WaitFor(kDeadline) != ExitStatus::Exited(0)) {
    GTEST_SKIP() << "cannot mount a tmpfs in a mount namespace here (needs root) " << probe_error;
  }
  auto [out, err] = RunPiped({"-stdout_path", file}, Helper({"bytes", std::to_string(kSize)}), {},
                             {"unshare", "--mount", "sh", "-c",
                              "mount -t tmpfs -o size=256k podstep-test \"$0\" && exec \"$@\"",
                              mount_dir});
  EXPECT_EQ(status_, ExitStatus::Exited(1)) << err;
  EXPECT_THAT(err, HasSubstr("Error executing command: write " + file +
                             ": no space left on device"));
  std::size_t mentions = 0;
  for (std::size_t at = err.find(file); at != std::string::npos; at = err.find(file, at + 1)) {
    ++mentions;
  }
  EXPECT_EQ(mentions, 2u) << "one warning and one 'Error executing command' line:\n" << err;
  EXPECT_TRUE(out == Pattern(kSize)) << out.size();
  EXPECT_TRUE(WroteErrPostFile(Step(0)));
}

TEST_F(PipedTeeTest, AFileThatRefusesSpliceFallsBackAndStillFailsOnce) {
  constexpr std::uint64_t kSize = 1 << 20;
  auto [out, err] =
      RunPiped({"-stdout_path", "/dev/full"}, Helper({"bytes", std::to_string(kSize)}));
  EXPECT_EQ(status_, ExitStatus::Exited(1)) << err;
  EXPECT_THAT(err, HasSubstr("Error executing command: write /dev/full: no space left on device"));
  EXPECT_TRUE(out == Pattern(kSize)) << out.size();
  EXPECT_TRUE(WroteErrPostFile(Step(0)));
}

// Our stdout is /dev/null or a tty: the copy loop, no splice.
TEST_F(TeeTest, DevNullStdoutStillFillsTheFile) {
  constexpr std::uint64_t kSize = (4 << 20) + 1;
  const std::string out_file = Path("out.log");
  std::vector<std::string> argv = {EntrypointBin()};
  for (const std::string& a :
       StepArgs(0, {"-stdout_path", out_file}, Helper({"bytes", std::to_string(kSize)}))) {
    argv.push_back(a);
  }
  std::string error;
  Process p =
      Process::Spawn({argv, Env(), "/dev/null", StderrPath("ep0"), "", dir().path()}, &error);
  ASSERT_TRUE(p.valid()) << error;
  EXPECT_EQ(p.WaitFor(kDeadline), ExitStatus::Exited(0)) << ReadFileOr(StderrPath("ep0"));
  EXPECT_TRUE(FileIsPattern(out_file, kSize));
}

TEST_F(TeeTest, TtyStdoutGetsEveryByteInOrder) {
  const int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) {
    GTEST_SKIP() << "no pseudo-terminal here";
  }
  const std::string slave = ptsname(master);
  {
    // Raw: no "\n" → "\r\n" on the way out, so the bytes arrive as written.
    const int fd = open(slave.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    termios mode{};
    ASSERT_EQ(tcgetattr(fd, &mode), 0);
    cfmakeraw(&mode);
    ASSERT_EQ(tcsetattr(fd, TCSANOW, &mode), 0);
    close(fd);
  }
  constexpr std::uint64_t kSize = 512 << 10;
  const std::string out_file = Path("out.log");
  std::vector<std::string> argv = {EntrypointBin()};
  for (const std::string& a :
       StepArgs(0, {"-stdout_path", out_file}, Helper({"bytes", std::to_string(kSize)}))) {
    argv.push_back(a);
  }
  std::string error;
  Process p = Process::Spawn({argv, Env(), slave, StderrPath("ep0"), "", dir().path()}, &error);
  ASSERT_TRUE(p.valid()) << error;
  std::string got;
  std::vector<char> buffer(1 << 16);
  const auto deadline = std::chrono::steady_clock::now() + kDeadline;
  while (got.size() < kSize && std::chrono::steady_clock::now() < deadline) {
    pollfd pfd{master, POLLIN, 0};
    if (poll(&pfd, 1, 1000) <= 0) continue;
    const ssize_t n = read(master, buffer.data(), buffer.size());
    if (n <= 0) break;  // EIO: the last writer closed the terminal
    got.append(buffer.data(), static_cast<size_t>(n));
  }
  EXPECT_EQ(p.WaitFor(kDeadline), ExitStatus::Exited(0)) << ReadFileOr(StderrPath("ep0"));
  close(master);
  std::string want(kSize, '\0');
  FillPattern(0, reinterpret_cast<unsigned char*>(want.data()), want.size());
  EXPECT_TRUE(got == want) << "the tty got " << got.size() << " bytes";
  EXPECT_TRUE(FileIsPattern(out_file, kSize));
}

}  // namespace
}  // namespace podstep::test
