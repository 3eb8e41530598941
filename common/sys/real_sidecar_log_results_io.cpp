#include "common/sys/real_sidecar_log_results_io.h"

#include <dirent.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>

#include "common/sys/file_util.h"

namespace podstep {

Result<std::vector<std::string>> RealSidecarLogResultsIo::ListDir(const std::string& dir) {
  std::unique_ptr<DIR, int (*)(DIR*)> handle(::opendir(dir.c_str()), &::closedir);
  if (!handle) return Fail(ErrnoError("open " + dir));
  std::vector<std::string> names;
  errno = 0;
  while (dirent* entry = ::readdir(handle.get())) {
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  if (errno != 0) return Fail(ErrnoError("readdirent " + dir));
  return names;
}

WaitOutcome RealSidecarLogResultsIo::WaitForStep(const std::string& out_file) {
  return WaitForFile(out_file, {}, probe_, events_);
}

Result<std::optional<std::string>> RealSidecarLogResultsIo::ReadRegularFile(const std::string& path,
                                                                            size_t max_bytes) {
  return ReadRegularFileIfExists(path, max_bytes);
}

Result<bool> RealSidecarLogResultsIo::IsFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return !S_ISDIR(st.st_mode);
  if (errno == ENOENT) return false;
  return Fail("error checking for file existence " + ErrnoError("stat " + path).message);
}

Status RealSidecarLogResultsIo::Print(std::string_view line) {
  if (!WriteAll(STDOUT_FILENO, line)) return Fail(ErrnoError("write /dev/stdout"));
  return {};
}

int RealSidecarLogResultsIo::AwaitTermination() {
  for (;;) {
    pollfd pfd{signals_.fd(), POLLIN, 0};
    if (RetryEintr([&] { return ::poll(&pfd, 1, -1); }) < 0) return 1;
    while (auto signo = signals_.TakePending()) {
      if (*signo == SIGTERM || *signo == SIGINT) return 0;
      if (IsTerminatingSignal(*signo)) return 128 + *signo;
    }
  }
}

}  // namespace podstep
