#include "common/cel_lexer.h"

#include <cctype>
#include <charconv>
#include <utility>

#include "common/cel_value.h"

namespace podstep::cel {
namespace {

bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)); }
bool IsHexDigit(char c) { return std::isxdigit(static_cast<unsigned char>(c)); }
bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

void ThrowSyntaxError(size_t at, const std::string& what) {
  throw SyntaxError{at, "Syntax error: " + what};
}

size_t Lexer::Mark() {
  for (;;) {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\r' ||
            text_[pos_] == '\n' || text_[pos_] == '\f')) {
      ++pos_;
    }
    if (text_.substr(pos_, 2) != "//") return pos_;
    while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
  }
}

bool Lexer::AtEnd() { return Mark() >= text_.size(); }

bool Lexer::Peek(std::string_view token) {
  Mark();
  return text_.substr(pos_, token.size()) == token;
}

bool Lexer::Accept(std::string_view token) {
  if (!Peek(token)) return false;
  pos_ += token.size();
  return true;
}

void Lexer::Expect(std::string_view token) {
  if (!Accept(token)) {
    ThrowSyntaxError(pos_, "expected '" + std::string(token) + "', found " + Describe(pos_));
  }
}

std::string Lexer::Identifier() {
  const size_t start = Mark();
  if (std::isalpha(static_cast<unsigned char>(Char())) || Char() == '_') {
    while (IsIdentChar(Char())) ++pos_;
  }
  return std::string(text_.substr(start, pos_ - start));
}

int Lexer::CountRepeated(char op) {
  int count = 0;
  while (Accept(std::string_view(&op, 1))) ++count;
  return count;
}

Number Lexer::ScanNumber(bool negative, size_t at) {
  const size_t start = Mark();
  auto digits = [&](bool (*is_digit)(char)) {
    const size_t first = pos_;
    while (is_digit(Char())) ++pos_;
    return pos_ > first;
  };
  int base = 10;
  bool is_double = false;
  if (Char() == '0' && Char(1) == 'x' && IsHexDigit(Char(2))) {
    pos_ += 2;
    base = 16;
    digits(IsHexDigit);
  } else {
    digits(IsDigit);
    if (Char() == '.' && IsDigit(Char(1))) {
      ++pos_;
      is_double = true;
      digits(IsDigit);
    }
    const size_t exponent = pos_;
    if (Char() == 'e' || Char() == 'E') {
      ++pos_;
      if (Char() == '+' || Char() == '-') ++pos_;
      if (digits(IsDigit)) {
        is_double = true;
      } else {
        pos_ = exponent;  // `1e` is the int 1, then `e`
      }
    }
  }
  const std::string_view literal = text_.substr(start, pos_ - start);
  Number number;
  if (is_double) {
    number.kind = Number::Kind::kDouble;
    if (!ParseGoFloat(literal, number.double_value))
      throw SyntaxError{at, "invalid double literal"};
    if (negative) number.double_value = -number.double_value;
    return number;
  }
  const std::string_view text = base == 16 ? literal.substr(2) : literal;
  const char* end = text.data() + text.size();
  if (Char() == 'u' || Char() == 'U') {
    ++pos_;
    number.kind = Number::Kind::kUint;
    auto [stop, error] = std::from_chars(text.data(), end, number.uint_value, base);
    if (error != std::errc() || stop != end) throw SyntaxError{at, "invalid uint literal"};
    return number;
  }
  uint64_t magnitude = 0;
  auto [stop, error] = std::from_chars(text.data(), end, magnitude, base);
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  if (error != std::errc() || stop != end || magnitude > limit) {
    throw SyntaxError{at, "invalid int literal"};
  }
  number.int_value = static_cast<int64_t>(negative ? 0 - magnitude : magnitude);
  return number;
}

std::string Lexer::ScanString(bool raw) {
  const size_t at = raw ? pos_ - 1 : pos_;
  const char quote = text_[pos_];
  const std::string closing(text_.substr(pos_, 3) == std::string(3, quote) ? 3 : 1, quote);
  pos_ += closing.size();
  std::string out;
  for (;;) {
    if (pos_ >= text_.size()) ThrowSyntaxError(at, "unterminated string literal");
    if (text_.substr(pos_, closing.size()) == closing) {
      pos_ += closing.size();
      return out;
    }
    const char c = text_[pos_++];
    if ((c == '\r' || c == '\n') && closing.size() == 1) {
      ThrowSyntaxError(at, "newline in string literal");
    } else if (c == '\r') {
      // cel-go turns \r\n and \r into \n.
      if (Char() == '\n') ++pos_;
      out += '\n';
    } else if (c != '\\' || raw) {
      out += c;
    } else {
      Escape(out);
    }
  }
}

// After a backslash: one of CEL's escapes.
void Lexer::Escape(std::string& out) {
  const size_t at = pos_ - 1;
  const char c = Char();
  static constexpr std::pair<char, char> kSimple[] = {
      {'a', '\a'}, {'b', '\b'},  {'f', '\f'},  {'n', '\n'}, {'r', '\r'}, {'t', '\t'},
      {'v', '\v'}, {'\\', '\\'}, {'\'', '\''}, {'"', '"'},  {'`', '`'},  {'?', '?'}};
  for (auto [escape, value] : kSimple) {
    if (c == escape) {
      ++pos_;
      out += value;
      return;
    }
  }
  size_t count = 0;
  int base = 16;
  if (c == 'x' || c == 'X' || c == 'u' || c == 'U') {
    count = c == 'u' ? 4 : c == 'U' ? 8 : 2;
    ++pos_;
  } else if (c >= '0' && c <= '3') {
    count = 3;  // the first digit is one of them
    base = 8;
  }
  const std::string_view digits = text_.substr(pos_, count);
  bool valid = count > 0 && digits.size() == count;
  for (char digit : digits) {
    valid = valid && (base == 16 ? IsHexDigit(digit) : digit >= '0' && digit <= '7');
  }
  uint32_t rune = 0;
  if (valid) std::from_chars(digits.data(), digits.data() + count, rune, base);
  if (!valid) ThrowSyntaxError(at, "invalid escape sequence " + Describe(at));
  pos_ += count;
  if (rune > 0x10FFFF || (rune >= 0xD800 && rune <= 0xDFFF)) {
    throw SyntaxError{at, "invalid unicode code point"};
  }
  AppendUtf8(out, rune);
}

std::string Lexer::Describe(size_t at) const {
  if (at >= text_.size()) return "end of expression";
  size_t end = at;
  DecodeRune(text_, end);
  return "'" + std::string(text_.substr(at, end - at)) + "'";
}

std::string Lexer::ErrorAt(size_t at, const std::string& message) const {
  if (at == SyntaxError::kNoLocation) return "ERROR: <input>:-1:0: " + message;
  size_t line = 1, column = 1;
  for (size_t i = 0; i < at && i < text_.size(); ++column) {
    if (text_[i] == '\n') {
      ++line;
      column = 0;
    }
    DecodeRune(text_, i);
  }
  return "ERROR: <input>:" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

size_t Lexer::CountRunes() const {
  size_t runes = 0;
  for (size_t i = 0; i < text_.size(); ++runes) DecodeRune(text_, i);
  return runes;
}

}  // namespace podstep::cel
