#include "common/base64.h"

#include <array>

namespace podstep {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int, 256> MakeDecodeMap() {
  std::array<int, 256> map{};
  for (int& value : map) value = -1;
  for (int i = 0; i < 64; ++i) map[static_cast<unsigned char>(kAlphabet[i])] = i;
  return map;
}
constexpr std::array<int, 256> kDecodeMap = MakeDecodeMap();

std::unexpected<Error> Corrupt(size_t offset) {
  return Fail("illegal base64 data at input byte " + std::to_string(offset));
}

bool IsNewline(char c) { return c == '\n' || c == '\r'; }

}  // namespace

std::string Base64Encode(std::string_view bytes, bool padded) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  auto at = [&](size_t k) { return static_cast<unsigned char>(bytes[k]); };
  for (; i + 3 <= bytes.size(); i += 3) {
    unsigned value = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
    for (int shift : {18, 12, 6, 0}) out.push_back(kAlphabet[(value >> shift) & 63]);
  }
  size_t rest = bytes.size() - i;
  if (rest > 0) {
    unsigned value = at(i) << 16 | (rest == 2 ? at(i + 1) << 8 : 0);
    out.push_back(kAlphabet[(value >> 18) & 63]);
    out.push_back(kAlphabet[(value >> 12) & 63]);
    if (rest == 2) out.push_back(kAlphabet[(value >> 6) & 63]);
    if (padded) out.append(rest == 1 ? "==" : "=");
  }
  return out;
}

// A transcription of Go's decodeQuantum loop, so errors and their offsets match.
Result<std::string> Base64Decode(std::string_view text, bool padded) {
  std::string out;
  out.reserve(text.size() / 4 * 3 + 3);
  size_t si = 0;
  for (;;) {
    int quantum[4] = {0, 0, 0, 0};
    size_t count = 4;
    bool last = false;
    for (size_t j = 0; j < 4; ++j) {
      if (si == text.size()) {
        if (j == 0) return out;
        if (j == 1 || padded) return Corrupt(si - j);
        count = j;
        last = true;
        break;
      }
      const char in = text[si++];
      if (int value = kDecodeMap[static_cast<unsigned char>(in)]; value >= 0) {
        quantum[j] = value;
        continue;
      }
      if (IsNewline(in)) {
        --j;
        continue;
      }
      if (in != '=' || !padded) return Corrupt(si - 1);
      // Padding: '=' only in the last two places of the final quantum.
      if (j < 2) return Corrupt(si - 1);
      if (j == 2) {
        while (si < text.size() && IsNewline(text[si])) ++si;
        if (si == text.size()) return Corrupt(text.size());
        if (text[si] != '=') return Corrupt(si - 1);
        ++si;
      }
      while (si < text.size() && IsNewline(text[si])) ++si;
      if (si < text.size()) return Corrupt(si);
      count = j;
      last = true;
      break;
    }
    unsigned value = quantum[0] << 18 | quantum[1] << 12 | quantum[2] << 6 | quantum[3];
    if (count >= 2) out.push_back(static_cast<char>(value >> 16));
    if (count >= 3) out.push_back(static_cast<char>(value >> 8));
    if (count == 4) out.push_back(static_cast<char>(value));
    if (last) return out;
  }
}

}  // namespace podstep
