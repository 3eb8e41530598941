// The small backtracking regex engine behind CEL's `matches` (see cel.h for
// the supported syntax). std::regex would add ~200 KB to the static binary.

#include <functional>
#include <memory>
#include <vector>

#include "common/cel.h"

namespace podstep {
namespace {

struct Alternation;

struct Atom {
  enum Kind { kByte, kAny, kClass, kGroup, kBegin, kEnd } kind = kByte;
  unsigned char byte = 0;
  std::vector<std::pair<unsigned char, unsigned char>> ranges;  // kClass
  bool negated = false;                                         // kClass
  std::shared_ptr<Alternation> group;                           // kGroup
};

struct Piece {
  Atom atom;
  int min = 1;
  int max = 1;  // -1: unbounded
};

struct Alternation {
  std::vector<std::vector<Piece>> branches;
};

class RegexParser {
 public:
  explicit RegexParser(std::string_view pattern) : pattern_(pattern) {}

  Result<std::shared_ptr<Alternation>> Parse() {
    auto alternation = ParseAlternation();
    if (!error_.empty()) return Fail("invalid regex '" + std::string(pattern_) + "': " + error_);
    if (pos_ != pattern_.size()) {
      return Fail("invalid regex '" + std::string(pattern_) + "': unexpected ')'");
    }
    return alternation;
  }

 private:
  std::shared_ptr<Alternation> ParseAlternation() {
    auto alternation = std::make_shared<Alternation>();
    alternation->branches.emplace_back();
    while (pos_ < pattern_.size() && error_.empty()) {
      char c = pattern_[pos_];
      if (c == ')') break;
      if (c == '|') {
        ++pos_;
        alternation->branches.emplace_back();
        continue;
      }
      Piece piece{ParseAtom()};
      ParseQuantifier(piece);
      alternation->branches.back().push_back(std::move(piece));
    }
    return alternation;
  }

  static void AddShorthand(Atom& atom, char letter) {
    switch (letter) {
      case 'd':
        atom.ranges.push_back({'0', '9'});
        break;
      case 'w':
        atom.ranges.insert(atom.ranges.end(), {{'a', 'z'}, {'A', 'Z'}, {'0', '9'}, {'_', '_'}});
        break;
      case 's':
        atom.ranges.insert(atom.ranges.end(), {{' ', ' '}, {'\t', '\r'}});
        break;
    }
  }

  static bool IsShorthand(char c) { return c == 'd' || c == 'w' || c == 's'; }
  static bool IsNegatedShorthand(char c) { return c == 'D' || c == 'W' || c == 'S'; }

  unsigned char Escaped(char c) {
    switch (c) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'f':
        return '\f';
      case 'v':
        return '\v';
      default:
        if (std::isalnum(static_cast<unsigned char>(c)))
          error_ = std::string("unsupported escape \\") + c;
        return static_cast<unsigned char>(c);
    }
  }

  Atom ParseAtom() {
    Atom atom;
    char c = pattern_[pos_++];
    switch (c) {
      case '.':
        atom.kind = Atom::kAny;
        return atom;
      case '^':
        atom.kind = Atom::kBegin;
        return atom;
      case '$':
        atom.kind = Atom::kEnd;
        return atom;
      case '(': {
        if (pattern_.substr(pos_, 2) == "?:") pos_ += 2;
        atom.kind = Atom::kGroup;
        atom.group = ParseAlternation();
        if (pos_ >= pattern_.size() || pattern_[pos_] != ')') error_ = "missing ')'";
        ++pos_;
        return atom;
      }
      case '[':
        return ParseClass();
      case '*':
      case '+':
      case '?':
      case '{':
        error_ = std::string("missing argument to repetition operator: ") + c;
        return atom;
      case '\\': {
        if (pos_ >= pattern_.size()) {
          error_ = "trailing backslash";
          return atom;
        }
        char e = pattern_[pos_++];
        if (IsShorthand(e) || IsNegatedShorthand(e)) {
          atom.kind = Atom::kClass;
          atom.negated = IsNegatedShorthand(e);
          AddShorthand(atom, static_cast<char>(std::tolower(static_cast<unsigned char>(e))));
          return atom;
        }
        atom.byte = Escaped(e);
        return atom;
      }
      default:
        atom.byte = static_cast<unsigned char>(c);
        return atom;
    }
  }

  Atom ParseClass() {
    Atom atom;
    atom.kind = Atom::kClass;
    if (pos_ < pattern_.size() && pattern_[pos_] == '^') {
      atom.negated = true;
      ++pos_;
    }
    bool first = true;
    while (pos_ < pattern_.size() && (pattern_[pos_] != ']' || first)) {
      first = false;
      unsigned char low = static_cast<unsigned char>(pattern_[pos_++]);
      if (low == '\\' && pos_ < pattern_.size()) {
        char e = pattern_[pos_++];
        if (IsShorthand(e)) {
          AddShorthand(atom, e);
          continue;
        }
        low = Escaped(e);
      }
      unsigned char high = low;
      if (pos_ + 1 < pattern_.size() && pattern_[pos_] == '-' && pattern_[pos_ + 1] != ']') {
        high = static_cast<unsigned char>(pattern_[pos_ + 1]);
        pos_ += 2;
        if (high == '\\' && pos_ < pattern_.size()) high = Escaped(pattern_[pos_++]);
        if (high < low) error_ = "invalid character class range";
      }
      atom.ranges.push_back({low, high});
    }
    if (pos_ >= pattern_.size()) error_ = "missing closing ]";
    ++pos_;
    return atom;
  }

