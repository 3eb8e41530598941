#pragma once
// Log lines in the Go `log` package's format ("2006/01/02 15:04:05 msg" on
// stderr), because users and tools grep the reference's output.

#include <spdlog/spdlog.h>

#include <string_view>

namespace podstep {

/// The process-wide logger writing to stderr.
spdlog::logger& Logger();

template <class... Args>
void LogInfo(fmt::format_string<Args...> format, Args&&... args) {
  Logger().info(format, std::forward<Args>(args)...);
}
template <class... Args>
void LogWarning(fmt::format_string<Args...> format, Args&&... args) {
  Logger().warn(format, std::forward<Args>(args)...);
}
template <class... Args>
void LogError(fmt::format_string<Args...> format, Args&&... args) {
  Logger().error(format, std::forward<Args>(args)...);
}

}  // namespace podstep
