#include "common/go_duration.h"

#include <gtest/gtest.h>

namespace podstep {
namespace {

using std::chrono::nanoseconds;

constexpr int64_t kNs = 1;
constexpr int64_t kUs = 1000 * kNs;
constexpr int64_t kMs = 1000 * kUs;
constexpr int64_t kSec = 1000 * kMs;
constexpr int64_t kMin = 60 * kSec;
constexpr int64_t kHour = 60 * kMin;

// Go's own table (src/time/time_test.go, parseDurationTests).
TEST(GoDurationTest, AcceptsWhatGoAccepts) {
  const std::vector<std::pair<const char*, int64_t>> cases = {
      {"0", 0},
      {"5s", 5 * kSec},
      {"30s", 30 * kSec},
      {"1478s", 1478 * kSec},
      {"-5s", -5 * kSec},
      {"+5s", 5 * kSec},
      {"-0", 0},
      {"+0", 0},
      {"5.0s", 5 * kSec},
      {"5.6s", 5 * kSec + 600 * kMs},
      {"5.s", 5 * kSec},
      {".5s", 500 * kMs},
      {"1.0s", 1 * kSec},
      {"1.00s", 1 * kSec},
      {"1.004s", 1 * kSec + 4 * kMs},
      {"1.0040s", 1 * kSec + 4 * kMs},
      {"100.00100s", 100 * kSec + 1 * kMs},
      {"10ns", 10 * kNs},
      {"11us", 11 * kUs},
      {"12\xC2\xB5s", 12 * kUs},
      {"12\xCE\xBCs", 12 * kUs},
      {"13ms", 13 * kMs},
      {"14s", 14 * kSec},
      {"15m", 15 * kMin},
      {"16h", 16 * kHour},
      {"3h30m", 3 * kHour + 30 * kMin},
      {"10.5s4m", 4 * kMin + 10 * kSec + 500 * kMs},
      {"-2m3.4s", -(2 * kMin + 3 * kSec + 400 * kMs)},
      {"1h2m3s4ms5us6ns", 1 * kHour + 2 * kMin + 3 * kSec + 4 * kMs + 5 * kUs + 6 * kNs},
      {"39h9m14.425s", 39 * kHour + 9 * kMin + 14 * kSec + 425 * kMs},
      {"52763797000ns", 52763797000 * kNs},
      {"0.3333333333333333333h", 20 * kMin},
      {"9007199254740993ns", (int64_t{1} << 53) + 1},
      {"9223372036854775807ns", INT64_MAX},
      {"9223372036854775.807us", INT64_MAX},
      {"9223372036s854ms775us807ns", INT64_MAX},
      {"-9223372036854775808ns", INT64_MIN},
      {"-9223372036854775.808us", INT64_MIN},
      {"-9223372036s854ms775us808ns", INT64_MIN},
      {"-2562047h47m16.854775808s", INT64_MIN},
      {"0.100000000000000000000h", 6 * kMin},
      {"0.830103483285477580700h", 49 * kMin + 48 * kSec + 372539827 * kNs},
      {"1.5h", 90 * kMin},
      {"300ms", 300 * kMs},
      {"1m30.5s", 90 * kSec + 500 * kMs},
  };
  for (const auto& [text, want] : cases) {
    auto parsed = ParseGoDuration(text);
    ASSERT_TRUE(parsed) << text << ": " << parsed.error().message;
    EXPECT_EQ(parsed->count(), want) << text;
  }
}

TEST(GoDurationTest, RejectsWhatGoRejectsWithGoMessages) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"", "time: invalid duration \"\""},
      {"3", "time: missing unit in duration \"3\""},
      {"-", "time: invalid duration \"-\""},
      {"s", "time: invalid duration \"s\""},
      {".", "time: invalid duration \".\""},
      {"-.", "time: invalid duration \"-.\""},
      {".s", "time: invalid duration \".s\""},
      {"+.s", "time: invalid duration \"+.s\""},
      {"1d", "time: unknown unit \"d\" in duration \"1d\""},
      {"abc", "time: invalid duration \"abc\""},
      {"\x85\x85", "time: invalid duration \"\\x85\\x85\""},
      {"\xff", "time: invalid duration \"\\xff\""},
      {"hello \xff\xff world", "time: invalid duration \"hello \\xff\\xff world\""},
      {"9223372036854775808ns", "time: invalid duration \"9223372036854775808ns\""},
      {"9223372036854775.808us", "time: invalid duration \"9223372036854775.808us\""},
      {"9223372036854ms775us808ns", "time: invalid duration \"9223372036854ms775us808ns\""},
      {"-9223372036854775809ns", "time: invalid duration \"-9223372036854775809ns\""},
      {"1s\"", "time: unknown unit \"s\\\"\" in duration \"1s\\\"\""},
  };
  for (const auto& [text, message] : cases) {
    auto parsed = ParseGoDuration(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().message, message) << text;
  }
}

// Go's durationTests (src/time/time_test.go), String() direction.
TEST(GoDurationTest, FormatsAsGoPrintsIt) {
  const std::vector<std::pair<int64_t, const char*>> cases = {
      {0, "0s"},
      {12 * kNs, "12ns"},
      {1200 * kNs, "1.2\u00b5s"},
      {1500 * kUs, "1.5ms"},
      {300 * kMs, "300ms"},
      {1500 * kMs, "1.5s"},
      {90 * kSec, "1m30s"},
      {kHour, "1h0m0s"},
      {2 * kHour + 45 * kMin + 500 * kMs, "2h45m0.5s"},
      {-2 * kSec, "-2s"},
      {-(kHour + 1 * kNs), "-1h0m0.000000001s"},
      {INT64_MAX, "2562047h47m16.854775807s"},
      {INT64_MIN, "-2562047h47m16.854775808s"},
  };
  for (const auto& [ns, text] : cases) EXPECT_EQ(FormatGoDuration(nanoseconds(ns)), text) << ns;
}

}  // namespace
}  // namespace podstep