  void ParseQuantifier(Piece& piece) {
    if (pos_ >= pattern_.size()) return;
    char c = pattern_[pos_];
    if (c == '*' || c == '+' || c == '?') {
      ++pos_;
      piece.min = c == '+' ? 1 : 0;
      piece.max = c == '?' ? 1 : -1;
    } else if (c == '{') {
      size_t close = pattern_.find('}', pos_);
      if (close == std::string_view::npos) return;  // a literal '{', as RE2
      std::string body(pattern_.substr(pos_ + 1, close - pos_ - 1));
      size_t comma = body.find(',');
      try {
        piece.min = std::stoi(body.substr(0, comma));
        piece.max = comma == std::string::npos ? piece.min
                    : comma + 1 == body.size() ? -1
                                               : std::stoi(body.substr(comma + 1));
      } catch (const std::exception&) {
        return;  // not a repetition: the '{' is literal
      }
      if (piece.min > 1000 || piece.max > 1000 || (piece.max >= 0 && piece.max < piece.min)) {
        error_ = "invalid repeat count";
      }
      pos_ = close + 1;
    } else {
      return;
    }
    if (pos_ < pattern_.size() && pattern_[pos_] == '?') ++pos_;  // lazy: same truth value
    if (pos_ < pattern_.size() && (pattern_[pos_] == '*' || pattern_[pos_] == '+')) {
      error_ = "bad repetition operator";
    }
  }

  std::string_view pattern_;
  size_t pos_ = 0;
  std::string error_;
};

class Matcher {
 public:
  explicit Matcher(std::string_view text) : text_(text) {}
  using Continuation = std::function<bool(size_t)>;

  bool MatchAlternation(const Alternation& alternation, size_t pos, const Continuation& next) {
    for (const auto& branch : alternation.branches) {
      if (MatchSequence(branch, 0, pos, next)) return true;
    }
    return false;
  }

  bool exhausted() const { return steps_ > kMaxSteps; }

 private:
  static constexpr long kMaxSteps = 1'000'000;

  bool MatchSequence(const std::vector<Piece>& sequence, size_t index, size_t pos,
                     const Continuation& next) {
    if (++steps_ > kMaxSteps) return false;
    if (index == sequence.size()) return next(pos);
    return MatchRepeat(sequence[index], 0, pos, [&](size_t after) {
      return MatchSequence(sequence, index + 1, after, next);
    });
  }

  // Greedy: one more repetition first, then stop.
  bool MatchRepeat(const Piece& piece, int count, size_t pos, const Continuation& next) {
    if (++steps_ > kMaxSteps) return false;
    if (piece.max < 0 || count < piece.max) {
      bool more = MatchAtom(piece.atom, pos, [&](size_t after) {
        // An empty iteration cannot make progress; stop looping on it.
        if (after == pos && count >= piece.min) return false;
        return MatchRepeat(piece, count + 1, after, next);
      });
      if (more) return true;
    }
    return count >= piece.min && next(pos);
  }

  bool MatchAtom(const Atom& atom, size_t pos, const Continuation& next) {
    switch (atom.kind) {
      case Atom::kBegin:
        return pos == 0 && next(pos);
      case Atom::kEnd:
        return pos == text_.size() && next(pos);
      case Atom::kGroup:
        return MatchAlternation(*atom.group, pos, next);
      default:
        break;
    }
    if (pos >= text_.size()) return false;
    auto c = static_cast<unsigned char>(text_[pos]);
    bool matched = false;
    if (atom.kind == Atom::kByte) {
      matched = c == atom.byte;
    } else if (atom.kind == Atom::kAny) {
      matched = c != '\n';
    } else {
      for (auto [low, high] : atom.ranges) matched = matched || (c >= low && c <= high);
      matched = matched != atom.negated;
    }
    return matched && next(pos + 1);
  }

  std::string_view text_;
  long steps_ = 0;
};

}  // namespace

Result<bool> RegexSearch(std::string_view pattern, std::string_view text) {
  auto parsed = RegexParser(pattern).Parse();
  if (!parsed) return Fail(parsed.error());
  Matcher matcher(text);
  for (size_t start = 0; start <= text.size(); ++start) {
    if (matcher.MatchAlternation(**parsed, start, [](size_t) { return true; })) return true;
    if (matcher.exhausted()) return Fail("regex '" + std::string(pattern) + "' is too expensive");
  }
  return false;
}

}  // namespace podstep
