#include "common/cel_value.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <type_traits>

#include "common/cel.h"
#include "common/go_json.h"

namespace podstep::cel {
namespace {

using ListPtr = std::shared_ptr<const List>;
using MapPtr = std::shared_ptr<const Map>;

const char kNoSuchOverload[] = "no such overload";

bool IsNumber(const Value& v) { return v.Is<int64_t>() || v.Is<uint64_t>() || v.Is<double>(); }

double ToDouble(const Value& v) {
  if (v.Is<double>()) return v.As<double>();
  if (v.Is<int64_t>()) return static_cast<double>(v.As<int64_t>());
  return static_cast<double>(v.As<uint64_t>());
}

template <class T>
int Sign(T x, T y) {
  return x < y ? -1 : (x > y ? 1 : 0);
}

// cel-go's numeric comparison across int, uint and double (NaN excluded):
// a double is compared in double precision, as cel-go does.
int CompareNumbers(const Value& a, const Value& b) {
  if (a.Is<double>() || b.Is<double>()) {
    const bool a_double = a.Is<double>();
    const double d = a_double ? a.As<double>() : b.As<double>();
    const Value& other = a_double ? b : a;
    int order = 0;
    if (other.Is<double>()) {
      order = Sign(d, other.As<double>());
    } else if (other.Is<int64_t>() && d < -9223372036854775808.0) {
      order = -1;
    } else if (other.Is<int64_t>() && d > 9223372036854775807.0) {
      order = 1;
    } else if (other.Is<uint64_t>() && d < 0) {
      order = -1;
    } else if (other.Is<uint64_t>() && d > 18446744073709551615.0) {
      order = 1;
    } else {
      order = Sign(d, ToDouble(other));
    }
    return a_double ? order : -order;
  }
  if (a.Is<int64_t>() && b.Is<int64_t>()) return Sign(a.As<int64_t>(), b.As<int64_t>());
  if (a.Is<uint64_t>() && b.Is<uint64_t>()) return Sign(a.As<uint64_t>(), b.As<uint64_t>());
  if (a.Is<int64_t>()) {
    return a.As<int64_t>() < 0 ? -1
                               : Sign(static_cast<uint64_t>(a.As<int64_t>()), b.As<uint64_t>());
  }
  return b.As<int64_t>() < 0 ? 1 : Sign(a.As<uint64_t>(), static_cast<uint64_t>(b.As<int64_t>()));
}

bool IsNaN(const Value& v) { return v.Is<double>() && std::isnan(v.As<double>()); }

// cel-go's types.Equal: numbers by value across kinds, other kinds must match.
bool Equal(const Value& a, const Value& b) {
  if (IsNumber(a) && IsNumber(b)) return !IsNaN(a) && !IsNaN(b) && CompareNumbers(a, b) == 0;
  if (a.v.index() != b.v.index()) return false;
  if (a.Is<ListPtr>()) {
    const List &x = *a.As<ListPtr>(), &y = *b.As<ListPtr>();
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (!Equal(x[i], y[i])) return false;
    }
    return true;
  }
  if (a.Is<MapPtr>()) {
    const Map &x = *a.As<MapPtr>(), &y = *b.As<MapPtr>();
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

// Go's strconv.FormatFloat(d, 'g', -1, 64), which fmt's %g uses.
std::string FormatDouble(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  char text[64];
  auto scientific = std::to_chars(text, text + sizeof text, d, std::chars_format::scientific);
  const std::string_view digits(text, static_cast<size_t>(scientific.ptr - text));
  const int exponent = std::atoi(digits.data() + digits.find('e') + 1);
  if (exponent < -4 || exponent >= 6) return std::string(digits);
  auto fixed = std::to_chars(text, text + sizeof text, d, std::chars_format::fixed);
  return std::string(text, static_cast<size_t>(fixed.ptr - text));
}

// Go's %v of a scalar, as cel-go prints map keys and converts to string.
std::string GoText(const Value& v) {
  if (v.Is<std::string>()) return v.As<std::string>();
  if (v.Is<bool>()) return v.As<bool>() ? "true" : "false";
  if (v.Is<int64_t>()) return std::to_string(v.As<int64_t>());
  if (v.Is<uint64_t>()) return std::to_string(v.As<uint64_t>());
  if (v.Is<double>()) return FormatDouble(v.As<double>());
  return Render(v);
}

Value Compare(std::string_view op, const Value& a, const Value& b) {
  int order = 0;
  if (IsNumber(a) && IsNumber(b)) {
    if (IsNaN(a) || IsNaN(b)) return Error("NaN values cannot be ordered");
    order = CompareNumbers(a, b);
  } else if (a.Is<std::string>() && b.Is<std::string>()) {
    order = a.As<std::string>().compare(b.As<std::string>());
  } else if (a.Is<bool>() && b.Is<bool>()) {
    order = static_cast<int>(a.As<bool>()) - static_cast<int>(b.As<bool>());
  } else {
    return Error(kNoSuchOverload);
  }
  if (op == "_<_") return {order < 0};
  if (op == "_<=_") return {order <= 0};
  if (op == "_>_") return {order > 0};
  return {order >= 0};
}

template <class Int>
Value IntegerArithmetic(char op, Int x, Int y) {
  constexpr bool kSigned = std::is_signed_v<Int>;
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
      if (y == 0) return Error(op == '/' ? "division by zero" : "modulus by zero");
      // INT64_MIN / -1 does not fit.
      overflow = kSigned && x == std::numeric_limits<Int>::min() && y == static_cast<Int>(-1);
      if (!overflow) r = op == '/' ? x / y : x % y;
  }
  if (overflow) return Error(kSigned ? "integer overflow" : "unsigned integer overflow");
  return {r};
}

Value Arithmetic(char op, const Value& a, const Value& b) {
  if (a.v.index() != b.v.index()) return Error(kNoSuchOverload);
  if (a.Is<int64_t>()) return IntegerArithmetic(op, a.As<int64_t>(), b.As<int64_t>());
  if (a.Is<uint64_t>()) return IntegerArithmetic(op, a.As<uint64_t>(), b.As<uint64_t>());
  if (a.Is<double>() && op != '%') {
    const double x = a.As<double>(), y = b.As<double>();
    return {op == '+' ? x + y : op == '-' ? x - y : op == '*' ? x * y : x / y};
  }
  if (op == '+' && a.Is<std::string>()) return {a.As<std::string>() + b.As<std::string>()};
  if (op == '+' && a.Is<ListPtr>()) {
    auto joined = std::make_shared<List>(*a.As<ListPtr>());
    joined->insert(joined->end(), b.As<ListPtr>()->begin(), b.As<ListPtr>()->end());
    return {ListPtr(std::move(joined))};
  }
  return Error(kNoSuchOverload);
}

Value Index(const Value& container, const Value& index) {
  if (container.Is<ListPtr>()) {
    const List& list = *container.As<ListPtr>();
    int64_t i = 0;
    if (index.Is<int64_t>()) {
      i = index.As<int64_t>();
    } else if (index.Is<uint64_t>() && index.As<uint64_t>() <= INT64_MAX) {
      i = static_cast<int64_t>(index.As<uint64_t>());
    } else if (index.Is<double>() && std::trunc(index.As<double>()) == index.As<double>() &&
               std::abs(index.As<double>()) < 9.2e18) {
      i = static_cast<int64_t>(index.As<double>());
    } else if (IsNumber(index)) {
      return Error("unsupported index value " + GoText(index) + " in list");
    } else {
      return Error("unsupported index type '" + std::string(TypeNameOf(index)) + "' in list");
    }
    if (i < 0 || static_cast<uint64_t>(i) >= list.size()) {
      return Error("index '" + std::to_string(i) + "' out of range in list size '" +
                   std::to_string(list.size()) + "'");
    }
    return list[static_cast<size_t>(i)];
  }
  if (container.Is<MapPtr>()) {
    for (const auto& [key, value] : *container.As<MapPtr>()) {
      if (Equal(key, index)) return value;
    }
    return Error("no such key: " + GoText(index));
  }
  return Error(kNoSuchOverload);
}

Value In(const Value& item, const Value& container) {
  if (container.Is<ListPtr>()) {
    for (const Value& element : *container.As<ListPtr>()) {
      if (Equal(item, element)) return {true};
    }
    return {false};
  }
  if (container.Is<MapPtr>()) {
    for (const auto& [key, value] : *container.As<MapPtr>()) {
      if (Equal(item, key)) return {true};
    }
    return {false};
  }
  return Error(kNoSuchOverload);
}

int64_t CountRunes(std::string_view text) {
  int64_t count = 0;
  for (size_t pos = 0; pos < text.size(); ++count) DecodeRune(text, pos);
  return count;
}

// Go's strconv.ParseInt(text, 10, 64) or ParseUint(text, 10, 64).
template <class Int>
bool ParseGoInteger(std::string_view text, Int& out) {
  const char* begin = text.data();
  const char* end = begin + text.size();
  if (std::is_signed_v<Int> && begin != end && *begin == '+') ++begin;
  const char* digits = begin != end && *begin == '-' && std::is_signed_v<Int> ? begin + 1 : begin;
  if (digits == end || !std::isdigit(static_cast<unsigned char>(*digits))) return false;
  auto [stop, error] = std::from_chars(begin, end, out, 10);
  return error == std::errc() && stop == end;
}

Value Convert(std::string_view to, const Value& v) {
  auto conversion_error = [&] {
    return Error("type conversion error from 'string' to '" + std::string(to) + "'");
  };
  if (to == "dyn") return v;
  if (to == "type") return {TypeName{std::string(TypeNameOf(v))}};
  if (to == "string") {
    if (v.Is<std::string>() || v.Is<bool>() || IsNumber(v)) return {GoText(v)};
  } else if (to == "bool") {
    if (v.Is<bool>()) return v;
    if (v.Is<std::string>()) {
      for (std::string_view yes : {"1", "t", "T", "TRUE", "true", "True"}) {
        if (v.As<std::string>() == yes) return {true};
      }
      for (std::string_view no : {"0", "f", "F", "FALSE", "false", "False"}) {
        if (v.As<std::string>() == no) return {false};
      }
    }
  } else if (to == "double") {
    if (IsNumber(v)) return {ToDouble(v)};
    if (double d = 0; v.Is<std::string>() && ParseGoFloat(v.As<std::string>(), d)) return {d};
  } else if (to == "int") {
    if (v.Is<int64_t>()) return v;
    if (v.Is<uint64_t>()) {
      if (v.As<uint64_t>() > INT64_MAX) return Error("integer overflow");
      return {static_cast<int64_t>(v.As<uint64_t>())};
    }
    if (v.Is<double>()) {
      const double d = v.As<double>();
      if (std::isnan(d) || d <= -9223372036854775808.0 || d >= 9223372036854775807.0) {
        return Error("integer overflow");
      }
      return {static_cast<int64_t>(d)};
    }
    if (int64_t i = 0; v.Is<std::string>() && ParseGoInteger(v.As<std::string>(), i)) return {i};
  } else if (to == "uint") {
    if (v.Is<uint64_t>()) return v;
    if (v.Is<int64_t>()) {
      if (v.As<int64_t>() < 0) return Error("unsigned integer overflow");
      return {static_cast<uint64_t>(v.As<int64_t>())};
    }
    if (v.Is<double>()) {
      const double d = v.As<double>();
      if (std::isnan(d) || d < 0 || d >= 18446744073709551616.0) {
        return Error("unsigned integer overflow");
      }
      return {static_cast<uint64_t>(d)};
    }
    if (uint64_t u = 0; v.Is<std::string>() && ParseGoInteger(v.As<std::string>(), u)) return {u};
  } else {
    return Error(kNoSuchOverload);
  }
  if (v.Is<std::string>()) return conversion_error();
  return Error("no such overload: " + std::string(to) + "(" + std::string(TypeNameOf(v)) + ")");
}

Value StringFunction(std::string_view function, const std::string& s, const std::string& t) {
  if (function == "contains") return {s.find(t) != std::string::npos};
  if (function == "startsWith") return {s.starts_with(t)};
  if (function == "endsWith") return {s.ends_with(t)};
  if (function != "matches") return Error(kNoSuchOverload);
  auto matched = RegexSearch(t, s);
  if (!matched) return Error(matched.error().message);
  return {*matched};
}

}  // namespace

Value Error(std::string message) { return {ErrorValue{std::move(message)}}; }

std::string_view TypeNameOf(const Value& value) {
  static constexpr std::string_view kNames[] = {"null_type", "bool", "int", "uint", "double",
                                                "string",    "list", "map", "type", "error"};
  return kNames[value.v.index()];
}

std::string Render(const Value& value) {
  if (value.Is<std::monostate>()) return "null";
  if (value.Is<uint64_t>()) return GoText(value) + "u";
  if (value.Is<std::string>()) {
    std::string quoted = "\"";
    for (char c : value.As<std::string>()) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c;
    }
    return quoted + "\"";
  }
  if (value.Is<ListPtr>()) {
    std::string out = "[";
    for (const Value& item : *value.As<ListPtr>())
      out += (out.size() > 1 ? ", " : "") + Render(item);
    return out + "]";
  }
  if (value.Is<MapPtr>()) {
    std::string out = "{";
    for (const auto& [key, item] : *value.As<MapPtr>()) {
      out += (out.size() > 1 ? ", " : "") + Render(key) + ": " + Render(item);
    }
    return out + "}";
  }
  if (value.Is<TypeName>()) return value.As<TypeName>().name;
  if (value.Is<ErrorValue>()) return "error: " + value.As<ErrorValue>().message;
  return GoText(value);
}

