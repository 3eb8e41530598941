#include "common/logging.h"

#include <spdlog/sinks/stdout_sinks.h>

namespace podstep {

spdlog::logger& Logger() {
  static spdlog::logger logger = [] {
    spdlog::logger created("podstep", std::make_shared<spdlog::sinks::stderr_sink_st>());
    created.set_pattern("%Y/%m/%d %H:%M:%S %v");
    created.flush_on(spdlog::level::trace);
    return created;
  }();
  return logger;
}

}  // namespace podstep
