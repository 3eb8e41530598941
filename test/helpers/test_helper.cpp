// test_helper: a tiny multi-call program that plays the wrapped command in the
// process tests. Plain C++/POSIX, no podstep code, so a bug in the library can
// never hide itself in the helper. The mode is argv[1]:
//
//   exit N                       exit with status N
//   print TEXT...                print the words, space separated, to stdout
//   eprint TEXT...               same to stderr
//   write FILE TEXT              write FILE (truncating) with TEXT, no newline
//   append FILE TEXT [DELAY_MS]  sleep DELAY_MS, then append "TEXT\n" to FILE
//   fill FILE N CHAR             write FILE with N copies of CHAR
//   bytes N / ebytes N           write N bytes of the byte_pattern.h stream
//                                to stdout / stderr, exit 0
//   bothbytes N CHUNK            write the first N pattern bytes to stdout and
//                                to stderr, alternating CHUNK bytes at a time
//   trap SIGNAL READYFILE        wait for SIGNAL (READYFILE says the handler is
//                                in place), print "got SIGNAL", exit 0
//   ignore-term READYFILE        ignore SIGTERM, create READYFILE, block forever
//   block READYFILE              create READYFILE, block forever
//   spawn-grandchild PIDFILE [ignore-term]
//                                fork a grandchild in the same process group
//                                that blocks forever, write its pid to PIDFILE,
//                                block forever
//   orphan N PIDFILE [EXIT]      make N orphans that exit at once, write their
//                                pids, wait (deadline 10 s) until they are all
//                                reaped by someone else, print "reaped K/N" and
//                                "zombies Z" (zombie children of pid 1), exit EXIT
//   kill-self SIGNAL             die by SIGNAL with its default disposition
//   sleep-ms N                   sleep N ms, exit 0
//   env NAME                     print $NAME (exit 1 when unset)
//   args ARG...                  print each argument on its own line
//   stdin-is-devnull             exit 0 iff fd 0 is /dev/null
//   pgid-differs [PARENTPID]     exit 0 iff our process group differs from the
//                                parent's (default: getppid())
//
// Usage errors exit 64. Files that tests poll for (READYFILE, PIDFILE) are
// written to a temp name and renamed, so a reader never sees half a file.

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "../process/byte_pattern.h"

namespace {

constexpr int kUsageExit = 64;

struct SignalName {
  const char* name;
  int number;
};

constexpr SignalName kSignals[] = {
    {"HUP", SIGHUP},   {"INT", SIGINT},   {"QUIT", SIGQUIT}, {"ABRT", SIGABRT},
    {"KILL", SIGKILL}, {"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"PIPE", SIGPIPE},
    {"ALRM", SIGALRM}, {"TERM", SIGTERM}, {"CONT", SIGCONT}, {"WINCH", SIGWINCH},
};

[[noreturn]] void Usage(std::string_view why) {
  std::fprintf(stderr, "test_helper: %.*s\n", static_cast<int>(why.size()), why.data());
  std::exit(kUsageExit);
}

std::optional<long long> ParseInt(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::string s(text);
  char* end = nullptr;
  errno = 0;
  const long long value = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') return std::nullopt;
  return value;
}

long long ParseIntOrDie(std::string_view text) {
  auto value = ParseInt(text);
  if (!value) Usage("not an integer: " + std::string(text));
  return *value;
}

int ParseSignalOrDie(std::string_view text) {
  if (auto number = ParseInt(text)) return static_cast<int>(*number);
  std::string_view name = text;
  if (name.starts_with("SIG")) name.remove_prefix(3);
  for (const SignalName& s : kSignals) {
    if (name == s.name) return s.number;
  }
  Usage("unknown signal: " + std::string(text));
}

std::string SignalDisplayName(std::string_view text) {
  const int number = ParseSignalOrDie(text);
  for (const SignalName& s : kSignals) {
    if (s.number == number) return std::string("SIG") + s.name;
  }
  return std::to_string(number);
}

bool WriteAll(int fd, const void* data, std::size_t len) {
  const char* p = static_cast<const char*>(data);
  while (len > 0) {
    const ssize_t n = write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += n;
    len -= static_cast<std::size_t>(n);
  }
  return true;
}

bool WriteFile(const std::string& path, std::string_view content, int flags) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0644);
  if (fd < 0) {
    std::perror(("test_helper: open " + path).c_str());
    return false;
  }
  const bool ok = WriteAll(fd, content.data(), content.size());
  close(fd);
  return ok;
}

/// Writes `content` to `path` through a temp file and rename(), so a poller
/// sees either no file or the whole content.
bool WriteFileAtomically(const std::string& path, std::string_view content) {
  const std::string tmp = path + ".tmp." + std::to_string(getpid());
  if (!WriteFile(tmp, content, O_TRUNC)) return false;
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    std::perror(("test_helper: rename " + path).c_str());
    return false;
  }
  return true;
}

