#include "common/go_json.h"
#include "common/cel.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <type_traits>
#include <variant>
#include <vector>

namespace podstep {
namespace {

struct CelValue;
using CelList = std::vector<CelValue>;
using CelMap = std::vector<std::pair<CelValue, CelValue>>;
struct CelError {
  std::string message;
  bool operator==(const CelError&) const = default;
};
struct CelValue {
  std::variant<std::monostate, bool, int64_t, uint64_t, double, std::string,
               std::shared_ptr<CelList>, std::shared_ptr<CelMap>, CelError>
      v;
  template <class T>
  bool is() const {
    return std::holds_alternative<T>(v);
  }
  template <class T>
  const T& as() const {
    return std::get<T>(v);
  }
};

// A syntax error aborts the parse (never escapes this file).
struct SyntaxError {
  std::string message;
};

CelValue Err(std::string message) { return {CelError{std::move(message)}}; }

const char* TypeName(const CelValue& value) {
  static constexpr const char* kNames[] = {"null_type", "bool", "int", "uint", "double",
                                           "string",    "list", "map", "error"};
  return kNames[value.v.index()];
}

std::string Render(const CelValue& value);

std::string Quote(const std::string& text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

std::string Render(const CelValue& value) {
  struct Visitor {
    std::string operator()(std::monostate) const { return "null"; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(int64_t i) const { return std::to_string(i); }
    std::string operator()(uint64_t u) const { return std::to_string(u) + "u"; }
    std::string operator()(double d) const {
      char text[32];
      std::snprintf(text, sizeof text, "%g", d);
      return text;
    }
    std::string operator()(const std::string& s) const { return Quote(s); }
    std::string operator()(const std::shared_ptr<CelList>& list) const {
      std::string out = "[";
      for (size_t i = 0; i < list->size(); ++i) out += (i ? ", " : "") + Render((*list)[i]);
      return out + "]";
    }
    std::string operator()(const std::shared_ptr<CelMap>& map) const {
      std::string out = "{";
      for (size_t i = 0; i < map->size(); ++i) {
        out += (i ? ", " : "") + Render((*map)[i].first) + ": " + Render((*map)[i].second);
      }
      return out + "}";
    }
    std::string operator()(const CelError& e) const { return "error: " + e.message; }
  };
  return std::visit(Visitor{}, value.v);
}

bool IsNumber(const CelValue& v) { return v.is<int64_t>() || v.is<uint64_t>() || v.is<double>(); }

// Numeric comparison across int, uint and double: -1, 0, 1, or 2 for NaN.
int CompareNumbers(const CelValue& a, const CelValue& b) {
  auto sign = [](auto x, auto y) { return x < y ? -1 : (x > y ? 1 : 0); };
  if (a.is<double>() || b.is<double>()) {
    auto to_double = [](const CelValue& v) {
      return v.is<double>()    ? v.as<double>()
             : v.is<int64_t>() ? static_cast<double>(v.as<int64_t>())
                               : static_cast<double>(v.as<uint64_t>());
    };
    double x = to_double(a), y = to_double(b);
    if (std::isnan(x) || std::isnan(y)) return 2;
    return sign(x, y);
  }
  if (a.is<int64_t>() && b.is<int64_t>()) return sign(a.as<int64_t>(), b.as<int64_t>());
  if (a.is<uint64_t>() && b.is<uint64_t>()) return sign(a.as<uint64_t>(), b.as<uint64_t>());
  if (a.is<int64_t>()) {
    return a.as<int64_t>() < 0 ? -1
                               : sign(static_cast<uint64_t>(a.as<int64_t>()), b.as<uint64_t>());
  }
  return b.as<int64_t>() < 0 ? 1 : sign(a.as<uint64_t>(), static_cast<uint64_t>(b.as<int64_t>()));
}

// CEL's heterogeneous equality: numbers compare by value, other kinds must match.
bool Equal(const CelValue& a, const CelValue& b) {
  if (IsNumber(a) && IsNumber(b)) return CompareNumbers(a, b) == 0;
  if (a.v.index() != b.v.index()) return false;
  if (a.is<std::shared_ptr<CelList>>()) {
    const auto &x = *a.as<std::shared_ptr<CelList>>(), &y = *b.as<std::shared_ptr<CelList>>();
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (!Equal(x[i], y[i])) return false;
    }
    return true;
  }
  if (a.is<std::shared_ptr<CelMap>>()) {
    const auto &x = *a.as<std::shared_ptr<CelMap>>(), &y = *b.as<std::shared_ptr<CelMap>>();
    if (x.size() != y.size()) return false;
    for (const auto& [key, value] : x) {
      bool found = false;
      for (const auto& [other_key, other_value] : y) {
        if (Equal(key, other_key)) found = Equal(value, other_value);
      }
      if (!found) return false;
    }
    return true;
  }
  return a.v == b.v;
}

CelValue NoOverload(const std::string& op, const CelValue& a, const CelValue& b) {
  return Err("no such overload: " + std::string(TypeName(a)) + " " + op + " " + TypeName(b));
}

size_t CodePoints(const std::string& s) {
  size_t count = 0;
  for (unsigned char c : s) count += (c & 0xC0) != 0x80;
  return count;
}

class CelParser {
 public:
  explicit CelParser(std::string_view text) : text_(text) {}

  CelValue ParseAll() {
    CelValue value = Expr();
    Skip();
    if (pos_ != text_.size()) throw SyntaxError{"unexpected '" + std::string(1, text_[pos_]) + "'"};
    return value;
  }

 private:
  void Skip() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool Peek(std::string_view token) {
    Skip();
    return text_.substr(pos_, token.size()) == token;
  }
  bool Accept(std::string_view token) {
    if (!Peek(token)) return false;
    pos_ += token.size();
    return true;
  }
  void Expect(std::string_view token) {
    if (!Accept(token)) throw SyntaxError{"expected '" + std::string(token) + "'"};
  }

  // Every nesting (parentheses, list and map literals, indexes, arguments,
  // chained ternaries) passes through Expr, so bounding its depth bounds the
  // stack. cel-go's limit and error text.
  static constexpr int kMaxRecursionDepth = 250;

  CelValue Expr() {
    if (depth_ >= kMaxRecursionDepth) {
      throw SyntaxError{"expression recursion limit exceeded: " +
                        std::to_string(kMaxRecursionDepth)};
    }
    ++depth_;
    CelValue value = Conditional();
    --depth_;
    return value;
  }

  CelValue Conditional() {
    CelValue condition = Or();
    if (!Accept("?")) return condition;
    CelValue yes = Or();
    Expect(":");
    CelValue no = Expr();
    if (condition.is<CelError>()) return condition;
    if (!condition.is<bool>())
      return Err("no such overload: ternary on " + std::string(TypeName(condition)));
    return condition.as<bool>() ? yes : no;
  }

  // `&&` and `||` are commutative and absorb errors: false && error == false.
  CelValue Logical(bool is_or) {
    CelValue result = is_or ? And() : Relation();
    while (Accept(is_or ? "||" : "&&")) {
      CelValue right = is_or ? And() : Relation();
      const bool absorbing = is_or;  // true absorbs for ||, false for &&
      auto decides = [&](const CelValue& v) { return v.is<bool>() && v.as<bool>() == absorbing; };
      if (decides(result) || decides(right)) {
        result = {absorbing};
      } else if (result.is<CelError>()) {
      } else if (right.is<CelError>()) {
        result = right;
      } else if (!result.is<bool>() || !right.is<bool>()) {
        result = NoOverload(is_or ? "||" : "&&", result, right);
      } else {
        result = {!absorbing};
      }
    }
    return result;
  }
  CelValue Or() { return Logical(true); }
  CelValue And() { return Logical(false); }

  CelValue Relation() {
    CelValue left = Addition();
    for (;;) {
      std::string op;
      for (const char* candidate : {"==", "!=", "<=", ">=", "<", ">"}) {
        if (Peek(candidate)) {
          op = candidate;
          break;
        }
      }
      if (op.empty() && Peek("in") && !IsIdentChar(pos_ + 2)) op = "in";
      if (op.empty()) return left;
      pos_ += op.size();
      CelValue right = Addition();
      left = ApplyRelation(op, left, right);
    }
  }

  static CelValue ApplyRelation(const std::string& op, const CelValue& a, const CelValue& b) {
    if (a.is<CelError>()) return a;
    if (b.is<CelError>()) return b;
    if (op == "==") return {Equal(a, b)};
    if (op == "!=") return {!Equal(a, b)};
    if (op == "in") {
      if (b.is<std::shared_ptr<CelList>>()) {
        for (const auto& item : *b.as<std::shared_ptr<CelList>>()) {
          if (Equal(a, item)) return {true};
        }
        return {false};
      }
      if (b.is<std::shared_ptr<CelMap>>()) {
        for (const auto& [key, value] : *b.as<std::shared_ptr<CelMap>>()) {
          if (Equal(a, key)) return {true};
        }
        return {false};
      }
      return NoOverload(op, a, b);
    }
    int order = 0;
    if (IsNumber(a) && IsNumber(b)) {
      order = CompareNumbers(a, b);
      if (order == 2) return {false};
    } else if (a.is<std::string>() && b.is<std::string>()) {
      order = a.as<std::string>().compare(b.as<std::string>());
    } else if (a.is<bool>() && b.is<bool>()) {
      order = static_cast<int>(a.as<bool>()) - static_cast<int>(b.as<bool>());
    } else {
      return NoOverload(op, a, b);
    }
    if (op == "<") return {order < 0};
    if (op == "<=") return {order <= 0};
    if (op == ">") return {order > 0};
    return {order >= 0};
  }

  CelValue Addition() {
    CelValue left = Multiplication();
    for (;;) {
      char op = Peek("+") ? '+' : (Peek("-") ? '-' : 0);
      if (op == 0) return left;
      ++pos_;
      left = Arithmetic(op, left, Multiplication());
    }
  }

  CelValue Multiplication() {
    CelValue left = Unary();
    for (;;) {
      char op = Peek("*") ? '*' : (Peek("/") ? '/' : (Peek("%") ? '%' : 0));
      if (op == 0) return left;
      ++pos_;
      left = Arithmetic(op, left, Unary());
    }
  }

  // int64 or uint64 arithmetic; overflow and division by zero are errors.
  template <class Int>
  static CelValue IntegerArithmetic(char op, Int x, Int y) {
    Int r = 0;
    bool overflow = false;
    switch (op) {
      case '+':
        overflow = __builtin_add_overflow(x, y, &r);
        break;
      case '-':
        overflow = __builtin_sub_overflow(x, y, &r);
        break;
      case '*':
        overflow = __builtin_mul_overflow(x, y, &r);
        break;
      default:
        if (y == 0) return Err(op == '/' ? "division by zero" : "modulus by zero");
        // INT64_MIN / -1 does not fit.
        overflow = std::is_signed_v<Int> && x == std::numeric_limits<Int>::min() && y == Int(-1);
        if (!overflow) r = op == '/' ? x / y : x % y;
    }
    if (overflow)
      return Err(std::is_signed_v<Int> ? "integer overflow" : "unsigned integer overflow");
    return {r};
  }

  static CelValue Arithmetic(char op, const CelValue& a, const CelValue& b) {
    if (a.is<CelError>()) return a;
    if (b.is<CelError>()) return b;
    const std::string name(1, op);
    if (a.v.index() != b.v.index()) return NoOverload(name, a, b);
    if (a.is<int64_t>()) return IntegerArithmetic(op, a.as<int64_t>(), b.as<int64_t>());
    if (a.is<uint64_t>()) return IntegerArithmetic(op, a.as<uint64_t>(), b.as<uint64_t>());
    if (a.is<double>() && op != '%') {
      double x = a.as<double>(), y = b.as<double>();
      return {op == '+' ? x + y : op == '-' ? x - y : op == '*' ? x * y : x / y};
    }
    if (op == '+' && a.is<std::string>()) return {a.as<std::string>() + b.as<std::string>()};
    if (op == '+' && a.is<std::shared_ptr<CelList>>()) {
      auto joined = std::make_shared<CelList>(*a.as<std::shared_ptr<CelList>>());
      const auto& tail = *b.as<std::shared_ptr<CelList>>();
      joined->insert(joined->end(), tail.begin(), tail.end());
      return {joined};
    }
    return NoOverload(name, a, b);
  }

  // Prefix operators are collected in a loop, not by recursion (50 000 `!`
  // are one rule in cel-go's grammar), then applied innermost first.
  CelValue Unary() {
    std::string ops;
    for (;;) {
      if (Accept("!")) {
        ops += '!';
      } else if (Peek("-") && !(pos_ + 1 < text_.size() &&
                                std::isdigit(static_cast<unsigned char>(text_[pos_ + 1])))) {
        ++pos_;
        ops += '-';
      } else {
        break;
      }
    }
    CelValue value = Member();
    for (auto op = ops.rbegin(); op != ops.rend() && !value.is<CelError>(); ++op) {
      value = ApplyPrefix(*op, value);
    }
    return value;
  }

  static CelValue ApplyPrefix(char op, const CelValue& value) {
    if (op == '!') {
      if (!value.is<bool>()) return Err("no such overload: !" + std::string(TypeName(value)));
      return {!value.as<bool>()};
    }
    if (value.is<int64_t>()) {
      if (value.as<int64_t>() == std::numeric_limits<int64_t>::min()) {
        return Err("integer overflow");
      }
      return {-value.as<int64_t>()};
    }
    if (value.is<double>()) return {-value.as<double>()};
    return Err("no such overload: -" + std::string(TypeName(value)));
  }

  CelValue Member() {
    CelValue value = Primary();
    for (;;) {
      if (Accept("[")) {
        CelValue index = Expr();
        Expect("]");
        value = Index(value, index);
      } else if (Peek(".") && !(pos_ + 1 < text_.size() &&
                                std::isdigit(static_cast<unsigned char>(text_[pos_ + 1])))) {
        ++pos_;
        std::string name = Identifier();
        if (name.empty()) throw SyntaxError{"expected a name after '.'"};
        if (!Accept("(")) return Err("unsupported CEL construct: field selection ." + name);
        std::vector<CelValue> args = Arguments();
        value = Call(name, &value, args);
      } else {
        return value;
      }
    }
  }

  static CelValue Index(const CelValue& value, const CelValue& index) {
    if (value.is<CelError>()) return value;
    if (index.is<CelError>()) return index;
    if (value.is<std::shared_ptr<CelList>>()) {
      const auto& list = *value.as<std::shared_ptr<CelList>>();
      int64_t i = index.is<int64_t>()    ? index.as<int64_t>()
                  : index.is<uint64_t>() ? static_cast<int64_t>(index.as<uint64_t>())
                                         : -1;
      if (!index.is<int64_t>() && !index.is<uint64_t>()) return NoOverload("[]", value, index);
      if (i < 0 || static_cast<size_t>(i) >= list.size()) {
        return Err("index out of bounds: " + std::to_string(i));
      }
      return list[static_cast<size_t>(i)];
    }
    if (value.is<std::shared_ptr<CelMap>>()) {
      for (const auto& [key, item] : *value.as<std::shared_ptr<CelMap>>()) {
        if (Equal(key, index)) return item;
      }
      return Err("no such key: " + Render(index));
    }
    return NoOverload("[]", value, index);
  }

  std::vector<CelValue> Arguments() {
    std::vector<CelValue> args;
    if (Accept(")")) return args;
    do {
      args.push_back(Expr());
    } while (Accept(","));
    Expect(")");
    return args;
  }

  static CelValue Call(const std::string& name, const CelValue* target,
                       const std::vector<CelValue>& args) {
    std::vector<CelValue> all;
    if (target != nullptr) all.push_back(*target);
    all.insert(all.end(), args.begin(), args.end());
    for (const auto& arg : all) {
      if (arg.is<CelError>()) return arg;
    }
    auto strings = [&](size_t n) {
      if (all.size() != n) return false;
      for (const auto& arg : all) {
        if (!arg.is<std::string>()) return false;
      }
      return true;
    };
    if (name == "size" && all.size() == 1) {
      const CelValue& v = all[0];
      if (v.is<std::string>()) return {static_cast<int64_t>(CodePoints(v.as<std::string>()))};
      if (v.is<std::shared_ptr<CelList>>())
        return {static_cast<int64_t>(v.as<std::shared_ptr<CelList>>()->size())};
      if (v.is<std::shared_ptr<CelMap>>())
        return {static_cast<int64_t>(v.as<std::shared_ptr<CelMap>>()->size())};
    }
    if (target != nullptr && strings(2)) {
      const std::string &s = all[0].as<std::string>(), &t = all[1].as<std::string>();
      if (name == "contains") return {s.find(t) != std::string::npos};
      if (name == "startsWith") return {s.starts_with(t)};
      if (name == "endsWith") return {s.ends_with(t)};
      if (name == "matches") {
        auto matched = RegexSearch(t, s);
        if (!matched) return Err(matched.error().message);
        return {*matched};
      }
    }
    if (target == nullptr && all.size() == 1) {
      if (auto converted = Convert(name, all[0]);
          !converted.is<std::monostate>() || name == "dyn") {
        return converted;
      }
    }
    std::string signature = name + "(";
    for (size_t i = 0; i < all.size(); ++i)
      signature += (i ? ", " : "") + std::string(TypeName(all[i]));
    return Err("unsupported CEL construct: function " + signature + ")");
  }

  // Type conversions; null when `name` is no conversion.
  static CelValue Convert(const std::string& name, const CelValue& v) {
    if (name == "dyn") return v;
    if (name == "string") {
      if (v.is<std::string>()) return v;
      if (v.is<bool>() || IsNumber(v))
        return {Render(v).substr(0, Render(v).size() - v.is<uint64_t>())};
      return Err("no such overload: string(" + std::string(TypeName(v)) + ")");
    }
    if (name == "bool") {
      if (v.is<bool>()) return v;
      if (v.is<std::string>()) {
        const std::string& s = v.as<std::string>();
        for (const char* yes : {"1", "t", "true", "TRUE", "True"})
          if (s == yes) return {true};
        for (const char* no : {"0", "f", "false", "FALSE", "False"})
          if (s == no) return {false};
        return Err("type conversion error from 'string' to 'bool'");
      }
    }
    if (name == "int" || name == "uint" || name == "double") {
      long double x = 0;
      if (v.is<int64_t>())
        x = static_cast<long double>(v.as<int64_t>());
      else if (v.is<uint64_t>())
        x = static_cast<long double>(v.as<uint64_t>());
      else if (v.is<double>())
        x = v.as<double>();
      else if (v.is<std::string>()) {
        try {
          size_t used = 0;
          x = std::stold(v.as<std::string>(), &used);
          if (used != v.as<std::string>().size()) throw std::invalid_argument("trailing");
        } catch (const std::exception&) {
          return Err("type conversion error from 'string' to '" + name + "'");
        }
      } else {
        return Err("no such overload: " + name + "(" + TypeName(v) + ")");
      }
      if (name == "double") return {static_cast<double>(x)};
      x = std::trunc(x);
      if (name == "int") {
        if (!(x >= -9223372036854775808.0L && x < 9223372036854775808.0L))
          return Err("int range error");
        return {static_cast<int64_t>(x)};
      }
      if (!(x >= 0 && x < 18446744073709551616.0L)) return Err("uint range error");
      return {static_cast<uint64_t>(x)};
    }
    return {};
  }

  bool IsIdentChar(size_t at) const {
    return at < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[at])) || text_[at] == '_');
  }

