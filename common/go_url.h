#pragma once
// Go's net/url Parse and URL.String, as far as the credential writers use
// them: `.git-credentials` holds exactly what the reference writes after
// setting a URL's user info (escaping, opaque and scheme-less forms), a bad
// URL fails with net/url's error text, and `useHttpPath` depends on the path
// as Go parses it.

#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"

namespace podstep {

struct GoUrlUser {
  std::string username;
  std::string password;
  bool password_set = false;
};

/// The fields of Go's url.URL, with the same meaning.
struct GoUrl {
  std::string scheme;
  std::string opaque;
  std::optional<GoUrlUser> user;
  std::string host;
  std::string path;      // unescaped
  std::string raw_path;  // the original encoding when it differs from the default
  bool omit_host = false;
  bool force_query = false;
  std::string raw_query;
  std::string fragment;  // unescaped
  std::string raw_fragment;

  /// url.URL.EscapedPath.
  std::string EscapedPath() const;
  /// url.URL.String: the URL reassembled, user info escaped.
  std::string String() const;
};

/// url.Parse. On failure the message is Go's *url.Error text, e.g.
/// `parse "http://a b.com/": invalid character " " in host name`.
Result<GoUrl> ParseGoUrl(std::string_view raw);

}  // namespace podstep
