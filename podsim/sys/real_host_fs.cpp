#include "podsim/sys/real_host_fs.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "common/sys/file_util.h"

namespace podstep::podsim {
namespace {

std::string Join(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

}  // namespace

std::vector<HostFs::Entry> RealHostFs::List(const std::string& dir) {
  std::vector<Entry> out;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    const std::string path = Join(dir, name);
    Entry entry{name, TypeOf(path), ""};
    if (entry.type == Type::kSymlink) {
      char buffer[4096];
      ssize_t n = ::readlink(path.c_str(), buffer, sizeof buffer);
      if (n <= 0) continue;
      entry.link_target.assign(buffer, static_cast<size_t>(n));
    }
    out.push_back(std::move(entry));
  }
  ::closedir(d);
  std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
  return out;
}

HostFs::Type RealHostFs::TypeOf(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return Type::kMissing;
  if (S_ISDIR(st.st_mode)) return Type::kDirectory;
  if (S_ISLNK(st.st_mode)) return Type::kSymlink;
  return Type::kOther;
}

std::vector<HostMount> RealHostFs::Mounts() {
  auto text = ReadFileIfExists("/proc/self/mountinfo");
  if (!text || !*text) return {};
  return ParseMountInfo(**text);
}

}  // namespace podstep::podsim
