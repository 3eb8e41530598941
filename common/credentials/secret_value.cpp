#include "common/credentials/secret_value.h"

#include <algorithm>

namespace podstep {

Status ValidateSecretName(std::string_view secret) {
  if (secret.empty() || secret == "." || secret == ".." ||
      secret.find('/') != std::string_view::npos) {
    return Fail("secret name \"" + std::string(secret) +
                "\" is not a Kubernetes secret name: it must not be empty, \".\", \"..\" or "
                "contain \"/\"");
  }
  return {};
}

Result<SecretAndUrl> SplitSecretAndUrl(std::string_view value) {
  if (std::count(value.begin(), value.end(), '=') != 1) {
    return Fail("expect entries of the form secret=url, got: " + std::string(value));
  }
  size_t equals = value.find('=');
  SecretAndUrl parts{std::string(value.substr(0, equals)), std::string(value.substr(equals + 1))};
  if (auto valid = ValidateSecretName(parts.secret); !valid) return Fail(valid.error());
  return parts;
}

}  // namespace podstep