Value Call(std::string_view function, const std::vector<Value>& args) {
  for (const Value& arg : args) {
    if (arg.Is<ErrorValue>()) return arg;
  }
  if (args.size() == 1) {
    const Value& x = args[0];
    if (function == "!_") return x.Is<bool>() ? Value{!x.As<bool>()} : Error(kNoSuchOverload);
    if (function == "-_") {
      if (x.Is<int64_t>()) {
        if (x.As<int64_t>() == INT64_MIN) return Error("integer overflow");
        return {-x.As<int64_t>()};
      }
      return x.Is<double>() ? Value{-x.As<double>()} : Error(kNoSuchOverload);
    }
    if (function == "size") {
      if (x.Is<std::string>()) return {CountRunes(x.As<std::string>())};
      if (x.Is<ListPtr>()) return {static_cast<int64_t>(x.As<ListPtr>()->size())};
      if (x.Is<MapPtr>()) return {static_cast<int64_t>(x.As<MapPtr>()->size())};
      return Error(kNoSuchOverload);
    }
    return Convert(function, x);
  }
  if (args.size() != 2) return Error(kNoSuchOverload);
  const Value &a = args[0], &b = args[1];
  if (function == "_==_") return {Equal(a, b)};
  if (function == "_!=_") return {!Equal(a, b)};
  if (function == "_<_" || function == "_<=_" || function == "_>_" || function == "_>=_") {
    return Compare(function, a, b);
  }
  if (function.size() == 3 && function[0] == '_' && function[2] == '_') {
    return Arithmetic(function[1], a, b);
  }
  if (function == "_[_]") return Index(a, b);
  if (function == "@in") return In(a, b);
  if (a.Is<std::string>() && b.Is<std::string>()) {
    return StringFunction(function, a.As<std::string>(), b.As<std::string>());
  }
  return Error(kNoSuchOverload);
}

