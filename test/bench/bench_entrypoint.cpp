// Benchmarks of the entrypoint binary against floors and ceilings measured in
// the same run. Prints figures; asserts nothing.
//
//   bench_entrypoint BIN_DIR [RUNS [TESTED_DIR]]
//
// TESTED_DIR (default BIN_DIR) holds the binaries measured: entrypoint, nop,
// stepinit. BIN_DIR holds the bench's own programs:
// bench_stamp (the wrapped command that records when it starts),
// bench_floor_handoff, bench_floor_wrapper and bench_floor_tee (the least a
// step wrapper can do, see their sources). Each figure is printed as `name=value`, and where
// there is a floor or ceiling also as its ratio to it (`name_x_floor=`):
// the floor runs alternate with the entrypoint's, so machine load moves
// both, and ratios from different machines compare.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

namespace fs = std::filesystem;

long long MonotonicNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1'000'000'000LL + ts.tv_nsec;
}

struct SpawnOptions {
  std::string stdout_file = "/dev/null";  // used when stdout_fd < 0
  int stdout_fd = -1;
  std::vector<std::string> extra_env;
};

pid_t Spawn(const std::vector<std::string>& args, const SpawnOptions& options = {}) {
  std::vector<char*> argv;
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (char** entry = environ; *entry != nullptr; ++entry) envp.push_back(*entry);
  for (const auto& entry : options.extra_env) envp.push_back(const_cast<char*>(entry.c_str()));
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (options.stdout_fd >= 0) {
    posix_spawn_file_actions_adddup2(&actions, options.stdout_fd, 1);
  } else {
    posix_spawn_file_actions_addopen(&actions, 1, options.stdout_file.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
  }
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  if (posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), envp.data()) != 0) {
    std::perror("posix_spawnp");
    std::exit(1);
  }
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

