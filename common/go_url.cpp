#include "common/go_url.h"

#include <algorithm>

#include "common/go_quote.h"

namespace podstep {
namespace {

// net/url's encoding modes: which bytes each part of a URL may hold unescaped.
enum class Mode { kPath, kUserPassword, kHost, kZone, kQueryComponent, kFragment };

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

unsigned char Unhex(char c) {
  if (c >= '0' && c <= '9') return static_cast<unsigned char>(c - '0');
  if (c >= 'a' && c <= 'f') return static_cast<unsigned char>(c - 'a' + 10);
  return static_cast<unsigned char>(c - 'A' + 10);
}

bool ShouldEscape(unsigned char c, Mode mode) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return false;
  if (mode == Mode::kHost || mode == Mode::kZone) {
    switch (c) {
      case '!': case '$': case '&': case '\'': case '(': case ')': case '*': case '+':
      case ',': case ';': case '=': case ':': case '[': case ']': case '<': case '>':
      case '"':
        return false;
      default:
        break;
    }
  }
  switch (c) {
    case '-': case '_': case '.': case '~':
      return false;
    case '$': case '&': case '+': case ',': case '/': case ':': case ';': case '=': case '?':
    case '@':
      switch (mode) {
        case Mode::kPath:
          return c == '?';
        case Mode::kUserPassword:
          return c == '@' || c == '/' || c == '?' || c == ':';
        case Mode::kQueryComponent:
          return true;
        case Mode::kFragment:
          return false;
        default:
          break;
      }
      break;
    default:
      break;
  }
  if (mode == Mode::kFragment) {
    switch (c) {
      case '!': case '(': case ')': case '*':
        return false;
      default:
        break;
    }
  }
  return true;
}

std::string Escape(std::string_view s, Mode mode) {
  static constexpr char kUpperHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == ' ' && mode == Mode::kQueryComponent) {
      out += '+';
    } else if (ShouldEscape(c, mode)) {
      out += '%';
      out += kUpperHex[c >> 4];
      out += kUpperHex[c & 15];
    } else {
      out += ch;
    }
  }
  return out;
}

