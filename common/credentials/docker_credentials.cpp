#include "common/credentials/docker_credentials.h"

#include "common/base64.h"
#include "common/credentials/secret_value.h"
#include "common/go_json.h"

namespace podstep {
namespace {

Error SyntaxError(GoJsonReader& reader) {
  return Error{0, reader.AtEnd() ? "unexpected end of JSON input" : "invalid JSON"};
}

// One `{"username": …, "password": …, "auth": …, "email": …}` object.
// `field_path` is how Go's type errors name where the entry sits.
Result<DockerAuth> ReadAuth(GoJsonReader& reader, std::string_view field_path) {
  DockerAuth auth;
  if (reader.ConsumeLiteral("null")) return auth;
  if (reader.Peek() != '{') {
    char kind = reader.Peek();
    if (!reader.SkipValue(2)) return Fail(SyntaxError(reader));
    return Fail("json: cannot unmarshal " + std::string(GoJsonKindName(kind)) +
                " into Go value of type dockercreds.entry");
  }
  reader.Consume('{');
  if (reader.Consume('}')) return auth;
  do {
    auto key = reader.ReadString();
    if (!key || !reader.Consume(':')) return Fail(SyntaxError(reader));
    std::string* field = nullptr;
    std::string_view field_name;
    for (auto [name, target] : {std::pair{"username", &auth.username},
                                {"password", &auth.password},
                                {"auth", &auth.auth},
                                {"email", &auth.email}}) {
      if (GoJsonKeyMatches(*key, name)) {
        field = target;
        field_name = name;
      }
    }
    if (field == nullptr || reader.ConsumeLiteral("null")) {
      if (field == nullptr && !reader.SkipValue(3)) return Fail(SyntaxError(reader));
      continue;
    }
    if (reader.Peek() != '"') {
      char kind = reader.Peek();
      if (!reader.SkipValue(3)) return Fail(SyntaxError(reader));
      return Fail("json: cannot unmarshal " + std::string(GoJsonKindName(kind)) +
                  " into Go struct field entry." + std::string(field_path) +
                  std::string(field_name) + " of type string");
    }
    auto value = reader.ReadString();
    if (!value) return Fail(SyntaxError(reader));
    *field = std::move(*value);
  } while (reader.Consume(','));
  if (!reader.Consume('}')) return Fail(SyntaxError(reader));
  return auth;
}

// A `{"<registry>": entry, …}` object; a repeated registry is replaced whole.
// `where` names the map in Go's type errors; `field_path` prefixes entry fields.
Status ReadAuths(GoJsonReader& reader, DockerAuths& auths, std::string_view where,
                 std::string_view field_path) {
  if (reader.ConsumeLiteral("null")) return {};
  if (reader.Peek() != '{') {
    char kind = reader.Peek();
    if (!reader.SkipValue(1)) return Fail(SyntaxError(reader));
    return Fail("json: cannot unmarshal " + std::string(GoJsonKindName(kind)) + " into " +
                std::string(where) + " of type map[string]dockercreds.entry");
  }
  reader.Consume('{');
  if (reader.Consume('}')) return {};
  do {
    auto registry = reader.ReadString();
    if (!registry || !reader.Consume(':')) return Fail(SyntaxError(reader));
    auto auth = ReadAuth(reader, field_path);
    if (!auth) return Fail(auth.error());
    auths[std::move(*registry)] = std::move(*auth);
  } while (reader.Consume(','));
  if (!reader.Consume('}')) return Fail(SyntaxError(reader));
  return {};
}

Status ExpectEnd(GoJsonReader& reader) {
  if (!reader.AtEnd()) return Fail("invalid character after top-level value");
  return {};
}

}  // namespace

Result<DockerAuths> ParseDockerCfg(std::string_view json) {
  GoJsonReader reader(json);
  DockerAuths auths;
  if (auto read = ReadAuths(reader, auths, "Go value", ""); !read) return Fail(read.error());
  if (auto end = ExpectEnd(reader); !end) return Fail(end.error());
  return auths;
}

Result<DockerAuths> ParseDockerConfigJson(std::string_view json) {
  GoJsonReader reader(json);
  DockerAuths auths;
  if (reader.ConsumeLiteral("null")) return auths;
  if (reader.Peek() != '{') {
    char kind = reader.Peek();
    if (!reader.SkipValue(0)) return Fail(SyntaxError(reader));
    return Fail("json: cannot unmarshal " + std::string(GoJsonKindName(kind)) +
                " into Go value of type dockercreds.configFile");
  }
  reader.Consume('{');
  if (!reader.Consume('}')) {
    do {
      auto key = reader.ReadString();
      if (!key || !reader.Consume(':')) return Fail(SyntaxError(reader));
      if (GoJsonKeyMatches(*key, "auths")) {
        // Go decodes into the map it already has: a second "auths" adds to it.
        if (auto read = ReadAuths(reader, auths, "Go struct field configFile.auths", "auths.");
            !read) {
          return Fail(read.error());
        }
      } else if (!reader.SkipValue(1)) {
        return Fail(SyntaxError(reader));
      }
    } while (reader.Consume(','));
    if (!reader.Consume('}')) return Fail(SyntaxError(reader));
  }
  if (auto end = ExpectEnd(reader); !end) return Fail(end.error());
  return auths;
}

std::string RenderDockerConfig(const DockerAuths& auths) {
  std::string out = "{\"auths\":{";
  bool first = true;
  for (const auto& [registry, auth] : auths) {
    if (!first) out += ',';
    first = false;
    AppendGoJsonString(out, registry);
    out += ":{";
    if (!auth.username.empty()) {
      out += "\"username\":";
      AppendGoJsonString(out, auth.username);
      out += ',';
    }
    if (!auth.password.empty()) {
      out += "\"password\":";
      AppendGoJsonString(out, auth.password);
      out += ',';
    }
    out += "\"auth\":";
    AppendGoJsonString(out, auth.auth);
    if (!auth.email.empty()) {
      out += ",\"email\":";
      AppendGoJsonString(out, auth.email);
    }
    out += '}';
  }
  out += "}}";
  return out;
}

Status DockerCredentials::AddBasic(std::string_view value, const std::string& secrets_dir,
                                   CredentialFiles& files) {
  auto parts = SplitSecretAndUrl(value);
  if (!parts) return Fail(parts.error());
  if (basic_.contains(parts->url)) return Fail("multiple entries for url: " + parts->url);
  std::string secret_dir = secrets_dir + "/" + parts->secret;
  auto username = files.ReadSecret(secret_dir + "/username");
  if (!username) return Fail(username.error());
  auto password = files.ReadSecret(secret_dir + "/password");
  if (!password) return Fail(password.error());
  std::string auth = Base64Encode(*username + ":" + *password, /*padded=*/true);
  // The placeholder email is what Tekton always wrote; old docker clients require one.
  basic_[parts->url] = {std::move(*username), std::move(*password), std::move(auth), "not@val.id"};
  return {};
}

Status DockerCredentials::AddConfigJson(std::string_view secret) {
  if (auto valid = ValidateSecretName(secret); !valid) return valid;
  config_json_.emplace_back(secret);
  return {};
}

Status DockerCredentials::AddCfg(std::string_view secret) {
  if (auto valid = ValidateSecretName(secret); !valid) return valid;
  cfg_.emplace_back(secret);
  return {};
}

Status DockerCredentials::Write(const std::string& dir, const std::string& secrets_dir,
                                CredentialFiles& files) const {
  DockerAuths merged;
  auto merge = [&](const std::vector<std::string>& secrets, std::string_view key,
                   Result<DockerAuths> (*parse)(std::string_view)) -> Status {
    for (const std::string& secret : secrets) {
      std::string path = secrets_dir + "/" + secret + "/" + std::string(key);
      auto content = files.ReadSecret(path);
      if (!content) return Fail(content.error());
      auto auths = parse(*content);
      if (!auths) return Fail(auths.error().Wrap("decode " + path));
      for (auto& [registry, auth] : *auths) merged[registry] = std::move(auth);
    }
    return {};
  };
  if (auto done = merge(cfg_, ".dockercfg", &ParseDockerCfg); !done) return done;
  if (auto done = merge(config_json_, ".dockerconfigjson", &ParseDockerConfigJson); !done) {
    return done;
  }
  for (const auto& [registry, auth] : basic_) merged[registry] = auth;
  if (merged.empty()) return {};
  std::string docker_dir = dir + "/.docker";
  if (auto made = files.MakeDirs(docker_dir); !made) return made;
  return files.WriteFile(docker_dir + "/config.json", RenderDockerConfig(merged));
}

}  // namespace podstep
