#pragma once
// Go's strconv.Quote, which the reference uses wherever it prints `%q`: in
// `.gitconfig` section names and in net/url's error texts.

#include <string>
#include <string_view>

namespace podstep {

/// `text` as a double-quoted Go string literal: `"` and `\` escaped, \a \b \f
/// \n \r \t \v, other control bytes as \xNN, each byte of invalid UTF-8 as
/// \xNN, non-printable runes as \uNNNN or \UNNNNNNNN (lowercase hex).
/// Printable non-ASCII runes stay as they are. Go decides "printable" from
/// Unicode tables; this keeps Latin-1 exact and, above it, treats format
/// characters, separators, private use and non-characters as non-printable.
std::string GoQuote(std::string_view text);

}  // namespace podstep
