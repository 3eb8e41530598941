#include "common/go_json.h"

#include <vector>

namespace podstep {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

bool InRange(unsigned char byte, unsigned char low, unsigned char high) {
  return byte >= low && byte <= high;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

size_t ValidUtf8SequenceLength(std::string_view bytes) {
  if (bytes.empty()) return 0;
  auto at = [&](size_t i) { return static_cast<unsigned char>(bytes[i]); };
  const unsigned char lead = at(0);
  if (lead < 0x80) return 1;
  size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // range of the second byte
  if (InRange(lead, 0xC2, 0xDF)) {
    length = 2;
  } else if (InRange(lead, 0xE0, 0xEF)) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // no overlong forms
    if (lead == 0xED) high = 0x9F;  // no surrogates
  } else if (InRange(lead, 0xF0, 0xF4)) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // no overlong forms
    if (lead == 0xF4) high = 0x8F;  // nothing above U+10FFFF
  } else {
    return 0;  // a continuation byte, an overlong lead (C0, C1) or F5..FF
  }
  if (bytes.size() < length || !InRange(at(1), low, high)) return 0;
  for (size_t i = 2; i < length; ++i) {
    if (!InRange(at(i), 0x80, 0xBF)) return 0;
  }
  return length;
}

void AppendGoJsonString(std::string& out, std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t i = 0;
  while (i < bytes.size()) {
    const auto byte = static_cast<unsigned char>(bytes[i]);
    if (byte < 0x80) {
      switch (byte) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          // Go escapes <, > and & too, so the JSON is safe to embed in HTML.
          if (byte < 0x20 || byte == '<' || byte == '>' || byte == '&') {
            out += "\\u00";
            out.push_back(kHex[byte >> 4]);
            out.push_back(kHex[byte & 0xF]);
          } else {
            out.push_back(static_cast<char>(byte));
          }
      }
      ++i;
      continue;
    }
    const size_t length = ValidUtf8SequenceLength(bytes.substr(i));
    if (length == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    const std::string_view sequence = bytes.substr(i, length);
    // U+2028 and U+2029 are valid JSON but line breaks in JavaScript; Go escapes them.
    if (sequence == "\xE2\x80\xA8") {
      out += "\\u2028";
    } else if (sequence == "\xE2\x80\xA9") {
      out += "\\u2029";
    } else {
      out.append(sequence);
    }
    i += length;
  }
  out.push_back('"');
}

char GoJsonReader::Peek() {
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return c;
    ++pos_;
  }
  return '\0';
}

bool GoJsonReader::Consume(char c) {
  if (Peek() != c || pos_ >= text_.size()) return false;
  ++pos_;
  return true;
}

bool GoJsonReader::ConsumeLiteral(std::string_view word) {
  Peek();
  if (text_.substr(pos_, word.size()) != word) return false;
  pos_ += word.size();
  return true;
}

bool GoJsonReader::AtEnd() {
  Peek();
  return pos_ == text_.size();
}

bool GoJsonReader::ReadHex4(size_t at, unsigned& value) const {
  if (at + 4 > text_.size()) return false;
  value = 0;
  for (size_t i = at; i < at + 4; ++i) {
    const char c = text_[i];
    unsigned digit = 0;
    if (IsDigit(c)) {
      digit = static_cast<unsigned>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<unsigned>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      digit = static_cast<unsigned>(c - 'A' + 10);
    } else {
      return false;
    }
    value = value << 4 | digit;
  }
  return true;
}

