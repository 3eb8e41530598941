// -stdout_path / -stderr_path (CONTRACT.md section 5).

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
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

}  // namespace
}  // namespace podstep::test
