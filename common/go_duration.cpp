#include "common/go_duration.h"

#include <cstdint>
#include <optional>
#include <string>

namespace podstep {
namespace {

constexpr uint64_t kLimit = uint64_t{1} << 63;

// Go's time.quote: ASCII as is (with " and \ escaped), other bytes as \xNN.
std::string Quote(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string quoted = "\"";
  for (unsigned char c : text) {
    if (c >= 0x80 || c < ' ') {
      quoted += "\\x";
      quoted += kHex[c >> 4];
      quoted += kHex[c & 0xF];
    } else {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += static_cast<char>(c);
    }
  }
  return quoted + "\"";
}

std::optional<uint64_t> UnitNanos(std::string_view unit) {
  if (unit == "ns") return 1;
  if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") return 1'000;
  if (unit == "ms") return 1'000'000;
  if (unit == "s") return 1'000'000'000;
  if (unit == "m") return 60'000'000'000;
  if (unit == "h") return 3'600'000'000'000;
  return std::nullopt;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

// A transcription of Go's algorithm, overflow checks and float rounding of
// fractions included, so every accepted and rejected input matches.
Result<std::chrono::nanoseconds> ParseGoDuration(std::string_view text) {
  const std::string_view original = text;
  auto invalid = [&] { return Fail("time: invalid duration " + Quote(original)); };
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text == "0") return std::chrono::nanoseconds(0);
  if (text.empty()) return invalid();

  uint64_t total = 0;
  while (!text.empty()) {
    if (!(text[0] == '.' || IsDigit(text[0]))) return invalid();
    uint64_t whole = 0;
    size_t i = 0;
    for (; i < text.size() && IsDigit(text[i]); ++i) {
      if (whole > kLimit / 10) return invalid();
      whole = whole * 10 + static_cast<uint64_t>(text[i] - '0');
      if (whole > kLimit) return invalid();
    }
    const bool digits_before = i > 0;
    text.remove_prefix(i);

    uint64_t fraction = 0;
    double scale = 1;
    bool digits_after = false;
    if (!text.empty() && text[0] == '.') {
      text.remove_prefix(1);
      bool overflow = false;
      for (i = 0; i < text.size() && IsDigit(text[i]); ++i) {
        if (overflow) continue;
        if (fraction > (kLimit - 1) / 10) {
          overflow = true;
          continue;
        }
        uint64_t next = fraction * 10 + static_cast<uint64_t>(text[i] - '0');
        if (next > kLimit) {
          overflow = true;
          continue;
        }
        fraction = next;
        scale *= 10;
      }
      digits_after = i > 0;
      text.remove_prefix(i);
    }
    if (!digits_before && !digits_after) return invalid();

    for (i = 0; i < text.size() && text[i] != '.' && !IsDigit(text[i]); ++i) {
    }
    if (i == 0) return Fail("time: missing unit in duration " + Quote(original));
    std::string_view unit_text = text.substr(0, i);
    text.remove_prefix(i);
    auto unit = UnitNanos(unit_text);
    if (!unit) {
      return Fail("time: unknown unit " + Quote(unit_text) + " in duration " + Quote(original));
    }
    if (whole > kLimit / *unit) return invalid();
    whole *= *unit;
    if (fraction > 0) {
      whole += static_cast<uint64_t>(static_cast<double>(fraction) *
                                     (static_cast<double>(*unit) / scale));
      if (whole > kLimit) return invalid();
    }
    total += whole;
    if (total > kLimit) return invalid();
  }
  if (negative) return std::chrono::nanoseconds(static_cast<int64_t>(0 - total));
  if (total > kLimit - 1) return invalid();
  return std::chrono::nanoseconds(static_cast<int64_t>(total));
}

std::string FormatGoDuration(std::chrono::nanoseconds d) {
  const int64_t count = d.count();
  const bool negative = count < 0;
  uint64_t u = negative ? 0 - static_cast<uint64_t>(count) : static_cast<uint64_t>(count);
  auto fraction = [](uint64_t v, uint64_t unit) {
    std::string text = std::to_string(v / unit);
    uint64_t rest = v % unit;
    if (rest != 0) {
      std::string digits = std::to_string(rest);
      digits.insert(0, std::to_string(unit).size() - 1 - digits.size(), '0');
      while (!digits.empty() && digits.back() == '0') digits.pop_back();
      text += "." + digits;
    }
    return text;
  };
  std::string text;
  if (u == 0) return "0s";
  if (u < 1'000) {
    text = std::to_string(u) + "ns";
  } else if (u < 1'000'000) {
    text = fraction(u, 1'000) + "\u00b5s";
  } else if (u < 1'000'000'000) {
    text = fraction(u, 1'000'000) + "ms";
  } else {
    const uint64_t seconds_ns = u % 60'000'000'000ULL;
    const uint64_t minutes = u / 60'000'000'000ULL;
    text = fraction(seconds_ns, 1'000'000'000) + "s";
    if (minutes > 0) {
      text = std::to_string(minutes % 60) + "m" + text;
      if (minutes >= 60) text = std::to_string(minutes / 60) + "h" + text;
    }
  }
  return negative ? "-" + text : text;
}

}  // namespace podstep
