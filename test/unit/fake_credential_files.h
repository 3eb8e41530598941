#pragma once
// An in-memory CredentialFiles: secrets are preset, writes are recorded.

#include <map>
#include <set>
#include <string>

#include "common/credentials/credential_files.h"

namespace podstep {

class FakeCredentialFiles final : public CredentialFiles {
 public:
  Result<std::string> ReadSecret(const std::string& path) override {
    auto found = secrets.find(path);
    if (found == secrets.end()) return Fail(ErrnoError("open " + path, ENOENT));
    return found->second;
  }
  Status MakeDirs(const std::string& path) override {
    if (fail_path == path) return Fail(ErrnoError("mkdir " + path, EROFS));
    dirs.insert(path);
    return {};
  }
  Status WriteFile(const std::string& path, std::string_view content) override {
    if (fail_path == path) return Fail(ErrnoError("open " + path, EACCES));
    files[path] = content;
    return {};
  }
  Status AppendFile(const std::string& path, std::string_view content) override {
    if (fail_path == path) return Fail(ErrnoError("open " + path, EACCES));
    files[path] += content;
    return {};
  }

  /// A secret's key, as mounted under /s/<secret>/<key>.
  void Secret(const std::string& secret, const std::string& key, const std::string& value) {
    secrets["/s/" + secret + "/" + key] = value;
  }

  std::map<std::string, std::string> secrets;
  std::map<std::string, std::string> files;
  std::set<std::string> dirs;
  std::string fail_path;  // every operation on it fails
};

}  // namespace podstep
