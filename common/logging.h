#pragma once
// Log lines in the Go `log` package's format ("2006/01/02 15:04:05 msg" on
// stderr), because users and tools grep the reference's output. Formatting
// is fmt's; the line goes out in one write(2) (sys/log_line.cpp). No logging
// library: spdlog's sinks and pattern formatter were 100 KB of the static
// binaries and a static constructor on every start.

#include <fmt/format.h>

#include <string_view>
#include <utility>

namespace podstep {

/// Writes "<local date and time> <message>\n" to stderr in one write
/// (retrying short writes and EINTR); a failed write is ignored.
void WriteLogLine(std::string_view message);

template <class... Args>
void LogInfo(fmt::format_string<Args...> format, Args&&... args) {
  WriteLogLine(fmt::format(format, std::forward<Args>(args)...));
}
/// The Go log package has no levels; neither has the output here.
template <class... Args>
void LogWarning(fmt::format_string<Args...> format, Args&&... args) {
  WriteLogLine(fmt::format(format, std::forward<Args>(args)...));
}
template <class... Args>
void LogError(fmt::format_string<Args...> format, Args&&... args) {
  WriteLogLine(fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace podstep