Value LogicalAnd(const Value& a, const Value& b) {
  if ((a.Is<bool>() && !a.As<bool>()) || (b.Is<bool>() && !b.As<bool>())) return {false};
  if (a.Is<bool>() && b.Is<bool>()) return {true};
  if (a.Is<ErrorValue>()) return a;
  return b.Is<ErrorValue>() ? b : Error(kNoSuchOverload);
}

Value LogicalOr(const Value& a, const Value& b) {
  if ((a.Is<bool>() && a.As<bool>()) || (b.Is<bool>() && b.As<bool>())) return {true};
  if (a.Is<bool>() && b.Is<bool>()) return {false};
  if (a.Is<ErrorValue>()) return a;
  return b.Is<ErrorValue>() ? b : Error(kNoSuchOverload);
}

Value Conditional(const Value& condition, const Value& if_true, const Value& if_false) {
  if (condition.Is<ErrorValue>()) return condition;
  if (!condition.Is<bool>()) return Error(kNoSuchOverload);
  return condition.As<bool>() ? if_true : if_false;
}

Value Select(const Value& value, const std::string& field) {
  if (value.Is<ErrorValue>()) return value;
  if (!value.Is<MapPtr>()) return Error(kNoSuchOverload);
  return Index(value, {field});
}

Value MakeList(std::vector<Value> items) {
  for (const Value& item : items) {
    if (item.Is<ErrorValue>()) return item;
  }
  return {ListPtr(std::make_shared<List>(std::move(items)))};
}

