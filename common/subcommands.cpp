#include "common/subcommands.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "common/base64.h"
#include "common/file_names.h"
#include "common/step.h"
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
  std::string dir = std::filesystem::path(dst).parent_path().string();
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

Status InitStepLinks(const std::vector<std::string>& step_names, const TektonPaths& paths) {
  for (const auto& name : step_names) {
    if (name.empty()) return Fail("refusing empty step name");
    if (auto valid = ValidateFileName("step", name); !valid) return valid;
  }
  const std::string steps_dir = paths.StepsDir();
  if (auto made = MakeDirs(steps_dir); !made) {
    return Fail(made.error().Wrap("creating steps directory \"" + steps_dir + "\""));
  }
  for (size_t i = 0; i < step_names.size(); ++i) {
    const std::string target = paths.RunDir() + "/" + std::to_string(i) + "/status";
    for (const std::string& link :
         {steps_dir + "/" + step_names[i], steps_dir + "/" + std::to_string(i)}) {
      // A restarted init container finds its links already there.
      if (::symlink(target.c_str(), link.c_str()) != 0 && errno != EEXIST) {
        return Fail(ErrnoError("symlink " + target + " " + link));
      }
    }
  }
  return {};
}

Status DecodeScriptInPlace(const std::string& path) {
  const std::string context = "error decoding script file \"" + path + "\"";
  auto encoded = ReadFileIfExists(path);
  if (!encoded) return Fail(encoded.error().Wrap(context));
  if (!*encoded) return Fail(context + ": open " + path + ": no such file or directory", ENOENT);
  auto decoded = Base64Decode(**encoded, /*padded=*/true);
  if (!decoded) return Fail(context + ": " + context + ": " + decoded.error().message);
  UniqueFd fd(RetryEintr([&] { return ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC); }));
  if (!fd.valid() || !WriteAll(fd.get(), *decoded)) {
    return Fail(ErrnoError("error writing decoded script file \"" + path + "\""));
  }
  return {};
}

std::optional<SubcommandOutcome> RunSubcommand(const std::vector<std::string>& args,
                                               const TektonPaths& paths) {
  if (args.empty()) return std::nullopt;
  const std::string& name = args[0];
  auto outcome = [&](const Status& status, std::string success) {
    if (status) return SubcommandOutcome{true, std::move(success)};
    return SubcommandOutcome{false, name + " error: " + status.error().message};
  };
  if (name == "init" && args.size() >= 3) {
    Status status = CopyFileAtomically(args[1], args[2]);
    if (status) status = InitStepLinks({args.begin() + 3, args.end()}, paths);
    return outcome(status, "Entrypoint initialization");
  }
  if (name == "cp" && args.size() == 3) {
    return outcome(CopyFileAtomically(args[1], args[2]), "Copied " + args[1] + " to " + args[2]);
  }
  if (name == "decode-script" && args.size() == 2) {
    return outcome(DecodeScriptInPlace(args[1]), "Decoded script " + args[1]);
  }
  if (name == "step-init") {
    return outcome(InitStepLinks({args.begin() + 1, args.end()}, paths), "Setup /step directories");
  }
  return std::nullopt;
}

}  // namespace podstep
