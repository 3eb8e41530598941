#include "common/exec_search.h"

#include <limits.h>

#include <cerrno>

namespace podstep {

ExecSearch BuildExecSearch(std::string_view file, const char* path) {
  ExecSearch search;
  if (file.empty()) {
    search.immediate_errno = ENOENT;
    return search;
  }
  if (file.find('/') != std::string_view::npos) {
    search.candidates.emplace_back(file);
    return search;
  }
  if (file.size() >= NAME_MAX) {
    // glibc counts the terminating NUL against NAME_MAX.
    search.immediate_errno = ENAMETOOLONG;
    return search;
  }
  search.searches_path = true;
  std::string_view rest = path != nullptr ? path : "/bin:/usr/bin";
  for (;;) {
    const size_t colon = rest.find(':');
    std::string_view element = rest.substr(0, colon);
    // An empty element (leading, trailing or doubled ':') is the current
    // directory: the bare name, as glibc builds it.
    search.candidates.push_back(element.empty() ? std::string(file)
                                                : std::string(element) + "/" + std::string(file));
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return search;
}

bool ExecErrorContinues(int err) {
  switch (err) {
    case EACCES:
    case ENOENT:
    case ESTALE:
    case ENOTDIR:
    case ENODEV:
    case ETIMEDOUT:
      return true;
    default:
      return false;
  }
}

}  // namespace podstep
