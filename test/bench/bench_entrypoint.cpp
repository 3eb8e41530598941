// Benchmarks of the entrypoint binary. Prints figures; asserts nothing.
//
//   bench_entrypoint ENTRYPOINT [RUNS]
//
// The same program is also the wrapped command in some measurements
// (argv[1] == "stamp" / "bytes"), so no other helper is needed.

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

namespace fs = std::filesystem;
using Nanos = std::chrono::nanoseconds;

long long MonotonicNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1'000'000'000LL + ts.tv_nsec;
}

pid_t Spawn(const std::vector<std::string>& args, const char* stdout_file = "/dev/null") {
  std::vector<char*> argv;
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, stdout_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  if (posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
    std::perror("posix_spawnp");
    std::exit(1);
  }
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

int Wait(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

// Polls a condition every 50 µs up to 10 s; benchmarks only, never tests.
template <class Predicate>
bool WaitFor(Predicate predicate) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!predicate()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
  return true;
}

bool HasInotifyWatch(pid_t pid) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fdinfo", ec)) {
    std::ifstream in(entry.path());
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("inotify wd:", 0) == 0) return true;
    }
  }
  return false;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct Stats {
  double median_ms, p99_ms, mean_ms;
};

Stats Summarize(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  double sum = 0;
  for (double v : ms) sum += v;
  size_t p99 = std::min(ms.size() - 1, static_cast<size_t>(ms.size() * 0.99));
  return {ms[ms.size() / 2], ms[p99], sum / ms.size()};
}

// Hand-off: the moment a predecessor's post file appears → the moment the
// next step's command starts running. `without_inotify`: the entrypoint runs
// in a user namespace whose inotify instance limit is 0, as when a node's
// fs.inotify.max_user_instances is used up, and waits with its fast poll.
void BenchHandoff(const std::string& entrypoint, const std::string& stamp_command, int runs,
                  bool without_inotify = false) {
  fs::path dir = fs::temp_directory_path() / ("podstep-bench-" + std::to_string(getpid()));
  std::vector<std::string> prefix;
  if (without_inotify) {
    prefix = {"unshare", "--user", "--map-root-user",
              "sh",      "-c",     "echo 0 > /proc/sys/user/max_inotify_instances && exec \"$@\"",
              "sh"};
  }
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    fs::remove_all(dir);
    fs::create_directories(dir / "0");
    fs::path stamp = dir / "stamp";
    std::vector<std::string> args = prefix;
    for (const std::string& arg :
         {entrypoint, std::string("-wait_file"), (dir / "0/out").string(),
          std::string("-post_file"), (dir / "1/out").string(), std::string("-termination_path"),
          (dir / "term").string(), std::string("-step_metadata_dir"), (dir / "1/status").string(),
          std::string("-entrypoint"), stamp_command, std::string("--"), stamp.string()}) {
      args.push_back(arg);
    }
    pid_t pid = Spawn(args);
    // Without inotify there is no watch to see: the results dir is made just
    // before the wait, and a few ms more put the poll in its steady state.
    bool waiting = without_inotify ? WaitFor([&] { return fs::exists(dir / "1/status/results"); })
                                   : WaitFor([&] { return HasInotifyWatch(pid); });
    if (!waiting) {
      std::fprintf(stderr, "entrypoint never started waiting\n");
      std::exit(1);
    }
    if (without_inotify) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    long long appeared = MonotonicNs();
    { std::ofstream(dir / "0/out").flush(); }
    Wait(pid);
    std::string started_text = ReadFile(stamp);
    if (started_text.empty()) {
      std::printf("handoff latency without inotify: skipped (unshare --user not permitted)\n");
      fs::remove_all(dir);
      return;
    }
    ms.push_back((std::atoll(started_text.c_str()) - appeared) / 1e6);
  }
  fs::remove_all(dir);
  Stats s = Summarize(ms);
  std::printf(
      "handoff latency%s (post file appears -> next command starts), %d runs: median %.3f ms, "
      "p99 %.3f ms, mean %.3f ms\n",
      without_inotify ? " without inotify (fast-poll fallback)" : "", runs, s.median_ms, s.p99_ms,
      s.mean_ms);
}

double TimeRun(const std::vector<std::string>& args) {
  long long t0 = MonotonicNs();
  Wait(Spawn(args));
  return (MonotonicNs() - t0) / 1e6;
}

