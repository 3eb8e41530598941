#include "common/cel_types.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace podstep::cel {
namespace {

using Kind = Type::Kind;

struct Overload {
  std::string_view function;
  bool member = false;
  std::vector<Type> args;
  Type result;
};

Type Param(std::string name) { return Type{Kind::kParam, {}, std::move(name)}; }

bool IsDyn(const Type& type) { return type.kind == Kind::kDyn; }
bool IsDynOrError(const Type& type) { return IsDyn(type) || type.kind == Kind::kError; }

// The standard library's overloads as cel-go declares them, less those on
// bytes, timestamps and durations, and less the cross-type numeric
// comparisons that `cel.NewEnv()` leaves disabled.
const std::vector<Overload>& Overloads() {
  static const auto* const kOverloads = [] {
    const Type a = Param("A"), b = Param("B"), boolean = Simple(Kind::kBool),
               integer = Simple(Kind::kInt), uint = Simple(Kind::kUint),
               dbl = Simple(Kind::kDouble), string = Simple(Kind::kString);
    auto* overloads = new std::vector<Overload>;
    auto add = [&](std::string_view function, bool member, std::vector<Type> args, Type result) {
      overloads->push_back({function, member, std::move(args), std::move(result)});
    };
    add("_?_:_", false, {boolean, a, a}, a);
    add("!_", false, {boolean}, boolean);
    add("-_", false, {dbl}, dbl);
    add("-_", false, {integer}, integer);
    add("_==_", false, {a, a}, boolean);
    add("_!=_", false, {a, a}, boolean);
    for (const Type& t : {dbl, integer, ListOf(a), string, uint}) add("_+_", false, {t, t}, t);
    for (std::string_view op : {"_-_", "_*_", "_/_"}) {
      for (const Type& t : {dbl, integer, uint}) add(op, false, {t, t}, t);
    }
    for (const Type& t : {integer, uint}) add("_%_", false, {t, t}, t);
    for (std::string_view op : {"_<_", "_<=_", "_>_", "_>=_"}) {
      for (const Type& t : {boolean, integer, uint, dbl, string}) add(op, false, {t, t}, boolean);
    }
    add("_[_]", false, {ListOf(a), integer}, a);
    add("_[_]", false, {MapOf(a, b), a}, b);
    add("@in", false, {a, ListOf(a)}, boolean);
    add("@in", false, {a, MapOf(a, b)}, boolean);
    for (bool member : {false, true}) {
      for (const Type& t : {ListOf(a), MapOf(a, b), string}) add("size", member, {t}, integer);
    }
    add("type", false, {a}, TypeOf(a));
    add("dyn", false, {a}, Simple(Kind::kDyn));
    for (const Type& t : {boolean, string}) add("bool", false, {t}, boolean);
    for (const Type& t : {dbl, integer, string, uint}) add("double", false, {t}, dbl);
    for (const Type& t : {integer, dbl, string, uint}) add("int", false, {t}, integer);
    for (const Type& t : {string, boolean, dbl, integer, uint}) add("string", false, {t}, string);
    for (const Type& t : {uint, dbl, integer, string}) add("uint", false, {t}, uint);
    for (std::string_view f : {"contains", "endsWith", "startsWith", "matches"}) {
      add(f, true, {string, string}, boolean);
    }
    add("matches", false, {string, string}, boolean);
    return overloads;
  }();
  return *kOverloads;
}

// cel-go's isEqualOrLessSpecific: dyn and parameters are the least specific.
bool IsEqualOrLessSpecific(const Type& a, const Type& b) {
  if (IsDyn(a) || a.kind == Kind::kParam) return true;
  if (IsDyn(b) || b.kind == Kind::kParam) return false;
  if (a.kind != b.kind) return false;
  if (a.kind == Kind::kType) return true;
  if (a.kind == Kind::kList || a.kind == Kind::kMap) {
    for (size_t i = 0; i < a.params.size(); ++i) {
      if (!IsEqualOrLessSpecific(a.params[i], b.params[i])) return false;
    }
    return true;
  }
  return a == b;
}

Type MostGeneral(const Type& a, const Type& b) { return IsEqualOrLessSpecific(a, b) ? a : b; }

}  // namespace

Type Simple(Type::Kind kind) { return Type{kind, {}, {}}; }
Type ListOf(Type element) { return Type{Kind::kList, {std::move(element)}, {}}; }
Type MapOf(Type key, Type value) {
  return Type{Kind::kMap, {std::move(key), std::move(value)}, {}};
}
Type TypeOf(Type denoted) { return Type{Kind::kType, {std::move(denoted)}, {}}; }

std::string FormatType(const Type& type) {
  switch (type.kind) {
    case Kind::kError:
      return "!error!";
    case Kind::kDyn:
      return "dyn";
    case Kind::kNull:
      return "null";
    case Kind::kBool:
      return "bool";
    case Kind::kInt:
      return "int";
    case Kind::kUint:
      return "uint";
    case Kind::kDouble:
      return "double";
    case Kind::kString:
      return "string";
    case Kind::kParam:
      return type.name;
    case Kind::kList:
      return "list(" + FormatType(type.params[0]) + ")";
    case Kind::kMap:
      return "map(" + FormatType(type.params[0]) + ", " + FormatType(type.params[1]) + ")";
    case Kind::kType:
      return type.params.empty() ? "type" : "type(" + FormatType(type.params[0]) + ")";
  }
  return "?";
}

