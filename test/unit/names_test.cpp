// Path-component names and signal names.

#include <gtest/gtest.h>
#include <signal.h>

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
  EXPECT_STREQ(SignalName(SIGTERM), "SIGTERM");
  EXPECT_STREQ(SignalName(SIGKILL), "SIGKILL");
  EXPECT_STREQ(SignalName(SIGUSR1), "SIGUSR1");
  EXPECT_STREQ(SignalName(1000), "signal 1000");
}

}  // namespace
}  // namespace podstep
