#include "process/process_support.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

extern char** environ;

namespace podstep::test {
namespace {

namespace fs = std::filesystem;

/// Reads /proc/<pid>/stat fields after the command name: state, ppid, pgrp,
/// session.
struct ProcStat {
  char state = '?';
  pid_t ppid = 0;
  pid_t pgrp = 0;
  pid_t session = 0;
};

std::optional<ProcStat> ReadProcStat(pid_t pid) {
  // Plain read(), not an ifstream: a process that exits while we read makes
  // read() fail with ESRCH, which libstdc++'s filebuf turns into an
  // ios_base::failure thrown even with exceptions masked off — and callers
  // run in destructors, so that was std::terminate.
  const std::string path = "/proc/" + std::to_string(pid) + "/stat";
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  char buffer[4096];  // 52 numeric fields and a 16-byte name fit easily
  ssize_t n = -1;
  do {
    n = read(fd, buffer, sizeof buffer - 1);
  } while (n < 0 && errno == EINTR);
  close(fd);
  if (n <= 0) return std::nullopt;
  const std::string stat(buffer, static_cast<std::size_t>(n));
  // The command name may contain spaces and parentheses: fields start after
  // the LAST ')'.
  const std::size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return std::nullopt;
  std::istringstream fields(stat.substr(paren + 1));
  ProcStat result;
  fields >> result.state >> result.ppid >> result.pgrp >> result.session;
  if (!fields) return std::nullopt;
  return result;
}

std::vector<pid_t> AllPids() {
  std::vector<pid_t> pids;
  DIR* dir = opendir("/proc");
  if (dir == nullptr) return pids;
  while (dirent* entry = readdir(dir)) {
    char* end = nullptr;
    const long pid = std::strtol(entry->d_name, &end, 10);
    if (end != entry->d_name && *end == '\0' && pid > 0) pids.push_back(static_cast<pid_t>(pid));
  }
  closedir(dir);
  return pids;
}

/// Orphans of the processes we start must come back to us to be reaped: in
/// some sandboxes pid 1 never reaps, and zombies would pile up.
void BecomeSubreaperOnce() {
  static const bool done = [] {
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    return true;
  }();
  (void)done;
}

std::optional<std::string> Base64DecodeUnpadded(const std::string& text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  unsigned bits = 0;
  int nbits = 0;
  for (char c : text) {
    const int v = value(c);
    if (v < 0) return std::nullopt;  // Padding or a foreign byte: not unpadded std base64.
    bits = (bits << 6) | static_cast<unsigned>(v);
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      out.push_back(static_cast<char>((bits >> nbits) & 0xff));
    }
  }
  if (text.size() % 4 == 1) return std::nullopt;
  return out;
}

std::optional<std::string> InflateRaw(const std::string& data) {
  z_stream zs{};
  if (inflateInit2(&zs, -15) != Z_OK) return std::nullopt;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buf[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) break;
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) return std::nullopt;
  return out;
}

/// Tests must never touch the host's /tekton: every default is relocated
/// with PODSTEP_TEKTON_ROOT. When /tekton did not exist before the suite, it
/// must not exist after it either.
class NoHostTektonEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { existed_ = fs::exists("/tekton"); }
  void TearDown() override {
    if (!existed_ && fs::exists("/tekton")) {
      ADD_FAILURE() << "/tekton was created on the host: a default path ignores "
                       "PODSTEP_TEKTON_ROOT";
    }
  }

 private:
  bool existed_ = false;
};

[[maybe_unused]] ::testing::Environment* const kNoHostTekton =
    ::testing::AddGlobalTestEnvironment(new NoHostTektonEnvironment);

}  // namespace

std::string BinUnderTest(const std::string& name, const std::string& built) {
  const char* dir = std::getenv("PODSTEP_TEST_BIN_DIR");
  if (dir == nullptr || *dir == '\0') return built;
  return std::string(dir) + "/" + name;
}

