#include "podsim/stable_names.h"

#include <cstdint>

namespace podstep::podsim {
namespace {

// FNV-1a: stable across runs and platforms, unlike std::hash.
uint64_t Hash(std::string_view seed, uint64_t h = 1469598103934665603ULL) {
  for (unsigned char c : seed) h = (h ^ c) * 1099511628211ULL;
  return h;
}

}  // namespace

std::string StableSuffix(std::string_view seed) {
  constexpr std::string_view kAlphabet = "bcdfghjklmnpqrstvwxz2456789";
  uint64_t h = Hash(seed);
  std::string out;
  for (int i = 0; i < 5; ++i) {
    out += kAlphabet[h % kAlphabet.size()];
    h /= kAlphabet.size();
  }
  return out;
}

std::string StableUid(std::string_view seed) {
  constexpr std::string_view kHex = "0123456789abcdef";
  const uint64_t halves[2] = {Hash(seed), Hash(seed, Hash(seed) ^ 0x9e3779b97f4a7c15ULL)};
  std::string digits;
  for (uint64_t h : halves) {
    for (int i = 0; i < 16; ++i, h >>= 4) digits += kHex[h & 0xF];
  }
  digits[12] = '4';
  digits[16] = kHex[8 + kHex.find(digits[16]) % 4];
  return digits.substr(0, 8) + "-" + digits.substr(8, 4) + "-" + digits.substr(12, 4) + "-" +
         digits.substr(16, 4) + "-" + digits.substr(20, 12);
}

}  // namespace podstep::podsim
