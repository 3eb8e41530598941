#include "podsim/taskrun_status.h"

#include <algorithm>
#include <ctime>
#include <map>

#include "common/go_duration.h"
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

json SidecarStatus(const ContainerStatus& c) {
  json sidecar = {{"name", c.name.starts_with("sidecar-") ? c.name.substr(8) : c.name},
                  {"container", c.name}};
  if (c.terminated) {
    sidecar["terminated"] = Terminated(c, c.exit_code, c.started_at);
  } else if (c.started) {
    sidecar["running"] = {{"startedAt", FormatKubeTime(c.started_at)}};
  } else {
    sidecar["waiting"] = {{"reason", "PodInitializing"}};
  }
  return sidecar;
}

// One step's termination message, split as the controller reads it.
struct StepMessage {
  std::map<std::string, std::string> internal;  // last entry per key
  std::vector<std::pair<std::string, std::string>> task_results;
  std::vector<std::pair<std::string, std::string>> step_results;  // last value per name
};

void Upsert(std::vector<std::pair<std::string, std::string>>& list, const RunResult& r) {
  for (auto& [key, value] : list) {
    if (key == r.key) {
      value = r.value;
      return;
    }
  }
  list.emplace_back(r.key, r.value);
}

StepMessage ReadStepMessage(const ContainerStatus& c) {
  StepMessage m;
  if (c.reason == "StartError") return m;
  auto entries = ParseTerminationMessage(c.message);
  if (!entries) return m;
  for (const RunResult& r : *entries) {
    if (r.type == ResultType::kInternal) {
      m.internal[r.key] = r.value;
    } else if (r.type == ResultType::kTaskRun) {
      Upsert(m.task_results, r);
    } else if (r.type == ResultType::kStep) {
      Upsert(m.step_results, r);
    }
  }
  return m;
}

// The step's results, typed as it declares them.
json StepResults(const StepMessage& m, const std::map<std::string, std::string>& types) {
  json results = json::array();
  for (const auto& [name, raw] : m.step_results) {
    auto it = types.find(name);
    json value = TypedValue(raw, it == types.end() ? "string" : it->second);
    results.push_back({{"name", name}, {"type", TypeName(value)}, {"value", value}});
  }
  return results;
}

// The terminated state adjusted from the message: StartedAt, ExitCode, Reason.
json StepStatus(const ContainerStatus& c, const StepMessage& m, const json& results) {
  json step = {{"name", c.name.substr(5)}, {"container", c.name}};
  Clock::time_point started_at = c.started_at;
  if (auto it = m.internal.find("StartedAt"); it != m.internal.end()) {
    if (auto t = ParseStartedAt(it->second)) started_at = *t;
  }
  int exit_code = c.exit_code;
  std::string reason = c.reason;
  if (auto it = m.internal.find("ExitCode"); it != m.internal.end()) {
    try {
      exit_code = std::stoi(it->second);
      reason = "Continued";
    } catch (const std::exception&) {
    }
  }
  if (auto it = m.internal.find("Reason"); it != m.internal.end()) reason = it->second;
  step["terminated"] = Terminated(c, exit_code, started_at);
  step["terminationReason"] = reason;
  if (!results.empty()) step["results"] = results;
  return step;
}

// The controller's message for the first failed step ("" when it did not fail).
std::string StepFailure(const ContainerStatus& c, const StepMessage& m) {
  if (auto it = m.internal.find("Reason");
      it != m.internal.end() && it->second == "TimeoutExceeded") {
    return "\"" + c.name + "\" exited because the step exceeded the specified timeout limit";
  }
  if (c.exit_code == 0) return "";
  std::string failure = "\"" + c.name + "\" exited with code " + std::to_string(c.exit_code);
  if (c.reason == "StartError" && !c.message.empty()) failure += ": " + c.message;
  return failure;
}

std::string InitFailure(const PodRun& run) {
  for (const ContainerStatus& c : run.init_containers) {
    if (c.terminated && c.exit_code != 0) {
      std::string failure = "init container failed, \"" + c.name + "\" exited with code " +
                            std::to_string(c.exit_code);
      if (c.reason == "StartError" && !c.message.empty()) failure += ": " + c.message;
      return failure;
    }
  }
  return "";
}

// What the containers say, gathered over the pod.
struct PodReport {
  json steps = json::array();
  json sidecars = json::array();
  std::vector<std::pair<std::string, std::string>> task_results;  // raw, last writer wins
  std::string failure;                                            // the first failed step's message
};