std::optional<std::string> GoJsonReader::ReadString() {
  if (!Consume('"')) return std::nullopt;
  std::string out;
  while (pos_ < text_.size()) {
    const auto c = static_cast<unsigned char>(text_[pos_]);
    if (c == '"') {
      ++pos_;
      return out;
    }
    if (c < 0x20) return std::nullopt;
    if (c >= 0x80) {
      // Go's decoder keeps invalid UTF-8 but replaces each bad byte by U+FFFD.
      const size_t length = ValidUtf8SequenceLength(text_.substr(pos_));
      out.append(length == 0 ? kReplacement : text_.substr(pos_, length));
      pos_ += length == 0 ? 1 : length;
      continue;
    }
    if (c != '\\') {
      out.push_back(static_cast<char>(c));
      ++pos_;
      continue;
    }
    if (pos_ + 1 >= text_.size()) return std::nullopt;
    const char escape = text_[pos_ + 1];
    pos_ += 2;
    switch (escape) {
      case '"':
      case '\\':
      case '/':
        out.push_back(escape);
        continue;
      case 'b':
        out.push_back('\b');
        continue;
      case 'f':
        out.push_back('\f');
        continue;
      case 'n':
        out.push_back('\n');
        continue;
      case 'r':
        out.push_back('\r');
        continue;
      case 't':
        out.push_back('\t');
        continue;
      case 'u':
        break;
      default:
        return std::nullopt;
    }
    unsigned rune = 0;
    if (!ReadHex4(pos_, rune)) return std::nullopt;
    pos_ += 4;
    if (rune >= 0xD800 && rune < 0xE000) {
      // Only a high surrogate directly followed by a low one forms a pair;
      // otherwise Go writes U+FFFD and decodes the next escape on its own.
      unsigned low = 0;
      if (rune < 0xDC00 && text_.substr(pos_, 2) == "\\u" && ReadHex4(pos_ + 2, low) &&
          low >= 0xDC00 && low < 0xE000) {
        rune = 0x10000 + ((rune - 0xD800) << 10) + (low - 0xDC00);
        pos_ += 6;
      } else {
        rune = 0xFFFD;
      }
    }
    AppendUtf8(out, rune);
  }
  return std::nullopt;
}

std::optional<std::string_view> GoJsonReader::ReadNumber() {
  Peek();
  const size_t start = pos_;
  auto digits = [&] {
    const size_t first = pos_;
    while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
    return pos_ > first;
  };
  auto next_is = [&](char c) { return pos_ < text_.size() && text_[pos_] == c; };
  if (next_is('-')) ++pos_;
  if (next_is('0')) {
    ++pos_;
  } else if (!digits()) {
    return std::nullopt;
  }
  if (next_is('.')) {
    ++pos_;
    if (!digits()) return std::nullopt;
  }
  if (next_is('e') || next_is('E')) {
    ++pos_;
    if (next_is('+') || next_is('-')) ++pos_;
    if (!digits()) return std::nullopt;
  }
  return text_.substr(start, pos_ - start);
}

bool GoJsonReader::SkipScalar() {
  switch (Peek()) {
    case '"':
      return ReadString().has_value();
    case 't':
      return ConsumeLiteral("true");
    case 'f':
      return ConsumeLiteral("false");
    case 'n':
      return ConsumeLiteral("null");
    default:
      return ReadNumber().has_value();
  }
}

bool GoJsonReader::SkipValue(int depth) {
  // Iterative, so hostile nesting cannot overflow the stack.
  std::vector<char> closers;
  for (;;) {
    const char c = Peek();
    if (c == '[' || c == '{') {
      ++pos_;
      if (depth + static_cast<int>(closers.size()) + 1 > kMaxDepth) return false;
      const char closer = c == '[' ? ']' : '}';
      if (!Consume(closer)) {
        closers.push_back(closer);
        if (closer == '}' && !(ReadString() && Consume(':'))) return false;
        continue;  // the first element or member value
      }
    } else if (!SkipScalar()) {
      return false;
    }
    // A value is complete: close containers until one continues with ','.
    for (;;) {
      if (closers.empty()) return true;
      if (Consume(',')) {
        if (closers.back() == '}' && !(ReadString() && Consume(':'))) return false;
        break;
      }
      if (!Consume(closers.back())) return false;
      closers.pop_back();
    }
  }
}

std::string_view GoJsonKindName(char first) {
  switch (first) {
    case '"':
      return "string";
    case '[':
      return "array";
    case '{':
      return "object";
    case 't':
    case 'f':
      return "bool";
    default:
      return "number";
  }
}

bool GoJsonKeyMatches(std::string_view key, std::string_view field_name) {
  if (key.size() != field_name.size()) return false;
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
  for (size_t i = 0; i < key.size(); ++i) {
    if (lower(key[i]) != lower(field_name[i])) return false;
  }
  return true;
}

void AppendUtf8(std::string& out, unsigned rune) {
  if (rune < 0x80) {
    out.push_back(static_cast<char>(rune));
  } else if (rune < 0x800) {
    out.push_back(static_cast<char>(0xC0 | rune >> 6));
    out.push_back(static_cast<char>(0x80 | (rune & 0x3F)));
  } else if (rune < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | rune >> 12));
    out.push_back(static_cast<char>(0x80 | (rune >> 6 & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (rune & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | rune >> 18));
    out.push_back(static_cast<char>(0x80 | (rune >> 12 & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (rune >> 6 & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (rune & 0x3F)));
  }
}

}  // namespace podstep