FunctionSupport LookUpFunction(std::string_view function) {
  static constexpr std::string_view kUnsupported[] = {
      "bytes",      "duration",     "timestamp",      "getFullYear",  "getMonth",
      "getDate",    "getDayOfYear", "getDayOfMonth",  "getDayOfWeek", "getHours",
      "getMinutes", "getSeconds",   "getMilliseconds"};
  if (std::ranges::any_of(Overloads(), [&](const Overload& o) { return o.function == function; })) {
    return FunctionSupport::kSupported;
  }
  if (std::ranges::find(kUnsupported, function) != std::end(kUnsupported)) {
    return FunctionSupport::kUnsupported;
  }
  return FunctionSupport::kUndeclared;
}

Type Checker::NewTypeVar() { return Param("_var" + std::to_string(next_var_++)); }

Type Checker::JoinTypes(const std::optional<Type>& previous, const Type& current) {
  if (!previous) return current;
  if (IsAssignable(*previous, current)) return MostGeneral(*previous, current);
  return Simple(Kind::kDyn);
}

void Checker::Bind(const std::string& param, Type type) {
  auto bound = bindings_.find(param);
  trail_.emplace_back(param,
                      bound == bindings_.end() ? std::nullopt : std::optional(bound->second));
  bindings_[param] = std::move(type);
}

void Checker::Rollback(size_t mark) {
  while (trail_.size() > mark) {
    auto& [param, previous] = trail_.back();
    if (previous) {
      bindings_[param] = std::move(*previous);
    } else {
      bindings_.erase(param);
    }
    trail_.pop_back();
  }
}

bool Checker::IsAssignable(const Type& from, const Type& to) {
  const bool assignable = Assignable(from, to);
  Rollback(assignable ? trail_.size() : 0);
  trail_.clear();
  return assignable;
}

// cel-go's internalIsAssignable.
bool Checker::Assignable(const Type& from, const Type& to) {
  if (to.kind == Kind::kParam) {
    bool has_substitution = false;
    if (ValidSubstitution(from, to, has_substitution)) return true;
    if (has_substitution) return false;
  }
  if (from.kind == Kind::kParam) {
    bool unused = false;
    return ValidSubstitution(to, from, unused);
  }
  if (IsDynOrError(from) || IsDynOrError(to)) return true;
  if (from.kind == Kind::kNull || to.kind == Kind::kNull) return from.kind == to.kind;
  if (from.kind != to.kind) return false;
  if (from.kind == Kind::kType) return true;
  for (size_t i = 0; i < from.params.size(); ++i) {
    if (!Assignable(from.params[i], to.params[i])) return false;
  }
  return true;
}

// cel-go's isValidTypeSubstitution: may `param` stand for `type`?
bool Checker::ValidSubstitution(const Type& type, const Type& param, bool& has_substitution) {
  has_substitution = true;
  if (type == param) return true;
  if (auto bound = bindings_.find(param.name); bound != bindings_.end()) {
    const Type substitute = bound->second;
    if (type == substitute) return true;
    if (!Assignable(type, substitute)) return false;
    Type general = MostGeneral(type, substitute);
    if (NotReferencedIn(param, general)) Bind(param.name, std::move(general));
    return true;
  }
  has_substitution = false;
  if (!NotReferencedIn(param, type)) return false;
  Bind(param.name, type);
  return true;
}

bool Checker::NotReferencedIn(const Type& param, const Type& within) const {
  if (param == within) return false;
  if (within.kind == Kind::kParam) {
    auto bound = bindings_.find(within.name);
    return bound == bindings_.end() || NotReferencedIn(param, bound->second);
  }
  return std::ranges::all_of(within.params,
                             [&](const Type& p) { return NotReferencedIn(param, p); });
}

Type Checker::Substitute(const Type& type, bool to_dyn) const {
  if (type.kind == Kind::kParam) {
    if (auto bound = bindings_.find(type.name); bound != bindings_.end()) {
      return Substitute(bound->second, to_dyn);
    }
    return to_dyn ? Simple(Kind::kDyn) : type;
  }
  Type result = type;
  for (Type& param : result.params) param = Substitute(param, to_dyn);
  return result;
}

std::optional<Type> Checker::ResolveOverload(std::string_view function, bool member,
                                             const std::vector<Type>& args) {
  std::optional<Type> result;
  for (const Overload& overload : Overloads()) {
    if (overload.function != function || overload.member != member ||
        overload.args.size() != args.size()) {
      continue;
    }
    // The overload's own parameters A and B become fresh type variables.
    const Type a = NewTypeVar(), b = NewTypeVar();
    auto instantiate = [&](const Type& type) {
      Type copy = type;
      if (copy.kind == Kind::kParam) return copy.name == "A" ? a : b;
      for (Type& param : copy.params) {
        if (param.kind == Kind::kParam) param = param.name == "A" ? a : b;
      }
      return copy;
    };
    const size_t mark = trail_.size();
    bool matches = true;
    for (size_t i = 0; i < args.size() && matches; ++i) {
      matches = Assignable(args[i], instantiate(overload.args[i]));
    }
    if (!matches) {
      Rollback(mark);
      continue;
    }
    Type overload_result = Substitute(instantiate(overload.result), false);
    if (!result) {
      result = std::move(overload_result);
    } else if (!IsDyn(*result) && !(overload_result == *result)) {
      result = Simple(Kind::kDyn);
    }
  }
  trail_.clear();
  return result;
}

std::string Checker::NoMatchingOverload(std::string_view function, bool member,
                                        const std::vector<Type>& args) const {
  std::string signature;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string type = FormatType(Substitute(args[i], true));
    if (member && i == 0) {
      signature = type + ".(";
    } else {
      signature += (i > (member ? 1u : 0u) ? ", " : "") + type;
    }
  }
  if (!member) signature = "(" + signature;
  return "found no matching overload for '" + std::string(function) + "' applied to '" + signature +
         ")'";
}

}  // namespace podstep::cel
