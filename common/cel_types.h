#pragma once
// Static CEL types and overload resolution, ported from cel-go's checker for
// the standard environment of `cel.NewEnv()`. The reference compiles (parses
// and type-checks) every expression before evaluating it, so `1 == 1.0` or
// `[1] + ['a']` fail to compile there although they could be evaluated.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace podstep::cel {

/// A type as cel-go's checker sees it (bytes, timestamps and durations are
/// not supported here, so they have no kind).
struct Type {
  enum class Kind {
    kError,
    kDyn,
    kNull,
    kBool,
    kInt,
    kUint,
    kDouble,
    kString,
    kList,
    kMap,
    kType,
    kParam
  };
  Kind kind = Kind::kDyn;
  /// list: the element type; map: the key and value types; type: the type denoted.
  std::vector<Type> params;
  /// kParam only: the parameter's name (`A`, `_var0`).
  std::string name;

  bool operator==(const Type&) const = default;
};

/// A type without parameters (not kList, kMap nor kParam).
Type Simple(Type::Kind kind);
/// `list(element)`.
Type ListOf(Type element);
/// `map(key, value)`.
Type MapOf(Type key, Type value);
/// The type of a type value such as `int`: `type(denoted)`.
Type TypeOf(Type denoted);

/// `type` as cel-go prints it in messages: `int`, `list(string)`,
/// `map(string, dyn)`, `null`, `_var0`.
std::string FormatType(const Type& type);

/// How a function name (cel-go's name: `_+_`, `size`, `getFullYear`) stands.
enum class FunctionSupport {
  kUndeclared,   // not in cel-go's standard library: a compile error there
  kUnsupported,  // in the standard library (timestamps, bytes), not here
  kSupported,
};
/// How `function` stands: undeclared in cel-go, declared but not supported
/// here, or supported.
FunctionSupport LookUpFunction(std::string_view function);

/// Type-checks the calls of one expression. Like cel-go's checker it keeps
/// the bindings of type parameters for the whole expression.
class Checker {
 public:
  /// A fresh type parameter, for the element type of an empty list or map.
  Type NewTypeVar();

  /// The element type of an aggregate literal once `current` joins the
  /// elements' type so far (`previous`, none for the first element): the
  /// more general of the two when they agree, dyn otherwise.
  Type JoinTypes(const std::optional<Type>& previous, const Type& current);

  /// True when a value of type `from` may be passed where `to` is expected;
  /// binds type parameters on success.
  bool IsAssignable(const Type& from, const Type& to);

  /// The result type of `function` applied to `args` (for a member call the
  /// target first), or nullopt when no standard overload accepts them.
  std::optional<Type> ResolveOverload(std::string_view function, bool member,
                                      const std::vector<Type>& args);

  /// cel-go's message for a failed ResolveOverload: "found no matching
  /// overload for '_+_' applied to '(int, double)'".
  std::string NoMatchingOverload(std::string_view function, bool member,
                                 const std::vector<Type>& args) const;

  /// `type` with bound parameters replaced, unbound ones by dyn when `to_dyn`.
  Type Substitute(const Type& type, bool to_dyn) const;

 private:
  // cel-go copies its bindings for every tentative match; an undo trail
  // gives the same results without making long expressions quadratic.
  void Bind(const std::string& param, Type type);
  void Rollback(size_t mark);
  bool Assignable(const Type& from, const Type& to);
  bool ValidSubstitution(const Type& type, const Type& param, bool& has_substitution);
  bool NotReferencedIn(const Type& param, const Type& within) const;

  std::map<std::string, Type> bindings_;
  std::vector<std::pair<std::string, std::optional<Type>>> trail_;  // previous bindings
  int next_var_ = 0;
};

}  // namespace podstep::cel
