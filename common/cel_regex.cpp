// Runs the regular expressions behind CEL's `matches` as Go's
// regexp.MatchString does, by a Thompson NFA simulation: matching is linear
// in the text and never recurses or backtracks, whatever the pattern.
// std::regex would add ~200 KB to the static binary and speaks another dialect.

#include "common/cel_regex.h"

#include <algorithm>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "common/cel.h"
#include "common/cel_value.h"

namespace podstep {
namespace {

using regex::kMaxRune;
using regex::Node;
using regex::Ranges;

constexpr size_t kMaxProgram = 100'000;

std::u32string DecodeRunes(std::string_view text) {
  std::u32string runes;
  for (size_t i = 0; i < text.size();) runes.push_back(cel::DecodeRune(text, i));
  return runes;
}

struct Inst {
  enum Op { kRunes, kSplit, kJmp, kAssert, kMatch };
  Op op = kMatch;
  int x = 0;  // kRunes: index into classes; kSplit, kJmp: target; kAssert: Node::Kind
  int y = 0;  // kSplit: second target
};

Inst MakeInst(Inst::Op op, int x = 0, int y = 0) { return Inst{op, x, y}; }

struct Program {
  std::vector<Inst> insts;
  std::vector<Ranges> classes;
};

class Compiler {
 public:
  Result<Program> Compile(const Node& root) {
    Emit(root);
    Add(MakeInst(Inst::kMatch));
    if (too_large_) return Fail("error parsing regexp: expression too large");
    return std::move(program_);
  }

 private:
  // Past the limit nothing more is added; indices stay valid for patching.
  int Add(Inst inst) {
    too_large_ = too_large_ || program_.insts.size() >= kMaxProgram;
    if (too_large_) return 0;
    program_.insts.push_back(inst);
    return static_cast<int>(program_.insts.size() - 1);
  }
  int Next() const { return static_cast<int>(program_.insts.size()); }

  void Emit(const Node& node) {
    if (too_large_) return;
    switch (node.kind) {
      case Node::kEmpty:
        return;
      case Node::kRunes:
        program_.classes.push_back(node.runes);
        Add(MakeInst(Inst::kRunes, static_cast<int>(program_.classes.size() - 1)));
        return;
      case Node::kConcat:
        for (const Node& child : node.children) Emit(child);
        return;
      case Node::kAlternate: {
        std::vector<int> jumps;
        for (size_t i = 0; i + 1 < node.children.size(); ++i) {
          const int split = Add(MakeInst(Inst::kSplit));
          program_.insts[split].x = Next();
          Emit(node.children[i]);
          jumps.push_back(Add(MakeInst(Inst::kJmp)));
          program_.insts[split].y = Next();
        }
        Emit(node.children.back());
        for (int jump : jumps) program_.insts[jump].x = Next();
        return;
      }
      case Node::kRepeat:
        EmitRepeat(node.children[0], node.min, node.max);
        return;
      default:
        Add(MakeInst(Inst::kAssert, node.kind));
        return;
    }
  }

  void EmitRepeat(const Node& child, int min, int max) {
    for (int i = 1; i < min; ++i) Emit(child);
    if (max < 0) {
      // x+ as `L: x; split L, next`; x* as `L: split body, next; body: x; jmp L`.
      if (min > 0) {
        const int loop = Next();
        Emit(child);
        Add(MakeInst(Inst::kSplit, loop, Next() + 1));
      } else {
        const int split = Add(MakeInst(Inst::kSplit, Next() + 1));
        Emit(child);
        Add(MakeInst(Inst::kJmp, split));
        program_.insts[split].y = Next();
      }
      return;
    }
    if (min > 0) Emit(child);
    std::vector<int> splits;
    for (int i = min; i < max; ++i) {
      splits.push_back(Add(MakeInst(Inst::kSplit, Next() + 1)));
      Emit(child);
    }
    for (int split : splits) program_.insts[split].y = Next();
  }

  Program program_;
  bool too_large_ = false;
};

// A set of program counters with O(1) insert, membership and clear.
class ThreadSet {
 public:
  explicit ThreadSet(size_t size) : sparse_(size), dense_(size) {}
  bool Insert(int pc) {
    const size_t index = sparse_[pc];
    if (index < size_ && dense_[index] == pc) return false;
    sparse_[pc] = size_;
    dense_[size_++] = pc;
    return true;
  }
  void Clear() { size_ = 0; }
  auto begin() const { return dense_.begin(); }
  auto end() const { return dense_.begin() + static_cast<std::ptrdiff_t>(size_); }

 private:
  std::vector<size_t> sparse_;
  std::vector<int> dense_;
  size_t size_ = 0;
};

class Matcher {
 public:
  Matcher(const Program& program, std::u32string text)
      : program_(program),
        text_(std::move(text)),
        current_(program.insts.size()),
        next_(program.insts.size()) {}

  // Unanchored: a thread starts at every position.
  bool Search() {
    for (size_t pos = 0;; ++pos) {
      if (AddThread(current_, 0, pos)) return true;
      if (pos == text_.size()) return false;
      next_.Clear();
      for (int pc : current_) {
        const Inst& inst = program_.insts[pc];
        if (inst.op == Inst::kRunes && Contains(program_.classes[inst.x], text_[pos]) &&
            AddThread(next_, pc + 1, pos + 1)) {
          return true;
        }
      }
      std::swap(current_, next_);
    }
  }

 private:
  static bool Contains(const Ranges& ranges, char32_t c) {
    auto it =
        std::upper_bound(ranges.begin(), ranges.end(), std::pair<char32_t, char32_t>{c, kMaxRune});
    return it != ranges.begin() && std::prev(it)->second >= c;
  }

  bool Holds(int assertion, size_t pos) const {
    const bool at_start = pos == 0, at_end = pos == text_.size();
    const bool word_before = !at_start && regex::IsWordRune(text_[pos - 1]);
    const bool word_after = !at_end && regex::IsWordRune(text_[pos]);
    switch (assertion) {
      case Node::kBeginText:
        return at_start;
      case Node::kEndText:
        return at_end;
      case Node::kBeginLine:
        return at_start || text_[pos - 1] == '\n';
      case Node::kEndLine:
        return at_end || text_[pos] == '\n';
      case Node::kWordBoundary:
        return word_before != word_after;
      default:
        return word_before == word_after;
    }
  }

  // Follows the empty transitions from `pc`; true when they reach a match.
  bool AddThread(ThreadSet& set, int pc, size_t pos) {
    stack_.assign(1, pc);
    while (!stack_.empty()) {
      const int at = stack_.back();
      stack_.pop_back();
      if (!set.Insert(at)) continue;
      const Inst& inst = program_.insts[at];
      switch (inst.op) {
        case Inst::kMatch:
          return true;
        case Inst::kJmp:
          stack_.push_back(inst.x);
          break;
        case Inst::kSplit:
          stack_.push_back(inst.y);
          stack_.push_back(inst.x);
          break;
        case Inst::kAssert:
          if (Holds(inst.x, pos)) stack_.push_back(at + 1);
          break;
        case Inst::kRunes:
          break;
      }
    }
    return false;
  }

  const Program& program_;
  std::u32string text_;
  ThreadSet current_, next_;
  std::vector<int> stack_;
};

}  // namespace

Result<bool> RegexSearch(std::string_view pattern, std::string_view text) {
  auto tree = regex::Parse(pattern);
  if (!tree) return Fail(tree.error());
  auto program = Compiler().Compile(*tree);
  if (!program) return Fail(program.error());
  return Matcher(*program, DecodeRunes(text)).Search();
}

}  // namespace podstep