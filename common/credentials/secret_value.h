#pragma once
// How the credential flags name a secret: the reference's `secret=url` split
// and the secret's mount directory.

#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"

namespace podstep {

struct SecretAndUrl {
  std::string secret;
  std::string url;
};

/// Go's `strings.Split(value, "=")` must give exactly two parts; the error
/// text is the reference's ("expect entries of the form secret=url, got: V").
/// A secret name that could leave the secrets directory (empty, `.`, `..`,
/// containing `/`) is refused too: Kubernetes never generates one.
Result<SecretAndUrl> SplitSecretAndUrl(std::string_view value);

/// Refuses secret names that could leave the secrets directory.
Status ValidateSecretName(std::string_view secret);

}  // namespace podstep
