#include "podsim/pod_runtime.h"

#include <charconv>

namespace podstep::podsim {

std::optional<gid_t> PrimaryGroupOf(std::string_view passwd, uid_t uid) {
  while (!passwd.empty()) {
    const size_t end = passwd.find('\n');
    std::string_view line = passwd.substr(0, end);
    passwd = end == std::string_view::npos ? std::string_view() : passwd.substr(end + 1);
    // name:password:uid:gid:...
    std::string_view fields[4];
    size_t n = 0;
    for (; n < 4; ++n) {
      const size_t colon = line.find(':');
      if (colon == std::string_view::npos) break;
      fields[n] = line.substr(0, colon);
      line = line.substr(colon + 1);
    }
    if (n < 3) continue;
    if (n == 3) fields[3] = line;
    unsigned long long line_uid = 0;
    unsigned long long line_gid = 0;
    auto parsed = [](std::string_view text, unsigned long long& value) {
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      return ec == std::errc() && ptr == text.data() + text.size() && !text.empty();
    };
    if (!parsed(fields[2], line_uid) || line_uid != uid) continue;
    if (!parsed(fields[3], line_gid)) continue;
    return static_cast<gid_t>(line_gid);
  }
  return std::nullopt;
}

}  // namespace podstep::podsim
