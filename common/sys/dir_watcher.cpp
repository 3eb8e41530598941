#include "common/sys/dir_watcher.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <string>

#include "common/parent_path.h"

namespace podstep {

Result<DirWatcher> DirWatcher::Open() {
  UniqueFd fd(inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  if (!fd.valid()) return Fail(ErrnoError("inotify_init1"));
  return DirWatcher(std::move(fd));
}

namespace {
// IN_CLOSE_WRITE also reports a dead entrypoint's lock fd being closed by
// the kernel; IN_MOVED_TO the atomic `..data` symlink rename.
constexpr uint32_t kWatchMask = IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB |
                                IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;
}  // namespace

bool DirWatcher::WatchParentOf(const std::string& path) {
  std::string dir = ParentPath(path);
  if (dir.empty()) dir = ".";
  int wd = -1;
  for (;;) {
    wd = inotify_add_watch(fd_.get(), dir.c_str(), kWatchMask);
    if (wd >= 0) break;
    // ENOENT/ENOTDIR: not there yet, watch where it will be created. Other
    // errors (EACCES, ENOSPC for watches) leave only the fallback poll.
    if ((errno != ENOENT && errno != ENOTDIR) || !HasRelativePath(dir)) return false;
    dir = ParentPath(dir);
  }
  if (std::find(wds_.begin(), wds_.end(), wd) == wds_.end()) wds_.push_back(wd);
  if (dir == last_watched_) return false;
  last_watched_ = dir;
  return true;
}

void DirWatcher::RemoveWatches() {
  for (int wd : wds_) inotify_rm_watch(fd_.get(), wd);
  wds_.clear();
  last_watched_.clear();
}

Result<DirWatcher*> LazyDirWatcher::Get() {
  if (watcher_) return &*watcher_;
  if (error_) return Fail(*error_);
  auto opened = DirWatcher::Open();
  if (!opened) {
    error_ = opened.error();
    return Fail(opened.error());
  }
  return &watcher_.emplace(std::move(*opened));
}

void DirWatcher::Drain() {
  alignas(inotify_event) char buffer[4096];
  while (RetryEintr([&] { return ::read(fd_.get(), buffer, sizeof buffer); }) > 0) {
  }
}

}  // namespace podstep
