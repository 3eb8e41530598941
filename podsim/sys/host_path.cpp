#include "podsim/sys/host_path.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/sys/file_util.h"
#include "common/sys/unique_fd.h"

namespace podstep::podsim {

HostFileKind StatHostFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return HostFileKind::kMissing;
  if (S_ISDIR(st.st_mode)) return HostFileKind::kDirectory;
  if (S_ISREG(st.st_mode)) return HostFileKind::kFile;
  if (S_ISSOCK(st.st_mode)) return HostFileKind::kSocket;
  if (S_ISCHR(st.st_mode)) return HostFileKind::kCharDevice;
  if (S_ISBLK(st.st_mode)) return HostFileKind::kBlockDevice;
  return HostFileKind::kOther;
}

Status PrepareHostPath(const std::string& path, const std::string& type) {
  auto action = CheckHostPathType(path, type, StatHostFile(path));
  if (!action) return Fail(action.error());
  switch (*action) {
    case HostPathAction::kUse:
      return {};
    case HostPathAction::kCreateDirectory:
      return MakeDirs(path, 0755);
    case HostPathAction::kCreateFile: {
      UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
      if (!fd.valid()) return Fail(ErrnoError("create hostPath file " + path));
      return {};
    }
  }
  return {};
}

}  // namespace podstep::podsim
