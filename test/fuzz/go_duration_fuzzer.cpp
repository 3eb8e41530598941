// Go durations (common/go_duration.h): never a crash; errors carry Go's
// text; a leading '-' negates, and a leading '+' changes nothing.

#include "common/go_duration.h"
#include "test/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using podstep::ParseGoDuration;
  const std::string text(podstep::fuzz::AsText(data, size));
  auto parsed = ParseGoDuration(text);
  if (!parsed) {
    FUZZ_CHECK(parsed.error().message.starts_with("time: "), parsed.error().message);
    return 0;
  }
  if (text.empty() || text[0] == '-' || text[0] == '+') return 0;
  auto negated = ParseGoDuration("-" + text);
  FUZZ_CHECK(negated.has_value(), text);
  FUZZ_CHECK(*negated == -*parsed, text);
  auto plus = ParseGoDuration("+" + text);
  FUZZ_CHECK(plus.has_value() && *plus == *parsed, text);
  return 0;
}
