#include "podsim/sys/probe_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "common/sys/file_util.h"
#include "common/sys/posix_process_runner.h"
#include "podsim/sys/container_process.h"
#include "common/sys/exec_arrays.h"

extern char** environ;

namespace podstep::podsim {
namespace {

// What the child reports; `value` is an errno, an exit code or an HTTP status.
enum Stage : int {
  kOk,
  kSetns,
  kFork,
  kExec,
  kSetIds,
  kExited,
  kSignaled,
  kSocket,
  kConnect,
  kWrite,
  kRead,
  kHttpStatus,
  kHttpMalformed,
};

struct Report {
  int stage;
  int value;
};

constexpr size_t kMaxOutput = 1024;

[[noreturn]] void Send(int fd, Stage stage, int value) {
  Report report{stage, value};
  (void)!::write(fd, &report, sizeof report);
  ::_exit(stage == kOk || (stage == kExited && value == 0) ? 0 : 1);
}

// Namespaces to join: all the container may have; its user namespace only
// when it differs from ours (joining one's own fails with EINVAL).
int NamespaceFlags(pid_t pid, bool exec) {
  int flags = CLONE_NEWNET;
  if (exec) flags |= CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC;
  struct stat own {
  }, theirs{};
  if (::stat("/proc/self/ns/user", &own) == 0 &&
      ::stat(("/proc/" + std::to_string(pid) + "/ns/user").c_str(), &theirs) == 0 &&
      own.st_ino != theirs.st_ino) {
    flags |= CLONE_NEWUSER;
  }
  return flags;
}

struct Address {
  sockaddr_storage storage{};
  socklen_t length = 0;
  std::string text;  // "127.0.0.1:80", "[::1]:80"
};

Result<Address> MakeAddress(const Probe& probe) {
  Address a;
  const std::string host = probe.host.empty() ? "127.0.0.1" : probe.host;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&a.storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&a.storage);
  if (::inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(probe.port));
    a.length = sizeof *v4;
    a.text = host + ":" + std::to_string(probe.port);
  } else if (::inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(probe.port));
    a.length = sizeof *v6;
    a.text = "[" + host + "]:" + std::to_string(probe.port);
  } else {
    return Fail("probe host \"" + host + "\" is not an IP address");
  }
  return a;
}

[[noreturn]] void NetworkChild(int report, int target, int flags, const Address& address,
                               const Probe::Kind kind, const std::string& request) {
  if (::setns(target, flags) != 0) Send(report, kSetns, errno);
  const int s = ::socket(address.storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) Send(report, kSocket, errno);
  if (::connect(s, reinterpret_cast<const sockaddr*>(&address.storage), address.length) != 0) {
    Send(report, kConnect, errno);
  }
  if (kind == Probe::kTcpSocket) Send(report, kOk, 0);
  if (!WriteAll(s, request)) Send(report, kWrite, errno);
  // "HTTP/1.1 200 OK": the status is the second word.
  char line[64];
  size_t got = 0;
  while (got < sizeof line) {
    const ssize_t n = ::read(s, line + got, sizeof line - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) Send(report, kRead, errno);
    if (n == 0) break;
    got += static_cast<size_t>(n);
    if (got >= 12) break;
  }
  if (got < 12 || std::memcmp(line, "HTTP/", 5) != 0 || line[8] != ' ') {
    Send(report, kHttpMalformed, 0);
  }
  int status = 0;
  for (int i = 9; i < 12; ++i) {
    if (line[i] < '0' || line[i] > '9') Send(report, kHttpMalformed, 0);
    status = status * 10 + (line[i] - '0');
  }
  Send(report, kHttpStatus, status);
}

struct ExecArgs {
  std::vector<char*> argv;
  std::vector<char*> envp;
  const char* working_dir;
  const ProbeTarget* target;
};

[[noreturn]] void ExecChild(int report, int output, int target, int flags, const ExecArgs& args) {
  if (::setns(target, flags) != 0) Send(report, kSetns, errno);
  const pid_t child = ::fork();
  if (child < 0) Send(report, kFork, errno);
  if (child == 0) {
    // Dies with the intermediate process, which the caller kills on timeout.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::chdir(args.working_dir) != 0) (void)!::chdir("/");
    const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd >= 0) ::dup2(null_fd, 0);
    ::dup2(output, 1);
    ::dup2(output, 2);
    // No more privilege than the container's own processes have.
    if (DropCapabilities() != 0 || SwitchUser(args.target->uid, args.target->gid) != 0) {
      Send(report, kSetIds, errno);
    }
    ::sigprocmask(SIG_SETMASK, &args.target->signal_mask, nullptr);
    environ = const_cast<char**>(args.envp.data());
    ::execvp(args.argv[0], args.argv.data());
    Send(report, kExec, errno);
  }
  ::close(output);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status)) Send(report, kSignaled, WTERMSIG(status));
  Send(report, kExited, WEXITSTATUS(status));
}

std::string Joined(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

}  // namespace

