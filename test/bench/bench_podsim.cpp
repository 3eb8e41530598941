// Benchmarks of whole pods through podsim (printed, never asserted):
//  * a 20-step Task of `true`, end to end (`podsim run` wall time, and the
//    CPU time of podsim and its containers, which a loaded machine skews
//    less), against a 1-step Task, so the per-step cost shows;
//  * step-to-step hand-off inside real pods: each step's command is the
//    stamp program recording CLOCK_MONOTONIC at its first instruction into a
//    step result; consecutive stamps differ by the previous command's run,
//    its entrypoint's wrap-up and the next entrypoint's wake-up and spawn.
// Usage: bench_podsim PODSIM STAMP [RUNS]

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

// Runs argv with stdout to `out_path`; returns the exit code, -1 on failure.
int Run(const std::vector<std::string>& argv, const std::string& out_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid;
  int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string TaskOf(int steps, const std::string& stamp) {
  std::string yaml = "kind: Task\nmetadata:\n  name: bench\nspec:\n  steps:\n";
  for (int i = 0; i < steps; ++i) {
    yaml += "    - name: s" + std::to_string(i) + "\n      image: x\n";
    if (stamp.empty()) {
      yaml += "      command: [\"true\"]\n";
    } else {
      yaml += "      results: [{name: t}]\n      command: [\"" + stamp +
              "\", \"$(step.results.t.path)\"]\n";
    }
  }
  return yaml;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

double CpuMs() {
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  auto ms = [](const timeval& t) { return static_cast<double>(t.tv_sec) * 1e3 + t.tv_usec / 1e3; };
  return ms(usage.ru_utime) + ms(usage.ru_stime);
}

struct Timings {
  std::vector<double> wall_ms;
  std::vector<double> cpu_ms;  // podsim and every container it reaped
};

// Wall and CPU times of `podsim run` on `yaml`.
Timings TimeRuns(const std::string& podsim, const std::string& yaml, int runs,
                 const std::string& dir) {
  const std::string file = dir + "/task.yaml";
  std::ofstream(file) << yaml;
  Timings t;
  for (int i = 0; i < runs; ++i) {
    const double cpu = CpuMs();
    const auto start = Clock::now();
    int rc = Run({podsim, "run", "--output", "json", file}, dir + "/out.json");
    const auto end = Clock::now();
    if (rc != 0) {
      std::fprintf(stderr, "podsim run failed (%d); see %s/out.json\n", rc, dir.c_str());
      std::exit(1);
    }
    t.wall_ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
    t.cpu_ms.push_back(CpuMs() - cpu);
  }
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_podsim PODSIM STAMP [RUNS]\n");
    return 2;
  }
  const std::string podsim = argv[1];
  const std::string stamp = argv[2];
  const int runs = argc > 3 ? std::atoi(argv[3]) : 20;
  char dir_template[] = "/tmp/bench-podsim-XXXXXX";
  const std::string dir = mkdtemp(dir_template);

  const Timings one = TimeRuns(podsim, TaskOf(1, ""), runs, dir);
  const Timings twenty = TimeRuns(podsim, TaskOf(20, ""), runs, dir);
  std::printf("podsim run, Task of `true` steps (%d runs each):\n", runs);
  for (const auto& [label, t] : {std::pair{"1 step:  ", &one}, std::pair{"20 steps:", &twenty}}) {
    std::printf("  %s median %.1f ms, p90 %.1f ms; CPU median %.1f ms\n", label,
                Percentile(t->wall_ms, 0.5), Percentile(t->wall_ms, 0.9),
                Percentile(t->cpu_ms, 0.5));
  }
  std::printf("  per extra step: %.2f ms\n",
              (Percentile(twenty.wall_ms, 0.5) - Percentile(one.wall_ms, 0.5)) / 19.0);

  std::vector<double> handoffs;
  const std::string file = dir + "/stamps.yaml";
  std::ofstream(file) << TaskOf(20, stamp);
  for (int i = 0; i < runs; ++i) {
    if (Run({podsim, "run", "--output", "json", file}, dir + "/out.json") != 0) {
      std::fprintf(stderr, "stamp pod failed; see %s/out.json\n", dir.c_str());
      return 1;
    }
    std::ifstream in(dir + "/out.json");
    std::stringstream text;
    text << in.rdbuf();
    nlohmann::json status = nlohmann::json::parse(text.str(), nullptr, false);
    std::vector<long long> stamps;
    for (const auto& step : status["steps"]) {
      stamps.push_back(std::stoll(step["results"][0]["value"].get<std::string>()));
    }
    for (size_t s = 1; s < stamps.size(); ++s) {
      handoffs.push_back(static_cast<double>(stamps[s] - stamps[s - 1]) / 1e6);
    }
  }
  std::printf("hand-off inside pods, command start to next command start (%zu pairs):\n",
              handoffs.size());
  std::printf("  median %.2f ms, p90 %.2f ms, p99 %.2f ms\n", Percentile(handoffs, 0.5),
              Percentile(handoffs, 0.9), Percentile(handoffs, 0.99));
  std::filesystem::remove_all(dir);
  return 0;
}
