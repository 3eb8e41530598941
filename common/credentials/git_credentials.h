#pragma once
// `-basic-git` and `-ssh-git` (CONTRACT.md §9): the files Tekton's gitcreds
// package writes into /tekton/creds, byte for byte. Where Tekton versions
// differ this follows the newer one, which only adds to v0.58 for URLs with a
// repository path: `useHttpPath = true`, host-only entries first in
// `.git-credentials`, and per-repository SSH Host aliases with `insteadOf`.

#include <string>
#include <string_view>
#include <vector>

#include "common/credentials/credential_files.h"
#include "common/go_url.h"

namespace podstep {

/// `-basic-git=<secret>=<url>`, repeatable: a username/password per URL.
class BasicGitCredentials {
 public:
  /// flag.Value.Set: reads `username` and `password` of the secret under
  /// `secrets_dir` right away. Fails with the reference's texts (malformed
  /// value, `multiple entries for url: U`, the read error, url.Parse's error).
  Status Add(std::string_view value, const std::string& secrets_dir, CredentialFiles& files);
  bool empty() const { return entries_.empty(); }

  /// `.gitconfig`: the store helper, then one section per URL in flag order.
  std::string GitConfig() const;
  /// `.git-credentials`: one `scheme://user:password@host/path` line per URL,
  /// host-only URLs before those with a path (stable otherwise).
  std::string GitCredentials() const;
  /// Writes both files into `dir` (`.gitconfig` first, truncated); nothing when empty.
  Status Write(const std::string& dir, CredentialFiles& files) const;

 private:
  struct Entry {
    std::string url;
    std::string username;
    GoUrl auth_url;  // the URL with the user info set
    bool has_path = false;
  };
  std::vector<Entry> entries_;
};

/// An `-ssh-git` value split as the reference does: `host[:port][/repo/path]`.
struct SshTarget {
  std::string host;
  std::string port;
  std::string repo_path;  // "" or starting with '/'
};
SshTarget ParseSshTarget(std::string_view raw);

/// `-ssh-git=<secret>=<host[:port][/repo]>`, repeatable: keys per target.
class SshGitCredentials {
 public:
  /// flag.Value.Set: reads `ssh-privatekey` (required) and `known_hosts`
  /// (optional) of the secret right away. Several secrets may share a target.
  Status Add(std::string_view value, const std::string& secrets_dir, CredentialFiles& files);
  bool empty() const { return targets_.empty(); }

  /// Writes `.ssh/id_<secret>`, `.ssh/config`, `.ssh/known_hosts` (when any
  /// secret has one) and, for targets with a repository path, appends
  /// `insteadOf` sections to `.gitconfig`. Nothing when empty.
  Status Write(const std::string& dir, CredentialFiles& files) const;

 private:
  struct Key {
    std::string secret;
    std::string private_key;
    std::string known_hosts;
  };
  struct Target {
    std::string value;  // as given after `secret=`
    std::vector<Key> keys;
  };
  std::vector<Target> targets_;  // in first-seen order
};

}  // namespace podstep
