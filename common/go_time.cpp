#include "common/go_time.h"

#include <time.h>

#include <cstdio>
#include <cstdlib>

namespace podstep {

std::string FormatGoTimestamp(std::chrono::system_clock::time_point t, long utc_offset_seconds) {
  using namespace std::chrono;
  // floor, not truncation toward zero: times before 1970 must not round up.
  auto ms_total = floor<milliseconds>(t.time_since_epoch()) + seconds(utc_offset_seconds);
  auto secs = floor<seconds>(ms_total);
  auto ms = (ms_total - secs).count();
  time_t shifted = static_cast<time_t>(secs.count());
  struct tm fields {};
  gmtime_r(&shifted, &fields);
  char zone[24] = "Z";
  if (utc_offset_seconds != 0) {
    long minutes = std::labs(utc_offset_seconds) / 60;
    std::snprintf(zone, sizeof zone, "%c%02ld:%02ld", utc_offset_seconds < 0 ? '-' : '+',
                  minutes / 60, minutes % 60);
  }
  char text[96];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03lld%s",
                fields.tm_year + 1900, fields.tm_mon + 1, fields.tm_mday, fields.tm_hour,
                fields.tm_min, fields.tm_sec, static_cast<long long>(ms), zone);
  return text;
}

std::string FormatLocalGoTimestamp(std::chrono::system_clock::time_point t) {
  time_t seconds = std::chrono::system_clock::to_time_t(t);
  struct tm local {};
  localtime_r(&seconds, &local);
  return FormatGoTimestamp(t, local.tm_gmtoff);
}

}  // namespace podstep
