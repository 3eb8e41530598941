// Go's net/url and strconv.Quote. The expected values were printed by Go
// 1.19's own url.Parse / URL.String / strconv.Quote for these inputs.

#include "common/go_url.h"

#include <gtest/gtest.h>

#include "common/go_quote.h"

namespace podstep {
namespace {

struct UrlCase {
  const char* raw;
  const char* username;
  const char* password;
  const char* with_user;  // String() after setting the user info
  const char* path;       // the parsed (unescaped) Path
};

TEST(GoUrlTest, StringWithUserMatchesGo) {
  const UrlCase cases[] = {
      {"https://github.com", "bar", "baz", "https://bar:baz@github.com", ""},
      {"https://github.com", "a@b", "p:w/d\077", "https://a%40b:p%3Aw%2Fd%3F@github.com", ""},
      {"https://github.com", "foo\134bar", "x y+z", "https://foo%5Cbar:x%20y+z@github.com", ""},
      {"https://github.com", "\303\274", "%&=$", "https://%C3%BC:%25&=$@github.com", ""},
      {"https://github.com/org/repo", "bar", "baz", "https://bar:baz@github.com/org/repo", "/org/repo"},
      {"https://github.com/org/repo", "a@b", "p:w/d\077", "https://a%40b:p%3Aw%2Fd%3F@github.com/org/repo", "/org/repo"},
      {"https://github.com/org/repo", "foo\134bar", "x y+z", "https://foo%5Cbar:x%20y+z@github.com/org/repo", "/org/repo"},
      {"https://github.com/org/repo", "\303\274", "%&=$", "https://%C3%BC:%25&=$@github.com/org/repo", "/org/repo"},
      {"https://github.com/", "bar", "baz", "https://bar:baz@github.com/", "/"},
      {"https://github.com/", "a@b", "p:w/d\077", "https://a%40b:p%3Aw%2Fd%3F@github.com/", "/"},
      {"https://github.com/", "foo\134bar", "x y+z", "https://foo%5Cbar:x%20y+z@github.com/", "/"},
      {"https://github.com/", "\303\274", "%&=$", "https://%C3%BC:%25&=$@github.com/", "/"},
      {"github.com", "bar", "baz", "//bar:baz@github.com", "github.com"},
      {"github.com", "a@b", "p:w/d\077", "//a%40b:p%3Aw%2Fd%3F@github.com", "github.com"},
      {"github.com", "foo\134bar", "x y+z", "//foo%5Cbar:x%20y+z@github.com", "github.com"},
      {"github.com", "\303\274", "%&=$", "//%C3%BC:%25&=$@github.com", "github.com"},
      {"https://gitlab.example.com:8443/a/b.git", "bar", "baz", "https://bar:baz@gitlab.example.com:8443/a/b.git", "/a/b.git"},
      {"https://gitlab.example.com:8443/a/b.git", "a@b", "p:w/d\077", "https://a%40b:p%3Aw%2Fd%3F@gitlab.example.com:8443/a/b.git", "/a/b.git"},
      {"https://gitlab.example.com:8443/a/b.git", "foo\134bar", "x y+z", "https://foo%5Cbar:x%20y+z@gitlab.example.com:8443/a/b.git", "/a/b.git"},
      {"https://gitlab.example.com:8443/a/b.git", "\303\274", "%&=$", "https://%C3%BC:%25&=$@gitlab.example.com:8443/a/b.git", "/a/b.git"},
      {"http://[::1]:80/x", "bar", "baz", "http://bar:baz@[::1]:80/x", "/x"},
      {"http://[::1]:80/x", "a@b", "p:w/d\077", "http://a%40b:p%3Aw%2Fd%3F@[::1]:80/x", "/x"},
      {"http://[::1]:80/x", "foo\134bar", "x y+z", "http://foo%5Cbar:x%20y+z@[::1]:80/x", "/x"},
      {"http://[::1]:80/x", "\303\274", "%&=$", "http://%C3%BC:%25&=$@[::1]:80/x", "/x"},
      {"https:github.com", "bar", "baz", "https:github.com", ""},
      {"https:github.com", "a@b", "p:w/d\077", "https:github.com", ""},
      {"https:github.com", "foo\134bar", "x y+z", "https:github.com", ""},
      {"https:github.com", "\303\274", "%&=$", "https:github.com", ""},
      {"https://old:cred@host/p", "bar", "baz", "https://bar:baz@host/p", "/p"},
      {"https://old:cred@host/p", "a@b", "p:w/d\077", "https://a%40b:p%3Aw%2Fd%3F@host/p", "/p"},
      {"https://old:cred@host/p", "foo\134bar", "x y+z", "https://foo%5Cbar:x%20y+z@host/p", "/p"},
      {"https://old:cred@host/p", "\303\274", "%&=$", "https://%C3%BC:%25&=$@host/p", "/p"},
      {"https://host/a%20b", "bar", "baz", "https://bar:baz@host/a%20b", "/a b"},
      {"https://host/a%20b", "a@b", "p:w/d\077", "https://a%40b:p%3Aw%2Fd%3F@host/a%20b", "/a b"},
      {"https://host/a%20b", "foo\134bar", "x y+z", "https://foo%5Cbar:x%20y+z@host/a%20b", "/a b"},
      {"https://host/a%20b", "\303\274", "%&=$", "https://%C3%BC:%25&=$@host/a%20b", "/a b"},
      {"https://host/a b", "bar", "baz", "https://bar:baz@host/a%20b", "/a b"},
      {"https://host/a b", "a@b", "p:w/d\077", "https://a%40b:p%3Aw%2Fd%3F@host/a%20b", "/a b"},
      {"https://host/a b", "foo\134bar", "x y+z", "https://foo%5Cbar:x%20y+z@host/a%20b", "/a b"},
      {"https://host/a b", "\303\274", "%&=$", "https://%C3%BC:%25&=$@host/a%20b", "/a b"},
      {"https://host/p\077q=1#frag", "bar", "baz", "https://bar:baz@host/p\077q=1#frag", "/p"},
      {"https://host/p\077q=1#frag", "a@b", "p:w/d\077", "https://a%40b:p%3Aw%2Fd%3F@host/p\077q=1#frag", "/p"},
      {"https://host/p\077q=1#frag", "foo\134bar", "x y+z", "https://foo%5Cbar:x%20y+z@host/p\077q=1#frag", "/p"},
      {"https://host/p\077q=1#frag", "\303\274", "%&=$", "https://%C3%BC:%25&=$@host/p\077q=1#frag", "/p"},
      {"https://host/p\077", "bar", "baz", "https://bar:baz@host/p\077", "/p"},
      {"https://host/p\077", "a@b", "p:w/d\077", "https://a%40b:p%3Aw%2Fd%3F@host/p\077", "/p"},
      {"https://host/p\077", "foo\134bar", "x y+z", "https://foo%5Cbar:x%20y+z@host/p\077", "/p"},
      {"https://host/p\077", "\303\274", "%&=$", "https://%C3%BC:%25&=$@host/p\077", "/p"},
      {"https://HOST.com/Path", "bar", "baz", "https://bar:baz@HOST.com/Path", "/Path"},
      {"https://HOST.com/Path", "a@b", "p:w/d\077", "https://a%40b:p%3Aw%2Fd%3F@HOST.com/Path", "/Path"},
      {"https://HOST.com/Path", "foo\134bar", "x y+z", "https://foo%5Cbar:x%20y+z@HOST.com/Path", "/Path"},
      {"https://HOST.com/Path", "\303\274", "%&=$", "https://%C3%BC:%25&=$@HOST.com/Path", "/Path"},
      {"HTTPS://h/x", "bar", "baz", "https://bar:baz@h/x", "/x"},
      {"HTTPS://h/x", "a@b", "p:w/d\077", "https://a%40b:p%3Aw%2Fd%3F@h/x", "/x"},
      {"HTTPS://h/x", "foo\134bar", "x y+z", "https://foo%5Cbar:x%20y+z@h/x", "/x"},
      {"HTTPS://h/x", "\303\274", "%&=$", "https://%C3%BC:%25&=$@h/x", "/x"},
      {"a:b/c", "bar", "baz", "a:b/c", ""},
      {"a:b/c", "a@b", "p:w/d\077", "a:b/c", ""},
      {"a:b/c", "foo\134bar", "x y+z", "a:b/c", ""},
      {"a:b/c", "\303\274", "%&=$", "a:b/c", ""},
      {"/just/path", "bar", "baz", "//bar:baz@/just/path", "/just/path"},
      {"/just/path", "a@b", "p:w/d\077", "//a%40b:p%3Aw%2Fd%3F@/just/path", "/just/path"},
      {"/just/path", "foo\134bar", "x y+z", "//foo%5Cbar:x%20y+z@/just/path", "/just/path"},
      {"/just/path", "\303\274", "%&=$", "//%C3%BC:%25&=$@/just/path", "/just/path"},
      {"https://h/a%2Fb", "bar", "baz", "https://bar:baz@h/a%2Fb", "/a/b"},
      {"https://h/a%2Fb", "a@b", "p:w/d\077", "https://a%40b:p%3Aw%2Fd%3F@h/a%2Fb", "/a/b"},
      {"https://h/a%2Fb", "foo\134bar", "x y+z", "https://foo%5Cbar:x%20y+z@h/a%2Fb", "/a/b"},
      {"https://h/a%2Fb", "\303\274", "%&=$", "https://%C3%BC:%25&=$@h/a%2Fb", "/a/b"},
      {"https://h/\303\274", "bar", "baz", "https://bar:baz@h/%C3%BC", "/\303\274"},
      {"https://h/\303\274", "a@b", "p:w/d\077", "https://a%40b:p%3Aw%2Fd%3F@h/%C3%BC", "/\303\274"},
      {"https://h/\303\274", "foo\134bar", "x y+z", "https://foo%5Cbar:x%20y+z@h/%C3%BC", "/\303\274"},
      {"https://h/\303\274", "\303\274", "%&=$", "https://%C3%BC:%25&=$@h/%C3%BC", "/\303\274"},
      {"https://\303\274.com/x", "bar", "baz", "https://bar:baz@%C3%BC.com/x", "/x"},
      {"https://\303\274.com/x", "a@b", "p:w/d\077", "https://a%40b:p%3Aw%2Fd%3F@%C3%BC.com/x", "/x"},
      {"https://\303\274.com/x", "foo\134bar", "x y+z", "https://foo%5Cbar:x%20y+z@%C3%BC.com/x", "/x"},
      {"https://\303\274.com/x", "\303\274", "%&=$", "https://%C3%BC:%25&=$@%C3%BC.com/x", "/x"},
      {"https://h/#a b", "bar", "baz", "https://bar:baz@h/#a%20b", "/"},
      {"https://h/#a b", "a@b", "p:w/d\077", "https://a%40b:p%3Aw%2Fd%3F@h/#a%20b", "/"},
      {"https://h/#a b", "foo\134bar", "x y+z", "https://foo%5Cbar:x%20y+z@h/#a%20b", "/"},
      {"https://h/#a b", "\303\274", "%&=$", "https://%C3%BC:%25&=$@h/#a%20b", "/"},
      {"*", "bar", "baz", "//bar:baz@*", "*"},
      {"*", "a@b", "p:w/d\077", "//a%40b:p%3Aw%2Fd%3F@*", "*"},
      {"*", "foo\134bar", "x y+z", "//foo%5Cbar:x%20y+z@*", "*"},
      {"*", "\303\274", "%&=$", "//%C3%BC:%25&=$@*", "*"},
      {"https://h/p#%41", "bar", "baz", "https://bar:baz@h/p#%41", "/p"},
      {"https://h/p#%41", "a@b", "p:w/d\077", "https://a%40b:p%3Aw%2Fd%3F@h/p#%41", "/p"},
      {"https://h/p#%41", "foo\134bar", "x y+z", "https://foo%5Cbar:x%20y+z@h/p#%41", "/p"},
      {"https://h/p#%41", "\303\274", "%&=$", "https://%C3%BC:%25&=$@h/p#%41", "/p"},
      {"https://h/p#f!", "bar", "baz", "https://bar:baz@h/p#f!", "/p"},
      {"https://h/p#f!", "a@b", "p:w/d\077", "https://a%40b:p%3Aw%2Fd%3F@h/p#f!", "/p"},
      {"https://h/p#f!", "foo\134bar", "x y+z", "https://foo%5Cbar:x%20y+z@h/p#f!", "/p"},
      {"https://h/p#f!", "\303\274", "%&=$", "https://%C3%BC:%25&=$@h/p#f!", "/p"},
      {"file:///etc/x", "bar", "baz", "file://bar:baz@/etc/x", "/etc/x"},
      {"file:///etc/x", "a@b", "p:w/d\077", "file://a%40b:p%3Aw%2Fd%3F@/etc/x", "/etc/x"},
      {"file:///etc/x", "foo\134bar", "x y+z", "file://foo%5Cbar:x%20y+z@/etc/x", "/etc/x"},
      {"file:///etc/x", "\303\274", "%&=$", "file://%C3%BC:%25&=$@/etc/x", "/etc/x"},
      {"https://h/a;b,c", "bar", "baz", "https://bar:baz@h/a;b,c", "/a;b,c"},
      {"https://h/a;b,c", "a@b", "p:w/d\077", "https://a%40b:p%3Aw%2Fd%3F@h/a;b,c", "/a;b,c"},
      {"https://h/a;b,c", "foo\134bar", "x y+z", "https://foo%5Cbar:x%20y+z@h/a;b,c", "/a;b,c"},
      {"https://h/a;b,c", "\303\274", "%&=$", "https://%C3%BC:%25&=$@h/a;b,c", "/a;b,c"},
      {"https://h/~user", "bar", "baz", "https://bar:baz@h/~user", "/~user"},
      {"https://h/~user", "a@b", "p:w/d\077", "https://a%40b:p%3Aw%2Fd%3F@h/~user", "/~user"},
      {"https://h/~user", "foo\134bar", "x y+z", "https://foo%5Cbar:x%20y+z@h/~user", "/~user"},
      {"https://h/~user", "\303\274", "%&=$", "https://%C3%BC:%25&=$@h/~user", "/~user"},
      {"mailto:x@y", "bar", "baz", "mailto:x@y", ""},
      {"mailto:x@y", "a@b", "p:w/d\077", "mailto:x@y", ""},
      {"mailto:x@y", "foo\134bar", "x y+z", "mailto:x@y", ""},
      {"mailto:x@y", "\303\274", "%&=$", "mailto:x@y", ""},
      {"//host/path", "bar", "baz", "//bar:baz@host/path", "/path"},
      {"//host/path", "a@b", "p:w/d\077", "//a%40b:p%3Aw%2Fd%3F@host/path", "/path"},
      {"//host/path", "foo\134bar", "x y+z", "//foo%5Cbar:x%20y+z@host/path", "/path"},
      {"//host/path", "\303\274", "%&=$", "//%C3%BC:%25&=$@host/path", "/path"},
      {"https://h:/x", "bar", "baz", "https://bar:baz@h:/x", "/x"},
      {"https://h:/x", "a@b", "p:w/d\077", "https://a%40b:p%3Aw%2Fd%3F@h:/x", "/x"},
      {"https://h:/x", "foo\134bar", "x y+z", "https://foo%5Cbar:x%20y+z@h:/x", "/x"},
      {"https://h:/x", "\303\274", "%&=$", "https://%C3%BC:%25&=$@h:/x", "/x"},
      {"https://[fe80::1%25en0]:8080/x", "bar", "baz", "https://bar:baz@[fe80::1%25en0]:8080/x", "/x"},
      {"https://[fe80::1%25en0]:8080/x", "a@b", "p:w/d\077", "https://a%40b:p%3Aw%2Fd%3F@[fe80::1%25en0]:8080/x", "/x"},
      {"https://[fe80::1%25en0]:8080/x", "foo\134bar", "x y+z", "https://foo%5Cbar:x%20y+z@[fe80::1%25en0]:8080/x", "/x"},
      {"https://[fe80::1%25en0]:8080/x", "\303\274", "%&=$", "https://%C3%BC:%25&=$@[fe80::1%25en0]:8080/x", "/x"},
  };
  for (const UrlCase& c : cases) {
    auto url = ParseGoUrl(c.raw);
    ASSERT_TRUE(url) << c.raw << ": " << url.error().message;
    EXPECT_EQ(url->path, c.path) << c.raw;
    url->user = GoUrlUser{c.username, c.password, true};
    EXPECT_EQ(url->String(), c.with_user) << c.raw;
  }
}

TEST(GoUrlTest, ParseErrorsAreGos) {
  const std::pair<const char*, const char*> cases[] = {
      {"https://h/%zz", "parse \042https://h/%zz\042: invalid URL escape \042%zz\042"},
      {"http://a b.com/", "parse \042http://a b.com/\042: invalid character \042 \042 in host name"},
      {"http://[::1", "parse \042http://[::1\042: missing ']' in host"},
      {"https://h:port/x", "parse \042https://h:port/x\042: invalid port \042:port\042 after host"},
      {"://x", "parse \042://x\042: missing protocol scheme"},
      {"https://h/\001", "parse \042https://h/\134x01\042: net/url: invalid control character in URL"},
      {"https://%41.com", "parse \042https://%41.com\042: invalid URL escape \042%41\042"},
  };
  for (const auto& [raw, message] : cases) {
    auto url = ParseGoUrl(raw);
    ASSERT_FALSE(url) << raw;
    EXPECT_EQ(url.error().message, message);
  }
}

TEST(GoQuoteTest, MatchesStrconvQuote) {
  using namespace std::literals;
  const std::pair<std::string_view, const char*> cases[] = {
      {"a\042b\134c"sv, "\042a\134\042b\134\134c\042"},
      {"tab\011here"sv, "\042tab\134there\042"},
      {"\000\177"sv, "\042\134x00\134x7f\042"},
      {"\303\251"sv, "\042\303\251\042"},
      {"\302\255"sv, "\042\134u00ad\042"},
      {"\342\200\250"sv, "\042\134u2028\042"},
      {"\377"sv, "\042\134xff\042"},
      {"\360\237\230\200"sv, "\042\360\237\230\200\042"},
      {"\357\273\277"sv, "\042\134ufeff\042"},
      {"\302\240"sv, "\042\134u00a0\042"},
      {"", "\"\""},
  };
  for (const auto& [text, quoted] : cases) EXPECT_EQ(GoQuote(text), quoted);
}

}  // namespace
}  // namespace podstep
