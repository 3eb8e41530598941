#pragma once
// Go's path/filepath lexical helpers on Unix, where the reference decides
// something from a path's text.

#include <string>
#include <string_view>

namespace podstep {

/// Go's filepath.Clean: the shortest path naming the same file by lexical
/// processing alone — repeated slashes become one, `.` elements go, `..`
/// removes the element before it (at the root it is dropped), no trailing
/// slash; "" becomes ".". Symlinks are not looked at.
std::string GoCleanPath(std::string_view path);

}  // namespace podstep