std::string EntrypointBin() { return BinUnderTest("entrypoint", PODSTEP_ENTRYPOINT_BIN); }
std::string HelperBin() { return PODSTEP_TEST_HELPER_BIN; }
std::string StepinitBin() { return BinUnderTest("stepinit", PODSTEP_STEPINIT_BIN); }
std::string NopBin() { return BinUnderTest("nop", PODSTEP_NOP_BIN); }

// ---------------------------------------------------------------- TempDir

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/podstep-proc-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp " << pattern << ": " << std::strerror(errno);
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

// ---------------------------------------------------------------- ExitStatus

std::ostream& operator<<(std::ostream& os, const ExitStatus& status) {
  if (status.exited) return os << "exited with " << status.code;
  return os << "killed by signal " << status.signal << " (" << strsignal(status.signal) << ")";
}

// ---------------------------------------------------------------- Process

Process Process::Spawn(const SpawnOptions& options, std::string* error) {
  BecomeSubreaperOnce();
  Process process;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string in = options.stdin_path.empty() ? "/dev/null" : options.stdin_path;
  const std::string out = options.stdout_path.empty() ? "/dev/null" : options.stdout_path;
  const std::string err = options.stderr_path.empty() ? "/dev/null" : options.stderr_path;
  posix_spawn_file_actions_addopen(&actions, 0, in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  // Only stdin/stdout/stderr: descriptors leaked to the test runner (a CI
  // shell's, say) would otherwise change what a process under test can open.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  if (!options.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, options.cwd.c_str());

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t empty;
  sigemptyset(&empty);
  sigset_t all;
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setsigdefault(&attr, &all);
  // A new session: the destructor can find every descendant by session id,
  // whatever process groups the code under test creates.
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> argv;
  for (const std::string& a : options.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const std::string& e : options.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    if (error != nullptr) *error = "posix_spawnp " + options.argv[0] + ": " + std::strerror(rc);
    return process;
  }
  process.pid_ = pid;
  process.pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  return process;
}

Process::~Process() {
  if (pid_ <= 0) return;
  KillSession();
  if (!status_) WaitFor(kDeadline);
  if (pidfd_ >= 0) close(pidfd_);
}

Process::Process(Process&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      pidfd_(std::exchange(other.pidfd_, -1)),
      status_(std::move(other.status_)) {}

Process& Process::operator=(Process&& other) noexcept {
  if (this != &other) {
    Process doomed(std::move(*this));
    pid_ = std::exchange(other.pid_, -1);
    pidfd_ = std::exchange(other.pidfd_, -1);
    status_ = std::move(other.status_);
  }
  return *this;
}

std::optional<ExitStatus> Process::WaitFor(milliseconds timeout) {
  if (status_) return status_;
  if (pid_ <= 0) return std::nullopt;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int raw = 0;
    const pid_t got = waitpid(pid_, &raw, WNOHANG);
    if (got == pid_) {
      ExitStatus status;
      if (WIFEXITED(raw)) {
        status = ExitStatus::Exited(WEXITSTATUS(raw));
      } else if (WIFSIGNALED(raw)) {
        status.signal = WTERMSIG(raw);
      }
      status_ = status;
      return status_;
    }
    if (got < 0 && errno != EINTR) return std::nullopt;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return std::nullopt;
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - now).count() + 1;
    if (pidfd_ >= 0) {
      pollfd pfd{pidfd_, POLLIN, 0};
      poll(&pfd, 1, static_cast<int>(left));
    } else {
      std::this_thread::sleep_for(milliseconds(1));
    }
  }
}

bool Process::Running() {
  if (status_) return false;
  if (pid_ <= 0) return false;
  siginfo_t info{};
  if (waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) != 0) return false;
  return info.si_pid == 0;
}

bool Process::Signal(int sig) const { return pid_ > 0 && !status_ && kill(pid_, sig) == 0; }

