// The small regex engine behind CEL's `matches` (see cel.h for the supported
// syntax). std::regex would add ~200 KB to the static binary, and it
// backtracks recursively: a long subject overflows the stack. Here the
// pattern is parsed (nesting bounded), compiled to a small program
// (size bounded) and run as a Pike VM (Thompson simulation): time
// O(text × program), memory O(program), no recursion over the text.

#include <bitset>
#include <cstdint>
#include <memory>
#include <optional>
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
      case 's':  // RE2's \s is [\t\n\f\r ]: no \v
        atom.ranges.insert(atom.ranges.end(), {{' ', ' '}, {'\t', '\n'}, {'\f', '\r'}});
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
        if (++depth_ > kMaxNesting) {
          error_ = "expression nests too deeply";
          return atom;
        }
        atom.group = ParseAlternation();
        --depth_;
        if (error_.empty() && (pos_ >= pattern_.size() || pattern_[pos_] != ')')) {
          error_ = "missing ')'";
        }
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

  // Go's regexp/syntax limit (maxHeight), with its error text.
  static constexpr int kMaxNesting = 1000;

  std::string_view pattern_;
  size_t pos_ = 0;
  int depth_ = 0;
  std::string error_;
};

// One instruction of the compiled program. A consuming instruction matches
// one byte against a class; kSplit forks a thread to `x` and `y`.
struct Instruction {
  enum Op : uint8_t { kConsume, kSplit, kJump, kBegin, kEnd, kMatch } op = kMatch;
  uint32_t x = 0;  // kConsume: class index; kSplit, kJump: target
  uint32_t y = 0;  // kSplit: second target
};

struct Program {
  std::vector<Instruction> code;
  std::vector<std::bitset<256>> classes;
};

// Compiles the parsed pattern; fails once the program passes kMaxInstructions
// (`(a{1000}){1000}` would need a million), so the compiler never runs long.
class Compiler {
 public:
  static constexpr size_t kMaxInstructions = 20000;

  bool Compile(const Alternation& pattern, Program& program) {
    program_ = &program;
    CompileAlternation(pattern);
    Emit({Instruction::kMatch});
    return !too_large_;
  }

 private:
  uint32_t Emit(Instruction instruction) {
    if (program_->code.size() >= kMaxInstructions) {
      too_large_ = true;
      return 0;
    }
    program_->code.push_back(instruction);
    return static_cast<uint32_t>(program_->code.size() - 1);
  }
  uint32_t Next() const { return static_cast<uint32_t>(program_->code.size()); }
  void Patch(uint32_t at, bool second, uint32_t target) {
    if (too_large_) return;
    (second ? program_->code[at].y : program_->code[at].x) = target;
  }

  void CompileAlternation(const Alternation& alternation) {
    // split(b1, next) b1 jmp(end) next: split(b2, …) … bn end
    std::vector<uint32_t> jumps;
    for (size_t i = 0; i < alternation.branches.size() && !too_large_; ++i) {
      const bool last = i + 1 == alternation.branches.size();
      uint32_t split = 0;
      if (!last) {
        split = Emit({Instruction::kSplit});
        Patch(split, false, Next());
      }
      for (const Piece& piece : alternation.branches[i]) CompilePiece(piece);
      if (last) break;
      jumps.push_back(Emit({Instruction::kJump}));
      Patch(split, true, Next());
    }
    for (uint32_t jump : jumps) Patch(jump, false, Next());
  }

  void CompilePiece(const Piece& piece) {
    for (int i = 0; i < piece.min && !too_large_; ++i) CompileAtom(piece.atom);
    if (piece.max < 0) {
      // loop: split(body, out) body jmp(loop) out
      const uint32_t loop = Emit({Instruction::kSplit});
      Patch(loop, false, Next());
      CompileAtom(piece.atom);
      Emit({Instruction::kJump, loop});
      Patch(loop, true, Next());
      return;
    }
    // Each optional copy may stop: split(body, end) body … end
    std::vector<uint32_t> splits;
    for (int i = piece.min; i < piece.max && !too_large_; ++i) {
      const uint32_t split = Emit({Instruction::kSplit});
      Patch(split, false, Next());
      splits.push_back(split);
      CompileAtom(piece.atom);
    }
    for (uint32_t split : splits) Patch(split, true, Next());
  }

