#pragma once
// The directory part of a path, as std::filesystem::path::parent_path()
// gives it on POSIX — without std::filesystem, whose path conversions link
// the whole C++ locale (iostreams, every facet, glibc's iconv and gettext:
// ~0.5 MB) into the static binaries.

#include <string>
#include <string_view>

namespace podstep {

/// std::filesystem::path(path).parent_path(): "a/b" → "a", "a/b/" → "a/b",
/// "/a" → "/", "a" → "", and a path of slashes only (or "") unchanged.
std::string ParentPath(std::string_view path);

/// std::filesystem::path(path).has_relative_path(): the path has a
/// character that is not a slash.
inline bool HasRelativePath(std::string_view path) {
  return path.find_first_not_of('/') != std::string_view::npos;
}

}  // namespace podstep
