#pragma once
// Go's time.ParseDuration, exactly: the controller passes `-timeout` in Go
// syntax ("1h2m3.5s", "300ms", "-1s", "0").

#include <chrono>
#include <string_view>

#include "common/error.h"

namespace podstep {

/// Parses a Go duration. Errors carry Go's text, e.g.
/// `time: invalid duration "abc"`, `time: missing unit in duration "1"`,
/// `time: unknown unit "x" in duration "1x"`.
Result<std::chrono::nanoseconds> ParseGoDuration(std::string_view text);

}  // namespace podstep
