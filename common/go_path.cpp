#include "common/go_path.h"

#include <vector>

namespace podstep {

std::string GoCleanPath(std::string_view path) {
  if (path.empty()) return ".";
  const bool rooted = path.front() == '/';
  std::vector<std::string_view> elements;
  size_t leading_dotdots = 0;  // `..` a relative path cannot remove
  size_t i = 0;
  while (i < path.size()) {
    size_t end = path.find('/', i);
    if (end == std::string_view::npos) end = path.size();
    std::string_view element = path.substr(i, end - i);
    i = end + 1;
    if (element.empty() || element == ".") continue;
    if (element == "..") {
      if (elements.size() > leading_dotdots) {
        elements.pop_back();
      } else if (!rooted) {
        elements.push_back(element);
        ++leading_dotdots;
      }
      continue;
    }
    elements.push_back(element);
  }
  std::string cleaned = rooted ? "/" : "";
  for (size_t j = 0; j < elements.size(); ++j) {
    if (j > 0) cleaned += '/';
    cleaned += elements[j];
  }
  return cleaned.empty() ? "." : cleaned;
}

}  // namespace podstep
