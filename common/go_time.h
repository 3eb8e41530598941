#pragma once
// Timestamps in the layout the controller parses: Go's
// "2006-01-02T15:04:05.000Z07:00" (RFC 3339 with milliseconds).

#include <chrono>
#include <string>

namespace podstep {

/// `t` formatted with Go's layout "2006-01-02T15:04:05.000Z07:00" as seen at
/// UTC offset `utc_offset_seconds`: the wall clock is t + offset, milliseconds
/// are truncated (not rounded), the zone is `Z` for offset 0, else `+hh:mm` /
/// `-hh:mm` from the whole minutes of the offset (as Go). Never fails.
std::string FormatGoTimestamp(std::chrono::system_clock::time_point t, long utc_offset_seconds);

/// `t` in the process's local time zone (TZ, /etc/localtime; UTC when neither
/// is set), like Go's time.Now().Format: the offset is localtime_r's tm_gmtoff.
std::string FormatLocalGoTimestamp(std::chrono::system_clock::time_point t);

}  // namespace podstep
