#pragma once
// Signal numbers as people read them in log lines.

namespace podstep {

/// "SIGTERM" for 15; "signal N" for a number without a name.
const char* SignalName(int signo);

}  // namespace podstep