Value MakeMap(std::vector<std::pair<Value, Value>> entries) {
  auto map = std::make_shared<Map>();
  for (auto& [key, value] : entries) {
    if (key.Is<ErrorValue>()) return key;
    if (value.Is<ErrorValue>()) return value;
    bool replaced = false;
    for (auto& [existing_key, existing_value] : *map) {
      // Go map semantics: the same kind and value is the same key.
      if (existing_key.v == key.v) {
        existing_value = value;
        replaced = true;
      }
    }
    if (!replaced) map->emplace_back(std::move(key), std::move(value));
  }
  return {MapPtr(std::move(map))};
}

char32_t DecodeRune(std::string_view text, size_t& pos) {
  const size_t length = ValidUtf8SequenceLength(text.substr(pos));
  if (length == 0) {
    ++pos;
    return 0xFFFD;
  }
  auto byte = [&](size_t i) {
    return static_cast<char32_t>(static_cast<unsigned char>(text[pos + i]));
  };
  char32_t rune = length == 1 ? byte(0) : byte(0) & (0x7F >> length);
  for (size_t i = 1; i < length; ++i) rune = rune << 6 | (byte(i) & 0x3F);
  pos += length;
  return rune;
}

void AppendUtf8(std::string& out, char32_t rune) {
  if (rune < 0x80) {
    out += static_cast<char>(rune);
  } else if (rune < 0x800) {
    out += static_cast<char>(0xC0 | (rune >> 6));
    out += static_cast<char>(0x80 | (rune & 0x3F));
  } else if (rune < 0x10000) {
    out += static_cast<char>(0xE0 | (rune >> 12));
    out += static_cast<char>(0x80 | ((rune >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (rune & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (rune >> 18));
    out += static_cast<char>(0x80 | ((rune >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((rune >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (rune & 0x3F));
  }
}

bool ParseGoFloat(std::string_view text, double& out) {
  const bool signed_text = !text.empty() && (text[0] == '+' || text[0] == '-');
  const bool negative = signed_text && text[0] == '-';
  if (signed_text) text.remove_prefix(1);
  auto equals_ignoring_case = [&](std::string_view word) {
    if (text.size() != word.size()) return false;
    for (size_t i = 0; i < word.size(); ++i) {
      if ((text[i] | 0x20) != word[i]) return false;
    }
    return true;
  };
  if (equals_ignoring_case("inf") || equals_ignoring_case("infinity")) {
    out = negative ? -HUGE_VAL : HUGE_VAL;
    return true;
  }
  if (equals_ignoring_case("nan")) {
    out = std::numeric_limits<double>::quiet_NaN();
    return !signed_text;
  }
  // Digits, optional fraction, optional exponent; from_chars takes the same.
  size_t i = 0, digits = 0, integer_digits = 0, leading_zeros = 0;
  bool nonzero = false;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i, ++digits) {
    if (text[i] != '0') nonzero = true;
    if (nonzero) ++integer_digits;
  }
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i, ++digits) {
      if (!nonzero && text[i] == '0') ++leading_zeros;
      if (text[i] != '0') nonzero = true;
    }
  }
  if (digits == 0) return false;
  long exponent = 0;
  if (i < text.size() && (text[i] | 0x20) == 'e') {
    const bool negative_exponent = i + 1 < text.size() && text[i + 1] == '-';
    i += (i + 1 < text.size() && (text[i + 1] == '-' || text[i + 1] == '+')) ? 2 : 1;
    const size_t first = i;
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
      exponent = std::min(exponent * 10 + (text[i] - '0'), 1'000'000L);
    }
    if (i == first) return false;
    if (negative_exponent) exponent = -exponent;
  }
  if (i != text.size()) return false;
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc::result_out_of_range) {
    // from_chars reports underflow too; Go rounds that to zero silently.
    const long magnitude = (integer_digits > 0 ? static_cast<long>(integer_digits)
                                               : -static_cast<long>(leading_zeros)) +
                           exponent;
    if (magnitude > 0) return false;
    value = 0;
  } else if (error != std::errc() || end != text.data() + text.size()) {
    return false;
  }
  out = negative ? -value : value;
  return true;
}

}  // namespace podstep::cel
