#include "podsim/taskrun_status.h"

#include <ctime>
#include <map>

#include "common/go_time.h"
#include "common/termination_message.h"

namespace podstep::podsim {
namespace {

using nlohmann::json;

// Parses Go's "2006-01-02T15:04:05.000Z07:00" (also without the fraction).
std::optional<Clock::time_point> ParseStartedAt(const std::string& text) {
  std::tm tm{};
  const char* rest = ::strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (rest == nullptr) return std::nullopt;
  long millis = 0;
  if (*rest == '.') {
    ++rest;
    long scale = 100;
    while (*rest >= '0' && *rest <= '9') {
      millis += (*rest - '0') * scale;
      scale /= 10;
      ++rest;
    }
  }
  long offset = 0;
  if (*rest == '+' || *rest == '-') {
    int hh = 0, mm = 0;
    if (std::sscanf(rest + 1, "%2d:%2d", &hh, &mm) != 2) return std::nullopt;
    offset = (hh * 3600L + mm * 60L) * (*rest == '-' ? -1 : 1);
  } else if (*rest != 'Z') {
    return std::nullopt;
  }
  const std::time_t seconds = ::timegm(&tm) - offset;
  return Clock::from_time_t(seconds) + std::chrono::milliseconds(millis);
}

// The result value as the declared type parses it; a string when it does not.
json TypedValue(const std::string& value, const std::string& type) {
  if (type == "array" || type == "object") {
    json parsed = json::parse(value, nullptr, false);
    if (!parsed.is_discarded() &&
        ((type == "array" && parsed.is_array()) || (type == "object" && parsed.is_object()))) {
      return parsed;
    }
  }
  return value;
}

std::string TypeName(const json& value) {
  if (value.is_array()) return "array";
  if (value.is_object()) return "object";
  return "string";
}

json Terminated(const ContainerStatus& c, int exit_code, Clock::time_point started_at) {
  json t = {{"exitCode", exit_code},
            {"reason", c.reason},
            {"startedAt", FormatKubeTime(started_at)},
            {"finishedAt", FormatKubeTime(c.finished_at)}};
  if (c.reason == "StartError" && !c.message.empty()) t["message"] = c.message;
  return t;
}

}  // namespace

std::string FormatKubeTime(Clock::time_point t) {
  const std::time_t seconds = Clock::to_time_t(t);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

json BuildTaskRunStatus(const PodSpec& pod, const PodRun& run,
                        const std::optional<TaskRunInfo>& task_run) {
  std::map<std::string, std::string> result_types;
  if (task_run) {
    for (const auto& [name, type] : task_run->results) result_types[name] = type;
  }
  json steps = json::array();
  json sidecars = json::array();
  std::map<std::string, std::string> task_results;  // last writer wins
  std::vector<std::string> result_order;
  std::string failure;  // the first failed step's message
  for (size_t i = 0; i < run.containers.size(); ++i) {
    const ContainerStatus& c = run.containers[i];
    if (!IsStepContainer(c.name)) {
      json sidecar = {{"name", c.name.starts_with("sidecar-") ? c.name.substr(8) : c.name},
                      {"container", c.name}};
      if (c.terminated) {
        sidecar["terminated"] = Terminated(c, c.exit_code, c.started_at);
      } else if (c.started) {
        sidecar["running"] = {{"startedAt", FormatKubeTime(c.started_at)}};
      } else {
        sidecar["waiting"] = {{"reason", "PodInitializing"}};
      }
      sidecars.push_back(sidecar);
      continue;
    }
    json step = {{"name", c.name.substr(5)}, {"container", c.name}};
    if (!c.terminated) {
      step["waiting"] = {{"reason", run.init_failed ? "PodInitializing" : "ContainerCreating"}};
      steps.push_back(step);
      continue;
    }
    std::map<std::string, RunResult> internal;  // last entry per key
    json step_results = json::array();
    std::map<std::string, std::string> step_types;
    if (task_run) {
      if (auto it = task_run->step_results.find(c.name); it != task_run->step_results.end()) {
        step_types = it->second;
      }
    }
    bool timed_out = false;
    if (c.reason != "StartError") {
      if (auto entries = ParseTerminationMessage(c.message)) {
        std::map<std::string, std::string> step_values;
        std::vector<std::string> step_order;
        for (const RunResult& r : *entries) {
          if (r.type == ResultType::kInternal) {
            internal[r.key] = r;
          } else if (r.type == ResultType::kTaskRun) {
            if (!task_results.contains(r.key)) result_order.push_back(r.key);
            task_results[r.key] = r.value;
          } else if (r.type == ResultType::kStep) {
            if (!step_values.contains(r.key)) step_order.push_back(r.key);
            step_values[r.key] = r.value;
          }
        }
        for (const std::string& name : step_order) {
          json value = TypedValue(step_values[name],
                                  step_types.contains(name) ? step_types[name] : "string");
          step_results.push_back({{"name", name}, {"type", TypeName(value)}, {"value", value}});
        }
      }
    }
    Clock::time_point started_at = c.started_at;
    if (auto it = internal.find("StartedAt"); it != internal.end()) {
      if (auto t = ParseStartedAt(it->second.value)) started_at = *t;
    }
    int exit_code = c.exit_code;
    bool has_exit_code = false;
    if (auto it = internal.find("ExitCode"); it != internal.end()) {
      try {
        exit_code = std::stoi(it->second.value);
        has_exit_code = true;
      } catch (const std::exception&) {
      }
    }
    std::string termination_reason = c.reason;
    if (auto it = internal.find("Reason"); it != internal.end()) {
      termination_reason = it->second.value;
      timed_out = termination_reason == "TimeoutExceeded";
    } else if (has_exit_code) {
      termination_reason = "Continued";
    }
    step["terminated"] = Terminated(c, exit_code, started_at);
    step["terminationReason"] = termination_reason;
    if (!step_results.empty()) step["results"] = step_results;
    steps.push_back(step);
    if (failure.empty()) {
      if (timed_out) {
        failure = "\"" + c.name + "\" exited because the step exceeded the specified timeout limit";
      } else if (c.exit_code != 0) {
        failure = "\"" + c.name + "\" exited with code " + std::to_string(c.exit_code);
        if (c.reason == "StartError" && !c.message.empty()) failure += ": " + c.message;
      }
    }
  }

  std::string init_failure;
  for (const ContainerStatus& c : run.init_containers) {
    if (c.terminated && c.exit_code != 0) {
      init_failure = "init container failed, \"" + c.name + "\" exited with code " +
                     std::to_string(c.exit_code);
      if (c.reason == "StartError" && !c.message.empty()) init_failure += ": " + c.message;
      break;
    }
  }

  const std::string run_name = task_run ? task_run->task_run_name : pod.name;
  json condition = {{"type", "Succeeded"},
                    {"lastTransitionTime", FormatKubeTime(run.completion_time)}};
  if (run.timed_out) {
    const std::string limit =
        task_run ? FormatGoDuration(task_run->timeout) : std::string("the deadline");
    condition.update(
        {{"status", "False"},
         {"reason", "TaskRunTimeout"},
         {"message", "TaskRun \"" + run_name + "\" failed to finish within \"" + limit + "\""}});
  } else if (run.cancelled) {
    condition.update({{"status", "False"},
                      {"reason", "TaskRunCancelled"},
                      {"message", "TaskRun \"" + run_name + "\" was cancelled. "}});
  } else if (!init_failure.empty() || !failure.empty()) {
    condition.update({{"status", "False"},
                      {"reason", "Failed"},
                      {"message", !init_failure.empty() ? init_failure : failure}});
  } else {
    condition.update({{"status", "True"},
                      {"reason", "Succeeded"},
                      {"message", "All Steps have completed executing"}});
  }

  json results = json::array();
  // Declared order first (the controller keeps the Task's order), then the rest.
  std::vector<std::string> order;
  if (task_run) {
    for (const auto& [name, type] : task_run->results) {
      if (task_results.contains(name)) order.push_back(name);
    }
  }
  for (const std::string& name : result_order) {
    if (std::find(order.begin(), order.end(), name) == order.end()) order.push_back(name);
  }
  for (const std::string& name : order) {
    json value =
        TypedValue(task_results[name], result_types.contains(name) ? result_types[name] : "string");
    results.push_back({{"name", name}, {"type", TypeName(value)}, {"value", value}});
  }

  json status = {{"conditions", json::array({condition})},
                 {"podName", pod.name},
                 {"startTime", FormatKubeTime(run.start_time)},
                 {"completionTime", FormatKubeTime(run.completion_time)},
                 {"steps", steps}};
  if (!results.empty()) status["results"] = results;
  if (!sidecars.empty()) status["sidecars"] = sidecars;
  return status;
}

bool StatusSucceeded(const json& status) {
  if (!status.contains("conditions")) return false;
  for (const json& c : status["conditions"]) {
    if (c.value("type", "") == "Succeeded") return c.value("status", "") == "True";
  }
  return false;
}

}  // namespace podstep::podsim
