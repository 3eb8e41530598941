#pragma once
// The file operations of the credential writers, with the reference's
// semantics (Go's os.MkdirAll, os.WriteFile, O_APPEND). Abstract so unit tests
// record what would be written; the real one is common/sys/real_credential_files.

#include <string>
#include <string_view>

#include "common/error.h"

namespace podstep {

class CredentialFiles {
 public:
  virtual ~CredentialFiles() = default;
  /// A mounted secret file, whole. Fails with Go's os.ReadFile text
  /// ("open <path>: no such file or directory"); also fails, without hanging,
  /// on anything that is not a regular file or is larger than a Secret can be.
  virtual Result<std::string> ReadSecret(const std::string& path) = 0;
  /// os.MkdirAll(path, 0777).
  virtual Status MakeDirs(const std::string& path) = 0;
  /// os.WriteFile(path, content, 0600): created 0600, an existing file truncated.
  virtual Status WriteFile(const std::string& path, std::string_view content) = 0;
  /// Appends, creating the file 0600 when missing.
  virtual Status AppendFile(const std::string& path, std::string_view content) = 0;
};

}  // namespace podstep
