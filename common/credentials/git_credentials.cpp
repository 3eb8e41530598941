#include "common/credentials/git_credentials.h"

#include <algorithm>

#include "common/credentials/secret_value.h"
#include "common/go_quote.h"

namespace podstep {
namespace {

constexpr std::string_view kDefaultSshPort = "22";

// Go's url.Parse(u).Path is neither empty nor "/".
bool UrlHasPath(const GoUrl& url) { return !url.path.empty() && url.path != "/"; }

// net.SplitHostPort; nullopt where Go returns an error.
std::optional<std::pair<std::string, std::string>> SplitHostPort(std::string_view hostport) {
  size_t last_colon = hostport.rfind(':');
  if (last_colon == std::string_view::npos) return std::nullopt;
  std::string_view host;
  size_t no_open_before = 0, no_close_before = 0;
  if (hostport[0] == '[') {
    size_t end = hostport.find(']');
    if (end == std::string_view::npos || end + 1 != last_colon) return std::nullopt;
    host = hostport.substr(1, end - 1);
    no_open_before = 1;
    no_close_before = end + 1;
  } else {
    host = hostport.substr(0, last_colon);
    if (host.find(':') != std::string_view::npos) return std::nullopt;
  }
  if (hostport.find('[', no_open_before) != std::string_view::npos) return std::nullopt;
  if (hostport.find(']', no_close_before) != std::string_view::npos) return std::nullopt;
  return std::pair{std::string(host), std::string(hostport.substr(last_colon + 1))};
}

std::string EscapeBackslashes(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string SecretFile(const std::string& secrets_dir, std::string_view secret,
                       std::string_view key) {
  return secrets_dir + "/" + std::string(secret) + "/" + std::string(key);
}

}  // namespace

Status BasicGitCredentials::Add(std::string_view value, const std::string& secrets_dir,
                                CredentialFiles& files) {
  auto parts = SplitSecretAndUrl(value);
  if (!parts) return Fail(parts.error());
  if (std::any_of(entries_.begin(), entries_.end(),
                  [&](const Entry& entry) { return entry.url == parts->url; })) {
    return Fail("multiple entries for url: " + parts->url);
  }
  auto username = files.ReadSecret(SecretFile(secrets_dir, parts->secret, "username"));
  if (!username) return Fail(username.error());
  auto password = files.ReadSecret(SecretFile(secrets_dir, parts->secret, "password"));
  if (!password) return Fail(password.error());
  auto url = ParseGoUrl(parts->url);
  if (!url) return Fail(url.error());
  bool has_path = UrlHasPath(*url);
  url->user = GoUrlUser{*username, *password, true};
  entries_.push_back({parts->url, std::move(*username), std::move(*url), has_path});
  return {};
}

std::string BasicGitCredentials::GitConfig() const {
  std::string config = "[credential]\n\thelper = store\n";
  for (const Entry& entry : entries_) {
    config += "[credential " + GoQuote(entry.url) + "]\n\tusername = " +
              EscapeBackslashes(entry.username) + "\n";
    // Repository-specific credentials on one host need git to match the path.
    if (entry.has_path) config += "\tuseHttpPath = true\n";
  }
  return config;
}

std::string BasicGitCredentials::GitCredentials() const {
  std::vector<const Entry*> ordered;
  for (const Entry& entry : entries_) ordered.push_back(&entry);
  // git's store helper answers with the first match: host-wide entries are
  // the fallback for requests without a path, so they come first.
  std::stable_partition(ordered.begin(), ordered.end(),
                        [](const Entry* entry) { return !entry->has_path; });
  std::string credentials;
  for (const Entry* entry : ordered) credentials += entry->auth_url.String() + "\n";
  return credentials;
}

Status BasicGitCredentials::Write(const std::string& dir, CredentialFiles& files) const {
  if (entries_.empty()) return {};
  if (auto written = files.WriteFile(dir + "/.gitconfig", GitConfig()); !written) return written;
  return files.WriteFile(dir + "/.git-credentials", GitCredentials());
}

SshTarget ParseSshTarget(std::string_view raw) {
  SshTarget target;
  if (size_t slash = raw.find('/'); slash != std::string_view::npos) {
    target.repo_path = raw.substr(slash);
    raw = raw.substr(0, slash);
  }
  if (auto split = SplitHostPort(raw)) {
    target.host = std::move(split->first);
    target.port = std::move(split->second);
  } else {
    target.host = raw;
    target.port = kDefaultSshPort;
  }
  return target;
}

Status SshGitCredentials::Add(std::string_view value, const std::string& secrets_dir,
                              CredentialFiles& files) {
  auto parts = SplitSecretAndUrl(value);
  if (!parts) return Fail(parts.error());
  auto private_key = files.ReadSecret(SecretFile(secrets_dir, parts->secret, "ssh-privatekey"));
  if (!private_key) return Fail(private_key.error());
  auto known_hosts = files.ReadSecret(SecretFile(secrets_dir, parts->secret, "known_hosts"));
  Key key{parts->secret, std::move(*private_key), known_hosts ? std::move(*known_hosts) : ""};
  auto target = std::find_if(targets_.begin(), targets_.end(),
                             [&](const Target& existing) { return existing.value == parts->url; });
  if (target == targets_.end()) {
    targets_.push_back({parts->url, {}});
    target = targets_.end() - 1;
  }
  target->keys.push_back(std::move(key));
  return {};
}

Status SshGitCredentials::Write(const std::string& dir, CredentialFiles& files) const {
  if (targets_.empty()) return {};
  std::string ssh_dir = dir + "/.ssh";
  if (auto made = files.MakeDirs(ssh_dir); !made) return made;

  // Host-wide keys come first so they act as the fallback.
  std::vector<std::pair<const Target*, SshTarget>> ordered;
  for (const Target& target : targets_) ordered.emplace_back(&target, ParseSshTarget(target.value));
  std::stable_partition(ordered.begin(), ordered.end(),
                        [](const auto& entry) { return entry.second.repo_path.empty(); });

  std::string config, git_config;
  std::vector<std::string_view> known_hosts;
  for (const auto& [target, parsed] : ordered) {
    std::string ssh_host = parsed.host;
    if (!parsed.repo_path.empty()) {
      // A Host alias per repository lets git pick this repository's key;
      // `.git` ends each insteadOf so org/repo does not also match org/repo-x.
      std::string repo = parsed.repo_path.substr(1);
      std::string alias_suffix = repo;
      for (size_t at = 0; (at = alias_suffix.find('/', at)) != std::string::npos; at += 2) {
        alias_suffix.replace(at, 1, "--");
      }
      ssh_host = parsed.host + "--" + alias_suffix;
      git_config += "[url \"git@" + ssh_host + ":" + repo + ".git\"]\n\tinsteadOf = git@" +
                    parsed.host + ":" + repo + ".git\n";
      std::string ssh_url = parsed.port == kDefaultSshPort ? parsed.host
                                                           : parsed.host + ":" + parsed.port;
      git_config += "[url \"ssh://" + ssh_host + "/" + repo + ".git\"]\n\tinsteadOf = ssh://" +
                    ssh_url + "/" + repo + ".git\n";
    }
    config += "Host " + ssh_host + "\n    HostName " + parsed.host + "\n    Port " + parsed.port +
              "\n";
    for (const Key& key : target->keys) {
      std::string identity = ssh_dir + "/id_" + key.secret;
      if (auto written = files.WriteFile(identity, key.private_key); !written) return written;
      config += "    IdentityFile " + identity + "\n";
      if (!key.known_hosts.empty()) known_hosts.push_back(key.known_hosts);
    }
  }
  if (auto written = files.WriteFile(ssh_dir + "/config", config); !written) return written;
  if (!known_hosts.empty()) {
    std::string joined;
    for (std::string_view hosts : known_hosts) {
      if (!joined.empty()) joined += '\n';
      joined += hosts;
    }
    if (auto written = files.WriteFile(ssh_dir + "/known_hosts", joined); !written) return written;
  }
  if (!git_config.empty()) return files.AppendFile(dir + "/.gitconfig", git_config);
  return {};
}

}  // namespace podstep
