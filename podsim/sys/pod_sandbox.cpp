#include "podsim/sys/pod_sandbox.h"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <fstream>

namespace podstep::podsim {
namespace {

int LoopbackUp() {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  ifreq request{};
  std::memcpy(request.ifr_name, "lo", 3);
  int rc = ::ioctl(fd, SIOCGIFFLAGS, &request);
  if (rc == 0) {
    request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP);
    rc = ::ioctl(fd, SIOCSIFFLAGS, &request);
  }
  ::close(fd);
  return rc;
}

bool WriteProcFile(const std::string& path, const std::string& content) {
  std::ofstream out(path);
  out << content;
  out.flush();
  return static_cast<bool>(out);
}

}  // namespace

Result<PodSandbox> PodSandbox::Create(const std::string& hostname, bool host_network) {
  int report[2];
  int hold[2];
  if (::pipe2(report, O_CLOEXEC) != 0) return Fail(ErrnoError("pipe"));
  UniqueFd report_read(report[0]);
  UniqueFd report_write(report[1]);
  if (::pipe2(hold, O_CLOEXEC) != 0) return Fail(ErrnoError("pipe"));
  UniqueFd hold_read(hold[0]);
  UniqueFd hold_write(hold[1]);
  unsigned long flags = CLONE_NEWIPC | SIGCHLD;
  if (!host_network) flags |= CLONE_NEWNET | CLONE_NEWUTS;
  pid_t pid = static_cast<pid_t>(::syscall(SYS_clone, flags, nullptr, nullptr, nullptr, 0));
  if (pid < 0) return Fail(ErrnoError("make the pod's namespaces: clone"));
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    int err = 0;
    if (!host_network) {
      if (::sethostname(hostname.data(), hostname.size()) != 0 || LoopbackUp() != 0) err = errno;
    }
    (void)!::write(report_write.get(), &err, sizeof err);
    // Holds the namespaces until podsim has opened them (EOF on the pipe).
    char byte;
    ::close(hold_write.get());
    (void)!::read(hold_read.get(), &byte, 1);
    ::_exit(0);
  }
  report_write.Reset();
  hold_read.Reset();
  int err = 0;
  const ssize_t n = RetryEintr([&] { return ::read(report_read.get(), &err, sizeof err); });
  PodSandbox sandbox;
  const std::string ns = "/proc/" + std::to_string(pid) + "/ns/";
  auto open_ns = [&](const char* name) {
    return UniqueFd(::open((ns + name).c_str(), O_RDONLY | O_CLOEXEC));
  };
  if (n == static_cast<ssize_t>(sizeof err) && err == 0) {
    sandbox.ipc_ = open_ns("ipc");
    if (!host_network) {
      sandbox.net_ = open_ns("net");
      sandbox.uts_ = open_ns("uts");
    }
  }
  const int open_errno = errno;
  hold_write.Reset();
  int status = 0;
  RetryEintr([&] { return ::waitpid(pid, &status, 0); });
  if (n != static_cast<ssize_t>(sizeof err))
    return Fail("make the pod's namespaces: the helper died");
  if (err != 0) return Fail(ErrnoError("set up the pod's network namespace (hostname, lo)", err));
  if (!sandbox.ipc_.valid() ||
      (!host_network && (!sandbox.net_.valid() || !sandbox.uts_.valid()))) {
    return Fail(ErrnoError("open the pod's namespaces", open_errno));
  }
  return sandbox;
}

Status EnterUserNamespaceIfUnprivileged() {
  if (::geteuid() == 0) return {};
  const uid_t uid = ::geteuid();
  const gid_t gid = ::getegid();
  if (::unshare(CLONE_NEWUSER) != 0) {
    return Fail(ErrnoError(
        "podsim needs root, or unprivileged user namespaces, to make a container's namespaces "
        "(run it with sudo, or allow them: sysctl kernel.unprivileged_userns_clone=1); "
        "unshare"));
  }
  if (!WriteProcFile("/proc/self/setgroups", "deny") ||
      !WriteProcFile("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1") ||
      !WriteProcFile("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1")) {
    return Fail(ErrnoError("map podsim's user namespace"));
  }
  return {};
}

}  // namespace podstep::podsim
