// RE2 syntax as Go's regexp/syntax parses it (Perl flags: classes may match
// a newline, `^ $` anchor the text unless (?m), `\d \s \w` are ASCII).

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "common/cel_regex.h"
#include "common/cel_value.h"

namespace podstep::regex {
namespace {

constexpr int kMaxRepeat = 1000;   // Go's limit on {n,m}
constexpr int kMaxNesting = 1000;  // Go's limit on nested groups

Node MakeNode(Node::Kind kind, Ranges runes = {}, std::vector<Node> children = {}) {
  return Node{kind, std::move(runes), std::move(children), 0, -1};
}

struct Flags {
  bool fold = false;       // i
  bool multiline = false;  // m
  bool dot_nl = false;     // s
};

// A syntax error unwinds the recursive descent; it never leaves this file.
struct RegexError {
  std::string message;
};

Ranges Normalize(Ranges ranges) {
  std::sort(ranges.begin(), ranges.end());
  Ranges merged;
  for (const auto& range : ranges) {
    if (!merged.empty() && range.first <= merged.back().second + 1) {
      merged.back().second = std::max(merged.back().second, range.second);
    } else {
      merged.push_back(range);
    }
  }
  return merged;
}

Ranges Negate(const Ranges& ranges) {
  Ranges negated;
  char32_t next = 0;
  for (const auto& [low, high] : Normalize(ranges)) {
    if (low > next) negated.emplace_back(next, low - 1);
    next = high + 1;
  }
  if (next <= kMaxRune) negated.emplace_back(next, kMaxRune);
  return negated;
}

// Adds the other ASCII case of every letter; (?i) folds only ASCII here,
// where Go applies Unicode simple folding.
Ranges FoldAscii(Ranges ranges) {
  const size_t count = ranges.size();
  for (size_t i = 0; i < count; ++i) {
    for (auto [from, to] : {std::pair<char32_t, char32_t>{'a', 'A'}, {'A', 'a'}}) {
      const char32_t low = std::max(ranges[i].first, from);
      const char32_t high = std::min(ranges[i].second, static_cast<char32_t>(from + 25));
      if (low <= high) ranges.emplace_back(low - from + to, high - from + to);
    }
  }
  return ranges;
}

Ranges PerlClass(char letter) {
  switch (letter) {
    case 'd':
      return {{'0', '9'}};
    case 's':
      return {{'\t', '\n'}, {'\f', '\r'}, {' ', ' '}};
    default:  // 'w'
      return {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
  }
}

bool PosixClass(std::u32string_view name, Ranges& ranges) {
  static const std::pair<std::u32string_view, Ranges> kClasses[] = {
      {U"alnum", {{'0', '9'}, {'A', 'Z'}, {'a', 'z'}}},
      {U"alpha", {{'A', 'Z'}, {'a', 'z'}}},
      {U"ascii", {{0, 0x7F}}},
      {U"blank", {{'\t', '\t'}, {' ', ' '}}},
      {U"cntrl", {{0, 0x1F}, {0x7F, 0x7F}}},
      {U"digit", {{'0', '9'}}},
      {U"graph", {{'!', '~'}}},
      {U"lower", {{'a', 'z'}}},
      {U"print", {{' ', '~'}}},
      {U"punct", {{'!', '/'}, {':', '@'}, {'[', '`'}, {'{', '~'}}},
      {U"space", {{'\t', '\r'}, {' ', ' '}}},
      {U"upper", {{'A', 'Z'}}},
      {U"word", {{'0', '9'}, {'A', 'Z'}, {'a', 'z'}, {'_', '_'}}},
      {U"xdigit", {{'0', '9'}, {'A', 'F'}, {'a', 'f'}}},
  };
  for (const auto& [candidate, class_ranges] : kClasses) {
    if (candidate == name) {
      ranges = class_ranges;
      return true;
    }
  }
  return false;
}

std::u32string DecodeRunes(std::string_view text) {
  std::u32string runes;
  for (size_t i = 0; i < text.size();) runes.push_back(cel::DecodeRune(text, i));
  return runes;
}

std::string EncodeRunes(std::u32string_view runes) {
  std::string text;
  for (char32_t rune : runes) cel::AppendUtf8(text, rune);
  return text;
}

class RegexParser {
 public:
  explicit RegexParser(std::string_view pattern) : pattern_(DecodeRunes(pattern)) {}

  Node Parse() {
    Flags flags;
    Node node = ParseAlternation(flags, 0);
    if (pos_ < pattern_.size()) Fail("unexpected )", pattern_);  // only a ')' stops early
    return node;
  }

 private:
  [[noreturn]] static void Fail(std::string_view code, std::u32string_view expr) {
    throw RegexError{"error parsing regexp: " + std::string(code) + ": `" + EncodeRunes(expr) +
                     "`"};
  }
  [[noreturn]] static void Unsupported(std::u32string_view expr) {
    throw RegexError{"unsupported CEL construct: regular expression syntax `" + EncodeRunes(expr) +
                     "`"};
  }

  bool AtEnd() const { return pos_ >= pattern_.size(); }
  char32_t Peek(size_t ahead = 0) const {
    return pos_ + ahead < pattern_.size() ? pattern_[pos_ + ahead] : 0;
  }
  std::u32string_view From(size_t start) const {
    return std::u32string_view(pattern_).substr(start, pos_ - start);
  }

  Node ParseAlternation(Flags& flags, int depth) {
    if (depth > kMaxNesting) Fail("expression nests too deeply", pattern_);
    Node alternation{Node::kAlternate, {}, {ParseConcat(flags, depth)}};
    while (Peek() == '|') {
      ++pos_;
      alternation.children.push_back(ParseConcat(flags, depth));
    }
    if (alternation.children.size() == 1) return std::move(alternation.children[0]);
    return alternation;
  }

  Node ParseConcat(Flags& flags, int depth) {
    Node concat = MakeNode(Node::kConcat);
    bool last_is_repeat = false;
    while (!AtEnd() && Peek() != '|' && Peek() != ')') {
      const size_t start = pos_;
      if (int min = 0, max = 0; ParseRepeat(min, max)) {
        if (concat.children.empty()) Fail("missing argument to repetition operator", From(start));
        if (last_is_repeat) Fail("invalid nested repetition operator", From(repeat_start_));
        if (Peek() == '?') ++pos_;  // non-greedy: the same truth value
        repeat_start_ = start;
        Node repeated = MakeNode(Node::kRepeat);
        repeated.children.push_back(std::move(concat.children.back()));
        repeated.min = min;
        repeated.max = max;
        concat.children.back() = std::move(repeated);
        last_is_repeat = true;
        continue;
      }
      last_is_repeat = false;
      if (Peek() == '(') {
        if (auto group = ParseGroup(flags, depth)) concat.children.push_back(std::move(*group));
        continue;
      }
      concat.children.push_back(ParseAtom(flags));
    }
    if (concat.children.size() == 1) return std::move(concat.children[0]);
    return concat;
  }

  // `* + ? {n} {n,} {n,m}`; false (nothing consumed) for anything else,
  // including a `{` that starts no valid repetition, which is a literal.
  bool ParseRepeat(int& min, int& max) {
    const char32_t c = Peek();
    if (c == '*' || c == '+' || c == '?') {
      ++pos_;
      min = c == '+' ? 1 : 0;
      max = c == '?' ? 1 : -1;
      return true;
    }
    if (c != '{') return false;
    const size_t start = pos_;
    size_t at = pos_ + 1;
    auto number = [&](int& out) {
      const size_t first = at;
      long value = 0;
      while (at < pattern_.size() && pattern_[at] >= '0' && pattern_[at] <= '9') {
        value = std::min(value * 10 + static_cast<long>(pattern_[at++] - '0'), 100'000L);
      }
      out = static_cast<int>(value);
      return at > first;
    };
    if (!number(min)) return false;
    max = min;
    if (at < pattern_.size() && pattern_[at] == ',') {
      ++at;
      if (!number(max)) max = -1;
    }
    if (at >= pattern_.size() || pattern_[at] != '}') return false;
    pos_ = at + 1;
    if (min > kMaxRepeat || max > kMaxRepeat || (max >= 0 && max < min)) {
      Fail("invalid repeat count", From(start));
    }
    return true;
  }

  // A group, or nullopt for a flags-only group such as `(?i)`.
  std::optional<Node> ParseGroup(Flags& flags, int depth) {
    const size_t start = pos_++;
    Flags inner = flags;
    if (Peek() == '?') {
      ++pos_;
      if (Peek() == 'P' || Peek() == '<') {
        if (Peek() == 'P') ++pos_;
        if (Peek() != '<') Fail("invalid or unsupported Perl syntax", From(start));
        ++pos_;
        const size_t name = pos_;
        while (!AtEnd() && IsWordRune(Peek())) ++pos_;
        if (Peek() != '>' || pos_ == name) {
          while (!AtEnd() && Peek() != '>') ++pos_;
          if (!AtEnd()) ++pos_;
          Fail("invalid named capture", From(start));
        }
        ++pos_;
      } else if (!ParseFlags(inner, start)) {
        flags = inner;  // `(?i)` changes the rest of the enclosing group
        return std::nullopt;
      }
    }
    Node group = ParseAlternation(inner, depth + 1);
    if (Peek() != ')') Fail("missing closing )", pattern_);
    ++pos_;
    return group;
  }

  // After `(?`: flags then `)` (returns false) or `:` (returns true).
  bool ParseFlags(Flags& flags, size_t start) {
    bool negated = false, any = false;
    for (;;) {
      const char32_t c = Peek();
      ++pos_;
      if (c == 'i' || c == 'm' || c == 's' || c == 'U') {
        if (c == 'i') flags.fold = !negated;
        if (c == 'm') flags.multiline = !negated;
        if (c == 's') flags.dot_nl = !negated;
        any = true;
      } else if (c == '-' && !negated) {
        negated = true;
        any = false;
      } else if ((c == ')' || c == ':') && (any || (!negated && c == ':'))) {
        return c == ':';
      } else {
        Fail("invalid or unsupported Perl syntax", From(start));
      }
    }
  }

  Node Runes(Ranges ranges, const Flags& flags) const {
    if (flags.fold) ranges = FoldAscii(std::move(ranges));
    return MakeNode(Node::kRunes, Normalize(std::move(ranges)));
  }

  Node ParseAtom(const Flags& flags) {
    const size_t start = pos_;
    const char32_t c = pattern_[pos_++];
    switch (c) {
      case '.':
        return MakeNode(Node::kRunes, flags.dot_nl ? Ranges{{0, kMaxRune}}
                                                   : Ranges{{0, '\n' - 1}, {'\n' + 1, kMaxRune}});
      case '^':
        return MakeNode(flags.multiline ? Node::kBeginLine : Node::kBeginText);
      case '$':
        return MakeNode(flags.multiline ? Node::kEndLine : Node::kEndText);
      case '[':
        return Runes(ParseClass(start, flags), Flags{});
      case '\\':
        break;
      default:
        return Runes({{c, c}}, flags);
    }
    switch (Peek()) {
      case 'A':
        ++pos_;
        return MakeNode(Node::kBeginText);
      case 'z':
        ++pos_;
        return MakeNode(Node::kEndText);
      case 'b':
        ++pos_;
        return MakeNode(Node::kWordBoundary);
      case 'B':
        ++pos_;
        return MakeNode(Node::kNotWordBoundary);
      case 'Q': {
        pos_ += 1;
        Node literal = MakeNode(Node::kConcat);
        while (!AtEnd() && !(Peek() == '\\' && Peek(1) == 'E')) {
          literal.children.push_back(Runes({{Peek(), Peek()}}, flags));
          ++pos_;
        }
        if (!AtEnd()) pos_ += 2;
        return literal;
      }
      default:
        break;
    }
    if (Ranges ranges; ParsePerlOrUnicodeClass(ranges)) return Runes(std::move(ranges), flags);
    const char32_t rune = ParseEscape(start);
    return Runes({{rune, rune}}, flags);
  }

  // After a backslash: `\d \s \w` and their negations; `\p` is not supported.
  bool ParsePerlOrUnicodeClass(Ranges& ranges) {
    const char32_t c = Peek();
    if (c == 'p' || c == 'P') Unsupported(std::u32string{U'\\', c});
    const char32_t lower = c | 0x20;
    if (lower != 'd' && lower != 's' && lower != 'w') return false;
    ++pos_;
    ranges = PerlClass(static_cast<char>(lower));
    if (c != lower) ranges = Negate(ranges);
    return true;
  }

  // After a backslash that started at `start`: one code point.
  char32_t ParseEscape(size_t start) {
    if (AtEnd()) Fail("trailing backslash at end of expression", U"");
    const char32_t c = pattern_[pos_++];
    if (c < 0x80 && !IsWordRune(c)) return c;  // escaped punctuation is itself
    switch (c) {
      case 'a':
        return '\a';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'v':
        return '\v';
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7': {
        // A lone non-zero digit would be a backreference, which RE2 lacks.
        if (c != '0' && !(Peek() >= '0' && Peek() <= '7')) break;
        char32_t value = c - '0';
        for (int i = 1; i < 3 && Peek() >= '0' && Peek() <= '7'; ++i) {
          value = value * 8 + (pattern_[pos_++] - '0');
        }
        return value;
      }
      case 'x': {
        auto hex = [](char32_t h) -> int {
          if (h >= '0' && h <= '9') return static_cast<int>(h - '0');
          if ((h | 0x20) >= 'a' && (h | 0x20) <= 'f')
            return static_cast<int>((h | 0x20) - 'a' + 10);
          return -1;
        };
        char32_t value = 0;
        if (Peek() == '{') {
          ++pos_;
          const size_t first = pos_;
          while (hex(Peek()) >= 0 && value <= kMaxRune) {
            value = value * 16 + static_cast<char32_t>(hex(pattern_[pos_++]));
          }
          if (Peek() != '}' || pos_ == first || value > kMaxRune) break;
          ++pos_;
          return value;
        }
        if (hex(Peek()) < 0 || hex(Peek(1)) < 0) break;
        value = static_cast<char32_t>(hex(Peek()) * 16 + hex(Peek(1)));
        pos_ += 2;
        return value;
      }
      default:
        break;
    }
    Fail("invalid escape sequence", From(start));
  }

  // After `[`; returns the class's code points, folded when (?i) is on.
  Ranges ParseClass(size_t start, const Flags& flags) {
    Ranges ranges;
    const bool negated = Peek() == '^';
    if (negated) ++pos_;
    bool first = true;
    while (first || Peek() != ']') {
      if (AtEnd()) Fail("missing closing ]", From(start));
      first = false;
      const size_t item = pos_;
      if (Peek() == '[' && Peek(1) == ':') {
        const auto rest = std::u32string_view(pattern_).substr(pos_ + 2);
        if (const size_t close = rest.find(U":]"); close != std::u32string_view::npos) {
          pos_ += close + 4;
          std::u32string_view name = rest.substr(0, close);
          const bool posix_negated = !name.empty() && name[0] == '^';
          Ranges posix;
          if (!PosixClass(name.substr(posix_negated ? 1 : 0), posix)) {
            Fail("invalid character class range", From(item));
          }
          if (posix_negated) posix = Negate(posix);
          ranges.insert(ranges.end(), posix.begin(), posix.end());
          continue;
        }
      }
      if (Peek() == '\\') {
        ++pos_;
        if (Ranges perl; ParsePerlOrUnicodeClass(perl)) {
          ranges.insert(ranges.end(), perl.begin(), perl.end());
          continue;
        }
        --pos_;
      }
      const char32_t low = ParseClassChar(start);
      char32_t high = low;
      if (Peek() == '-' && pos_ + 1 < pattern_.size() && Peek(1) != ']') {
        ++pos_;
        high = ParseClassChar(start);
        if (high < low) Fail("invalid character class range", From(item));
      }
      ranges.emplace_back(low, high);
    }
    ++pos_;
    if (flags.fold) ranges = FoldAscii(std::move(ranges));
    return negated ? Negate(ranges) : Normalize(std::move(ranges));
  }

  char32_t ParseClassChar(size_t class_start) {
    if (AtEnd()) Fail("missing closing ]", From(class_start));
    if (Peek() != '\\') return pattern_[pos_++];
    const size_t start = pos_++;
    return ParseEscape(start);
  }

  std::u32string pattern_;
  size_t pos_ = 0;
  size_t repeat_start_ = 0;
};

}  // namespace

bool IsWordRune(char32_t c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

Result<Node> Parse(std::string_view pattern) {
  try {
    return RegexParser(pattern).Parse();
  } catch (const RegexError& e) {
    return Fail(e.message);
  }
}

}  // namespace podstep::regex