// The same command run directly and wrapped, as the controller wraps it.
void BenchOverhead(const std::string& entrypoint, const std::string& command, int runs) {
  fs::path dir = fs::temp_directory_path() / ("podstep-bench-o-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::vector<double> plain, wrapped;
  for (int i = 0; i < runs; ++i) {
    plain.push_back(TimeRun({command}));
    wrapped.push_back(TimeRun({entrypoint, "-post_file", (dir / "out").string(),
                               "-termination_path", (dir / "term").string(), "-step_metadata_dir",
                               (dir / "status").string(), "-entrypoint", command}));
    fs::remove(dir / "term");
  }
  fs::remove_all(dir);
  Stats p = Summarize(plain), w = Summarize(wrapped);
  std::printf(
      "wrapper overhead, %d runs: %s median %.3f ms; entrypoint -entrypoint %s median %.3f ms; "
      "overhead %.3f ms\n",
      runs, command.c_str(), p.median_ms, command.c_str(), w.median_ms, w.median_ms - p.median_ms);
}

// What merely starting a static glibc program costs on this machine (on a VM
// glibc's CPU-feature probing traps to the hypervisor): the floor under any
// glibc-based entrypoint's overhead.
void BenchStartFloor(const std::string& entrypoint, int runs) {
  std::vector<double> version;
  for (int i = 0; i < runs; ++i) version.push_back(TimeRun({entrypoint, "--version"}));
  std::printf("process start, %d runs: entrypoint --version median %.3f ms\n", runs,
              Summarize(version).median_ms);
}

long VmHwmKib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

void BenchRss(const std::string& entrypoint, const std::string& stamp_command) {
  fs::path dir = fs::temp_directory_path() / ("podstep-bench-r-" + std::to_string(getpid()));
  fs::create_directories(dir);
  for (bool tee : {false, true}) {
    fs::path stamp = dir / "stamp";
    fs::remove(stamp);
    std::vector<std::string> args = {entrypoint,
                                     "-post_file",
                                     (dir / "out").string(),
                                     "-termination_path",
                                     (dir / "term").string(),
                                     "-step_metadata_dir",
                                     (dir / "status").string()};
    if (tee) {
      args.insert(args.end(), {"-stdout_path", (dir / "log").string()});
    }
    args.insert(args.end(), {"-entrypoint", stamp_command, "--", stamp.string(), "sleep"});
    pid_t pid = Spawn(args);
    WaitFor([&] { return fs::exists(stamp) && fs::file_size(stamp) > 0; });
    long hwm = VmHwmKib(pid);
    kill(pid, SIGTERM);
    Wait(pid);
    std::printf(
        "peak RSS of the entrypoint while wrapping a sleeping command%s: %ld KiB (%.2f MiB)\n",
        tee ? " (with -stdout_path tee)" : "", hwm, hwm / 1024.0);
  }
  fs::remove_all(dir);
}

void BenchTee(const std::string& entrypoint, const std::string& self) {
  fs::path dir = fs::temp_directory_path() / ("podstep-bench-t-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const long long bytes = 512LL << 20;
  double direct = TimeRun({self, "bytes", std::to_string(bytes)});
  double teed = TimeRun({entrypoint, "-post_file", (dir / "out").string(), "-termination_path",
                         (dir / "term").string(), "-step_metadata_dir", (dir / "status").string(),
                         "-stdout_path", (dir / "log").string(), "-entrypoint", self, "--", "bytes",
                         std::to_string(bytes)});
  long long logged = static_cast<long long>(fs::file_size(dir / "log"));
  fs::remove_all(dir);
  std::printf(
      "tee throughput (-stdout_path, %lld MiB to /dev/null and a file): %.0f MiB/s (direct to "
      "/dev/null: %.0f MiB/s)%s\n",
      bytes >> 20, (bytes >> 20) / (teed / 1000), (bytes >> 20) / (direct / 1000),
      logged == bytes ? "" : "  LOG SIZE MISMATCH");
}

// `entrypoint cp` of the entrypoint itself (~2 MiB), as the `prepare` init
// container does; and how long `nop` takes to run.
void BenchCopyAndNop(const std::string& entrypoint, const std::string& nop, int runs) {
  fs::path dir = fs::temp_directory_path() / ("podstep-bench-c-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::vector<double> copies, nops;
  for (int i = 0; i < runs; ++i) {
    copies.push_back(TimeRun({entrypoint, "cp", entrypoint, (dir / "entrypoint").string()}));
    if (!nop.empty()) nops.push_back(TimeRun({nop}));
  }
  fs::remove_all(dir);
  std::printf("entrypoint cp of a %.2f MiB binary (whole process), %d runs: median %.3f ms\n",
              fs::file_size(entrypoint) / 1048576.0, runs, Summarize(copies).median_ms);
  if (!nop.empty()) {
    std::printf("nop run (start to exit), %d runs: median %.3f ms\n", runs,
                Summarize(nops).median_ms);
  }
}

void PrintSize(const std::string& binary) {
  struct stat st {};
  if (stat(binary.c_str(), &st) == 0) {
    std::printf("binary size %s: %lld bytes (%.2f MiB)\n", binary.c_str(),
                static_cast<long long>(st.st_size), st.st_size / 1048576.0);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && std::strcmp(argv[1], "bytes") == 0) {
    long long left = std::atoll(argv[2]);
    std::vector<char> chunk(1 << 16, 'x');
    while (left > 0) {
      ssize_t n = write(1, chunk.data(), std::min<long long>(left, chunk.size()));
      if (n <= 0) return 1;
      left -= n;
    }
    return 0;
  }
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s ENTRYPOINT [RUNS] [NOP [EXTRA_BINARY...]]\n", argv[0]);
    return 2;
  }
  std::string entrypoint = fs::absolute(argv[1]).string();
  std::string self = fs::canonical("/proc/self/exe").string();
  int runs = argc >= 3 ? std::atoi(argv[2]) : 200;
  std::string stamp = (fs::path(self).parent_path() / "bench_stamp").string();
  BenchHandoff(entrypoint, stamp, runs);
  BenchHandoff(entrypoint, stamp, runs, /*without_inotify=*/true);
  BenchOverhead(entrypoint, "/bin/true", runs);
  if (argc >= 4) BenchOverhead(entrypoint, fs::absolute(argv[3]).string(), runs);
  BenchStartFloor(entrypoint, runs);
  BenchRss(entrypoint, stamp);
  BenchTee(entrypoint, self);
  BenchCopyAndNop(entrypoint, argc >= 4 ? fs::absolute(argv[3]).string() : "", runs);
  PrintSize(entrypoint);
  for (int i = 3; i < argc; ++i) PrintSize(argv[i]);
  return 0;
}
