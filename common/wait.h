#pragma once
// Waiting for the previous step's post file (or the Downward-API `ready`
// file): the decision logic only. Where events come from and how files are
// probed are interfaces, so the logic is tested without real files.

#include <chrono>
#include <optional>
#include <string>

namespace podstep {

/// What a stat() of a path found (following symlinks).
struct FileState {
  enum Kind { kMissing, kExists, kError } kind = kMissing;
  long long size = 0;
  int sys_errno = 0;  // for kError
};

/// State of the advisory lock a running entrypoint holds on `<post_file>.lock`.
enum class LockState { kAbsent, kHeld, kFree, kUnknown };

/// Abstract so tests can fake the filesystem.
class FileProbe {
 public:
  virtual ~FileProbe() = default;
  virtual FileState Stat(const std::string& path) = 0;
  virtual LockState ProbeLock(const std::string& lock_path) = 0;
};

/// Abstract source of wake-ups (and of time) while waiting; the real one is
/// inotify on the watched file's directory plus a fallback poll plus the
/// signalfd, on the steady clock.
class WaitEvents {
 public:
  using Clock = std::chrono::steady_clock;
  virtual ~WaitEvents() = default;
  /// Blocks until something under `file`'s directory may have changed, the
  /// poll interval passed or `deadline` (when set) was reached (returns 0),
  /// or a terminating signal arrived (returns its number).
  virtual int Next(const std::string& file, std::optional<Clock::time_point> deadline) = 0;
  /// The clock `deadline` is measured on.
  virtual Clock::time_point Now() = 0;
};

struct WaitOptions {
  bool expect_content = false;
  bool breakpoint_on_failure = false;
};

struct WaitOutcome {
  enum Status {
    kReady,               // the file is there (or the name was empty)
    kPreviousStepFailed,  // `<file>.err` exists
    kPredecessorKilled,   // its entrypoint died without writing either file
    kStatError,           // stat failed with something other than ENOENT
    kInterrupted,         // a terminating signal arrived
  } status = kReady;
  int sys_errno = 0;  // kStatError
  int signal = 0;     // kInterrupted
};

/// Suffix of the lock file a running entrypoint holds next to its post file.
inline constexpr const char* kLockSuffix = ".lock";

/// Checks once, without blocking: the outcome when one is decided, nullopt
/// while the caller must keep waiting. Never returns kInterrupted.
std::optional<WaitOutcome> CheckWaitFile(const std::string& file, const WaitOptions& options,
                                         FileProbe& probe);

/// Waits until `file` exists (with content when asked), a previous step
/// failed, the predecessor died, stat fails, or a signal interrupts.
/// An empty `file` is ready at once.
WaitOutcome WaitForFile(const std::string& file, const WaitOptions& options, FileProbe& probe,
                        WaitEvents& events);

/// Waits at most `bound` until `file` has content: true once it has, false
/// when the bound passed, stat failed or a terminating signal arrived.
/// For files written by `echo N > f`, which the shell creates empty and fills
/// a moment later: a reader woken by the creation must not take the empty
/// file for the final one.
bool WaitForContent(const std::string& file, std::chrono::milliseconds bound, FileProbe& probe,
                    WaitEvents& events);

}  // namespace podstep
