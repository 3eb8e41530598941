#include "podsim/sys/atomic_writer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <set>

#include "common/sys/file_util.h"

namespace podstep::podsim {
namespace {

// "..2006_01_02_15_04_05.<ns><n>" as the kubelet names them, unique per call.
std::string TimestampDirName() {
  static std::atomic<unsigned> sequence{0};
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char text[64];
  std::strftime(text, sizeof text, "..%Y_%m_%d_%H_%M_%S", &utc);
  const auto ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count() %
      1'000'000'000;
  return std::string(text) + "." + std::to_string(ns) + std::to_string(sequence++);
}

std::string FirstComponent(const std::string& path) { return path.substr(0, path.find('/')); }

}  // namespace

Status WriteAtomicVolume(const std::string& dir, const VolumeFiles& files) {
  const std::string context = "write volume '" + dir + "'";
  if (auto ok = MakeDirs(dir); !ok) return Fail(ok.error().Wrap(context));
  const std::string data_link = dir + "/..data";
  char old_target[4096];
  ssize_t old_len = ::readlink(data_link.c_str(), old_target, sizeof old_target - 1);
  const std::string old_dir =
      old_len > 0 ? std::string(old_target, static_cast<size_t>(old_len)) : "";

  const std::string name = TimestampDirName();
  const std::string new_dir = dir + "/" + name;
  if (::mkdir(new_dir.c_str(), 0755) != 0) return Fail(ErrnoError(context + ": mkdir " + name));
  std::set<std::string> top_level;
  for (const auto& [file, content] : files) {
    const std::string path = new_dir + "/" + file;
    if (auto ok = WriteFileCreatingParents(path, content.content); !ok) {
      return Fail(ok.error().Wrap(context));
    }
    if (::chmod(path.c_str(), static_cast<mode_t>(content.mode)) != 0) {
      return Fail(ErrnoError(context + ": chmod " + file));
    }
    top_level.insert(FirstComponent(file));
  }
  const std::string tmp_link = dir + "/..data_tmp";
  ::unlink(tmp_link.c_str());
  if (::symlink(name.c_str(), tmp_link.c_str()) != 0) {
    return Fail(ErrnoError(context + ": symlink ..data_tmp"));
  }
  if (::rename(tmp_link.c_str(), data_link.c_str()) != 0) {
    return Fail(ErrnoError(context + ": rename ..data_tmp"));
  }
  for (const std::string& entry : top_level) {
    const std::string link = dir + "/" + entry;
    const std::string target = "..data/" + entry;
    if (::symlink(target.c_str(), link.c_str()) != 0 && errno != EEXIST) {
      return Fail(ErrnoError(context + ": symlink " + entry));
    }
  }
  if (!old_dir.empty() && old_dir != name) {
    std::error_code ec;
    // Top-level links of the old payload that the new one lacks.
    for (const auto& old : std::filesystem::directory_iterator(dir + "/" + old_dir, ec)) {
      const std::string entry = old.path().filename().string();
      if (!top_level.contains(entry)) ::unlink((dir + "/" + entry).c_str());
    }
    std::filesystem::remove_all(dir + "/" + old_dir, ec);
  }
  return {};
}

Status WriteAtomicVolume(const std::string& dir, const std::map<std::string, std::string>& files) {
  VolumeFiles with_modes;
  for (const auto& [file, content] : files) with_modes[file] = {content, kDefaultVolumeFileMode};
  return WriteAtomicVolume(dir, with_modes);
}

}  // namespace podstep::podsim
