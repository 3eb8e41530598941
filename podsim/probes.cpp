#include "podsim/probes.h"

#include <arpa/inet.h>

#include "podsim/json_fields.h"

namespace podstep::podsim {
namespace {

using nlohmann::json;

constexpr int64_t kMaxSeconds = 24 * 3600;

Result<int> Port(const json& handler, const std::string& path) {
  auto it = handler.find("port");
  if (it == handler.end() || it->is_null()) return Fail(path + ".port: required");
  if (it->is_string()) {
    return Fail(path + ".port: named port \"" + it->get<std::string>() +
                "\" is not supported (give the port number)");
  }
  auto port = IntField(handler, "port", path, 1, 65535);
  if (!port) return Fail(port.error());
  return static_cast<int>(**port);
}

Result<std::string> Host(const json& handler, const std::string& path) {
  auto host = StringField(handler, "host", path, false);
  if (!host) return Fail(host.error());
  unsigned char buffer[sizeof(in6_addr)];
  if (!host->empty() && ::inet_pton(AF_INET, host->c_str(), buffer) != 1 &&
      ::inet_pton(AF_INET6, host->c_str(), buffer) != 1) {
    return Fail(path + ".host: \"" + *host +
                "\" is not an IP address (the pod has no DNS; leave it out for the pod's own "
                "address)");
  }
  return *host;
}

Status ParseHttpGet(const json& handler, const std::string& path, Probe& probe) {
  if (auto ok = CheckFields(handler, path, {"path", "port", "host", "scheme", "httpHeaders"});
      !ok) {
    return ok;
  }
  auto scheme = StringField(handler, "scheme", path, false);
  if (!scheme) return Fail(scheme.error());
  if (!scheme->empty() && *scheme != "HTTP") {
    return Fail(path + ".scheme: unsupported value \"" + *scheme + "\" (HTTP only)");
  }
  auto http_path = StringField(handler, "path", path, false);
  if (!http_path) return Fail(http_path.error());
  if (!http_path->empty()) probe.http_path = *http_path;
  if (probe.http_path[0] != '/') probe.http_path.insert(0, "/");
  if (probe.http_path.find_first_of("\r\n ") != std::string::npos) {
    return Fail(path + ".path: must not contain spaces or line breaks");
  }
  const json headers = handler.value("httpHeaders", json::array());
  if (!headers.is_array()) return Fail(path + ".httpHeaders: must be a list");
  for (size_t i = 0; i < headers.size(); ++i) {
    const std::string hpath = path + ".httpHeaders[" + std::to_string(i) + "]";
    if (auto ok = CheckFields(headers[i], hpath, {"name", "value"}); !ok) return ok;
    auto name = StringField(headers[i], "name", hpath, true);
    if (!name) return Fail(name.error());
    auto value = StringField(headers[i], "value", hpath, false);
    if (!value) return Fail(value.error());
    if (name->find_first_of(":\r\n ") != std::string::npos ||
        value->find_first_of("\r\n") != std::string::npos) {
      return Fail(hpath + ": a header name has no ':' or blanks, and neither part a line break");
    }
    probe.headers.emplace_back(*name, *value);
  }
  return {};
}

Status ParseHandler(const json& object, const std::string& path, Probe& probe) {
  int handlers = 0;
  for (const char* key : {"exec", "tcpSocket", "httpGet", "grpc"}) handlers += object.contains(key);
  if (handlers != 1) return Fail(path + ": must specify exactly one of exec, tcpSocket, httpGet");
  if (object.contains("grpc")) {
    return Fail("unsupported field " + path + ".grpc (readiness probes: exec, tcpSocket, httpGet)");
  }
  if (object.contains("exec")) {
    probe.kind = Probe::kExec;
    const json& exec = object["exec"];
    if (auto ok = CheckFields(exec, path + ".exec", {"command"}); !ok) return ok;
    const json command = exec.value("command", json::array());
    if (!command.is_array() || command.empty()) return Fail(path + ".exec.command: required");
    for (size_t i = 0; i < command.size(); ++i) {
      if (!command[i].is_string()) {
        return Fail(path + ".exec.command[" + std::to_string(i) + "]: must be a string");
      }
      probe.command.push_back(command[i].get<std::string>());
    }
    return {};
  }
  const bool tcp = object.contains("tcpSocket");
  const std::string hpath = path + (tcp ? ".tcpSocket" : ".httpGet");
  const json& handler = object[tcp ? "tcpSocket" : "httpGet"];
  if (tcp) {
    probe.kind = Probe::kTcpSocket;
    if (auto ok = CheckFields(handler, hpath, {"port", "host"}); !ok) return ok;
  } else {
    probe.kind = Probe::kHttpGet;
    if (auto ok = ParseHttpGet(handler, hpath, probe); !ok) return ok;
  }
  auto port = Port(handler, hpath);
  if (!port) return Fail(port.error());
  probe.port = *port;
  auto host = Host(handler, hpath);
  if (!host) return Fail(host.error());
  probe.host = *host;
  return {};
}

}  // namespace

Result<Probe> ParseProbe(const json& object, const std::string& path) {
  if (auto ok =
          CheckFields(object, path,
                      {"exec", "tcpSocket", "httpGet", "grpc", "initialDelaySeconds",
                       "periodSeconds", "timeoutSeconds", "successThreshold", "failureThreshold"});
      !ok) {
    return Fail(ok.error());
  }
  Probe probe;
  if (auto ok = ParseHandler(object, path, probe); !ok) return Fail(ok.error());
  struct Number {
    const char* key;
    int64_t min;
    int64_t fallback;
  };
  int64_t values[5];
  const Number numbers[5] = {{"initialDelaySeconds", 0, 0},
                             {"periodSeconds", 1, 10},
                             {"timeoutSeconds", 1, 1},
                             {"successThreshold", 1, 1},
                             {"failureThreshold", 1, 3}};
  for (int i = 0; i < 5; ++i) {
    auto value = IntField(object, numbers[i].key, path, numbers[i].min, kMaxSeconds);
    if (!value) return Fail(value.error());
    values[i] = value->value_or(numbers[i].fallback);
  }
  probe.initial_delay = std::chrono::seconds(values[0]);
  probe.period = std::chrono::seconds(values[1]);
  probe.timeout = std::chrono::seconds(values[2]);
  probe.success_threshold = static_cast<int>(values[3]);
  probe.failure_threshold = static_cast<int>(values[4]);
  return probe;
}

ReadinessTracker::ReadinessTracker(const Probe& probe, ProbeClock::time_point started)
    : period_(probe.period),
      success_threshold_(probe.success_threshold),
      failure_threshold_(probe.failure_threshold),
      next_(started + probe.initial_delay) {}

void ReadinessTracker::ProbeStarted(ProbeClock::time_point now) { next_ = now + period_; }

bool ReadinessTracker::ProbeFinished(bool success) {
  if (success == last_success_) {
    ++run_;
  } else {
    last_success_ = success;
    run_ = 1;
  }
  const bool before = ready_;
  if (success && run_ >= success_threshold_) ready_ = true;
  if (!success && run_ >= failure_threshold_) ready_ = false;
  return ready_ != before;
}

ReadinessProber::ReadinessProber(const std::vector<std::optional<Probe>>& probes)
    : probes_(probes), states_(probes.size()) {}

void ReadinessProber::Started(size_t container, ProbeClock::time_point now) {
  State& s = states_.at(container);
  s.running = true;
  s.deadline.reset();
  s.tracker.reset();
  if (probes_[container]) s.tracker.emplace(*probes_[container], now);
}

void ReadinessProber::Stopped(size_t container) { states_.at(container) = State{}; }

bool ReadinessProber::Probing(size_t container) const {
  return states_.at(container).deadline.has_value();
}

bool ReadinessProber::Ready(size_t container) const {
  const State& s = states_.at(container);
  return s.running && (!s.tracker || s.tracker->ready());
}

std::vector<size_t> ReadinessProber::DueProbes(ProbeClock::time_point now) {
  std::vector<size_t> due;
  for (size_t i = 0; i < states_.size(); ++i) {
    State& s = states_[i];
    if (!s.running || !s.tracker || s.deadline || s.tracker->next_probe() > now) continue;
    s.tracker->ProbeStarted(now);
    s.deadline = now + probes_[i]->timeout;
    due.push_back(i);
  }
  return due;
}

std::vector<size_t> ReadinessProber::Overdue(ProbeClock::time_point now) {
  std::vector<size_t> overdue;
  for (size_t i = 0; i < states_.size(); ++i) {
    State& s = states_[i];
    if (!s.deadline || *s.deadline > now) continue;
    s.deadline.reset();
    s.tracker->ProbeFinished(false);
    overdue.push_back(i);
  }
  return overdue;
}

bool ReadinessProber::Finished(size_t container, bool success) {
  State& s = states_.at(container);
  if (!s.deadline || !s.tracker) return false;  // stopped, or already timed out
  s.deadline.reset();
  return s.tracker->ProbeFinished(success);
}

std::optional<ProbeClock::time_point> ReadinessProber::NextWake() const {
  std::optional<ProbeClock::time_point> next;
  for (const State& s : states_) {
    if (!s.running || !s.tracker) continue;
    const ProbeClock::time_point t = s.deadline ? *s.deadline : s.tracker->next_probe();
    if (!next || t < *next) next = t;
  }
  return next;
}

}  // namespace podstep::podsim
