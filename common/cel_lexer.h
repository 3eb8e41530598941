#pragma once
// The tokens of CEL's grammar (cel-go's CEL.g4) over an expression's text:
// whitespace and `//` comments between tokens, punctuation, identifiers and
// literals with CEL's escapes and cel-go's literal checks.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace podstep::cel {

/// A syntax error at byte offset `at` (kNoLocation: none). Thrown by the
/// lexer and the parser, caught where parsing starts (cel.cpp), because it
/// unwinds a recursive descent; it never leaves the CEL code.
struct SyntaxError {
  static constexpr size_t kNoLocation = std::string_view::npos;
  size_t at;
  std::string message;
};

/// A numeric literal.
struct Number {
  enum class Kind { kInt, kUint, kDouble };
  Kind kind = Kind::kInt;
  int64_t int_value = 0;
  uint64_t uint_value = 0;
  double double_value = 0;
};

/// A cursor over the expression's text.
class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  /// Skips whitespace and comments; returns where the next token starts.
  size_t Mark();
  /// The offset of the cursor.
  size_t pos() const { return pos_; }
  /// Moves the cursor back to `pos`, an offset it has been at.
  void Reset(size_t pos) { pos_ = pos; }
  /// True when only whitespace and comments are left.
  bool AtEnd();
  /// The byte `ahead` bytes after the cursor (no skipping), '\0' past the end.
  char Char(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  /// True when the next token starts with `token`.
  bool Peek(std::string_view token);
  /// Consumes `token` when it comes next.
  bool Accept(std::string_view token);
  /// Consumes `token`; throws a SyntaxError when something else comes next.
  void Expect(std::string_view token);
  /// Consumes an identifier ([_a-zA-Z][_a-zA-Z0-9]*); empty when none comes next.
  std::string Identifier();
  /// Consumes one or more of `op` (`!` or `-`) and returns how many.
  int CountRepeated(char op);

  /// Consumes NUM_INT, NUM_UINT or NUM_FLOAT at the cursor, the literal at
  /// `at` being negative when `negative` (ignored for uint, which has no
  /// sign). Throws "invalid int literal" and the like as cel-go.
  Number ScanNumber(bool negative, size_t at);
  /// Consumes a quoted string at the cursor (after any `r` prefix) and
  /// returns its value, escapes decoded unless `raw`.
  std::string ScanString(bool raw);

  /// The code point at `at` quoted for messages, or "end of expression".
  std::string Describe(size_t at) const;
  /// cel-go's first line of an error: "ERROR: <input>:<line>:<column>: <message>".
  std::string ErrorAt(size_t at, const std::string& message) const;
  /// The number of code points in the text.
  size_t CountRunes() const;

 private:
  void Escape(std::string& out);

  std::string_view text_;
  size_t pos_ = 0;
};

/// Throws SyntaxError{at, "Syntax error: " + what}.
[[noreturn]] void ThrowSyntaxError(size_t at, const std::string& what);

}  // namespace podstep::cel
