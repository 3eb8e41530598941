#pragma once
// The credential writers' real file operations, and the copy of
// /tekton/creds into $HOME (Tekton's CopyCredsToHome).

#include <string>
#include <vector>

#include "common/credentials/credential_files.h"

namespace podstep {

class RealCredentialFiles final : public CredentialFiles {
 public:
  /// A Kubernetes Secret holds at most 1 MiB; a larger "secret" file is refused.
  static constexpr size_t kMaxSecretBytes = 1 << 20;

  Result<std::string> ReadSecret(const std::string& path) override;
  Status MakeDirs(const std::string& path) override;
  Status WriteFile(const std::string& path, std::string_view content) override;
  Status AppendFile(const std::string& path, std::string_view content) override;
};

/// Copies each of `names` (files or directory trees) from `creds_dir` into
/// `home`, as the reference does before every step: nothing when `creds_dir`
/// is not a directory, a missing name skipped, directories made 0700 and
/// files 0600 (existing ones keep their modes and are truncated). Returns one
/// warning line per name that could not be copied whole
/// (`warning: unsuccessful cred copy: ".ssh" from "…" to "…": …`); an empty
/// `home` is one warning too. Never blocks on a FIFO: only directories and
/// regular files (or symlinks to them) are copied.
std::vector<std::string> CopyCredsToHome(const std::string& creds_dir, const std::string& home,
                                         const std::vector<std::string>& names);

}  // namespace podstep