void SleepMs(long long ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

[[noreturn]] void BlockForever() {
  for (;;) pause();
}

int Print(int fd, int argc, char** argv) {
  std::string line;
  for (int i = 2; i < argc; ++i) {
    if (i > 2) line += ' ';
    line += argv[i];
  }
  line += '\n';
  return WriteAll(fd, line.data(), line.size()) ? 0 : 1;
}

int Bytes(int fd, long long total) {
  std::vector<unsigned char> buf(1 << 20);
  std::uint64_t offset = 0;
  while (offset < static_cast<std::uint64_t>(total)) {
    const std::size_t len = static_cast<std::size_t>(
        std::min<std::uint64_t>(buf.size(), static_cast<std::uint64_t>(total) - offset));
    podstep::test::FillPattern(offset, buf.data(), len);
    if (!WriteAll(fd, buf.data(), len)) {
      std::perror("test_helper: write");
      return 1;
    }
    offset += len;
  }
  return 0;
}

int BothBytes(long long total, long long chunk) {
  std::vector<unsigned char> buf(static_cast<std::size_t>(chunk));
  for (std::uint64_t offset = 0; offset < static_cast<std::uint64_t>(total);) {
    const std::size_t len = static_cast<std::size_t>(
        std::min<std::uint64_t>(buf.size(), static_cast<std::uint64_t>(total) - offset));
    podstep::test::FillPattern(offset, buf.data(), len);
    for (int fd : {1, 2}) {
      if (!WriteAll(fd, buf.data(), len)) {
        std::perror("test_helper: write");
        return 1;
      }
    }
    offset += len;
  }
  return 0;
}

int Trap(std::string_view signal_text, const std::string& ready_file) {
  const int sig = ParseSignalOrDie(signal_text);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  // Blocked first, then waited for synchronously: a signal that arrives
  // between the ready file and sigwait() stays pending instead of being lost.
  if (sigprocmask(SIG_BLOCK, &set, nullptr) != 0) return 1;
  struct sigaction sa {};
  sa.sa_handler = [](int) {};
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, nullptr);
  if (!WriteFileAtomically(ready_file, "ready")) return 1;
  int got = 0;
  while (sigwait(&set, &got) != 0) {
  }
  const std::string line = "got " + SignalDisplayName(signal_text) + "\n";
  return WriteAll(1, line.data(), line.size()) ? 0 : 1;
}

int SpawnGrandchild(const std::string& pid_file, bool ignore_term) {
  if (ignore_term) signal(SIGTERM, SIG_IGN);
  const pid_t pid = fork();
  if (pid < 0) return 1;
  if (pid == 0) BlockForever();
  if (!WriteFileAtomically(pid_file, std::to_string(pid) + "\n")) return 1;
  BlockForever();
}

bool ProcessExists(pid_t pid) { return kill(pid, 0) == 0 || errno != ESRCH; }