  std::string Identifier() {
    Skip();
    size_t start = pos_;
    if (pos_ < text_.size() &&
        (std::isalpha(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
      while (IsIdentChar(pos_)) ++pos_;
    }
    return std::string(text_.substr(start, pos_ - start));
  }

  CelValue Primary() {
    Skip();
    if (pos_ >= text_.size()) throw SyntaxError{"unexpected end of expression"};
    char c = text_[pos_];
    if (Accept("(")) {
      CelValue value = Expr();
      Expect(")");
      return value;
    }
    if (Accept("[")) {
      auto list = std::make_shared<CelList>();
      if (!Accept("]")) {
        do {
          if (Peek("]")) break;  // trailing comma
          list->push_back(Expr());
        } while (Accept(","));
        Expect("]");
      }
      for (const auto& item : *list) {
        if (item.is<CelError>()) return item;
      }
      return {list};
    }
    if (Accept("{")) {
      auto map = std::make_shared<CelMap>();
      if (!Accept("}")) {
        do {
          if (Peek("}")) break;
          CelValue key = Expr();
          Expect(":");
          map->emplace_back(key, Expr());
        } while (Accept(","));
        Expect("}");
      }
      for (const auto& [key, value] : *map) {
        if (key.is<CelError>()) return key;
        if (value.is<CelError>()) return value;
      }
      return {map};
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.') return Number();
    if (c == '"' || c == '\'') return {String(false)};
    if ((c == 'r' || c == 'R') && pos_ + 1 < text_.size() &&
        (text_[pos_ + 1] == '"' || text_[pos_ + 1] == '\'')) {
      ++pos_;
      return {String(true)};
    }
    std::string name = Identifier();
    if (name.empty()) throw SyntaxError{"unexpected '" + std::string(1, c) + "'"};
    if (name == "true" || name == "false") return {name == "true"};
    if (name == "null") return {};
    if (Accept("(")) {
      std::vector<CelValue> args = Arguments();
      return Call(name, nullptr, args);
    }
    throw SyntaxError{"undeclared reference to '" + name + "'"};
  }

  CelValue Number() {
    size_t start = pos_;
    if (text_[pos_] == '-') ++pos_;
    bool is_double = false;
    if (text_.substr(pos_, 2) == "0x" || text_.substr(pos_, 2) == "0X") {
      pos_ += 2;
      while (pos_ < text_.size() && std::isxdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    } else {
      while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
      if (pos_ < text_.size() && text_[pos_] == '.') {
        is_double = true;
        ++pos_;
        while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
      }
      if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
        is_double = true;
        ++pos_;
        if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
        while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
      }
    }
    std::string literal(text_.substr(start, pos_ - start));
    const bool is_uint =
        !is_double && pos_ < text_.size() && (text_[pos_] == 'u' || text_[pos_] == 'U');
    if (is_uint) ++pos_;
    try {
      size_t used = 0;
      if (is_double) return {std::stod(literal, &used)};
      if (is_uint) {
        if (literal[0] == '-') throw SyntaxError{"negative unsigned literal"};
        return {static_cast<uint64_t>(std::stoull(literal, &used, 0))};
      }
      return {static_cast<int64_t>(std::stoll(literal, &used, 0))};
    } catch (const std::logic_error&) {
      throw SyntaxError{"invalid number literal " + literal};
    }
  }

  std::string String(bool raw) {
    const char quote = text_[pos_];
    const bool triple = text_.substr(pos_, 3) == std::string(3, quote);
    pos_ += triple ? 3 : 1;
    std::string out;
    for (;;) {
      if (pos_ >= text_.size()) throw SyntaxError{"unterminated string"};
      if (triple ? text_.substr(pos_, 3) == std::string(3, quote) : text_[pos_] == quote) {
        pos_ += triple ? 3 : 1;
        return out;
      }
      char c = text_[pos_++];
      if (!triple && c == '\n') throw SyntaxError{"newline in string"};
      if (c != '\\' || raw) {
        out += c;
        continue;
      }
      if (pos_ >= text_.size()) throw SyntaxError{"unterminated string"};
      char e = text_[pos_++];
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'a':
          out += '\a';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'v':
          out += '\v';
          break;
        case '\\':
        case '\'':
        case '"':
        case '`':
        case '?':
          out += e;
          break;
        case 'x':
        case 'u':
        case 'U': {
          size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          if (pos_ + digits > text_.size()) throw SyntaxError{"bad escape"};
          for (size_t i = 0; i < digits; ++i) {
            if (!std::isxdigit(static_cast<unsigned char>(text_[pos_ + i]))) {
              throw SyntaxError{std::string("bad escape \\") + e};
            }
          }
          unsigned long code = std::stoul(std::string(text_.substr(pos_, digits)), nullptr, 16);
          pos_ += digits;
          AppendUtf8(out, static_cast<unsigned>(code));
          break;
        }
        default:
          throw SyntaxError{std::string("invalid escape \\") + e};
      }
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
  int depth_ = 0;
};

Result<CelValue> Evaluate(std::string_view expression) {
  CelValue value;
  try {
    value = CelParser(expression).ParseAll();
  } catch (const SyntaxError& e) {
    return Fail("invalid CEL expression " + std::string(expression) + ": " + e.message);
  } catch (const std::exception& e) {
    // A conversion the parser did not guard; never let it escape.
    return Fail("invalid CEL expression " + std::string(expression) + ": " + e.what());
  }
  if (value.is<CelError>()) return Fail(value.as<CelError>().message);
  return value;
}

}  // namespace

Result<bool> EvaluateCelCondition(std::string_view expression) {
  auto value = Evaluate(expression);
  if (!value) return Fail(value.error());
  if (!value->is<bool>()) {
    return Fail("the CEL expression " + std::string(expression) + " is not evaluated to a boolean");
  }
  return value->as<bool>();
}

Result<std::string> EvaluateCelToString(std::string_view expression) {
  auto value = Evaluate(expression);
  if (!value) return Fail(value.error());
  return Render(*value);
}

}  // namespace podstep