void AddStep(const ContainerStatus& c, const PodRun& run, const TaskRunInfo* info, PodReport& r) {
  if (!c.terminated) {
    r.steps.push_back(
        {{"name", c.name.substr(5)},
         {"container", c.name},
         {"waiting", {{"reason", run.init_failed ? "PodInitializing" : "ContainerCreating"}}}});
    return;
  }
  const StepMessage m = ReadStepMessage(c);
  std::map<std::string, std::string> types;
  if (info != nullptr && info->step_results.contains(c.name)) types = info->step_results.at(c.name);
  const json results = StepResults(m, types);
  r.steps.push_back(StepStatus(c, m, results));
  for (const auto& [name, value] : m.task_results) Upsert(r.task_results, {name, value});
  if (info != nullptr) {
    // createTaskResultsFromStepResults: a task result whose value is this step's result.
    for (const auto& [task_result, source] : info->results_from_steps) {
      for (const auto& [name, value] : m.step_results) {
        if (source.first == c.name && source.second == name)
          Upsert(r.task_results, {task_result, value});
      }
    }
  }
  if (r.failure.empty()) r.failure = StepFailure(c, m);
}

PodReport ReadPod(const PodRun& run, const TaskRunInfo* info) {
  PodReport r;
  for (const ContainerStatus& c : run.containers) {
    if (IsStepContainer(c.name)) {
      AddStep(c, run, info, r);
    } else {
      r.sidecars.push_back(SidecarStatus(c));
    }
  }
  return r;
}

// status.results: declared order first (as the controller keeps the Task's
// order), then the rest, each typed as declared.
json TaskResults(const PodReport& r, const TaskRunInfo* info) {
  std::vector<std::pair<std::string, std::string>> declared;
  if (info != nullptr) declared = info->results;
  std::vector<std::string> order;
  for (const auto& [name, type] : declared) {
    for (const auto& [emitted, value] : r.task_results) {
      if (emitted == name) order.push_back(name);
    }
  }
  for (const auto& [name, value] : r.task_results) {
    if (std::find(order.begin(), order.end(), name) == order.end()) order.push_back(name);
  }
  json results = json::array();
  for (const std::string& name : order) {
    std::string type = "string", raw;
    for (const auto& [d, t] : declared) type = d == name ? t : type;
    for (const auto& [emitted, value] : r.task_results) raw = emitted == name ? value : raw;
    json value = TypedValue(raw, type);
    results.push_back({{"name", name}, {"type", TypeName(value)}, {"value", value}});
  }
  return results;
}

// validateTaskRunResults: a result that is not of its declared type fails
// the TaskRun (and is dropped from the status).
std::string MismatchedResults(json& results, const TaskRunInfo* info) {
  if (info == nullptr) return "";
  std::string mismatched;
  json kept = json::array();
  for (const json& r : results) {
    std::string declared;
    for (const auto& [name, type] : info->results) declared = name == r["name"] ? type : declared;
    if (declared.empty() || declared == r["type"]) {
      kept.push_back(r);
      continue;
    }
    mismatched += std::string(mismatched.empty() ? "" : ",") + " \"" +
                  r["name"].get<std::string>() + "\": task result is expected to be \"" + declared +
                  "\" type but was initialized to a different type \"" +
                  r["type"].get<std::string>() + "\"";
  }
  results = std::move(kept);
  if (mismatched.empty()) return "";
  return "Provided results don't match declared results; may be invalid JSON or missing result "
         "declaration: " +
         mismatched;
}

json Condition(const PodRun& run, const std::optional<TaskRunInfo>& task_run,
               const std::string& run_name, const std::string& failure,
               const std::string& invalid_results) {
  json condition = {{"type", "Succeeded"},
                    {"lastTransitionTime", FormatKubeTime(run.completion_time)}};
  auto fail = [&](const std::string& reason, const std::string& message) {
    condition.update({{"status", "False"}, {"reason", reason}, {"message", message}});
  };
  if (run.timed_out) {
    const std::string limit = task_run ? FormatGoDuration(task_run->timeout) : "the deadline";
    fail("TaskRunTimeout",
         "TaskRun \"" + run_name + "\" failed to finish within \"" + limit + "\"");
  } else if (run.cancelled) {
    fail("TaskRunCancelled", "TaskRun \"" + run_name + "\" was cancelled. ");
  } else if (!invalid_results.empty()) {
    // The controller checks the results after reading the pod, and marks
    // the TaskRun failed over whatever the pod said.
    fail("TaskRunValidationFailed", invalid_results);
  } else if (!failure.empty()) {
    fail("Failed", failure);
  } else {
    condition.update({{"status", "True"},
                      {"reason", "Succeeded"},
                      {"message", "All Steps have completed executing"}});
  }
  return condition;
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
  const TaskRunInfo* info = task_run ? &*task_run : nullptr;
  const PodReport report = ReadPod(run, info);
  json results = TaskResults(report, info);
  const std::string invalid_results = MismatchedResults(results, info);
  const std::string init_failure = InitFailure(run);
  const std::string run_name = task_run ? task_run->task_run_name : pod.name;
  json status = {
      {"conditions", json::array({Condition(run, task_run, run_name,
                                            init_failure.empty() ? report.failure : init_failure,
                                            invalid_results)})},
      {"podName", pod.name},
      {"startTime", FormatKubeTime(run.start_time)},
      {"completionTime", FormatKubeTime(run.completion_time)},
      {"steps", report.steps}};
  if (!results.empty()) status["results"] = results;
  if (!report.sidecars.empty()) status["sidecars"] = report.sidecars;
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
