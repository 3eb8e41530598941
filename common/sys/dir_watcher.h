#pragma once
// inotify on the directory that holds a path — or, while that directory does
// not exist yet, on its nearest existing ancestor — so a waiter notices a file
// being created, written, or renamed into place (the kubelet's `..data` swap).

#include <optional>
#include <string>
#include <vector>

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

  /// Removes every watch, keeping the instance. The kernel frees them in
  /// the background; closing the instance later then has nothing to wait
  /// for (see LazyDirWatcher). A later WatchParentOf() watches again.
  void RemoveWatches();

  /// Discards queued events; the caller re-checks the files it cares about.
  void Drain();

  [[nodiscard]] int fd() const { return fd_.get(); }

 private:
  explicit DirWatcher(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
  std::string last_watched_;
  std::vector<int> wds_;  // every watch added, for RemoveWatches()
};

/// The process's one inotify instance, opened on first use by whoever
/// waits. Closing an instance that still has watches blocks for an SRCU
/// grace period of the kernel (2-24 ms measured on 6.18; at exit, the
/// process's exit waits for it), while watches removed a few ms before are
/// freed in the background: so the runner removes the wait's watches soon
/// after the command started (RunnerTimings::release_watches_after), through
/// here.
class LazyDirWatcher {
 public:
  /// The watcher, opened now when it is not yet; once opening failed (e.g.
  /// no inotify instance left for this uid), that error every time.
  Result<DirWatcher*> Get();
  /// Opened already (Get() would not open it now).
  [[nodiscard]] bool opened() const { return watcher_.has_value(); }
  /// DirWatcher::RemoveWatches() when opened; nothing otherwise.
  void RemoveWatches() {
    if (watcher_) watcher_->RemoveWatches();
  }

 private:
  std::optional<DirWatcher> watcher_;
  std::optional<Error> error_;
};

}  // namespace podstep
