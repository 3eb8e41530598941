// CEL's `matches` engine (RegexSearch in common/cel.h). Input: pattern, NUL,
// text. Any pattern and text end without a crash, within the step budget,
// with a result or an "invalid regex"/"too expensive" error. Then both are
// mapped onto a small token alphabet whose meaning RE2 and ECMAScript share,
// and the answer must equal std::regex's (a backtracking oracle, hence the
// short inputs).

#include <regex>

#include "common/cel.h"
#include "test/fuzz/fuzz_support.h"

namespace {

constexpr const char* kPatternTokens[] = {
    "a",    "b",     "c",   ".",   "*",   "+",   "?",   "|",     "(",    ")",  "^", "$", "[ab]",
    "[^a]", "[a-c]", "\\d", "\\w", "\\s", "(?:", "{2}", "{1,2}", "{0,}", "*?", "1", "_", " ",
};
constexpr char kTextBytes[] = {'a', 'b', 'c', '1', '_', ' ', '\n', 'a'};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = podstep::fuzz::AsText(data, size);
  const size_t nul = input.find('\0');
  const std::string_view pattern = input.substr(0, nul);
  const std::string_view text = nul == std::string_view::npos ? "" : input.substr(nul + 1);

  auto result = podstep::RegexSearch(pattern, text, 2'000'000);
  if (!result) {
    const std::string& message = result.error().message;
    FUZZ_CHECK(message.starts_with("invalid regex '") || message.ends_with("is too expensive"),
               message);
  }

  // Differential check on the token alphabet.
  std::string small_pattern, small_text;
  for (size_t i = 0; i < pattern.size() && i < 16; ++i) {
    small_pattern +=
        kPatternTokens[static_cast<unsigned char>(pattern[i]) % std::size(kPatternTokens)];
  }
  for (size_t i = 0; i < text.size() && i < 12; ++i) {
    small_text += kTextBytes[static_cast<unsigned char>(text[i]) % std::size(kTextBytes)];
  }
  auto ours = podstep::RegexSearch(small_pattern, small_text);
  bool oracle = false;
  try {
    std::regex(small_pattern, std::regex::ECMAScript);  // alone, so its parentheses balance
    // libc++'s regex_search misses an empty match at the very end (`$` on
    // "a"), so search as a match: ^ and $ (not multiline) keep their meaning.
    oracle = std::regex_match(small_text, std::regex("[\\s\\S]*?(?:" + small_pattern + ")[\\s\\S]*",
                                                     std::regex::ECMAScript));
  } catch (const std::regex_error&) {
    return 0;  // ECMAScript rejects it; RE2 may accept (e.g. `^*`)
  }
  if (!ours) return 0;  // RE2 rejects some ECMAScript accepts (e.g. `a**`)
  FUZZ_CHECK(*ours == oracle, "/" + small_pattern + "/ on \"" + small_text + "\": ours " +
                                  (*ours ? "true" : "false"));
  return 0;
}
