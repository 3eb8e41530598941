#pragma once
// argv/envp for execve and posix_spawn: pointers into `strings`, ending in
// nullptr. Built before a fork/clone, as the child must not allocate; the
// strings must outlive the array.

#include <string>
#include <vector>

namespace podstep {

inline std::vector<char*> ExecArray(const std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (const std::string& s : strings) pointers.push_back(const_cast<char*>(s.c_str()));
  pointers.push_back(nullptr);
  return pointers;
}

}  // namespace podstep