Result<std::string> Unescape(std::string_view s, Mode mode) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '%') {
      if (i + 2 >= s.size() || !IsHex(s[i + 1]) || !IsHex(s[i + 2])) {
        return Fail("invalid URL escape " + GoQuote(s.substr(i, 3)));
      }
      std::string_view escape = s.substr(i, 3);
      // Hosts may %-encode only non-ASCII bytes, and %25 for IPv6 zones.
      if (mode == Mode::kHost && Unhex(s[i + 1]) < 8 && escape != "%25") {
        return Fail("invalid URL escape " + GoQuote(escape));
      }
      if (mode == Mode::kZone) {
        auto value = static_cast<unsigned char>(Unhex(s[i + 1]) << 4 | Unhex(s[i + 2]));
        if (escape != "%25" && value != ' ' && ShouldEscape(value, Mode::kHost)) {
          return Fail("invalid URL escape " + GoQuote(escape));
        }
      }
      i += 3;
      continue;
    }
    if ((mode == Mode::kHost || mode == Mode::kZone) && c < 0x80 && ShouldEscape(c, mode)) {
      return Fail("invalid character " + GoQuote(s.substr(i, 1)) + " in host name");
    }
    ++i;
  }
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      out += static_cast<char>(Unhex(s[i + 1]) << 4 | Unhex(s[i + 2]));
      i += 2;
    } else if (s[i] == '+' && mode == Mode::kQueryComponent) {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

// net/url's validEncoded: may `s` stand as the escaped form of its own decoding?
bool ValidEncoded(std::string_view s, Mode mode) {
  return std::all_of(s.begin(), s.end(), [mode](char ch) {
    switch (ch) {
      case '!': case '$': case '&': case '\'': case '(': case ')': case '*': case '+':
      case ',': case ';': case '=': case ':': case '@': case '[': case ']': case '%':
        return true;
      default:
        return !ShouldEscape(static_cast<unsigned char>(ch), mode);
    }
  });
}

// The stored raw form stands only when it is a valid encoding of the value.
bool RawFormStands(const std::string& raw, const std::string& value, Mode mode) {
  if (raw.empty() || !ValidEncoded(raw, mode)) return false;
  auto decoded = Unescape(raw, mode);
  return decoded && *decoded == value;
}

bool ValidOptionalPort(std::string_view port) {
  if (port.empty()) return true;
  if (port[0] != ':') return false;
  return std::all_of(port.begin() + 1, port.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool ValidUserinfo(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("-._:~!$&'()*+,;=%@").find(c) != std::string_view::npos;
  });
}

Result<std::string> ParseHost(std::string_view host) {
  if (!host.empty() && host[0] == '[') {
    size_t close = host.rfind(']');
    if (close == std::string_view::npos) return Fail("missing ']' in host");
    std::string_view colon_port = host.substr(close + 1);
    if (!ValidOptionalPort(colon_port)) {
      return Fail("invalid port " + GoQuote(colon_port) + " after host");
    }
    size_t zone = host.substr(0, close).find("%25");
    if (zone != std::string_view::npos) {
      auto before = Unescape(host.substr(0, zone), Mode::kHost);
      if (!before) return Fail(before.error());
      auto zone_id = Unescape(host.substr(zone, close - zone), Mode::kZone);
      if (!zone_id) return Fail(zone_id.error());
      auto after = Unescape(host.substr(close), Mode::kHost);
      if (!after) return Fail(after.error());
      return *before + *zone_id + *after;
    }
  } else if (size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    std::string_view colon_port = host.substr(colon);
    if (!ValidOptionalPort(colon_port)) {
      return Fail("invalid port " + GoQuote(colon_port) + " after host");
    }
  }
  return Unescape(host, Mode::kHost);
}

Status ParseAuthority(std::string_view authority, GoUrl& url) {
  size_t at = authority.rfind('@');
  auto host = ParseHost(at == std::string_view::npos ? authority : authority.substr(at + 1));
  if (!host) return Fail(host.error());
  url.host = std::move(*host);
  if (at == std::string_view::npos) return {};
  std::string_view userinfo = authority.substr(0, at);
  if (!ValidUserinfo(userinfo)) return Fail("net/url: invalid userinfo");
  GoUrlUser user;
  size_t colon = userinfo.find(':');
  auto username = Unescape(userinfo.substr(0, colon), Mode::kUserPassword);
  if (!username) return Fail(username.error());
  user.username = std::move(*username);
  if (colon != std::string_view::npos) {
    auto password = Unescape(userinfo.substr(colon + 1), Mode::kUserPassword);
    if (!password) return Fail(password.error());
    user.password = std::move(*password);
    user.password_set = true;
  }
  url.user = std::move(user);
  return {};
}

// net/url's getScheme: a scheme is letters first, then letters, digits, + - .
Result<std::pair<std::string_view, std::string_view>> SplitScheme(std::string_view raw) {
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) continue;
    if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
      if (i == 0) return std::pair{std::string_view(), raw};
      continue;
    }
    if (c == ':') {
      if (i == 0) return Fail("missing protocol scheme");
      return std::pair{raw.substr(0, i), raw.substr(i + 1)};
    }
    break;
  }
  return std::pair{std::string_view(), raw};
}

