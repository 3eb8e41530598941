#pragma once
// JSON exactly as Go's encoding/json writes and reads it, because the
// termination message must match the reference byte for byte (HTML-safe
// escapes, \ufffd per invalid UTF-8 byte) and accept what the reference
// accepts (invalid UTF-8 inside strings, lone surrogate escapes) — nlohmann's
// dump and parser differ on all of these.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace podstep {

/// Length of the valid UTF-8 sequence at the start of `bytes` by Go's
/// utf8.DecodeRune rules (no overlong forms, no surrogates, nothing above
/// U+10FFFF, no truncated sequence); 0 when `bytes` is empty or its first byte
/// starts no valid sequence.
size_t ValidUtf8SequenceLength(std::string_view bytes);

/// Appends `bytes` as a quoted JSON string, byte for byte as Go >= 1.22
/// json.Marshal writes a string: `"` `\` and \b \f \n \r \t as two-character
/// escapes, other bytes below 0x20 and `<` `>` `&` as \u00xx, U+2028/U+2029 as
/// \u2028/\u2029, each byte of invalid UTF-8 as \ufffd. Never fails.
void AppendGoJsonString(std::string& out, std::string_view bytes);

/// Appends `rune`, a Unicode scalar value (never a surrogate: callers make
/// sure), as UTF-8.
void AppendUtf8(std::string& out, unsigned rune);

/// What Go's `json: cannot unmarshal <kind> into …` errors call the JSON value
/// whose first byte is `first`: string, array, object, bool or number.
std::string_view GoJsonKindName(char first);

/// Whether a JSON object key selects a struct field of this (ASCII) name, as
/// json.Unmarshal matches them: exactly or ignoring ASCII case.
bool GoJsonKeyMatches(std::string_view key, std::string_view field_name);

/// A cursor over JSON text that accepts and decodes exactly what Go's
/// json.Unmarshal does, for hand-written decoders of one known shape. Every
/// method skips leading JSON whitespace (space, \t, \n, \r) first; a method
/// that fails may leave the cursor anywhere, and the caller then gives up.
class GoJsonReader {
 public:
  /// Go's maximum nesting depth of arrays and objects.
  static constexpr int kMaxDepth = 10000;

  explicit GoJsonReader(std::string_view text) : text_(text) {}

  /// The next byte, not consumed; '\0' at the end of the text.
  char Peek();
  /// Consumes `c` when it is the next byte; false (nothing consumed) otherwise.
  bool Consume(char c);
  /// Consumes the keyword `word` (`null`, `true`, `false`) when it comes next.
  bool ConsumeLiteral(std::string_view word);
  /// True when nothing but whitespace remains.
  bool AtEnd();

  /// Reads a string literal and decodes it like Go: standard escapes, a
  /// surrogate pair of \u escapes joined, a lone surrogate escape and each
  /// invalid UTF-8 byte becoming U+FFFD. nullopt on a syntax error (no string
  /// next, a bad escape, a raw control byte, no closing quote).
  std::optional<std::string> ReadString();
  /// Reads a number that follows the JSON grammar and returns its text;
  /// nullopt when no valid number comes next.
  std::optional<std::string_view> ReadNumber();
  /// Validates and skips one value of any kind. `depth` is the number of
  /// arrays and objects already open around it; nesting deeper than
  /// kMaxDepth fails as in Go. false on any syntax error.
  bool SkipValue(int depth);

 private:
  bool ReadHex4(size_t at, unsigned& value) const;
  bool SkipScalar();

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace podstep
