#pragma once
// The legacy credentials the controller hands each step (pkg/pod/creds_init.go):
// every Secret of the TaskRun's ServiceAccount annotated `tekton.dev/git-*`
// or `tekton.dev/docker-*` (or of a docker config type) becomes an
// entrypoint flag (`-basic-git=…`, `-ssh-git=…`, `-basic-docker=…`,
// `-docker-config=…`, `-docker-cfg=…`) and a secret volume mounted at
// /tekton/creds-secrets/<secret>. Pure.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/error.h"
#include "podsim/documents.h"

namespace podstep::podsim {

struct Credentials {
  std::vector<std::string> args;  ///< entrypoint flags, every step
  nlohmann::json volumes = nlohmann::json::array();
  nlohmann::json mounts = nlohmann::json::array();  ///< every step
};

/// The credentials of `service_account` ("" is "default") from the
/// ServiceAccount and Secret documents. A missing "default" account has
/// none; another missing account or secret is an error
/// (`serviceaccounts "x" not found`). Volume names derive from `seed`.
Result<Credentials> CredentialsFor(const std::string& service_account, const Documents& documents,
                                   const std::string& seed);

}  // namespace podstep::podsim