Result<ProbeProcess> ProbeProcess::Start(const Probe& probe, const ProbeTarget& target) {
  if (probe.kind == Probe::kExec && probe.command.empty()) {
    return Fail("readiness probe: exec.command is empty");
  }
  UniqueFd target_fd(static_cast<int>(::syscall(SYS_pidfd_open, target.pid, 0)));
  if (!target_fd.valid()) return Fail(ErrnoError("readiness probe: open the container process"));
  int report_pipe[2];
  if (::pipe2(report_pipe, O_CLOEXEC) != 0) return Fail(ErrnoError("pipe"));
  UniqueFd report_read(report_pipe[0]);
  UniqueFd report_write(report_pipe[1]);
  UniqueFd output_read, output_write;
  const bool exec = probe.kind == Probe::kExec;
  const int flags = NamespaceFlags(target.pid, exec);

  // Everything the child uses is made before fork: it must not allocate.
  Address address;
  std::string request;
  ExecArgs args;
  if (exec) {
    int output_pipe[2];
    if (::pipe2(output_pipe, O_CLOEXEC) != 0) return Fail(ErrnoError("pipe"));
    output_read.Reset(output_pipe[0]);
    output_write.Reset(output_pipe[1]);
    args.argv = ExecArray(probe.command);
    args.envp = ExecArray(target.env);
    args.working_dir = target.working_dir.empty() ? "/" : target.working_dir.c_str();
    args.target = &target;
  } else {
    auto made = MakeAddress(probe);
    if (!made) return Fail(made.error());
    address = std::move(*made);
    if (probe.kind == Probe::kHttpGet) {
      request = "GET " + probe.http_path + " HTTP/1.0\r\nHost: " + address.text +
                "\r\nUser-Agent: kube-probe/podsim\r\nAccept: */*\r\n";
      for (const auto& [name, value] : probe.headers) request += name + ": " + value + "\r\n";
      request += "\r\n";
    }
  }
  const pid_t pid = ::fork();
  if (pid < 0) return Fail(ErrnoError("readiness probe: fork"));
  if (pid == 0) {
    if (exec) ExecChild(report_write.get(), output_write.get(), target_fd.get(), flags, args);
    NetworkChild(report_write.get(), target_fd.get(), flags, address, probe.kind, request);
  }
  report_write.Reset();
  output_write.Reset();
  auto child = OwnedChild::Adopt(pid);
  if (!child) return Fail(child.error().Wrap("readiness probe"));
  ProbeProcess process(probe, std::move(*child), std::move(report_read), std::move(output_read));
  if (exec) process.argv0_ = probe.command[0];
  process.what_ = exec ? "exec [" + Joined(probe.command) + "]" : "dial tcp " + address.text;
  return process;
}

ProbeProcess::ProbeProcess(const Probe& probe, OwnedChild child, UniqueFd report, UniqueFd output)
    : kind_(probe.kind),
      child_(std::move(child)),
      report_(std::move(report)),
      output_(std::move(output)) {}

std::optional<ProbeOutcome> ProbeProcess::TryFinish() {
  // The exit status says nothing the report does not.
  if (!child_.TryWait()) return std::nullopt;
  // The child has exited, so its report (if any) is all in the pipe.
  Report report{-1, 0};
  if (RetryEintr([&] { return ::read(report_.get(), &report, sizeof report); }) !=
      static_cast<ssize_t>(sizeof report)) {
    return ProbeOutcome{false, what_ + ": the probe process died"};
  }
  std::string output;
  if (output_.valid()) {
    ::fcntl(output_.get(), F_SETFL, O_NONBLOCK);
    char buffer[kMaxOutput];
    const ssize_t n = RetryEintr([&] { return ::read(output_.get(), buffer, sizeof buffer); });
    if (n > 0) output.assign(buffer, static_cast<size_t>(n));
    while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) output.pop_back();
  }
  const std::string with_output = output.empty() ? "" : ": " + output;
  switch (report.stage) {
    case kOk:
      return ProbeOutcome{true, ""};
    case kExited:
      if (report.value == 0) return ProbeOutcome{true, ""};
      return ProbeOutcome{false,
                          what_ + ": exit status " + std::to_string(report.value) + with_output};
    case kSignaled:
      return ProbeOutcome{false, what_ + ": killed by signal " + std::to_string(report.value)};
    case kExec:
      return ProbeOutcome{false, DescribeStartError(argv0_, report.value)};
    case kSetns:
      return ProbeOutcome{false, ErrnoError(what_ + ": enter the container", report.value).message};
    case kFork:
    case kSetIds:
      return ProbeOutcome{false, ErrnoError(what_ + ": start", report.value).message};
    case kSocket:
      return ProbeOutcome{false, ErrnoError(what_ + ": socket", report.value).message};
    case kConnect:
      return ProbeOutcome{false, ErrnoError(what_ + ": connect", report.value).message};
    case kWrite:
      return ProbeOutcome{false, ErrnoError(what_ + ": write", report.value).message};
    case kRead:
      return ProbeOutcome{false, ErrnoError(what_ + ": read", report.value).message};
    case kHttpStatus:
      if (report.value >= 200 && report.value < 400) return ProbeOutcome{true, ""};
      return ProbeOutcome{false,
                          "HTTP probe failed with statuscode: " + std::to_string(report.value)};
    case kHttpMalformed:
      return ProbeOutcome{false, what_ + ": the reply is not HTTP"};
  }
  return ProbeOutcome{false, what_ + ": unknown report"};
}

}  // namespace podstep::podsim