int Wait(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
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

void WriteFile(const fs::path& path, const std::string& content) {
  std::ofstream(path, std::ios::trunc) << content;
}

struct Stats {
  double median, p99, mean;
};

Stats Summarize(std::vector<double> values) {
  if (values.empty()) return {0, 0, 0};
  std::sort(values.begin(), values.end());
  double sum = 0;
  for (double v : values) sum += v;
  size_t p99 = std::min(values.size() - 1, static_cast<size_t>(values.size() * 0.99));
  return {values[values.size() / 2], values[p99], sum / values.size()};
}

// Runs each of `measures` `runs` times, rotating which goes first (and so
// which follows which), so a change of machine load hits all alike.
void Alternate(int runs, std::vector<std::function<void()>> measures) {
  for (int i = 0; i < runs; ++i) {
    for (size_t k = 0; k < measures.size(); ++k) measures[(i + k) % measures.size()]();
  }
}

struct Bins {
  std::string entrypoint, nop, stepinit, stamp, floor_handoff, floor_wrapper, floor_tee;
};

// Where the bench's files live: $PODSTEP_BENCH_DIR, else /dev/shm (a
// tmpfs, like a Memory emptyDir), else the temp dir. On a disk the figures
// also measure the filesystem: on this VM's journal-less ext4, churned by
// builds, allocating an inode costs 30-100 us (ext4 skips recently deleted
// inodes one by one), and a step creates five by contract plus its lock
// where the floor creates one. BenchOverheadOnDisk shows that case.
fs::path BenchRoot() {
  if (const char* dir = std::getenv("PODSTEP_BENCH_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  if (access("/dev/shm", W_OK) == 0) return "/dev/shm";
  return fs::temp_directory_path();
}

fs::path g_bench_root;

fs::path BenchDir(const char* what) {
  fs::path dir = g_bench_root /
                 ("podstep-bench-" + std::string(what) + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// One hand-off: `args` waits for `dir/0/out`, then runs the stamp program,
// which records its first instruction's time in `dir/stamp`. Returns ms
// from the post file's creation to that instruction, or -1.
double HandoffOnce(const fs::path& dir, const std::vector<std::string>& args, bool inotify) {
  fs::remove_all(dir);
  fs::create_directories(dir / "0");
  pid_t pid = Spawn(args);
  // Without inotify there is no watch to see: the results dir is made just
  // before the wait, and a few ms more put the poll in its steady state.
  bool waiting = inotify ? WaitFor([&] { return HasInotifyWatch(pid); })
                         : WaitFor([&] { return fs::exists(dir / "1/status/results"); });
  if (!waiting) {
    std::fprintf(stderr, "%s never started waiting\n", args[0].c_str());
    std::exit(1);
  }
  if (!inotify) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  long long appeared = MonotonicNs();
  { std::ofstream(dir / "0/out").flush(); }
  Wait(pid);
  std::string started = ReadFile(dir / "stamp");
  if (started.empty()) return -1;
  return (std::atoll(started.c_str()) - appeared) / 1e6;
}

std::vector<std::string> EntrypointHandoffArgs(const Bins& bins, const fs::path& dir) {
  return {bins.entrypoint,   "-wait_file",          (dir / "0/out").string(),
          "-post_file",      (dir / "1/out").string(), "-termination_path",
          (dir / "term").string(), "-step_metadata_dir", (dir / "1/status").string(),
          "-entrypoint",     bins.stamp,            "--",
          (dir / "stamp").string()};
}

// Hand-off: the moment a predecessor's post file appears → the moment the
// next step's command runs its first instruction; the floor is a bare C
// program that blocks in inotify and then posix_spawns the command.
void BenchHandoff(const Bins& bins, int runs) {
  fs::path dir = BenchDir("handoff");
  std::vector<double> ours, floor;
  std::vector<std::string> floor_args = {bins.floor_handoff, (dir / "0/out").string(), bins.stamp,
                                         (dir / "stamp").string()};
  auto run_ours = [&] { ours.push_back(HandoffOnce(dir, EntrypointHandoffArgs(bins, dir), true)); };
  auto run_floor = [&] { floor.push_back(HandoffOnce(dir, floor_args, true)); };
  Alternate(runs, {run_ours, run_floor});
  fs::remove_all(dir);
  Stats o = Summarize(ours), f = Summarize(floor);
  std::printf(
      "handoff_median_ms=%.3f handoff_p99_ms=%.3f handoff_floor_median_ms=%.3f "
      "handoff_x_floor=%.2f  (goal <= 1.15)\n",
      o.median, o.p99, f.median, o.median / f.median);
}

// The same without inotify: the entrypoint runs in a user namespace whose
// inotify instance limit is 0, as when a node's fs.inotify.max_user_instances
// is used up, and waits with its fast poll. No floor: a poll's period is the
// point.
void BenchHandoffWithoutInotify(const Bins& bins, int runs) {
  fs::path dir = BenchDir("handoff-poll");
  std::vector<std::string> args = {
      "unshare", "--user", "--map-root-user", "sh", "-c",
      "echo 0 > /proc/sys/user/max_inotify_instances && exec \"$@\"", "sh"};
  for (const auto& arg : EntrypointHandoffArgs(bins, dir)) args.push_back(arg);
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    double v = HandoffOnce(dir, args, false);
    if (v < 0) {
      std::printf("handoff_fast_poll: skipped (unshare --user not permitted)\n");
      fs::remove_all(dir);
      return;
    }
    ms.push_back(v);
  }
  fs::remove_all(dir);
  Stats s = Summarize(ms);
  std::printf("handoff_fast_poll_median_ms=%.3f handoff_fast_poll_p99_ms=%.3f\n", s.median, s.p99);
}

double TimeRun(const std::vector<std::string>& args, const SpawnOptions& options = {},
               double* cpu_ms = nullptr) {
  long long t0 = MonotonicNs();
  pid_t pid = Spawn(args, options);
  int status = 0;
  rusage usage{};
  while (wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  double elapsed = (MonotonicNs() - t0) / 1e6;
  // User + system time of the process and its reaped children (the
  // wrapped command): unlike the elapsed time, hardly moved by load.
  if (cpu_ms != nullptr) {
    *cpu_ms = (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 +
              (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
  }
  return elapsed;
}

// Wrapper overhead: `entrypoint … -entrypoint true` minus `true`, against a
// static C wrapper that spawns, waits and creates the post file. Each run
// gets a fresh step directory, as in a pod (the emptyDir /tekton/run/<i>
// exists, its post file and status dir do not) and an existing, empty
// termination file (the kubelet creates it); made untimed, removed at the end.
void BenchOverhead(const Bins& bins, const std::string& command, const char* name, int runs) {
  fs::path dir = BenchDir("overhead");
  std::vector<double> plain, wrapped, floor, plain_cpu, wrapped_cpu, floor_cpu;
  double cpu = 0;
  int next = 0;
  auto fresh = [&] {
    fs::path run = dir / std::to_string(next++);
    fs::create_directories(run);
    WriteFile(run / "term", "");
    return run;
  };
  auto run_plain = [&] {
    plain.push_back(TimeRun({command}, {}, &cpu));
    plain_cpu.push_back(cpu);
  };
  auto run_wrapped = [&] {
    fs::path run = fresh();
    wrapped.push_back(TimeRun({bins.entrypoint, "-post_file", (run / "out").string(),
                               "-termination_path", (run / "term").string(),
                               "-step_metadata_dir", (run / "status").string(), "-entrypoint",
                               command},
                              {}, &cpu));
    wrapped_cpu.push_back(cpu);
  };
  auto run_floor = [&] {
    fs::path run = fresh();
    floor.push_back(TimeRun({bins.floor_wrapper, (run / "out").string(), command}, {}, &cpu));
    floor_cpu.push_back(cpu);
  };
  Alternate(runs, {run_plain, run_wrapped, run_floor});
  fs::remove_all(dir);
  double p = Summarize(plain).median, w = Summarize(wrapped).median, f = Summarize(floor).median;
  double ours = w - p, floor_overhead = f - p;
  std::printf(
      "overhead_%s_ms=%.3f overhead_%s_floor_ms=%.3f overhead_%s_x_floor=%.2f  "
      "(%s %.3f ms, wrapped %.3f ms, floor wrapper %.3f ms; goal <= 3 x floor, <= 1 ms)\n",
      name, ours, name, floor_overhead, name, ours / floor_overhead, name, p, w, f);
  double pc = Summarize(plain_cpu).mean, wc = Summarize(wrapped_cpu).mean,
         fc = Summarize(floor_cpu).mean;
  std::printf("overhead_%s_cpu_ms=%.3f overhead_%s_cpu_floor_ms=%.3f overhead_%s_cpu_x_floor=%.2f\n",
              name, wc - pc, name, fc - pc, name, (wc - pc) / (fc - pc));
}

// Cancel latency: the Downward-API cancel file gets CANCEL the way the
// kubelet's AtomicWriter writes it (a new hidden directory, then the `..data`
// symlink renamed over) → the entrypoint has exited. `delay_ms` after the
// command started: late (the usual case) or early.
void BenchCancel(const Bins& bins, int runs, int delay_ms, const char* name) {
  fs::path dir = BenchDir("cancel");
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    fs::remove_all(dir);
    fs::path downward = dir / "tekton/downward";
    fs::create_directories(downward / "..v0");
    WriteFile(downward / "..v0/cancel", "");
    fs::create_directory_symlink("..v0", downward / "..data");
    fs::create_symlink("..data/cancel", downward / "cancel");
    fs::path stamp = dir / "stamp";
    pid_t pid = Spawn({bins.entrypoint, "-post_file", (dir / "out").string(), "-termination_path",
                       (dir / "term").string(), "-step_metadata_dir", (dir / "status").string(),
                       "-entrypoint", bins.stamp, "--", stamp.string(), "sleep"},
                      {.stdout_file = "/dev/null", .stdout_fd = -1, .extra_env = {"PODSTEP_TEKTON_ROOT=" + (dir / "tekton").string()}});
    if (!WaitFor([&] { return fs::exists(stamp) && fs::file_size(stamp) > 0; })) {
      std::fprintf(stderr, "the command never started\n");
      std::exit(1);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    fs::create_directories(downward / "..v1");
    WriteFile(downward / "..v1/cancel", "CANCEL");
    fs::create_directory_symlink("..v1", downward / "..data_tmp");
    long long written = MonotonicNs();
    fs::rename(downward / "..data_tmp", downward / "..data");
    int status = Wait(pid);
    long long exited = MonotonicNs();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 9) {
      std::fprintf(stderr, "cancelled entrypoint exited with status %d, not 9\n", status);
    }
    ms.push_back((exited - written) / 1e6);
  }
  fs::remove_all(dir);
  Stats s = Summarize(ms);
  std::printf("%s_median_ms=%.3f %s_p99_ms=%.3f  (cancel written %d ms after the command started)\n",
              name, s.median, name, s.p99, delay_ms);
}

// Timeout overshoot: how long after `-timeout 500ms` the entrypoint has
// exited (its own start-up included).
void BenchTimeout(const Bins& bins, int runs) {
  fs::path dir = BenchDir("timeout");
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    ms.push_back(TimeRun({bins.entrypoint, "-post_file", (dir / "out").string(),
                          "-termination_path", (dir / "term").string(), "-step_metadata_dir",
                          (dir / "status").string(), "-timeout", "500ms", "-entrypoint",
                          bins.stamp, "--", (dir / "stamp").string(), "sleep"}) -
                 500.0);
    fs::remove(dir / "term");
  }
  fs::remove_all(dir);
  Stats s = Summarize(ms);
  std::printf("timeout_overshoot_median_ms=%.3f timeout_overshoot_max_ms=%.3f  (goal <= 5)\n",
              s.median, *std::max_element(ms.begin(), ms.end()));
}

// Reads `fd` to EOF into /dev/null with splice (the cheapest reader), in a
// thread; `bytes` counts what it got.
std::thread Drain(int fd, std::atomic<long long>& bytes) {
  return std::thread([fd, &bytes] {
    int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    for (;;) {
      ssize_t n = splice(fd, nullptr, null, nullptr, 1 << 20, SPLICE_F_MOVE);
      if (n <= 0) break;
      bytes += n;
    }
    close(null);
  });
}

// -stdout_path tee: `head -c 256M /dev/zero` through the entrypoint, whose
// stdout is a pipe (as in a container), against the same producer writing
// straight to the file (the ceiling) and against the floor: a bare C
// program tee(2)-ing and splice(2)-ing the command's pipe, blocking
// (floor_tee.c). The ceiling makes one copy of each byte on one core; a tee
// makes two (into the command's pipe, into the file), which run side by
// side when the file's copy does not hold the command's pipe: the ratio can
// exceed 1.
void BenchTee(const Bins& bins, int runs) {
  fs::path dir = BenchDir("tee");
  const long long bytes = 256LL << 20;
  const std::string count = std::to_string(bytes);
  std::vector<double> ours, ceiling, floor;
  bool complete = true;
  // Each run writes a new file (removed untimed before): truncating the old
  // 256 MiB would be timed otherwise.
  auto run_ceiling = [&] {
    fs::remove(dir / "direct");
    ceiling.push_back(TimeRun({"head", "-c", count, "/dev/zero"},
                              {.stdout_file = (dir / "direct").string(), .stdout_fd = -1, .extra_env = {}}));
  };
  // `args` writes `log`; its stdout is a pipe drained (spliced to /dev/null)
  // by a thread.
  auto through_pipe = [&](const std::vector<std::string>& args, const fs::path& log) {
    fs::remove(log);
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) std::exit(1);
    std::atomic<long long> drained{0};
    std::thread drain = Drain(fds[0], drained);
    double t = TimeRun(args, {.stdout_file = {}, .stdout_fd = fds[1], .extra_env = {}});
    close(fds[1]);
    drain.join();
    close(fds[0]);
    complete = complete && drained == bytes &&
               static_cast<long long>(fs::file_size(log)) == bytes;
    return t;
  };
  auto run_ours = [&] {
    ours.push_back(through_pipe({bins.entrypoint, "-post_file", (dir / "out").string(),
                                 "-termination_path", (dir / "term").string(),
                                 "-step_metadata_dir", (dir / "status").string(), "-stdout_path",
                                 (dir / "log").string(), "-entrypoint", "head", "--", "-c", count,
                                 "/dev/zero"},
                                dir / "log"));
    fs::remove(dir / "term");
  };
  auto run_floor = [&] {
    floor.push_back(through_pipe(
        {bins.floor_tee, (dir / "floor").string(), "head", "-c", count, "/dev/zero"}, dir / "floor"));
  };
  Alternate(runs, {run_ours, run_ceiling, run_floor});
  fs::remove_all(dir);
  double mib = bytes >> 20;
  double o = mib / (Summarize(ours).median / 1000), c = mib / (Summarize(ceiling).median / 1000),
         f = mib / (Summarize(floor).median / 1000);
  std::printf(
      "tee_MiBps=%.0f tee_ceiling_MiBps=%.0f tee_floor_MiBps=%.0f tee_x_ceiling=%.2f "
      "tee_x_floor=%.2f tee_floor_x_ceiling=%.2f  (goal >= 0.95 x ceiling)%s\n",
      o, c, f, o / c, o / f, f / c, complete ? "" : "  BYTES LOST");
}

long VmHwmKib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

void BenchRss(const Bins& bins) {
  fs::path dir = BenchDir("rss");
  for (bool tee : {false, true}) {
    fs::path stamp = dir / "stamp";
    fs::remove(stamp);
    std::vector<std::string> args = {bins.entrypoint,         "-post_file",
                                     (dir / "out").string(),  "-termination_path",
                                     (dir / "term").string(), "-step_metadata_dir",
                                     (dir / "status").string()};
    if (tee) args.insert(args.end(), {"-stdout_path", (dir / "log").string()});
    args.insert(args.end(), {"-entrypoint", bins.stamp, "--", stamp.string(), "sleep"});
    pid_t pid = Spawn(args);
    WaitFor([&] { return fs::exists(stamp) && fs::file_size(stamp) > 0; });
    long hwm = VmHwmKib(pid);
    kill(pid, SIGTERM);
    Wait(pid);
    std::printf("peak_rss%s_kib=%ld\n", tee ? "_tee" : "", hwm);
  }
  fs::remove_all(dir);
}

// Start-up alone (`--version`), `entrypoint cp` of itself as the `prepare`
// init container does, and a `nop` run.
void BenchStartCopyNop(const Bins& bins, int runs) {
  fs::path dir = BenchDir("copy");
  std::vector<double> version, copies, nops;
  for (int i = 0; i < runs; ++i) {
    version.push_back(TimeRun({bins.entrypoint, "--version"}));
    copies.push_back(TimeRun({bins.entrypoint, "cp", bins.entrypoint, (dir / "ep").string()}));
    nops.push_back(TimeRun({bins.nop}));
  }
  fs::remove_all(dir);
  std::printf("start_version_median_ms=%.3f cp_self_median_ms=%.3f nop_median_ms=%.3f\n",
              Summarize(version).median, Summarize(copies).median, Summarize(nops).median);
}

void PrintSizes(const Bins& bins) {
  for (const auto& [name, path] : {std::pair{"entrypoint", bins.entrypoint},
                                   std::pair{"stepinit", bins.stepinit}, std::pair{"nop", bins.nop}}) {
    struct stat st {};
    if (stat(path.c_str(), &st) == 0) {
      std::printf("size_%s_bytes=%lld size_%s_mib=%.2f\n", name,
                  static_cast<long long>(st.st_size), name, st.st_size / 1048576.0);
    }
  }
}

void PrintLoad() {
  double load[3] = {0, 0, 0};
  if (getloadavg(load, 3) == 3) {
    std::printf("load_1min=%.2f load_5min=%.2f cpus=%u\n", load[0], load[1],
                std::thread::hardware_concurrency());
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s BIN_DIR [RUNS [TESTED_DIR]]\n", argv[0]);
    return 2;
  }
  fs::path bin = fs::absolute(argv[1]);
  int runs = argc >= 3 ? std::atoi(argv[2]) : 200;
  fs::path tested = argc >= 4 ? fs::absolute(argv[3]) : bin;
  Bins bins{(tested / "entrypoint").string(),       (tested / "nop").string(),
            (tested / "stepinit").string(),         (bin / "bench_stamp").string(),
            (bin / "bench_floor_handoff").string(), (bin / "bench_floor_wrapper").string(),
            (bin / "bench_floor_tee").string()};
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::printf("tested_binaries=%s\n", tested.c_str());
  g_bench_root = BenchRoot();
  std::printf("bench_dir=%s\n", g_bench_root.c_str());
  PrintLoad();
  // $PODSTEP_BENCH_ONLY (e.g. "tee,overhead") runs only those figures.
  const char* only = std::getenv("PODSTEP_BENCH_ONLY");
  auto wanted = [&](const std::string& name) {
    if (only == nullptr || *only == '\0') return true;
    const std::string list = "," + std::string(only) + ",";
    return list.find("," + name + ",") != std::string::npos;
  };
  if (wanted("handoff")) BenchHandoff(bins, runs);
  if (wanted("overhead")) BenchOverhead(bins, "/bin/true", "true", runs);
  if (wanted("cancel")) {
    BenchCancel(bins, std::max(runs / 4, 10), 50, "cancel");
    BenchCancel(bins, std::max(runs / 20, 5), 2, "cancel_early");
  }
  if (wanted("tee")) BenchTee(bins, 6);
  if (wanted("timeout")) BenchTimeout(bins, 5);
  if (wanted("handoff_fast_poll")) BenchHandoffWithoutInotify(bins, std::max(runs / 4, 10));
  if (wanted("overhead")) BenchOverhead(bins, bins.nop, "nop", runs / 2);
  // The same with the step's files on the disk (the temp dir).
  if (fs::path disk = fs::temp_directory_path(); disk != g_bench_root && wanted("overhead")) {
    std::swap(g_bench_root, disk);
    std::printf("bench_dir=%s\n", g_bench_root.c_str());
    BenchOverhead(bins, "/bin/true", "true_disk", runs / 2);
    std::swap(g_bench_root, disk);
  }
  if (wanted("rss")) BenchRss(bins);
  if (wanted("start")) BenchStartCopyNop(bins, runs / 2);
  PrintSizes(bins);
  PrintLoad();
  return 0;
}