  void CompileAtom(const Atom& atom) {
    if (too_large_) return;
    switch (atom.kind) {
      case Atom::kBegin:
        Emit({Instruction::kBegin});
        return;
      case Atom::kEnd:
        Emit({Instruction::kEnd});
        return;
      case Atom::kGroup:
        CompileAlternation(*atom.group);
        return;
      default:
        break;
    }
    std::bitset<256> bytes;
    if (atom.kind == Atom::kByte) {
      bytes.set(atom.byte);
    } else if (atom.kind == Atom::kAny) {
      bytes.set();
      bytes.reset('\n');
    } else {
      for (auto [low, high] : atom.ranges) {
        for (unsigned c = low; c <= high; ++c) bytes.set(c);
      }
      if (atom.negated) bytes.flip();
    }
    const auto index = static_cast<uint32_t>(program_->classes.size());
    program_->classes.push_back(bytes);
    Emit({Instruction::kConsume, index});
  }

  Program* program_ = nullptr;
  bool too_large_ = false;
};

// Runs all threads in lockstep over the text, one list per position; a
// thread reaching an instruction already on the list is dropped, so each
// position costs at most one visit per instruction. Searches: a new thread
// starts at every position.
class PikeVm {
 public:
  PikeVm(const Program& program, std::string_view text, uint64_t max_steps)
      : max_steps_(max_steps),
        program_(program),
        text_(text),
        mark_(program.code.size(), 0),
        current_(program.code.size()),
        next_(program.code.size()) {}

  /// true or false; nullopt when the search needs more than `max_steps`.
  std::optional<bool> Search() {
    current_.clear();
    for (size_t pos = 0;; ++pos) {
      // Generation pos + 1 marks the threads of `current_` (position pos).
      if (AddThread(current_, 0, pos)) return true;
      if (steps_ > max_steps_) return std::nullopt;
      if (pos == text_.size()) return false;
      const auto c = static_cast<unsigned char>(text_[pos]);
      next_.clear();
      for (uint32_t pc : current_) {
        const Instruction& instruction = program_.code[pc];
        if (instruction.op == Instruction::kConsume && program_.classes[instruction.x][c]) {
          if (AddThread(next_, pc + 1, pos + 1)) return true;
        }
      }
      std::swap(current_, next_);
    }
  }

 private:
  // Adds the thread at `pc` and everything it reaches without consuming;
  // true when one reaches kMatch. Iterative: patterns nest up to 1000 deep.
  bool AddThread(std::vector<uint32_t>& list, uint32_t pc, size_t pos) {
    const auto generation = static_cast<uint32_t>(pos + 1);
    stack_.push_back(pc);
    while (!stack_.empty()) {
      pc = stack_.back();
      stack_.pop_back();
      ++steps_;
      if (mark_[pc] == generation) continue;
      mark_[pc] = generation;
      const Instruction& instruction = program_.code[pc];
      switch (instruction.op) {
        case Instruction::kConsume:
          list.push_back(pc);
          break;
        case Instruction::kSplit:
          stack_.push_back(instruction.y);
          stack_.push_back(instruction.x);
          break;
        case Instruction::kJump:
          stack_.push_back(instruction.x);
          break;
        case Instruction::kBegin:
          if (pos == 0) stack_.push_back(pc + 1);
          break;
        case Instruction::kEnd:
          if (pos == text_.size()) stack_.push_back(pc + 1);
          break;
        case Instruction::kMatch:
          stack_.clear();
          return true;
      }
    }
    return false;
  }

  const uint64_t max_steps_;
  const Program& program_;
  std::string_view text_;
  std::vector<uint32_t> mark_;  // generation (position + 1) that last added each pc
  std::vector<uint32_t> current_;
  std::vector<uint32_t> next_;
  std::vector<uint32_t> stack_;
  uint64_t steps_ = 0;
};

}  // namespace

Result<bool> RegexSearch(std::string_view pattern, std::string_view text, uint64_t max_steps) {
  auto parsed = RegexParser(pattern).Parse();
  if (!parsed) return Fail(parsed.error());
  Program program;
  if (!Compiler().Compile(**parsed, program)) {
    return Fail("invalid regex '" + std::string(pattern) + "': expression too large");
  }
  auto found = PikeVm(program, text, max_steps).Search();
  if (!found) return Fail("regex '" + std::string(pattern) + "' is too expensive");
  return *found;
}

}  // namespace podstep
