#include "common/go_time.h"

#include <time.h>

#include <cstdio>
#include <cstdlib>

namespace podstep {

std::string FormatGoTimestamp(std::chrono::system_clock::time_point t, long utc_offset_seconds) {
  using namespace std::chrono;
  // floor, not truncation toward zero: before 1970 the shown second must not round up.
  const milliseconds wall = floor<milliseconds>(t.time_since_epoch()) + seconds(utc_offset_seconds);
  const days day = floor<days>(wall);
  const year_month_day date{sys_days{day}};
  const long long ms_of_day = (wall - day).count();
  char zone[32] = "Z";
  if (utc_offset_seconds != 0) {
    // Go signs the zone by whole minutes: an offset of -30 s prints "+00:00".
    const long minutes = utc_offset_seconds / 60;
    std::snprintf(zone, sizeof zone, "%c%02ld:%02ld", minutes < 0 ? '-' : '+',
                  std::labs(minutes) / 60, std::labs(minutes) % 60);
  }
  const int year = static_cast<int>(date.year());
  char text[96];
  std::snprintf(text, sizeof text, "%s%04d-%02u-%02uT%02lld:%02lld:%02lld.%03lld%s",
                year < 0 ? "-" : "", std::abs(year), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), ms_of_day / 3600000, ms_of_day / 60000 % 60,
                ms_of_day / 1000 % 60, ms_of_day % 1000, zone);
  return text;
}

std::string FormatLocalGoTimestamp(std::chrono::system_clock::time_point t) {
  const time_t seconds =
      static_cast<time_t>(std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count());
  struct tm local {};
  if (localtime_r(&seconds, &local) == nullptr) return FormatGoTimestamp(t, 0);
  return FormatGoTimestamp(t, local.tm_gmtoff);
}

}  // namespace podstep