void Process::KillSession() {
  // Processes may fork while we scan: repeat until a scan finds nothing alive.
  const auto deadline = std::chrono::steady_clock::now() + kDeadline;
  std::set<pid_t> ours;
  for (;;) {
    bool alive = false;
    for (pid_t pid : AllPids()) {
      auto stat = ReadProcStat(pid);
      if (!stat || stat->session != pid_) continue;
      if (stat->ppid == getpid() && pid != pid_) ours.insert(pid);
      if (stat->state == 'Z' || stat->state == 'X') continue;
      alive = true;
      kill(pid, SIGKILL);
    }
    if (!alive || std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(milliseconds(1));
  }
  // Orphans of this session that were reparented to us (we are a subreaper).
  for (pid_t pid : AllPids()) {
    auto stat = ReadProcStat(pid);
    if (stat && stat->session == pid_ && stat->ppid == getpid() && pid != pid_) ours.insert(pid);
  }
  for (pid_t pid : ours) waitpid(pid, nullptr, 0);
}

// ---------------------------------------------------------------- waits

bool WaitUntil(const std::function<bool()>& predicate, milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (predicate()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return predicate();
    std::this_thread::sleep_for(milliseconds(1));
  }
}

bool StaysFalse(const std::function<bool()>& predicate, milliseconds window) {
  return !WaitUntil(predicate, window);
}

// ---------------------------------------------------------------- files

bool Exists(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0;
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string ReadFileOr(const std::string& path) { return ReadFile(path).value_or(""); }

void MakeDirs(const std::string& path) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) ADD_FAILURE() << "mkdir -p " << path << ": " << ec.message();
}

void WriteFile(const std::string& path, const std::string& content) {
  MakeDirs(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) ADD_FAILURE() << "write " << path;
}

long long FileSize(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return -1;
  return static_cast<long long>(st.st_size);
}

bool ProcessGoneOrZombie(pid_t pid) {
  auto stat = ReadProcStat(pid);
  if (!stat) return kill(pid, 0) != 0 && errno == ESRCH;
  return stat->state == 'Z' || stat->state == 'X';
}

::testing::AssertionResult WrotePostFile(const StepFiles& step) {
  const bool post = Exists(step.post_file);
  const bool err = Exists(step.err_file());
  if (post && !err) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "expected only " << step.post_file << " but post file "
         << (post ? "exists" : "is missing") << " and .err " << (err ? "exists" : "is missing");
}

::testing::AssertionResult WroteErrPostFile(const StepFiles& step) {
  const bool post = Exists(step.post_file);
  const bool err = Exists(step.err_file());
  if (err && !post) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "expected only " << step.err_file() << " but post file "
         << (post ? "exists" : "is missing") << " and .err " << (err ? "exists" : "is missing");
}

// ---------------------------------------------------------------- termination

std::optional<TerminationEntry> TerminationMessage::Find(const std::string& key) const {
  std::optional<TerminationEntry> found;
  for (const TerminationEntry& e : entries) {
    if (e.key == key) found = e;
  }
  return found;
}

std::optional<TerminationMessage> ReadTermination(const std::string& path, std::string* error) {
  auto raw = ReadFile(path);
  if (!raw) {
    *error = "cannot read " + path;
    return std::nullopt;
  }
  TerminationMessage message;
  message.raw = *raw;
  message.json = *raw;
  constexpr std::string_view kPrefix = "tknz:";
  if (message.raw.starts_with(kPrefix)) {
    message.compressed = true;
    auto deflated = Base64DecodeUnpadded(message.raw.substr(kPrefix.size()));
    if (!deflated) {
      *error = "bad base64 after tknz: in " + path;
      return std::nullopt;
    }
    auto json = InflateRaw(*deflated);
    if (!json) {
      *error = "bad raw DEFLATE after tknz: in " + path;
      return std::nullopt;
    }
    message.json = *json;
  }
  const nlohmann::json parsed = nlohmann::json::parse(message.json, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_array()) {
    *error = "not a JSON array: " + message.json.substr(0, 300);
    return std::nullopt;
  }
  for (const nlohmann::json& item : parsed) {
    if (!item.is_object() || !item.contains("key") || !item["key"].is_string() ||
        !item.contains("value") || !item["value"].is_string()) {
      *error = "bad entry " + item.dump();
      return std::nullopt;
    }
    TerminationEntry entry;
    entry.key = item["key"].get<std::string>();
    entry.value = item["value"].get<std::string>();
    if (item.contains("type")) {
      if (!item["type"].is_number_integer()) {
        *error = "non-integer type in " + item.dump();
        return std::nullopt;
      }
      entry.type = item["type"].get<int>();
    }
    message.entries.push_back(std::move(entry));
  }
  return message;
}

