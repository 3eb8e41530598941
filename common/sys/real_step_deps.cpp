#include "common/sys/real_step_deps.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "common/parent_path.h"
#include "common/sys/file_util.h"
#include "common/sys/termination_file.h"
#include "common/termination_message.h"

namespace podstep {

Status RealStepFiles::MakeDirs(const std::string& path) { return podstep::MakeDirs(path); }

Status RealStepFiles::WriteFile(const std::string& path, std::string_view content) {
  return WriteFileCreatingParents(path, content);
}

Result<std::optional<std::string>> RealStepFiles::ReadFile(const std::string& path,
                                                           std::size_t max_bytes) {
  return ReadRegularFileIfExists(path, max_bytes);
}

Status RealStepFiles::WriteTermination(const std::string& path,
                                       const std::vector<RunResult>& entries, bool compress) {
  return WriteTerminationMessage(path, entries, compress);
}

Result<std::string> RealStepFiles::WriteTempExecutable(std::string_view content) {
  const char* tmpdir = std::getenv("TMPDIR");
  std::string path =
      std::string(tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp") + "/script-XXXXXX";
  UniqueFd fd(::mkostemp(path.data(), O_CLOEXEC));
  if (!fd.valid()) return Fail(ErrnoError("create temporary script"));
  if (::fchmod(fd.get(), 0755) != 0 || !WriteAll(fd.get(), content)) {
    return Fail(ErrnoError("write " + path));
  }
  return path;
}

int DescriptorsNeeded(const StepConfig& config) {
  int needed = 5;
  if (!config.stdout_path.empty()) needed += 3;
  if (!config.stderr_path.empty()) needed += 3;
  if (config.hermetic) needed += 4;
  return needed;
}

Status CheckDescriptorHeadroom(int needed) {
  std::vector<UniqueFd> probes;
  probes.reserve(static_cast<std::size_t>(needed));
  // O_PATH on "/" needs no device and no permission.
  probes.emplace_back(::open("/", O_PATH | O_CLOEXEC));
  while (probes.back().valid() && static_cast<int>(probes.size()) < needed) {
    probes.emplace_back(::fcntl(probes.front().get(), F_DUPFD_CLOEXEC, 0));
  }
  if (probes.back().valid()) return {};
  const int err = errno;
  const int free_fds = static_cast<int>(probes.size()) - 1;
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  return Fail("too few file descriptors: " + std::to_string(free_fds) + " free under `ulimit -n " +
                  std::to_string(limit.rlim_cur) + "` (" + GoErrnoText(err) + "), the step needs " +
                  std::to_string(needed) + "; raise `ulimit -n` (RLIMIT_NOFILE)",
              err);
}

Result<UniqueFd> AcquireStepLock(const std::string& post_file) {
  const std::string lock_path = post_file + kLockSuffix;
  std::string temp = lock_path + ".XXXXXX";
  UniqueFd fd(::mkostemp(temp.data(), O_CLOEXEC));
  if (!fd.valid()) {
    // The directory usually exists; made (and the create retried) only when
    // the create failed, which gives the same errors as making it first.
    const std::string parent = ParentPath(lock_path);
    if (!parent.empty()) {
      if (auto made = MakeDirs(parent); !made) return Fail(made.error());
    }
    temp = lock_path + ".XXXXXX";
    fd.Reset(::mkostemp(temp.data(), O_CLOEXEC));
  }
  if (!fd.valid()) return Fail(ErrnoError("create " + temp));
  // Waiters may run as other users: they only need to open it for reading.
  ::fchmod(fd.get(), 0644);
  if (RetryEintr([&] { return ::flock(fd.get(), LOCK_EX); }) != 0 ||
      ::rename(temp.c_str(), lock_path.c_str()) != 0) {
    Error error = ErrnoError("lock " + lock_path);
    ::unlink(temp.c_str());
    return Fail(error);
  }
  return fd;
}

}  // namespace podstep