Result<GoUrl> ParseWithoutFragment(std::string_view raw) {
  if (std::any_of(raw.begin(), raw.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
      })) {
    return Fail("net/url: invalid control character in URL");
  }
  GoUrl url;
  if (raw == "*") {
    url.path = "*";
    return url;
  }
  auto scheme = SplitScheme(raw);
  if (!scheme) return Fail(scheme.error());
  url.scheme = scheme->first;
  std::transform(url.scheme.begin(), url.scheme.end(), url.scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string_view rest = scheme->second;

  if (!rest.empty() && rest.back() == '?' &&
      std::count(rest.begin(), rest.end(), '?') == 1) {
    url.force_query = true;
    rest.remove_suffix(1);
  } else if (size_t question = rest.find('?'); question != std::string_view::npos) {
    url.raw_query = rest.substr(question + 1);
    rest = rest.substr(0, question);
  }

  if (!rest.starts_with('/')) {
    if (!url.scheme.empty()) {
      url.opaque = rest;  // a rootless path after a scheme is opaque (RFC 3986)
      return url;
    }
    if (rest.substr(0, rest.find('/')).find(':') != std::string_view::npos) {
      return Fail("first path segment in URL cannot contain colon");
    }
  }
  if ((!url.scheme.empty() || !rest.starts_with("///")) && rest.starts_with("//")) {
    std::string_view authority = rest.substr(2);
    rest = {};
    if (size_t slash = authority.find('/'); slash != std::string_view::npos) {
      rest = authority.substr(slash);
      authority = authority.substr(0, slash);
    }
    if (auto parsed = ParseAuthority(authority, url); !parsed) return Fail(parsed.error());
  } else if (!url.scheme.empty() && rest.starts_with('/')) {
    url.omit_host = true;
  }
  auto path = Unescape(rest, Mode::kPath);
  if (!path) return Fail(path.error());
  url.path = std::move(*path);
  if (Escape(url.path, Mode::kPath) != rest) url.raw_path = rest;
  return url;
}

}  // namespace

std::string GoUrl::EscapedPath() const {
  if (RawFormStands(raw_path, path, Mode::kPath)) return raw_path;
  if (path == "*") return "*";
  return Escape(path, Mode::kPath);
}

std::string GoUrl::String() const {
  std::string out;
  if (!scheme.empty()) out += scheme + ":";
  if (!opaque.empty()) {
    out += opaque;
  } else {
    if (!scheme.empty() || !host.empty() || user) {
      if (!(omit_host && host.empty() && !user)) {
        if (!host.empty() || !path.empty() || user) out += "//";
        if (user) {
          out += Escape(user->username, Mode::kUserPassword);
          if (user->password_set) out += ":" + Escape(user->password, Mode::kUserPassword);
          out += "@";
        }
        out += Escape(host, Mode::kHost);
      }
    }
    std::string escaped_path = EscapedPath();
    if (!escaped_path.empty() && escaped_path[0] != '/' && !host.empty()) out += '/';
    if (out.empty()) {
      // A colon in the first segment of a relative path would read as a scheme.
      std::string_view segment = std::string_view(escaped_path).substr(0, escaped_path.find('/'));
      if (segment.find(':') != std::string_view::npos) out += "./";
    }
    out += escaped_path;
  }
  if (force_query || !raw_query.empty()) out += "?" + raw_query;
  if (!fragment.empty()) {
    out += "#";
    out += RawFormStands(raw_fragment, fragment, Mode::kFragment)
               ? raw_fragment
               : Escape(fragment, Mode::kFragment);
  }
  return out;
}

Result<GoUrl> ParseGoUrl(std::string_view raw) {
  size_t hash = raw.find('#');
  std::string_view without_fragment = raw.substr(0, hash);
  auto url = ParseWithoutFragment(without_fragment);
  if (!url) return Fail("parse " + GoQuote(without_fragment) + ": " + url.error().message);
  if (hash == std::string_view::npos) return url;
  std::string_view fragment = raw.substr(hash + 1);
  auto decoded = Unescape(fragment, Mode::kFragment);
  if (!decoded) return Fail("parse " + GoQuote(raw) + ": " + decoded.error().message);
  url->fragment = std::move(*decoded);
  if (Escape(url->fragment, Mode::kFragment) != fragment) url->raw_fragment = fragment;
  return url;
}

}  // namespace podstep
