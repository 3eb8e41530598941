#pragma once
// `-basic-docker`, `-docker-config` and `-docker-cfg` (CONTRACT.md §9): the
// `.docker/config.json` Tekton's dockercreds package writes, byte for byte
// (Go's json.Marshal: keys sorted, fields username, password, auth, email
// with empty username/password/email omitted).

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/credentials/credential_files.h"

namespace podstep {

struct DockerAuth {
  std::string username;
  std::string password;
  std::string auth;
  std::string email;
};

using DockerAuths = std::map<std::string, DockerAuth>;

/// Decodes a `.dockercfg` (`{"<registry>": {...}}`) as Go's json.Unmarshal
/// into map[string]entry would: field names matched case-insensitively,
/// unknown fields ignored, null leaves a field empty, invalid UTF-8 becomes
/// U+FFFD. Any syntax or type error fails the whole file.
Result<DockerAuths> ParseDockerCfg(std::string_view json);
/// Decodes a `.dockerconfigjson` (`{"auths": {"<registry>": {...}}}`) likewise.
Result<DockerAuths> ParseDockerConfigJson(std::string_view json);

/// `{"auths":{...}}` exactly as Go's json.Marshal writes it.
std::string RenderDockerConfig(const DockerAuths& auths);

class DockerCredentials {
 public:
  /// `-basic-docker=<secret>=<url>`: reads `username` and `password` right away.
  Status AddBasic(std::string_view value, const std::string& secrets_dir, CredentialFiles& files);
  /// `-docker-config=<secret>`: its `.dockerconfigjson` is read when writing.
  Status AddConfigJson(std::string_view secret);
  /// `-docker-cfg=<secret>`: its `.dockercfg` is read when writing.
  Status AddCfg(std::string_view secret);
  bool empty() const { return basic_.empty() && config_json_.empty() && cfg_.empty(); }

  /// Merges `.dockercfg` secrets, then `.dockerconfigjson` secrets, then the
  /// basic entries (later wins per registry) and writes `.docker/config.json`
  /// under `dir`. The first unreadable or undecodable secret fails the whole
  /// write. Nothing is written when no registry results.
  Status Write(const std::string& dir, const std::string& secrets_dir,
               CredentialFiles& files) const;

 private:
  DockerAuths basic_;
  std::vector<std::string> config_json_;
  std::vector<std::string> cfg_;
};

}  // namespace podstep
