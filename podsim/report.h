#pragma once
// What `podsim run` prints for people: a summary line, one table row per
// container (state, exit code, reason, duration, step results) and the task
// results; and the log sinks for container output.

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "podsim/kubelet.h"
#include "common/sys/unique_fd.h"

namespace podstep::podsim {

/// The human-readable report of a finished run. `status` is BuildTaskRunStatus's.
std::string FormatReport(const PodRun& run, const nlohmann::json& status,
                         const std::string& task_run_name);

/// Writes each line as "[container] line" to a stream, flushed per line.
class PrefixLogSink : public LogSink {
 public:
  explicit PrefixLogSink(std::FILE* stream) : stream_(stream) {}
  void Line(const std::string& container, std::string_view line) override;

 private:
  std::FILE* stream_;
};

/// Writes each container's lines to `<dir>/<container>.log` (created, appended).
class DirLogSink : public LogSink {
 public:
  explicit DirLogSink(std::string dir) : dir_(std::move(dir)) {}
  void Line(const std::string& container, std::string_view line) override;

 private:
  std::string dir_;
  std::map<std::string, UniqueFd> files_;
};

}  // namespace podstep::podsim
