#pragma once
// Signal numbers as people read them in log lines.

#include <string>

namespace podstep {

/// "SIGTERM" for 15; "signal N" for a number without a name.
std::string SignalName(int signo);

}  // namespace podstep
