#include "podsim/sys/pod_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <filesystem>

namespace podstep::podsim {
namespace {

constexpr const char* kPrefix = "podsim-";
constexpr const char* kLockName = "podsim.lock";

void RemoveTree(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

}  // namespace

std::string PodTempRoot(const std::string& configured) {
  if (!configured.empty()) return configured;
  const char* tmp = ::getenv("TMPDIR");
  return tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
}

Result<PodDir> PodDir::Create(const std::string& temp_root, const std::string& pod_name) {
  std::string hint = pod_name.substr(0, 40);
  for (char& c : hint) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) c = '-';
  }
  std::string path = PodTempRoot(temp_root) + "/" + kPrefix + hint + "-XXXXXX";
  if (::mkdtemp(path.data()) == nullptr) {
    return Fail(ErrnoError("make the pod directory " + path + " (set TMPDIR to a writable one)"));
  }
  ::chmod(path.c_str(), 0755);
  // Locked before it gets its name: a sweeper never sees an unlocked
  // podsim.lock of a live run.
  std::string temp_lock = path + "/.lock-XXXXXX";
  UniqueFd lock(::mkostemp(temp_lock.data(), O_CLOEXEC));
  if (!lock.valid() || ::flock(lock.get(), LOCK_EX) != 0 ||
      ::rename(temp_lock.c_str(), (path + "/" + kLockName).c_str()) != 0) {
    Error error = ErrnoError("lock the pod directory " + path);
    RemoveTree(path);
    return Fail(error);
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  (void)!::write(lock.get(), pid.data(), pid.size());
  return PodDir(std::move(path), std::move(lock));
}

PodDir::~PodDir() {
  if (!path_.empty()) RemoveTree(path_);
}

Result<PrivateTmpfs> PrivateTmpfs::Mount(const std::string& dir, const std::string& options) {
  if (::unshare(CLONE_NEWNS) != 0) return Fail(ErrnoError("make podsim's mount namespace"));
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) != 0) {
    return Fail(ErrnoError("make podsim's mounts slaves of the host's"));
  }
  // As /proc/self/mountinfo names it, where podsim looks for it.
  char resolved[PATH_MAX];
  if (::realpath(dir.c_str(), resolved) == nullptr) return Fail(ErrnoError("resolve " + dir));
  if (::mount("tmpfs", resolved, "tmpfs", 0, options.c_str()) != 0) {
    return Fail(ErrnoError("mount a tmpfs on " + dir));
  }
  return PrivateTmpfs(resolved);
}

PrivateTmpfs::~PrivateTmpfs() {
  if (!dir_.empty()) ::umount2(dir_.c_str(), MNT_DETACH);
}

int SweepStalePodDirs(const std::string& temp_root) {
  const std::string root = PodTempRoot(temp_root);
  DIR* dir = ::opendir(root.c_str());
  if (dir == nullptr) return 0;
  int swept = 0;
  while (dirent* e = ::readdir(dir)) {
    const std::string name = e->d_name;
    if (!name.starts_with(kPrefix)) continue;
    const std::string path = root + "/" + name;
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::geteuid()) {
      continue;
    }
    UniqueFd lock(::open((path + "/" + kLockName).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!lock.valid() || ::flock(lock.get(), LOCK_EX | LOCK_NB) != 0) continue;
    RemoveTree(path);
    ++swept;
  }
  ::closedir(dir);
  return swept;
}

}  // namespace podstep::podsim
