// The CEL parser: a recursive descent over CEL's grammar (cel-go's CEL.g4)
// that type-checks and evaluates each node as soon as it is parsed. The
// expressions are closed, so there is nothing to bind and every node can be
// evaluated at once; errors are values, which gives `&&` and `||` their
// error-absorbing semantics without evaluating lazily.

#include "common/cel.h"

#include <cctype>
#include <optional>
#include <utility>
#include <vector>

#include "common/cel_lexer.h"
#include "common/cel_types.h"
#include "common/cel_value.h"

namespace podstep {
namespace {

using cel::SyntaxError;
using cel::ThrowSyntaxError;
using cel::Type;
using cel::Value;
using Kind = cel::Type::Kind;

constexpr int kMaxRecursionDepth = 250;     // cel-go's parser default
constexpr size_t kMaxCodePoints = 100'000;  // cel-go's expression size limit

// An unsupported construct unwinds the recursive descent like a syntax
// error; neither leaves this file.
struct Unsupported {
  std::string what;
};

// A parsed node: its static type, its value and where cel-go reports errors
// about it (an operator, a call's parenthesis, a literal's start).
struct Typed {
  Type type;
  Value value;
  size_t at = 0;
};

bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)); }

bool IsReserved(std::string_view name) {
  static constexpr std::string_view kReserved[] = {
      "as",  "break", "const",   "continue",  "else",   "for", "function", "if",    "import",
      "let", "loop",  "package", "namespace", "return", "var", "void",     "while", "in"};
  for (std::string_view reserved : kReserved) {
    if (name == reserved) return true;
  }
  return false;
}

