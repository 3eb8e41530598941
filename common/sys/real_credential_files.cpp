#include "common/sys/real_credential_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>

#include "common/go_quote.h"
#include "common/sys/file_util.h"
#include "common/sys/unique_fd.h"

namespace podstep {
namespace {

Status WriteWithFlags(const std::string& path, std::string_view content, int flags) {
  UniqueFd fd(RetryEintr(
      [&] { return ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0600); }));
  if (!fd.valid()) return Fail(ErrnoError("open " + path));
  if (!WriteAll(fd.get(), content)) return Fail(ErrnoError("write " + path));
  return {};
}

// Tekton's tryCopyCred, with its error texts: a missing source is no error.
Status CopyCredential(const std::string& source, const std::string& destination) {
  struct stat info {};
  if (::lstat(source.c_str(), &info) != 0) {
    if (errno == ENOENT) return {};
    return Fail(ErrnoError("lstat " + source).Wrap("unable to read source file info"));
  }
  UniqueFd from(RetryEintr(
      [&] { return ::open(source.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY); }));
  if (!from.valid()) {
    if (errno == ENOENT) return {};
    return Fail(ErrnoError("open " + source).Wrap("unable to open source"));
  }
  if (S_ISDIR(info.st_mode)) {
    if (auto made = MakeDirs(destination, 0700); !made) {
      return Fail(made.error().Wrap("unable to create destination directory"));
    }
    std::unique_ptr<DIR, int (*)(DIR*)> dir(::fdopendir(from.get()), &::closedir);
    if (!dir) return Fail(ErrnoError("readdirent " + source).Wrap("unable to read subdirectories of source"));
    (void)from.Release();  // owned by `dir` now
    while (dirent* entry = ::readdir(dir.get())) {
      std::string name = entry->d_name;
      if (name == "." || name == "..") continue;
      if (auto copied = CopyCredential(source + "/" + name, destination + "/" + name); !copied) {
        return copied;
      }
    }
    return {};
  }
  struct stat target {};
  if (::fstat(from.get(), &target) != 0 || !S_ISREG(target.st_mode)) {
    return Fail("error copying from source to destination: read " + source +
                (S_ISDIR(target.st_mode) ? ": is a directory" : ": not a regular file"));
  }
  UniqueFd to(RetryEintr([&] {
    return ::open(destination.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  }));
  if (!to.valid()) return Fail(ErrnoError("open " + destination).Wrap("unable to open destination"));
  char buffer[65536];
  for (;;) {
    ssize_t n = RetryEintr([&] { return ::read(from.get(), buffer, sizeof buffer); });
    if (n < 0) {
      return Fail(ErrnoError("read " + source).Wrap("error copying from source to destination"));
    }
    if (n == 0) return {};
    if (!WriteAll(to.get(), {buffer, static_cast<size_t>(n)})) {
      return Fail(
          ErrnoError("write " + destination).Wrap("error copying from source to destination"));
    }
  }
}

}  // namespace

Result<std::string> RealCredentialFiles::ReadSecret(const std::string& path) {
  auto content = ReadRegularFileIfExists(path, kMaxSecretBytes);
  if (!content) return Fail(content.error());
  if (!*content) return Fail(ErrnoError("open " + path, ENOENT));
  return std::move(**content);
}

Status RealCredentialFiles::MakeDirs(const std::string& path) { return podstep::MakeDirs(path); }

Status RealCredentialFiles::WriteFile(const std::string& path, std::string_view content) {
  return WriteWithFlags(path, content, O_TRUNC);
}

Status RealCredentialFiles::AppendFile(const std::string& path, std::string_view content) {
  return WriteWithFlags(path, content, O_APPEND);
}

std::vector<std::string> CopyCredsToHome(const std::string& creds_dir, const std::string& home,
                                         const std::vector<std::string>& names) {
  struct stat info {};
  if (::stat(creds_dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) return {};
  if (home.empty()) {
    return {"non-fatal error copying credentials: " +
            GoQuote("error getting the user's home directory: $HOME is not defined")};
  }
  std::vector<std::string> warnings;
  for (const std::string& name : names) {
    if (auto copied = CopyCredential(creds_dir + "/" + name, home + "/" + name); !copied) {
      warnings.push_back("warning: unsuccessful cred copy: " + GoQuote(name) + " from " +
                         GoQuote(creds_dir) + " to " + GoQuote(home) + ": " +
                         copied.error().message);
    }
  }
  return warnings;
}

}  // namespace podstep
