// Go's net/url Parse and String (common/go_url.h), used for credential flag
// values (-basic-git=<secret>=<url>), and strconv.Quote (common/go_quote.h).
// Any text parses or fails with Go's `parse "…": …` text, without a crash;
// a parsed URL's String() parses again to the same String() (unless Go's
// own String() is ambiguous there, see below); a quoted text
// is one line of printable bytes between double quotes.

#include "common/go_quote.h"
#include "common/go_url.h"
#include "test/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = podstep::fuzz::AsText(data, size);

  const std::string quoted = podstep::GoQuote(input);
  FUZZ_CHECK(quoted.size() >= 2 && quoted.front() == '"' && quoted.back() == '"', quoted);
  for (unsigned char c : quoted) FUZZ_CHECK(c >= 0x20 && c != 0x7F, quoted);

  auto url = podstep::ParseGoUrl(input);
  if (!url) {
    FUZZ_CHECK(url.error().message.starts_with("parse "), url.error().message);
    return 0;
  }
  const std::string text = url->String();
  // A path that starts with "//" and no host prints as an authority, in Go
  // too (go1.19: "/%2Fb[" and "http:/%2Fm)@" print "//b%5B" and
  // "http://m%29@", which fail to parse): that output need not parse back.
  if (url->host.empty() && url->path.starts_with("//")) return 0;
  auto again = podstep::ParseGoUrl(text);
  FUZZ_CHECK(again.has_value(),
             std::string(input) + " -> " + text + ": " + (again ? "" : again.error().message));
  FUZZ_CHECK(again->String() == text,
             std::string(input) + " -> " + text + " -> " + again->String());
  return 0;
}
