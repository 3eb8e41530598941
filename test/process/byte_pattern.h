#pragma once
// The deterministic byte stream that `test_helper bytes N` writes and the tee
// tests compare against. Shared by the helper and the tests so they can never
// disagree. Byte i depends on i through a 64-bit mix, so a lost, duplicated or
// reordered chunk of any size shows up as a mismatch.

#include <cstddef>
#include <cstdint>

namespace podstep::test {

/// Fills `out[0, len)` with the pattern bytes at stream offsets
/// `[offset, offset + len)`.
inline void FillPattern(std::uint64_t offset, unsigned char* out, std::size_t len) {
  std::uint64_t word = 0;
  for (std::size_t n = 0; n < len; ++n) {
    const std::uint64_t i = offset + n;
    if (n == 0 || (i & 7) == 0) {
      std::uint64_t x = (i >> 3) + 0x9E3779B97F4A7C15ULL;
      x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
      x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
      word = x ^ (x >> 31);
    }
    out[n] = static_cast<unsigned char>(word >> (8 * (i & 7)));
  }
}

}  // namespace podstep::test
