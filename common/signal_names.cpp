#include "common/signal_names.h"

#include <string.h>

#include <string>

namespace podstep {

const char* SignalName(int signo) {
  static thread_local std::string buffer;
  if (const char* abbrev = sigabbrev_np(signo); abbrev != nullptr) {
    buffer = std::string("SIG") + abbrev;
  } else {
    buffer = "signal " + std::to_string(signo);
  }
  return buffer.c_str();
}

}  // namespace podstep
