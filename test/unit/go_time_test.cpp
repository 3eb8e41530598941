#include "common/go_time.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <time.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace podstep {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

system_clock::time_point At(year_month_day date, nanoseconds time_of_day) {
  return system_clock::time_point(
      duration_cast<system_clock::duration>(sys_days{date}.time_since_epoch() + time_of_day));
}

struct TimeCase {
  system_clock::time_point t;
  long offset;
  std::string expected;
};

TEST(GoTimeTest, Table) {
  const auto t = At(2024y / 1 / 2, 3h + 4min + 5s + 678901234ns);
  const std::vector<TimeCase> cases = {
      {t, 0, "2024-01-02T03:04:05.678Z"},
      {At(1970y / 1 / 1, 0ns), 0, "1970-01-01T00:00:00.000Z"},
      {At(2024y / 1 / 2, 3h + 4min + 5s + 999999999ns), 0, "2024-01-02T03:04:05.999Z"},
      {At(2024y / 1 / 2, 3h + 4min + 5s + 999999ns), 0, "2024-01-02T03:04:05.000Z"},
      {t, 3600, "2024-01-02T04:04:05.678+01:00"},
      {t, -5 * 3600, "2024-01-01T22:04:05.678-05:00"},
      {t, 5 * 3600 + 1800, "2024-01-02T08:34:05.678+05:30"},
      {t, 5 * 3600 + 2700, "2024-01-02T08:49:05.678+05:45"},
      {t, -(9 * 3600 + 1800), "2024-01-01T17:34:05.678-09:30"},
      {t, 14 * 3600, "2024-01-02T17:04:05.678+14:00"},
      // Go drops the seconds of an offset and signs it by its whole minutes.
      {t, 3600 + 59, "2024-01-02T04:05:04.678+01:00"},
      {t, -30, "2024-01-02T03:03:35.678+00:00"},
      {t, -90, "2024-01-02T03:02:35.678-00:01"},
      {At(2023y / 12 / 31, 23h + 59min + 59s + 999ms), 60, "2024-01-01T00:00:59.999+00:01"},
      {At(2024y / 2 / 28, 23h + 30min), 3600, "2024-02-29T00:30:00.000+01:00"},
      {At(2100y / 2 / 28, 23h + 30min), 3600, "2100-03-01T00:30:00.000+01:00"},
      // Before 1970 milliseconds still count up within the second.
      {At(1969y / 12 / 31, 23h + 59min + 59s + 500ms), 0, "1969-12-31T23:59:59.500Z"},
      {At(1969y / 12 / 31, 23h + 59min + 59s + 999999ns), 0, "1969-12-31T23:59:59.000Z"},
      {At(1900y / 3 / 4, 5h + 6min + 7s + 8ms), 0, "1900-03-04T05:06:07.008Z"},
      {At(2262y / 4 / 11, 0ns), 0, "2262-04-11T00:00:00.000Z"},
  };
  for (const TimeCase& c : cases) {
    EXPECT_EQ(FormatGoTimestamp(c.t, c.offset), c.expected) << "offset " << c.offset;
  }
}

// Sets TZ for one test and puts the old value back.
class ScopedTz {
 public:
  explicit ScopedTz(const char* value) {
    if (const char* old = getenv("TZ")) old_ = old;
    setenv("TZ", value, 1);
    tzset();
  }
  ~ScopedTz() {
    if (old_) {
      setenv("TZ", old_->c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }

 private:
  std::optional<std::string> old_;
};

TEST(GoTimeTest, LocalUsesTheProcessTimeZone) {
  const auto t = At(2024y / 7 / 2, 3h + 4min + 5s + 678901234ns);
  {
    ScopedTz tz("UTC0");
    EXPECT_EQ(FormatLocalGoTimestamp(t), "2024-07-02T03:04:05.678Z");
  }
  {
    // POSIX TZ strings count west-positive: "IST-5:30" is UTC+05:30.
    ScopedTz tz("IST-5:30");
    EXPECT_EQ(FormatLocalGoTimestamp(t), "2024-07-02T08:34:05.678+05:30");
  }
  {
    // Daylight saving in July: UTC-4.
    ScopedTz tz("EST5EDT,M3.2.0,M11.1.0");
    EXPECT_EQ(FormatLocalGoTimestamp(t), "2024-07-01T23:04:05.678-04:00");
    EXPECT_EQ(FormatLocalGoTimestamp(At(2024y / 1 / 2, 3h)), "2024-01-01T22:00:00.000-05:00");
  }
}

TEST(GoTimeTest, NowHasTheLayoutShape) {
  ScopedTz tz("UTC0");
  const std::string now = FormatLocalGoTimestamp(system_clock::now());
  ASSERT_EQ(now.size(), 24u) << now;
  EXPECT_EQ(now[4], '-');
  EXPECT_EQ(now[10], 'T');
  EXPECT_EQ(now[19], '.');
  EXPECT_EQ(now.back(), 'Z');
}

}  // namespace
}  // namespace podstep