// ---------------------------------------------------------------- misc

namespace {

std::string MachinePlatformKey() {
  utsname u{};
  uname(&u);
  const std::string machine = u.machine;
  if (machine == "x86_64") return "linux/amd64";
  if (machine == "aarch64" || machine == "arm64") return "linux/arm64";
  if (machine == "i686" || machine == "i386") return "linux/386";
  if (machine.starts_with("armv7")) return "linux/arm/v7";
  if (machine.starts_with("armv6")) return "linux/arm/v6";
  return "linux/" + machine;
}

}  // namespace

std::string PlatformKey() {
  const char* platform = std::getenv("PODSTEP_TEST_PLATFORM");
  if (platform != nullptr && *platform != '\0') return platform;
  return MachinePlatformKey();
}

bool UnderEmulation() { return PlatformKey() != MachinePlatformKey(); }

bool IsStartedAtFormat(const std::string& text) {
  static const std::regex kLayout(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d\d:\d\d)$)");
  return std::regex_match(text, kLayout);
}

std::optional<double> ParseStartedAt(const std::string& text) {
  if (!IsStartedAtFormat(text)) return std::nullopt;
  tm t{};
  t.tm_year = std::stoi(text.substr(0, 4)) - 1900;
  t.tm_mon = std::stoi(text.substr(5, 2)) - 1;
  t.tm_mday = std::stoi(text.substr(8, 2));
  t.tm_hour = std::stoi(text.substr(11, 2));
  t.tm_min = std::stoi(text.substr(14, 2));
  t.tm_sec = std::stoi(text.substr(17, 2));
  const int millis = std::stoi(text.substr(20, 3));
  double seconds = static_cast<double>(timegm(&t)) + millis / 1000.0;
  if (text[23] != 'Z') {
    const int sign = text[23] == '+' ? 1 : -1;
    const int offset = std::stoi(text.substr(24, 2)) * 3600 + std::stoi(text.substr(27, 2)) * 60;
    seconds -= sign * offset;
  }
  return seconds;
}

// ---------------------------------------------------------------- fixture

EntrypointTest::EntrypointTest() {
  MakeDirs(root() + "/results");
  MakeDirs(root() + "/steps");
}

namespace {

/// What qemu-user cannot do for an emulated entrypoint, by test name prefix
/// (suite.name). Each of these passes natively.
struct EmulationLimit {
  const char* test;
  const char* reason;
};
constexpr const char* kVforkIsFork =
    "qemu-user runs the spawn's clone(CLONE_VM|CLONE_VFORK) as a plain fork, so a failed exec "
    "is not reported to the parent: the child just exits 127";
constexpr EmulationLimit kEmulationLimits[] = {
    {"Commands/NotStartedTest.", kVforkIsFork},
    {"RunTest.NotFoundInPathIsDescribedAsGoDoes", kVforkIsFork},
    {"RunTest.NotExecutableIsPermissionDenied", kVforkIsFork},
    {"RunTest.ExecutableWithoutShebangIsAnExecFormatError", kVforkIsFork},
    {"RunTest.PathSearchSkipsANonExecutableCandidate", kVforkIsFork},
    {"OutcomeFilesTest.TooFewFileDescriptorsFailWithErr",
     "qemu-user needs file descriptors of its own: under `ulimit -n 4` it can fail before the "
     "entrypoint starts (exit 1, no output)"},
    {"SelfSignalsTest.StepStartsWithDefaultDispositions",
     "qemu-user's signal emulation leaves host signal 32 (which it cannot map to a guest signal) "
     "ignored in the step it execs"},
};

}  // namespace

void EntrypointTest::SetUp() {
  if (!UnderEmulation()) return;
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string name = std::string(info->test_suite_name()) + "." + info->name();
  for (const EmulationLimit& limit : kEmulationLimits) {
    if (name.starts_with(limit.test)) {
      GTEST_SKIP() << "not under emulation (" << PlatformKey() << "): " << limit.reason;
    }
  }
}

