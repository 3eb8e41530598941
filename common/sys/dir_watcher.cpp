#include "common/sys/dir_watcher.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <string>

#include "common/parent_path.h"

namespace podstep {

Result<DirWatcher> DirWatcher::Open() {
  UniqueFd fd(inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  if (!fd.valid()) return Fail(ErrnoError("inotify_init1"));
  return DirWatcher(std::move(fd));
}

bool DirWatcher::WatchParentOf(const std::string& path) {
  // IN_CLOSE_WRITE also reports a dead entrypoint's lock fd being closed by
  // the kernel; IN_MOVED_TO the atomic `..data` symlink rename.
  constexpr uint32_t kMask = IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB |
                             IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;
  std::string dir = ParentPath(path);
  if (dir.empty()) dir = ".";
  for (;;) {
    if (inotify_add_watch(fd_.get(), dir.c_str(), kMask) >= 0) break;
    // ENOENT/ENOTDIR: not there yet, watch where it will be created. Other
    // errors (EACCES, ENOSPC for watches) leave only the fallback poll.
    if ((errno != ENOENT && errno != ENOTDIR) || !HasRelativePath(dir)) return false;
    dir = ParentPath(dir);
  }
  if (dir == last_watched_) return false;
  last_watched_ = dir;
  return true;
}

void DirWatcher::Drain() {
  alignas(inotify_event) char buffer[4096];
  while (RetryEintr([&] { return ::read(fd_.get(), buffer, sizeof buffer); }) > 0) {
  }
}

}  // namespace podstep
