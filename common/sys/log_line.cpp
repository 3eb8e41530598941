#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "common/logging.h"
#include "common/sys/unique_fd.h"

namespace podstep {

void WriteLogLine(std::string_view message) {
  // "2006/01/02 15:04:05 " in local time, as Go's log.LstdFlags.
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  tm local{};
  ::localtime_r(&now.tv_sec, &local);
  char stamp[32];
  int length = std::snprintf(stamp, sizeof stamp, "%04d/%02d/%02d %02d:%02d:%02d ",
                             local.tm_year + 1900, local.tm_mon + 1, local.tm_mday, local.tm_hour,
                             local.tm_min, local.tm_sec);
  std::string line;
  line.reserve(static_cast<size_t>(length) + message.size() + 1);
  line.append(stamp, static_cast<size_t>(length));
  line.append(message);
  line.push_back('\n');
  // One write per line, so lines of concurrent writers (the command shares
  // our stderr) do not interleave within a line.
  std::string_view rest = line;
  while (!rest.empty()) {
    ssize_t n = RetryEintr([&] { return ::write(2, rest.data(), rest.size()); });
    if (n <= 0) return;
    rest.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace podstep