StepFiles EntrypointTest::Step(int i) const {
  const std::string run = dir_ / ("run/" + std::to_string(i));
  return StepFiles{run + "/out", run + "/termination", run + "/status"};
}

std::vector<std::string> EntrypointTest::StepArgs(int i, const std::vector<std::string>& flags,
                                                  const std::vector<std::string>& command) const {
  const StepFiles files = Step(i);
  // Like a pod: /tekton/run/<i> exists and the kubelet has created an empty
  // termination file.
  MakeDirs(fs::path(files.post_file).parent_path());
  if (!Exists(files.termination)) WriteFile(files.termination, "");
  std::vector<std::string> args = {"-post_file",      files.post_file,      "-termination_path",
                                   files.termination, "-step_metadata_dir", files.metadata_dir};
  args.insert(args.end(), flags.begin(), flags.end());
  if (!command.empty()) {
    args.push_back("-entrypoint");
    args.push_back(command[0]);
    args.push_back("--");
    args.insert(args.end(), command.begin() + 1, command.end());
  }
  return args;
}

std::vector<std::string> EntrypointTest::Helper(std::vector<std::string> args) {
  args.insert(args.begin(), HelperBin());
  return args;
}

std::vector<std::string> EntrypointTest::Env(const std::vector<std::string>& extra) const {
  std::set<std::string> overridden;
  for (const std::string& e : extra) overridden.insert(e.substr(0, e.find('=')));
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry = *e;
    if (entry.starts_with("TEKTON_") || entry.starts_with("PODSTEP_")) continue;
    if (overridden.contains(std::string(entry.substr(0, entry.find('='))))) continue;
    env.emplace_back(entry);
  }
  env.push_back("PODSTEP_TEKTON_ROOT=" + root());
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

Process EntrypointTest::StartArgv(const std::vector<std::string>& argv, const std::string& name,
                                  const std::vector<std::string>& extra_env) {
  // A regular file as stdin, so a child that inherited it instead of
  // getting /dev/null is caught.
  const std::string stdin_path = dir_ / (name + ".stdin");
  WriteFile(stdin_path, "this is the entrypoint's stdin\n");
  SpawnOptions options{argv, Env(extra_env), StdoutPath(name), StderrPath(name), stdin_path,
                       dir_.path()};
  std::string error;
  Process p = Process::Spawn(options, &error);
  if (!p.valid()) ADD_FAILURE() << error;
  return p;
}

Process EntrypointTest::Start(const std::vector<std::string>& args, const std::string& name,
                              const std::vector<std::string>& extra_env) {
  std::vector<std::string> argv = {EntrypointBin()};
  argv.insert(argv.end(), args.begin(), args.end());
  return StartArgv(argv, name, extra_env);
}

RunOutcome EntrypointTest::Finish(Process& p, const std::string& name, milliseconds timeout) {
  RunOutcome outcome;
  outcome.status = p.WaitFor(timeout);
  if (!outcome.status)
    ADD_FAILURE() << "'" << name << "' did not end within " << timeout.count() << " ms";
  outcome.out = ReadFileOr(StdoutPath(name));
  outcome.err = ReadFileOr(StderrPath(name));
  return outcome;
}

RunOutcome EntrypointTest::Run(const std::vector<std::string>& args, const std::string& name,
                               const std::vector<std::string>& extra_env) {
  Process p = Start(args, name, extra_env);
  return Finish(p, name);
}

RunOutcome EntrypointTest::RunStep(int i, const std::vector<std::string>& flags,
                                   const std::vector<std::string>& command,
                                   const std::vector<std::string>& extra_env) {
  return Run(StepArgs(i, flags, command), "ep" + std::to_string(i), extra_env);
}

TerminationMessage EntrypointTest::Termination(int i) const {
  std::string error;
  auto message = ReadTermination(Step(i).termination, &error);
  if (!message) {
    ADD_FAILURE() << "termination message of step " << i << ": " << error;
    return {};
  }
  return *message;
}

}  // namespace podstep::test
