#include "podsim/creds_init.h"

#include <algorithm>
#include <set>

#include "podsim/stable_names.h"

namespace podstep::podsim {
namespace {

using nlohmann::json;

// credentials.SortAnnotations: the values of the annotations with `prefix`, sorted.
std::vector<std::string> SortedAnnotations(const json& secret, const std::string& prefix) {
  std::vector<std::string> values;
  const json annotations =
      secret.value("metadata", json::object()).value("annotations", json::object());
  for (const auto& [key, value] : annotations.items()) {
    if (key.starts_with(prefix) && value.is_string()) values.push_back(value);
  }
  std::sort(values.begin(), values.end());
  return values;
}

// The docker builder's then the git builder's MatchingAnnotations.
std::vector<std::string> MatchingFlags(const json& secret, const std::string& name) {
  const std::string type = secret.value("type", "Opaque");
  std::vector<std::string> flags;
  if (type == "kubernetes.io/basic-auth") {
    for (const std::string& url : SortedAnnotations(secret, "tekton.dev/docker-")) {
      flags.push_back("-basic-docker=" + name + "=" + url);
    }
  } else if (type == "kubernetes.io/dockerconfigjson") {
    flags.push_back("-docker-config=" + name);
  } else if (type == "kubernetes.io/dockercfg") {
    flags.push_back("-docker-cfg=" + name);
  }
  const std::string git_flag = type == "kubernetes.io/basic-auth" ? "basic-git"
                               : type == "kubernetes.io/ssh-auth" ? "ssh-git"
                                                                  : "";
  if (!git_flag.empty()) {
    for (const std::string& url : SortedAnnotations(secret, "tekton.dev/git-")) {
      flags.push_back("-" + git_flag + "=" + name + "=" + url);
    }
  }
  return flags;
}

// A secret name as a DNS label: what is not [a-zA-Z0-9-] becomes "-".
std::string Sanitized(const std::string& name) {
  std::string out;
  bool in_run = false;
  for (char c : name) {
    const bool keep = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-';
    if (keep || !in_run) out += keep ? c : '-';
    in_run = !keep;
  }
  return out;
}

}  // namespace

Result<Credentials> CredentialsFor(const std::string& service_account, const Documents& documents,
                                   const std::string& seed) {
  const std::string account = service_account.empty() ? "default" : service_account;
  Credentials out;
  const json* sa = documents.Find("ServiceAccount", account);
  if (sa == nullptr) {
    if (account == "default") return out;
    return Fail("serviceaccounts \"" + account +
                "\" not found (put the ServiceAccount in the file or in --from-dir)");
  }
  std::set<std::string> seen;
  const json secrets = sa->is_object() ? sa->value("secrets", json::array()) : json::array();
  for (const json& entry : secrets.is_array() ? secrets : json::array()) {
    const std::string name = entry.is_object() ? entry.value("name", "") : "";
    if (name.empty() || !seen.insert(name).second) continue;
    const json* secret = documents.Find("Secret", name);
    if (secret == nullptr) {
      return Fail("secrets \"" + name + "\" not found (ServiceAccount \"" + account +
                  "\" lists it; put the Secret in the file or in --from-dir)");
    }
    const std::vector<std::string> flags = MatchingFlags(*secret, name);
    if (flags.empty()) continue;
    out.args.insert(out.args.end(), flags.begin(), flags.end());
    const std::string volume = ("tekton-internal-secret-volume-" + Sanitized(name)).substr(0, 57) +
                               "-" + StableSuffix(seed + "/secret/" + name);
    out.mounts.push_back({{"name", volume}, {"mountPath", "/tekton/creds-secrets/" + name}});
    out.volumes.push_back({{"name", volume}, {"secret", {{"secretName", name}}}});
  }
  return out;
}

}  // namespace podstep::podsim
