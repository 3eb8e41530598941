#pragma once
// inotify on the directory that holds a path — or, while that directory does
// not exist yet, on its nearest existing ancestor — so a waiter notices a file
// being created, written, or renamed into place (the kubelet's `..data` swap).

#include <string>

#include "common/error.h"
#include "common/sys/unique_fd.h"

namespace podstep {

class DirWatcher {
 public:
  /// Opens a non-blocking, close-on-exec inotify instance.
  static Result<DirWatcher> Open();

  /// Watches the directory holding `path` (or its nearest existing ancestor).
  /// Returns true when this call started watching a directory not watched
  /// before: the caller must then check again before blocking, because a
  /// change may have happened before the watch existed.
  bool WatchParentOf(const std::string& path);

  /// Discards queued events; the caller re-checks the files it cares about.
  void Drain();

  [[nodiscard]] int fd() const { return fd_.get(); }

 private:
  explicit DirWatcher(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
  std::string last_watched_;
};

}  // namespace podstep
