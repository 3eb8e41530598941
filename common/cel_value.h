#pragma once
// Run-time CEL values and the standard functions on them, with cel-go's
// semantics: heterogeneous numeric equality, overflow and division errors,
// and errors that travel as values so that `false && error` is false.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace podstep::cel {

struct Value;
using List = std::vector<Value>;
/// Entries in literal order, keys unique.
using Map = std::vector<std::pair<Value, Value>>;

/// The value of a type expression such as `int` or `type(1)`.
struct TypeName {
  std::string name;
  bool operator==(const TypeName&) const = default;
};

/// An evaluation error, carried as a value until something absorbs it.
struct ErrorValue {
  std::string message;
  bool operator==(const ErrorValue&) const = default;
};

/// A CEL value; std::monostate is null.
struct Value {
  std::variant<std::monostate, bool, int64_t, uint64_t, double, std::string,
               std::shared_ptr<const List>, std::shared_ptr<const Map>, TypeName, ErrorValue>
      v;

  /// True when the value holds a T.
  template <class T>
  bool Is() const {
    return std::holds_alternative<T>(v);
  }
  /// The T the value holds; only after Is<T>().
  template <class T>
  const T& As() const {
    return std::get<T>(v);
  }
};

/// An ErrorValue with `message`.
Value Error(std::string message);

/// The value's type name as cel-go's `type()` gives it: null_type, bool, int,
/// uint, double, string, list, map, type (an error has none: "error").
std::string_view TypeNameOf(const Value& value);

/// `value` for tests and messages: `true`, `3`, `3u`, `1.5`, `"s"`,
/// `[1, 2]`, `{"k": 1}`, `null`, `int`.
std::string Render(const Value& value);

/// Applies the standard function or operator `function` (cel-go's name:
/// `_+_`, `_[_]`, `@in`, `size`, `int`) to `args`, the target first for a
/// member call. The first error among `args` is the result; arguments of
/// kinds the function does not take give "no such overload".
Value Call(std::string_view function, const std::vector<Value>& args);

/// `a && b`: false if either is false, else the first error, else true.
Value LogicalAnd(const Value& a, const Value& b);
/// `a || b`: true if either is true, else the first error, else false.
Value LogicalOr(const Value& a, const Value& b);
/// `condition ? if_true : if_false`.
Value Conditional(const Value& condition, const Value& if_true, const Value& if_false);
/// Field selection `value.field`, which reads a map's string key.
Value Select(const Value& value, const std::string& field);
/// A map literal's value from its entries: the first error among them, or
/// the map with the last value of each repeated key.
Value MakeMap(std::vector<std::pair<Value, Value>> entries);
/// A list literal's value: the first error among `items`, or the list.
Value MakeList(std::vector<Value> items);

/// The code point at `pos` in UTF-8 `text`, advancing `pos` past it; an
/// invalid byte decodes as U+FFFD and advances by one, as in Go.
char32_t DecodeRune(std::string_view text, size_t& pos);
/// Appends `rune` as UTF-8.
void AppendUtf8(std::string& out, char32_t rune);

/// Go's strconv.ParseFloat(text, 64) for decimal text (no hex floats):
/// false on a syntax error or when the value overflows.
bool ParseGoFloat(std::string_view text, double& out);

}  // namespace podstep::cel
