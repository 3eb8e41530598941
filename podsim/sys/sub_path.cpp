#include "podsim/sys/sub_path.h"

#include <fcntl.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif

namespace podstep::podsim {
namespace {

int OpenBeneath(int root, const std::string& path) {
  open_how how{};
  how.flags = O_PATH | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  return static_cast<int>(
      RetryEintr([&] { return ::syscall(SYS_openat2, root, path.c_str(), &how, sizeof how); }));
}

}  // namespace

Result<OpenedSubPath> OpenSubPath(const std::string& volume_dir, const std::string& sub_path) {
  const std::string context = "subPath " + sub_path;
  UniqueFd root(::open(volume_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root.valid()) return Fail(ErrnoError(context + ": open the volume"));
  struct stat root_stat {};
  if (::fstat(root.get(), &root_stat) != 0) return Fail(ErrnoError(context + ": stat the volume"));
  // Walk the prefixes, each resolved from the volume's root, making what is missing.
  std::string prefix;
  UniqueFd fd;
  for (size_t start = 0; start < sub_path.size();) {
    size_t end = sub_path.find('/', start);
    if (end == std::string::npos) end = sub_path.size();
    const std::string element = sub_path.substr(start, end - start);
    start = end + 1;
    if (element.empty() || element == ".") continue;
    const std::string parent = prefix.empty() ? "." : prefix;
    prefix += (prefix.empty() ? "" : "/") + element;
    fd.Reset(OpenBeneath(root.get(), prefix));
    if (fd.valid()) continue;
    if (errno == EXDEV || errno == ELOOP) return Fail(context + ": resolves outside the volume");
    if (errno != ENOENT) return Fail(ErrnoError(context + ": open " + prefix));
    UniqueFd parent_fd(OpenBeneath(root.get(), parent));
    if (!parent_fd.valid()) return Fail(ErrnoError(context + ": open " + parent));
    // mkdirat needs a real directory fd, not O_PATH: reopen it through the fd.
    UniqueFd dir(::openat(parent_fd.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir.valid()) return Fail(ErrnoError(context + ": open " + parent));
    if (::mkdirat(dir.get(), element.c_str(), root_stat.st_mode & 07777) != 0 && errno != EEXIST) {
      return Fail(ErrnoError(context + ": mkdir " + prefix));
    }
    // mkdirat applies the umask; the kubelet gives the volume's own mode.
    UniqueFd made(
        ::openat(dir.get(), element.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (made.valid()) ::fchmod(made.get(), root_stat.st_mode & 07777);
    fd.Reset(OpenBeneath(root.get(), prefix));
    if (!fd.valid()) return Fail(ErrnoError(context + ": open " + prefix));
  }
  if (!fd.valid()) return Fail(context + ": names the volume itself");
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Fail(ErrnoError(context + ": stat"));
  OpenedSubPath opened;
  opened.is_directory = S_ISDIR(st.st_mode);
  char path[4096];
  const std::string self = "/proc/self/fd/" + std::to_string(fd.get());
  const ssize_t n = ::readlink(self.c_str(), path, sizeof path);
  if (n <= 0 || static_cast<size_t>(n) >= sizeof path) {
    return Fail(ErrnoError(context + ": readlink " + self));
  }
  opened.path.assign(path, static_cast<size_t>(n));
  opened.tree.Reset(static_cast<int>(
      ::syscall(SYS_open_tree, fd.get(), "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH)));
  if (!opened.tree.valid() && errno != EPERM) {
    return Fail(ErrnoError(context + ": clone the mount of " + opened.path));
  }
  return opened;
}

}  // namespace podstep::podsim
