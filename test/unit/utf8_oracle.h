#pragma once
// Test oracle shared by the JSON and termination-message tests.

#include <string>
#include <string_view>

namespace podstep {

// What Go's decoder yields for `bytes`: each byte that starts no valid UTF-8
// sequence becomes U+FFFD. Written from code points, independently of the
// library's table of second-byte ranges.
inline std::string GoSanitize(std::string_view bytes) {
  std::string out;
  for (size_t i = 0; i < bytes.size();) {
    const auto lead = static_cast<unsigned char>(bytes[i]);
    size_t n = lead < 0x80                   ? 1
               : lead >= 0xF0 && lead < 0xF8 ? 4
               : lead >= 0xE0                ? 3
               : lead >= 0xC0                ? 2
                                             : 0;
    if (lead >= 0xF8) n = 0;
    bool valid = n > 0 && i + n <= bytes.size();
    unsigned cp = n == 1 ? lead : n == 2 ? lead & 0x1F : n == 3 ? lead & 0x0F : lead & 0x07;
    for (size_t k = 1; valid && k < n; ++k) {
      const auto c = static_cast<unsigned char>(bytes[i + k]);
      valid = (c & 0xC0) == 0x80;
      cp = cp << 6 | (c & 0x3F);
    }
    static constexpr unsigned kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (valid && (cp < kMin[n] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)) valid = false;
    if (valid) {
      out.append(bytes.substr(i, n));
      i += n;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

}  // namespace podstep