// The type of a type name used as a value (`type(x) == int`).
std::optional<Type> TypeNameType(std::string_view name) {
  static const std::pair<std::string_view, Kind> kNames[] = {
      {"bool", Kind::kBool},     {"int", Kind::kInt},       {"uint", Kind::kUint},
      {"double", Kind::kDouble}, {"string", Kind::kString}, {"null_type", Kind::kNull},
      {"type", Kind::kType},     {"bytes", Kind::kDyn},     {"duration", Kind::kDyn},
      {"timestamp", Kind::kDyn}};
  if (name == "list") return cel::TypeOf(cel::ListOf(cel::Simple(Kind::kDyn)));
  if (name == "map")
    return cel::TypeOf(cel::MapOf(cel::Simple(Kind::kDyn), cel::Simple(Kind::kDyn)));
  for (const auto& [candidate, kind] : kNames) {
    if (candidate == name) return cel::TypeOf(cel::Simple(kind));
  }
  return std::nullopt;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : lex_(text) {}

  Result<Value> Run() {
    if (const size_t runes = lex_.CountRunes(); runes > kMaxCodePoints) {
      return Fail(
          lex_.ErrorAt(SyntaxError::kNoLocation,
                       "expression code point size exceeds limit: size: " + std::to_string(runes) +
                           ", limit " + std::to_string(kMaxCodePoints)));
    }
    Typed result;
    try {
      result = Expr();
      if (!lex_.AtEnd()) ThrowSyntaxError(lex_.pos(), "unexpected " + lex_.Describe(lex_.pos()));
    } catch (const SyntaxError& e) {
      return Fail(lex_.ErrorAt(e.at, e.message));
    } catch (const Unsupported& e) {
      return Fail("unsupported CEL construct: " + e.what);
    }
    if (check_error_) return Fail(lex_.ErrorAt(check_error_->first, check_error_->second));
    if (result.value.Is<cel::ErrorValue>()) return Fail(result.value.As<cel::ErrorValue>().message);
    return std::move(result.value);
  }

 private:
  // A type error does not stop the check, as in cel-go; the earliest is reported.
  void CheckError(size_t at, std::string message) {
    if (!check_error_ || at < check_error_->first) check_error_.emplace(at, std::move(message));
  }
  static Typed ErrorNode(size_t at) {
    return {cel::Simple(Kind::kError), cel::Error("invalid"), at};
  }

  // The result type of a call, or the error type once cel-go's message is recorded.
  Type Check(std::string_view function, size_t at, bool member, const std::vector<Type>& args) {
    if (auto type = checker_.ResolveOverload(function, member, args)) return std::move(*type);
    CheckError(at, checker_.NoMatchingOverload(function, member, args));
    return cel::Simple(Kind::kError);
  }

  Typed Call(std::string_view function, size_t at, bool member, std::vector<Typed> args) {
    std::vector<Type> types;
    std::vector<Value> values;
    for (Typed& arg : args) {
      types.push_back(std::move(arg.type));
      values.push_back(std::move(arg.value));
    }
    Type type = Check(function, at, member, types);
    return {std::move(type), cel::Call(function, values), at};
  }

  Typed Expr() {
    if (++depth_ > kMaxRecursionDepth) {
      throw SyntaxError{SyntaxError::kNoLocation, "expression recursion limit exceeded: " +
                                                      std::to_string(kMaxRecursionDepth)};
    }
    Typed condition = Logical(true);
    const size_t at = lex_.Mark();
    if (lex_.Accept("?")) {
      Typed yes = Logical(true);
      lex_.Expect(":");
      Typed no = Expr();
      Type type = Check("_?_:_", at, false, {condition.type, yes.type, no.type});
      condition = {std::move(type), cel::Conditional(condition.value, yes.value, no.value), at};
    }
    --depth_;
    return condition;
  }

  Typed Logical(bool is_or) {
    Typed result = is_or ? Logical(false) : Relation();
    for (;;) {
      const size_t at = lex_.Mark();
      if (!lex_.Accept(is_or ? "||" : "&&")) return result;
      Typed right = is_or ? Logical(false) : Relation();
      for (const Typed* operand : {&result, &right}) {
        if (!checker_.IsAssignable(operand->type, cel::Simple(Kind::kBool))) {
          CheckError(operand->at,
                     "expected type 'bool' but found '" + cel::FormatType(operand->type) + "'");
        }
      }
      Value value = is_or ? cel::LogicalOr(result.value, right.value)
                          : cel::LogicalAnd(result.value, right.value);
      result = {cel::Simple(Kind::kBool), std::move(value), at};
    }
  }

  Typed Relation() {
    static constexpr std::pair<std::string_view, std::string_view> kOperators[] = {
        {"==", "_==_"}, {"!=", "_!=_"}, {"<=", "_<=_"}, {">=", "_>=_"},
        {"<", "_<_"},   {">", "_>_"},   {"in", "@in"}};
    Typed left = Binary(false);
    for (;;) {
      const size_t at = lex_.Mark();
      std::string_view function;
      for (const auto& [token, name] : kOperators) {
        if (lex_.Peek(token) && !(token == "in" && IsIdentChar(lex_.Char(2)))) {
          lex_.Accept(token);
          function = name;
          break;
        }
      }
      if (function.empty()) return left;
      Typed right = Binary(false);
      left = Call(function, at, false, {std::move(left), std::move(right)});
    }
  }

  // `+ -` when !multiplicative, `* / %` when multiplicative.
  Typed Binary(bool multiplicative) {
    Typed left = multiplicative ? Unary() : Binary(true);
    for (;;) {
      const size_t at = lex_.Mark();
      const char op = lex_.Char();
      if (multiplicative ? (op != '*' && op != '/' && op != '%') : (op != '+' && op != '-')) {
        return left;
      }
      lex_.Accept(std::string_view(&op, 1));
      Typed right = multiplicative ? Unary() : Binary(true);
      left = Call(std::string{'_', op, '_'}, at, false, {std::move(left), std::move(right)});
    }
  }

  Typed Unary() {
    const size_t at = lex_.Mark();
    const char op = lex_.Char();
    if (op != '!' && op != '-') return Member();
    const int count = lex_.CountRepeated(op);
    lex_.Mark();
    // `-1` is a literal (so `-9223372036854775808` fits), `--1` a negation.
    if (op == '-' && count == 1 &&
        (IsDigit(lex_.Char()) || (lex_.Char() == '.' && IsDigit(lex_.Char(1))))) {
      lex_.Reset(at);
      return Member();
    }
    Typed operand = Member();
    if (count % 2 == 0) return operand;
    return Call(op == '!' ? "!_" : "-_", at, false, {std::move(operand)});
  }

  Typed Member() {
    Typed value = Primary();
    for (;;) {
      const size_t at = lex_.Mark();
      if (lex_.Accept(".")) {
        if (lex_.Peek("?")) ThrowSyntaxError(at, "unsupported syntax '.?'");
        const std::string name = lex_.Identifier();
        if (name.empty()) {
          ThrowSyntaxError(lex_.pos(),
                           "expected a name after '.', found " + lex_.Describe(lex_.pos()));
        }
        const size_t open = lex_.Mark();
        if (lex_.Accept("(")) {
          std::vector<Typed> args = Arguments();
          args.insert(args.begin(), std::move(value));
          value = Function(name, open, true, std::move(args));
        } else if (lex_.Peek("{")) {
          throw Unsupported{"message construction (" + name + "{...})"};
        } else {
          value = SelectField(std::move(value), name, at);
        }
      } else if (lex_.Accept("[")) {
        if (lex_.Peek("?")) ThrowSyntaxError(at, "unsupported syntax '[?'");
        Typed index = Expr();
        lex_.Expect("]");
        value = Call("_[_]", at, false, {std::move(value), std::move(index)});
      } else {
        return value;
      }
    }
  }

  Typed SelectField(Typed operand, const std::string& field, size_t at) {
    Type type = checker_.Substitute(operand.type, false);
    if (type.kind == Kind::kParam) checker_.IsAssignable(cel::Simple(Kind::kDyn), type);
    Type result = cel::Simple(Kind::kDyn);
    if (type.kind == Kind::kMap) {
      result = type.params[1];
    } else if (type.kind != Kind::kDyn && type.kind != Kind::kError && type.kind != Kind::kParam) {
      CheckError(at, "type '" + cel::FormatType(type) + "' does not support field selection");
      return ErrorNode(at);
    }
    return {std::move(result), cel::Select(operand.value, field), at};
  }

  // A global or member call (the target first in `args`) at `open`, its '('.
  Typed Function(const std::string& name, size_t open, bool member, std::vector<Typed> args) {
    const size_t arity = args.size() - (member ? 1 : 0);
    const bool macro = member ? (arity == 2 && (name == "all" || name == "exists" ||
                                                name == "exists_one" || name == "filter")) ||
                                    (name == "map" && (arity == 2 || arity == 3))
                              : name == "has" && arity == 1;
    if (macro) throw Unsupported{"the " + name + "() macro"};
    switch (cel::LookUpFunction(name)) {
      case cel::FunctionSupport::kUndeclared:
        CheckError(open, "undeclared reference to '" + name + "' (in container '')");
        return ErrorNode(open);
      case cel::FunctionSupport::kUnsupported:
        throw Unsupported{"function " + name + "()"};
      case cel::FunctionSupport::kSupported:
        break;
    }
    return Call(name, open, member, std::move(args));
  }

  std::vector<Typed> Arguments() {
    std::vector<Typed> args;
    if (lex_.Accept(")")) return args;
    do {
      args.push_back(Expr());
    } while (lex_.Accept(","));
    lex_.Expect(")");
    return args;
  }

  Typed Primary() {
    const size_t at = lex_.Mark();
    const char c = lex_.Char(), next = lex_.Char(1);
    if (lex_.AtEnd()) ThrowSyntaxError(at, "unexpected end of expression");
    if (lex_.Accept("(")) {
      Typed inner = Expr();
      lex_.Expect(")");
      return inner;
    }
    if (lex_.Accept("[")) return ListLiteral(at);
    if (lex_.Accept("{")) return MapLiteral(at);
    if (c == '-' || IsDigit(c) || (c == '.' && IsDigit(next))) return NumberLiteral(at);
    if (c == '"' || c == '\'') return {cel::Simple(Kind::kString), {lex_.ScanString(false)}, at};
    if ((c == 'r' || c == 'R') && (next == '"' || next == '\'')) {
      lex_.Accept(std::string_view(&c, 1));
      return {cel::Simple(Kind::kString), {lex_.ScanString(true)}, at};
    }
    const char after = lex_.Char(2);
    if ((c == 'b' || c == 'B') &&
        (next == '"' || next == '\'' ||
         ((next == 'r' || next == 'R') && (after == '"' || after == '\'')))) {
      throw Unsupported{"bytes literals"};
    }
    lex_.Accept(".");  // `.name`: the root namespace, where nothing is declared
    const std::string name = lex_.Identifier();
    if (name.empty()) ThrowSyntaxError(at, "unexpected " + lex_.Describe(at));
    return IdentifierOrCall(name, at);
  }

  Typed IdentifierOrCall(const std::string& name, size_t at) {
    if (IsReserved(name)) throw SyntaxError{at, "reserved identifier: " + name};
    if (name == "true" || name == "false") return {cel::Simple(Kind::kBool), {name == "true"}, at};
    if (name == "null") return {cel::Simple(Kind::kNull), {}, at};
    const size_t open = lex_.Mark();
    if (lex_.Accept("(")) return Function(name, open, false, Arguments());
    if (lex_.Peek("{")) throw Unsupported{"message construction (" + name + "{...})"};
    if (auto type = TypeNameType(name)) return {std::move(*type), {cel::TypeName{name}}, at};
    CheckError(at, "undeclared reference to '" + name + "' (in container '')");
    return ErrorNode(at);
  }

  // `[a, b]`; the trailing comma and `[,]` are allowed, as in cel-go.
  Typed ListLiteral(size_t at) {
    std::optional<Type> element;
    std::vector<Value> items;
    if (lex_.Accept(",")) {
      lex_.Expect("]");
    } else if (!lex_.Accept("]")) {
      do {
        if (lex_.Peek("]")) break;
        Typed item = Expr();
        element = checker_.JoinTypes(element, item.type);
        items.push_back(std::move(item.value));
      } while (lex_.Accept(","));
      lex_.Expect("]");
    }
    Type type = cel::ListOf(element ? *element : checker_.NewTypeVar());
    return {std::move(type), cel::MakeList(std::move(items)), at};
  }

  Typed MapLiteral(size_t at) {
    std::optional<Type> key_type, value_type;
    std::vector<std::pair<Value, Value>> entries;
    if (lex_.Accept(",")) {
      lex_.Expect("}");
    } else if (!lex_.Accept("}")) {
      do {
        if (lex_.Peek("}")) break;
        Typed key = Expr();
        lex_.Expect(":");
        Typed value = Expr();
        key_type = checker_.JoinTypes(key_type, key.type);
        value_type = checker_.JoinTypes(value_type, value.type);
        entries.emplace_back(std::move(key.value), std::move(value.value));
      } while (lex_.Accept(","));
      lex_.Expect("}");
    }
    Type type = cel::MapOf(key_type ? *key_type : checker_.NewTypeVar(),
                           value_type ? *value_type : checker_.NewTypeVar());
    return {std::move(type), cel::MakeMap(std::move(entries)), at};
  }

  // A numeric literal with its optional sign.
  Typed NumberLiteral(size_t at) {
    const bool negative = lex_.Accept("-");
    const size_t start = lex_.Mark();
    const cel::Number number = lex_.ScanNumber(negative, at);
    switch (number.kind) {
      case cel::Number::Kind::kInt:
        return {cel::Simple(Kind::kInt), {number.int_value}, at};
      case cel::Number::Kind::kDouble:
        return {cel::Simple(Kind::kDouble), {number.double_value}, at};
      case cel::Number::Kind::kUint:
        break;
    }
    Typed literal{cel::Simple(Kind::kUint), {number.uint_value}, start};
    if (!negative) return literal;
    return Call("-_", at, false, {std::move(literal)});  // a uint literal has no sign
  }

  cel::Lexer lex_;
  int depth_ = 0;
  cel::Checker checker_;
  std::optional<std::pair<size_t, std::string>> check_error_;
};

}  // namespace

Result<bool> EvaluateCelCondition(std::string_view expression) {
  auto value = Parser(expression).Run();
  if (!value) return Fail(value.error());
  if (!value->Is<bool>()) {
    return Fail("the CEL expression " + std::string(expression) + " is not evaluated to a boolean");
  }
  return value->As<bool>();
}

Result<std::string> EvaluateCelToString(std::string_view expression) {
  auto value = Parser(expression).Run();
  if (!value) return Fail(value.error());
  return cel::Render(*value);
}

}  // namespace podstep
