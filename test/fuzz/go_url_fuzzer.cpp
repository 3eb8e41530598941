// Go's net/url Parse and String (common/go_url.h), used for credential flag
// values (-basic-git=<secret>=<url>), and strconv.Quote (common/go_quote.h).
// Any text parses or fails with Go's `parse "…": …` text, without a crash;
// a parsed URL's String(), when it parses again, gives the same String();
// a quoted text is one line of printable bytes between double quotes.

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
  // Go's own String() output does not always parse back (go1.19 too:
  // "/%2Fb[" prints "//b%5B", "http://[\xce…]" prints an escaped IPv6
  // literal); when it does, String() is a fixed point.
  const std::string text = url->String();
  if (auto again = podstep::ParseGoUrl(text)) {
    FUZZ_CHECK(again->String() == text,
               std::string(input) + " -> " + text + " -> " + again->String());
  }
  return 0;
}
