#include "common/go_quote.h"

#include <fmt/format.h>

#include "common/go_json.h"

namespace podstep {
namespace {

char32_t DecodeRune(std::string_view bytes, size_t length) {
  auto byte = [&](size_t i) { return static_cast<char32_t>(static_cast<unsigned char>(bytes[i])); };
  switch (length) {
    case 1:
      return byte(0);
    case 2:
      return (byte(0) & 0x1F) << 6 | (byte(1) & 0x3F);
    case 3:
      return (byte(0) & 0x0F) << 12 | (byte(1) & 0x3F) << 6 | (byte(2) & 0x3F);
    default:
      return (byte(0) & 0x07) << 18 | (byte(1) & 0x3F) << 12 | (byte(2) & 0x3F) << 6 |
             (byte(3) & 0x3F);
  }
}

bool IsPrint(char32_t rune) {
  if (rune <= 0xFF) return (rune >= 0x20 && rune <= 0x7E) || (rune >= 0xA1 && rune != 0xAD);
  if (rune >= 0x200B && rune <= 0x200F) return false;  // zero-width and direction marks
  if (rune >= 0x2028 && rune <= 0x202E) return false;  // separators, embeddings
  if (rune >= 0x2060 && rune <= 0x206F) return false;  // invisible operators
  if (rune >= 0xE000 && rune <= 0xF8FF) return false;  // private use
  if (rune == 0xFEFF || (rune >= 0xFFF0 && rune <= 0xFFFB)) return false;
  if ((rune & 0xFFFE) == 0xFFFE) return false;  // non-characters
  if (rune >= 0xF0000) return false;            // supplementary private use
  return true;
}

}  // namespace

std::string GoQuote(std::string_view text) {
  std::string out = "\"";
  while (!text.empty()) {
    size_t length = ValidUtf8SequenceLength(text);
    if (length == 0) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[0]));
      text.remove_prefix(1);
      continue;
    }
    char32_t rune = DecodeRune(text, length);
    if (rune == '"' || rune == '\\') {
      out += '\\';
      out += static_cast<char>(rune);
    } else if (IsPrint(rune)) {
      out.append(text.substr(0, length));
    } else {
      switch (rune) {
        case '\a': out += "\\a"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\v': out += "\\v"; break;
        default:
          if (rune < ' ' || rune == 0x7F) {
            out += fmt::format("\\x{:02x}", static_cast<unsigned>(rune));
          } else if (rune < 0x10000) {
            out += fmt::format("\\u{:04x}", static_cast<unsigned>(rune));
          } else {
            out += fmt::format("\\U{:08x}", static_cast<unsigned>(rune));
          }
      }
    }
    text.remove_prefix(length);
  }
  out += '"';
  return out;
}

}  // namespace podstep
