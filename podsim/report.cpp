#include "podsim/report.h"

#include <fcntl.h>

#include <chrono>

#include "common/sys/file_util.h"

namespace podstep::podsim {
namespace {

using nlohmann::json;

std::string Duration(const ContainerStatus& c) {
  if (!c.terminated || c.reason == "StartError") return "-";
  const auto us =
      std::chrono::duration_cast<std::chrono::microseconds>(c.finished_at - c.started_at).count();
  char text[32];
  if (us < 1'000'000) {
    std::snprintf(text, sizeof text, "%.1fms", static_cast<double>(us) / 1000.0);
  } else {
    std::snprintf(text, sizeof text, "%.2fs", static_cast<double>(us) / 1e6);
  }
  return text;
}

std::string ValueText(const json& value) {
  std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  for (char& ch : text) {
    if (ch == '\n' || ch == '\t') ch = ' ';
  }
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

std::string Pad(std::string text, size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text + "  ";
}

}  // namespace

std::string FormatReport(const PodRun& run, const json& status, const std::string& task_run_name) {
  std::string out;
  const json& condition = status["conditions"][0];
  out += "TaskRun " + task_run_name + " (pod " + status.value("podName", "") +
         "): " + condition.value("reason", "") + " - " + condition.value("message", "") + "\n\n";
  std::map<std::string, json> by_container;
  for (const char* list : {"steps", "sidecars"}) {
    if (!status.contains(list)) continue;
    for (const json& s : status[list]) by_container[s.value("container", "")] = s;
  }
  struct Row {
    std::string name, state, exit, reason, duration, results;
  };
  std::vector<Row> rows;
  auto add = [&](const ContainerStatus& c, bool init) {
    Row row{c.name, "Waiting", "-", "-", Duration(c), ""};
    if (c.terminated) {
      row.state = c.replaced_by_nop ? "Stopped" : "Terminated";
      row.exit = std::to_string(c.exit_code);
      row.reason = c.reason;
    } else if (c.started) {
      row.state = "Running";
    }
    if (!init) {
      if (auto it = by_container.find(c.name); it != by_container.end()) {
        const json& s = it->second;
        if (s.contains("terminated"))
          row.exit = std::to_string(s["terminated"].value("exitCode", 0));
        if (s.contains("terminationReason")) row.reason = s.value("terminationReason", "");
        if (s.contains("results")) {
          for (const json& r : s["results"]) {
            row.results += (row.results.empty() ? "" : " ") + r.value("name", "") + "=" +
                           ValueText(r["value"]);
          }
        }
      }
      if (c.replaced_by_nop) row.reason += " (nop)";
    }
    if (c.reason == "StartError") row.results = ValueText(c.message);
    rows.push_back(row);
  };
  for (const ContainerStatus& c : run.init_containers) add(c, true);
  for (const ContainerStatus& c : run.containers) add(c, false);
  Row header{"CONTAINER", "STATE", "EXIT", "REASON", "DURATION", "RESULTS"};
  size_t w[5] = {header.name.size(), header.state.size(), header.exit.size(), header.reason.size(),
                 header.duration.size()};
  for (const Row& r : rows) {
    w[0] = std::max(w[0], r.name.size());
    w[1] = std::max(w[1], r.state.size());
    w[2] = std::max(w[2], r.exit.size());
    w[3] = std::max(w[3], r.reason.size());
    w[4] = std::max(w[4], r.duration.size());
  }
  auto line = [&](const Row& r) {
    std::string text = Pad(r.name, w[0]) + Pad(r.state, w[1]) + Pad(r.exit, w[2]) +
                       Pad(r.reason, w[3]) + Pad(r.duration, w[4]) + r.results;
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  };
  line(header);
  for (const Row& r : rows) line(r);
  if (status.contains("results")) {
    size_t width = 6;
    for (const json& r : status["results"]) width = std::max(width, r.value("name", "").size());
    out += "\n" + Pad("RESULT", width) + "VALUE\n";
    for (const json& r : status["results"]) {
      out += Pad(r.value("name", ""), width) + ValueText(r["value"]) + "\n";
    }
  }
  return out;
}

void PrefixLogSink::Line(const std::string& container, std::string_view line) {
  std::string text = "[" + container + "] ";
  text.append(line);
  text += '\n';
  std::fwrite(text.data(), 1, text.size(), stream_);
  std::fflush(stream_);
}

void DirLogSink::Line(const std::string& container, std::string_view line) {
  auto it = files_.find(container);
  if (it == files_.end()) {
    (void)MakeDirs(dir_);
    const std::string path = dir_ + "/" + container + ".log";
    it = files_
             .emplace(container, UniqueFd(::open(path.c_str(),
                                                 O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)))
             .first;
  }
  if (!it->second.valid()) return;
  std::string text(line);
  text += '\n';
  (void)WriteAll(it->second.get(), text);
}

}  // namespace podstep::podsim
