#pragma once
// Comma-separated flag values (-results a,b; -result-names a,b).

#include <string>
#include <vector>

namespace podstep {

/// Go's `strings.Split(s, ",")`: an empty string gives {""}, as in Go.
inline std::vector<std::string> SplitCommaList(const std::string& list) {
  std::vector<std::string> items;
  size_t start = 0;
  for (;;) {
    size_t comma = list.find(',', start);
    items.push_back(list.substr(start, comma - start));
    if (comma == std::string::npos) return items;
    start = comma + 1;
  }
}

}  // namespace podstep
