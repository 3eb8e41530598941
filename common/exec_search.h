#pragma once
// How glibc's posix_spawnp / execvpe find a command, as data: the paths to
// try in order and how each failure is folded into the one error reported.
// The spawn (sys/prepared_spawn) builds the list before the step waits and
// its child only walks it with execve.

#include <cerrno>
#include <string>
#include <string_view>
#include <vector>

namespace podstep {

struct ExecSearch {
  /// Paths to execve in order. A name with a '/' is tried alone; otherwise
  /// one per PATH element, an empty element meaning the current directory.
  std::vector<std::string> candidates;
  /// Set when no execve is to be tried at all: ENOENT for an empty name,
  /// ENAMETOOLONG for a name longer than NAME_MAX (as glibc).
  int immediate_errno = 0;
  /// True when there is more than one place to look: a candidate failing
  /// with a "not here" error moves on to the next (see ExecErrorContinues).
  bool searches_path = false;
};

/// The search for `file` with PATH = `path` (nullptr: unset, glibc's
/// default "/bin:/usr/bin").
ExecSearch BuildExecSearch(std::string_view file, const char* path);

/// glibc's execvpe: after these errors of one PATH candidate the next is
/// tried (EACCES, ENOENT, ESTALE, ENOTDIR, ENODEV, ETIMEDOUT); any other
/// ends the search with that error.
bool ExecErrorContinues(int err);

/// The error a finished search reports: EACCES if any candidate gave it
/// (a file was there but not executable), else the last candidate's error.
inline int FoldExecErrors(bool saw_eacces, int last_errno) {
  return saw_eacces ? EACCES : last_errno;
}

}  // namespace podstep
