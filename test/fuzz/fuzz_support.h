#pragma once
// Helpers shared by the libFuzzer targets in this directory (see run.sh).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace podstep::fuzz {

/// The fuzz input as text.
inline std::string_view AsText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// Splits `text` at each `separator` (an input of n separators gives n + 1 parts).
inline std::vector<std::string> SplitInput(std::string_view text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t at; (at = text.find(separator, start)) != std::string_view::npos; start = at + 1) {
    parts.emplace_back(text.substr(start, at - start));
  }
  parts.emplace_back(text.substr(start));
  return parts;
}

/// A violated invariant: prints it and aborts, which libFuzzer reports as a
/// crash and saves the input.
[[noreturn]] inline void InvariantFailed(const char* file, int line, const char* condition,
                                         const std::string& detail) {
  std::fprintf(stderr, "%s:%d: invariant violated: %s\n%s\n", file, line, condition,
               detail.c_str());
  std::abort();
}

}  // namespace podstep::fuzz

/// Checks an invariant of the code under test; `detail` is any std::string.
#define FUZZ_CHECK(condition, detail)                                             \
  do {                                                                            \
    if (!(condition)) {                                                           \
      ::podstep::fuzz::InvariantFailed(__FILE__, __LINE__, #condition, (detail)); \
    }                                                                             \
  } while (false)
