// Path-component names, signal names and errno texts.

#include <gtest/gtest.h>
#include <signal.h>

#include <cerrno>

#include "common/error.h"
#include "common/file_names.h"
#include "common/signal_names.h"

namespace podstep {
namespace {

TEST(ValidateFileNameTest, OnlyNamesThatStayInTheirDirectory) {
  for (const char* ok : {"", "a", "step-1", "a.b", "..a", ".hidden", "a..b"}) {
    EXPECT_TRUE(ValidateFileName("result", ok)) << ok;
  }
  for (const char* bad : {".", "..", "a/b", "/a", "a/", "../x"}) {
    EXPECT_FALSE(ValidateFileName("result", bad)) << bad;
  }
  EXPECT_EQ(ValidateFileName("step", "..").error().message,
            "refusing step name \"..\": a name must not contain '/' or be '.' or '..'");
}

TEST(SignalNameTest, NamesAndNumbers) {
  EXPECT_EQ(SignalName(SIGTERM), "SIGTERM");
  EXPECT_EQ(SignalName(SIGKILL), "SIGKILL");
  EXPECT_EQ(SignalName(SIGUSR1), "SIGUSR1");
  EXPECT_EQ(SignalName(1000), "signal 1000");
}

// Go's syscall.Errno texts, whatever the C library's strerror() says (musl's
// EMFILE is "No file descriptors available").
TEST(GoErrnoTextTest, GoWordingOnEveryLibc) {
  EXPECT_EQ(GoErrnoText(ENOENT), "no such file or directory");
  EXPECT_EQ(GoErrnoText(EMFILE), "too many open files");
  EXPECT_EQ(GoErrnoText(ENOSPC), "no space left on device");
  EXPECT_EQ(GoErrnoText(EACCES), "permission denied");
  EXPECT_EQ(GoErrnoText(ENOTDIR), "not a directory");
  EXPECT_EQ(GoErrnoText(0), "errno 0");
  EXPECT_EQ(GoErrnoText(-1), "errno -1");
  EXPECT_EQ(GoErrnoText(1000), "errno 1000");
  EXPECT_EQ(ErrnoError("open /x", ENOENT).message, "open /x: no such file or directory");
}

}  // namespace
}  // namespace podstep