/// Counts processes in state Z whose parent is pid 1, from /proc.
int CountZombiesOfInit() {
  int count = 0;
  DIR* dir = opendir("/proc");
  if (dir == nullptr) return -1;
  while (dirent* entry = readdir(dir)) {
    if (!ParseInt(entry->d_name)) continue;
    std::ifstream in(std::string("/proc/") + entry->d_name + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::size_t paren = stat.rfind(')');
    if (paren == std::string::npos) continue;
    std::istringstream fields(stat.substr(paren + 1));
    std::string state;
    long ppid = 0;
    fields >> state >> ppid;
    if (state == "Z" && ppid == 1) ++count;
  }
  closedir(dir);
  return count;
}

int Orphan(long long n, const std::string& pid_file, int exit_code) {
  std::vector<pid_t> orphans;
  for (long long i = 0; i < n; ++i) {
    int fds[2];
    if (pipe(fds) != 0) return 1;
    const pid_t child = fork();
    if (child < 0) return 1;
    if (child == 0) {
      close(fds[0]);
      const pid_t orphan = fork();
      if (orphan == 0) _exit(0);
      // Exiting without waiting hands the orphan (running or already a
      // zombie) to pid 1 / the nearest subreaper.
      const bool ok = orphan > 0 && WriteAll(fds[1], &orphan, sizeof orphan);
      _exit(ok ? 0 : 1);
    }
    close(fds[1]);
    pid_t orphan = 0;
    const ssize_t got = read(fds[0], &orphan, sizeof orphan);
    close(fds[0]);
    int status = 0;
    waitpid(child, &status, 0);
    if (got != static_cast<ssize_t>(sizeof orphan)) return 1;
    orphans.push_back(orphan);
  }
  std::string pids;
  for (pid_t pid : orphans) pids += std::to_string(pid) + "\n";
  if (!WriteFileAtomically(pid_file, pids)) return 1;

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::size_t reaped = 0;
  for (;;) {
    reaped = 0;
    for (pid_t pid : orphans) reaped += ProcessExists(pid) ? 0 : 1;
    if (reaped == orphans.size() || std::chrono::steady_clock::now() > deadline) break;
    SleepMs(1);
  }
  std::printf("reaped %zu/%zu\nzombies %d\n", reaped, orphans.size(), CountZombiesOfInit());
  std::fflush(stdout);
  return exit_code;
}

int KillSelf(std::string_view signal_text) {
  const int sig = ParseSignalOrDie(signal_text);
  signal(sig, SIG_DFL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  sigprocmask(SIG_UNBLOCK, &set, nullptr);
  raise(sig);
  return 1;  // Only reached if the signal did not kill us.
}

int StdinIsDevNull() {
  struct stat in {};
  struct stat null {};
  if (fstat(0, &in) != 0 || stat("/dev/null", &null) != 0) return 1;
  if (!S_ISCHR(in.st_mode) || in.st_rdev != null.st_rdev) {
    std::fprintf(stderr, "test_helper: stdin is not /dev/null (mode %o)\n", in.st_mode);
    return 1;
  }
  return 0;
}

int PgidDiffers(std::optional<pid_t> parent) {
  const pid_t parent_pid = parent.value_or(getppid());
  const pid_t own = getpgid(0);
  const pid_t theirs = getpgid(parent_pid);
  if (own < 0 || theirs < 0) return 1;
  if (own == theirs) {
    std::fprintf(stderr, "test_helper: same process group %d as %d\n", own, parent_pid);
    return 1;
  }
  return 0;
}

int Run(int argc, char** argv) {
  if (argc < 2) Usage("missing mode");
  const std::string_view mode = argv[1];
  auto need = [&](int n) {
    if (argc < n + 2) Usage(std::string(mode) + ": missing arguments");
  };

  if (mode == "exit") {
    need(1);
    return static_cast<int>(ParseIntOrDie(argv[2]));
  }
  if (mode == "print") return Print(1, argc, argv);
  if (mode == "eprint") return Print(2, argc, argv);
  if (mode == "write") {
    need(2);
    return WriteFile(argv[2], argv[3], O_TRUNC) ? 0 : 1;
  }
  if (mode == "append") {
    need(2);
    if (argc > 4) SleepMs(ParseIntOrDie(argv[4]));
    return WriteFile(argv[2], std::string(argv[3]) + "\n", O_APPEND) ? 0 : 1;
  }
  if (mode == "fill") {
    need(3);
    const std::string_view c = argv[4];
    if (c.size() != 1) Usage("fill: CHAR must be one character");
    return WriteFile(argv[2], std::string(ParseIntOrDie(argv[3]), c[0]), O_TRUNC) ? 0 : 1;
  }
  if (mode == "bytes" || mode == "ebytes") {
    need(1);
    return Bytes(mode == "bytes" ? 1 : 2, ParseIntOrDie(argv[2]));
  }
  if (mode == "bothbytes") {
    need(2);
    return BothBytes(ParseIntOrDie(argv[2]), ParseIntOrDie(argv[3]));
  }
  if (mode == "trap") {
    need(2);
    return Trap(argv[2], argv[3]);
  }
  if (mode == "ignore-term") {
    need(1);
    signal(SIGTERM, SIG_IGN);
    if (!WriteFileAtomically(argv[2], "ready")) return 1;
    BlockForever();
  }
  if (mode == "block") {
    need(1);
    if (!WriteFileAtomically(argv[2], "ready")) return 1;
    BlockForever();
  }
  if (mode == "spawn-grandchild") {
    need(1);
    return SpawnGrandchild(argv[2], argc > 3 && std::string_view(argv[3]) == "ignore-term");
  }
  if (mode == "orphan") {
    need(2);
    return Orphan(ParseIntOrDie(argv[2]), argv[3],
                  argc > 4 ? static_cast<int>(ParseIntOrDie(argv[4])) : 0);
  }
  if (mode == "kill-self") {
    need(1);
    return KillSelf(argv[2]);
  }
  if (mode == "sleep-ms") {
    need(1);
    SleepMs(ParseIntOrDie(argv[2]));
    return 0;
  }
  if (mode == "env") {
    need(1);
    const char* value = std::getenv(argv[2]);
    if (value == nullptr) return 1;
    std::printf("%s\n", value);
    return 0;
  }
  if (mode == "args") {
    for (int i = 2; i < argc; ++i) std::printf("%s\n", argv[i]);
    return 0;
  }
  if (mode == "stdin-is-devnull") return StdinIsDevNull();
  if (mode == "pgid-differs") {
    std::optional<pid_t> parent;
    if (argc > 2) parent = static_cast<pid_t>(ParseIntOrDie(argv[2]));
    return PgidDiffers(parent);
  }
  Usage("unknown mode: " + std::string(mode));
}

}  // namespace

int main(int argc, char** argv) { return Run(argc, argv); }
