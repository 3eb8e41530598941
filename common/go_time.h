#pragma once
// Timestamps in the layout the controller parses: Go's
// "2006-01-02T15:04:05.000Z07:00" (RFC 3339 with milliseconds).

#include <chrono>
#include <string>

namespace podstep {

/// `t` shown at UTC offset `utc_offset_seconds`: milliseconds truncated, `Z`
/// for offset 0, else `+hh:mm` / `-hh:mm`.
std::string FormatGoTimestamp(std::chrono::system_clock::time_point t, long utc_offset_seconds);

/// `t` in local time (Go's time.Now() is local; containers usually run in UTC).
std::string FormatLocalGoTimestamp(std::chrono::system_clock::time_point t);

}  // namespace podstep
