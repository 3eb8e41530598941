#pragma once
// The legacy creds-init flags (CONTRACT.md §9) as the entrypoint of every step
// handles them: read the mounted secrets while the flags are parsed, write
// /tekton/creds before the step, then copy it into $HOME.

#include <string>
#include <vector>

#include "common/credentials/credential_files.h"
#include "common/credentials/docker_credentials.h"
#include "common/credentials/git_credentials.h"

namespace podstep {

class GoFlagSet;

/// The dot-files creds-init may write, copied into $HOME in this order.
inline const std::vector<std::string> kCredsInitCredentials = {".docker", ".gitconfig",
                                                               ".git-credentials", ".ssh"};

class Credentials {
 public:
  /// `secrets_dir` is where Secrets are mounted (`/tekton/creds-secrets`);
  /// `files` must outlive the flag parsing (the secrets are read then).
  Credentials(std::string secrets_dir, CredentialFiles& files)
      : secrets_dir_(std::move(secrets_dir)), files_(&files) {}

  /// Adds `-basic-git`, `-ssh-git`, `-basic-docker`, `-docker-config`,
  /// `-docker-cfg`, each repeatable, with the reference's usage texts. A bad
  /// value fails the parse with `invalid value "V" for flag -NAME: …`.
  void Register(GoFlagSet& flags);

  bool empty() const { return docker_.empty() && basic_git_.empty() && ssh_git_.empty(); }

  /// Writes the files into `creds_dir` in the reference's order: docker, then
  /// basic git, then ssh. Each writer stops at its first error and the next
  /// still runs; the errors are returned for the caller to log
  /// (`Error initializing credentials: …`). No message contains a secret.
  std::vector<Error> Write(const std::string& creds_dir) const;

 private:
  std::string secrets_dir_;
  CredentialFiles* files_;
  DockerCredentials docker_;
  BasicGitCredentials basic_git_;
  SshGitCredentials ssh_git_;
};

}  // namespace podstep
