#pragma once
// Go's time.ParseDuration and Duration.String(), exactly: the controller
// passes `-timeout` in Go syntax ("1h2m3.5s", "300ms", "-1s", "0") and
// writes durations in its messages the way String() prints them.

#include <chrono>
#include <string>
#include <string_view>

#include "common/error.h"

namespace podstep {

/// Parses a Go duration. Errors carry Go's text, e.g.
/// `time: invalid duration "abc"`, `time: missing unit in duration "1"`,
/// `time: unknown unit "x" in duration "1x"`.
Result<std::chrono::nanoseconds> ParseGoDuration(std::string_view text);

/// Go's time.Duration.String(): "1h0m0s", "1m30s", "1.5s", "300ms",
/// "1.2\u00b5s", "12ns", "0s"; negative durations get a leading "-".
std::string FormatGoDuration(std::chrono::nanoseconds d);

}  // namespace podstep
