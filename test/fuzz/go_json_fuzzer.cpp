// Go-compatible JSON (common/go_json.h): AppendGoJsonString → ReadString
// gives back the input with each invalid UTF-8 byte as U+FFFD; the reader
// never crashes on any text and only ever decodes to valid UTF-8.

#include "common/go_json.h"
#include "test/fuzz/fuzz_support.h"

namespace {

bool IsValidUtf8(std::string_view text) {
  while (!text.empty()) {
    const size_t length = podstep::ValidUtf8SequenceLength(text);
    if (length == 0) return false;
    text.remove_prefix(length);
  }
  return true;
}

// What Go's json.Marshal then Unmarshal of `bytes` yields.
std::string Sanitized(std::string_view bytes) {
  std::string out;
  while (!bytes.empty()) {
    const size_t length = podstep::ValidUtf8SequenceLength(bytes);
    if (length == 0) {
      out += "\xEF\xBF\xBD";
      bytes.remove_prefix(1);
    } else {
      out.append(bytes.substr(0, length));
      bytes.remove_prefix(length);
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = podstep::fuzz::AsText(data, size);

  std::string quoted;
  podstep::AppendGoJsonString(quoted, input);
  FUZZ_CHECK(IsValidUtf8(quoted), quoted);
  for (unsigned char c : quoted) {
    FUZZ_CHECK(c >= 0x20 && c != '<' && c != '>' && c != '&', quoted);
  }
  podstep::GoJsonReader reader(quoted);
  auto decoded = reader.ReadString();
  FUZZ_CHECK(decoded.has_value(), quoted);
  FUZZ_CHECK(*decoded == Sanitized(input), quoted);
  FUZZ_CHECK(reader.AtEnd(), quoted);
  podstep::GoJsonReader skipper(quoted);
  FUZZ_CHECK(skipper.SkipValue(0) && skipper.AtEnd(), quoted);

  // Arbitrary text: whatever decodes is valid UTF-8; numbers look like numbers.
  podstep::GoJsonReader any(input);
  if (auto string = any.ReadString()) FUZZ_CHECK(IsValidUtf8(*string), std::string(input));
  podstep::GoJsonReader number(input);
  if (auto text = number.ReadNumber()) {
    FUZZ_CHECK(
        !text->empty() && (text->front() == '-' || (text->front() >= '0' && text->front() <= '9')),
        std::string(*text));
    FUZZ_CHECK(input.find(*text) != std::string_view::npos, std::string(*text));
  }
  podstep::GoJsonReader value(input);
  (void)value.SkipValue(0);
  return 0;
}
