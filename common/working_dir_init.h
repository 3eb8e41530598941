#pragma once
// The `workingdirinit` binary's logic (CONTRACT.md §10): the controller runs
// it as an init container with every step's `workingDir` as arguments, so the
// directories exist (owned by the pod's user) before the steps start.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace podstep {

/// Directory creation; abstract so tests can fake it.
class DirMaker {
 public:
  virtual ~DirMaker() = default;
  /// Go's os.MkdirAll(path, 0755): existing directories are fine; the error
  /// is Go's ("mkdir /workspace/a: permission denied").
  virtual Status MakeDirs(const std::string& path) = 0;
};

/// The directory to create for one argument, as the reference decides: the
/// argument after filepath.Clean when that is relative (created under the
/// working directory) or strictly inside `/workspace/`; nullopt (ignored)
/// for any other absolute path, `/workspace` itself included.
std::optional<std::string> WorkingDirToCreate(std::string_view arg);

/// Creates each argument's directory in order and returns the exit code:
/// 0, or 1 after logging `Failed to mkdir "<dir>": <error>` for the first
/// failure (later arguments are not tried, as with the reference's log.Fatalf).
int RunWorkingDirInit(const std::vector<std::string>& args, DirMaker& maker);

}  // namespace podstep
