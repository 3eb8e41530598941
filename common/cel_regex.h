#pragma once
// The parse tree of the regular expressions behind CEL's `matches` (see
// RegexSearch in cel.h): RE2 syntax as Go's regexp/syntax reads it.
// cel_regex_parse.cpp builds it, cel_regex.cpp compiles and runs it.

#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"

namespace podstep::regex {

inline constexpr char32_t kMaxRune = 0x10FFFF;

/// Sorted, non-overlapping, non-adjacent ranges of code points.
using Ranges = std::vector<std::pair<char32_t, char32_t>>;

/// A node of the parse tree; every code point set (literal, `.`, class) is kRunes.
struct Node {
  enum Kind {
    kEmpty,
    kRunes,
    kBeginText,
    kEndText,
    kBeginLine,
    kEndLine,
    kWordBoundary,
    kNotWordBoundary,
    kConcat,
    kAlternate,
    kRepeat
  };
  Kind kind = kEmpty;
  Ranges runes;                // kRunes: the code points one step consumes
  std::vector<Node> children;  // kConcat, kAlternate; kRepeat: exactly one
  int min = 0;
  int max = -1;  // kRepeat; -1: unbounded
};

/// Parses `pattern`. Fails with Go's message ("error parsing regexp:
/// missing closing ): `(`") or "unsupported CEL construct: regular
/// expression syntax `\p`".
Result<Node> Parse(std::string_view pattern);

/// Whether `c` is a word character for `\b` and `\w`: ASCII only, as in RE2.
bool IsWordRune(char32_t c);

}  // namespace podstep::regex
