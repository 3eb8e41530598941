#include "common/sys/subcommand_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>


#include "common/parent_path.h"
#include "common/sys/file_util.h"
#include "common/sys/unique_fd.h"

namespace podstep {
namespace {

constexpr mode_t kNewBinaryMode = 0311;

// copy_file_range keeps the bytes in the kernel; fall back to read/write
// across filesystems that do not support it.
Status CopyContents(int from, int to, const std::string& src) {
  for (;;) {
    ssize_t n =
        RetryEintr([&] { return ::copy_file_range(from, nullptr, to, nullptr, 1 << 30, 0); });
    if (n == 0) return {};
    if (n > 0) continue;
    if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) {
      return Fail(ErrnoError("copy " + src));
    }
    break;
  }
  char buffer[65536];
  for (;;) {
    ssize_t n = RetryEintr([&] { return ::read(from, buffer, sizeof buffer); });
    if (n < 0) return Fail(ErrnoError("read " + src));
    if (n == 0) return {};
    if (!WriteAll(to, std::string_view(buffer, static_cast<size_t>(n)))) {
      return Fail(ErrnoError("write"));
    }
  }
}

}  // namespace

Status CopyFileAtomically(const std::string& src, const std::string& dst) {
  UniqueFd from(RetryEintr([&] { return ::open(src.c_str(), O_RDONLY | O_CLOEXEC); }));
  if (!from.valid()) return Fail(ErrnoError("open " + src));

  // lstat: an existing regular file keeps its mode; anything else at `dst`
  // (a symlink among them, which the rename replaces, not its target) is a
  // new file, 0311 before umask as the reference creates it.
  struct stat existing {};
  mode_t mode = kNewBinaryMode;
  if (::lstat(dst.c_str(), &existing) == 0 && S_ISREG(existing.st_mode)) {
    mode = existing.st_mode & 07777;
  } else {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    mode &= ~mask;
  }
  // A short hidden name in the same directory (rename must not cross
  // filesystems): a suffix on `dst` itself failed for names near NAME_MAX.
  std::string dir = ParentPath(dst);
  std::string temp = (dir.empty() ? std::string(".") : dir) + "/.cp-XXXXXX";
  UniqueFd to(::mkostemp(temp.data(), O_CLOEXEC));
  if (!to.valid()) return Fail(ErrnoError("open " + dst));
  auto discard = [&](Error error) {
    ::unlink(temp.c_str());
    return Fail(std::move(error));
  };
  if (auto copied = CopyContents(from.get(), to.get(), src); !copied)
    return discard(copied.error());
  if (::fchmod(to.get(), mode) != 0) return discard(ErrnoError("chmod " + dst));
  if (::rename(temp.c_str(), dst.c_str()) != 0) return discard(ErrnoError("rename into " + dst));
  return {};
}

Status MakeSymlinkUnlessPresent(const std::string& target, const std::string& link) {
  if (::symlink(target.c_str(), link.c_str()) != 0 && errno != EEXIST) {
    return Fail(ErrnoError("symlink " + target + " " + link));
  }
  return {};
}

Status OverwriteFile(const std::string& path, std::string_view content) {
  UniqueFd fd(RetryEintr([&] { return ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC); }));
  if (!fd.valid()) return Fail(ErrnoError("open " + path));
  if (!WriteAll(fd.get(), content)) return Fail(ErrnoError("write " + path));
  return {};
}

}  // namespace podstep
