#include "common/parent_path.h"

namespace podstep {

std::string ParentPath(std::string_view path) {
  if (!HasRelativePath(path)) return std::string(path);
  // A trailing slash ends the path with an empty file name: the parent is
  // everything before it ("a/b//" → "a/b").
  if (path.back() == '/') return std::string(path.substr(0, path.find_last_not_of('/') + 1));
  const size_t last_slash = path.rfind('/');
  if (last_slash == std::string_view::npos) return "";
  const size_t parent_end = path.find_last_not_of('/', last_slash);
  // Only the root before the file name ("/a", "//a"): the root directory.
  if (parent_end == std::string_view::npos) return "/";
  return std::string(path.substr(0, parent_end + 1));
}

}  // namespace podstep
