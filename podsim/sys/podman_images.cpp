#include "podsim/sys/podman_images.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/sys/posix_process_runner.h"
#include "common/sys/unique_fd.h"
#include "common/sys/exec_arrays.h"

extern char** environ;

namespace podstep::podsim {
namespace {

constexpr size_t kMaxCaptured = 1 << 20;

std::string FirstLine(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

// RAII for the spawn attributes and file actions.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

// Spawns `argv` (through PATH) with stdin from /dev/null, stdout and stderr
// on `out` and `err` (/dev/null when -1), no signal blocked, our environment.
Result<pid_t> Spawn(const std::vector<std::string>& argv, int out, int err) {
  SpawnSetup setup;
  posix_spawn_file_actions_addopen(&setup.actions, 0, "/dev/null", O_RDONLY, 0);
  for (const auto& [fd, target] : {std::pair{out, 1}, std::pair{err, 2}}) {
    if (fd >= 0) {
      posix_spawn_file_actions_adddup2(&setup.actions, fd, target);
    } else {
      posix_spawn_file_actions_addopen(&setup.actions, target, "/dev/null", O_WRONLY, 0);
    }
  }
  // podsim blocks its signals for its signalfd: the command must not inherit that.
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&setup.attr, &none);
  posix_spawnattr_setsigdefault(&setup.attr, &all);
  posix_spawnattr_setflags(&setup.attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> args = ExecArray(argv);
  pid_t pid = -1;
  const int error =
      ::posix_spawnp(&pid, args[0], &setup.actions, &setup.attr, args.data(), environ);
  if (error != 0) return Fail(DescribeStartError(argv[0], error), error);
  return pid;
}

}  // namespace

Result<CommandOutput> CaptureCommand(const std::vector<std::string>& argv,
                                     std::chrono::milliseconds limit) {
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return Fail(ErrnoError("pipe"));
  UniqueFd out_read(out_pipe[0]), out_write(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) return Fail(ErrnoError("pipe"));
  UniqueFd err_read(err_pipe[0]), err_write(err_pipe[1]);

  auto spawned = Spawn(argv, out_write.get(), err_write.get());
  if (!spawned) return Fail(spawned.error());
  const pid_t pid = *spawned;
  out_write.Reset();
  err_write.Reset();

  CommandOutput result;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  bool timed_out = false;
  std::string* sinks[2] = {&result.out, &result.err};
  UniqueFd* fds[2] = {&out_read, &err_read};
  while (out_read.valid() || err_read.valid()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd polls[2];
    nfds_t count = 0;
    int which[2];
    for (int i = 0; i < 2; ++i) {
      if (!fds[i]->valid()) continue;
      polls[count] = {fds[i]->get(), POLLIN, 0};
      which[count++] = i;
    }
    const int n = RetryEintr([&] { return ::poll(polls, count, static_cast<int>(left.count())); });
    if (n < 0) break;
    for (nfds_t k = 0; k < count; ++k) {
      if (polls[k].revents == 0) continue;
      char buffer[8192];
      const ssize_t got = RetryEintr([&] { return ::read(polls[k].fd, buffer, sizeof buffer); });
      if (got <= 0) {
        fds[which[k]]->Reset();
        continue;
      }
      std::string& sink = *sinks[which[k]];
      sink.append(buffer, std::min(static_cast<size_t>(got),
                                   kMaxCaptured - std::min(kMaxCaptured, sink.size())));
    }
  }
  if (timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  RetryEintr([&] { return ::waitpid(pid, &status, 0); });
  if (timed_out) {
    return Fail(argv[0] + " " + (argv.size() > 1 ? argv[1] : "") + ": no answer within " +
                std::to_string(limit.count() / 1000) + "s (killed)");
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

namespace {

ino_t MountNamespace() {
  struct stat st {};
  return ::stat("/proc/self/ns/mnt", &st) == 0 ? st.st_ino : 0;
}

}  // namespace

PodmanCli::PodmanCli(std::chrono::milliseconds limit)
    : limit_(limit), start_mount_ns_(MountNamespace()) {}

PodmanCli::~PodmanCli() {
  for (auto& [image, lookup] : lookups_) {
    ::kill(lookup.pid, SIGKILL);
    RetryEintr([&] { return ::waitpid(lookup.pid, nullptr, 0); });
  }
}

void PodmanCli::Prefetch(const std::vector<std::string>& images) {
  for (const std::string& image : images) {
    if (lookups_.contains(image)) continue;
    auto pid = Spawn({"podman", "image", "exists", image}, -1, -1);
    if (!pid) return;  // no podman: every Exists says so at once
    lookups_.emplace(image,
                     Lookup{*pid, UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, *pid, 0)))});
  }
}

bool PodmanCli::Exists(const std::string& image) {
  auto it = lookups_.find(image);
  if (it == lookups_.end()) {
    auto run = CaptureCommand({"podman", "image", "exists", image}, limit_);
    return run && run->exit_code == 0;
  }
  const Lookup lookup{it->second.pid, std::move(it->second.pid_fd)};
  lookups_.erase(it);
  pollfd p{lookup.pid_fd.get(), POLLIN, 0};
  if (!lookup.pid_fd.valid() ||
      RetryEintr([&] { return ::poll(&p, 1, static_cast<int>(limit_.count())); }) != 1) {
    ::kill(lookup.pid, SIGKILL);
  }
  int status = 0;
  RetryEintr([&] { return ::waitpid(lookup.pid, &status, 0); });
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

Result<std::string> PodmanCli::Inspect(const std::string& image) {
  auto run = CaptureCommand({"podman", "image", "inspect", image}, limit_);
  if (!run) return Fail(run.error().Wrap("podman image inspect " + image));
  if (run->exit_code != 0) {
    return Fail("podman image inspect " + image + ": " + FirstLine(run->err));
  }
  return run->out;
}

Result<std::string> PodmanCli::Mount(const std::string& image) {
  if (MountNamespace() == start_mount_ns_) {
    return Fail("podman image mount " + image + ": podsim is still in the host's mount namespace",
                EAGAIN);
  }
  auto run = CaptureCommand({"podman", "image", "mount", image}, limit_);
  if (!run) return Fail(run.error().Wrap("podman image mount " + image));
  const std::string dir = FirstLine(run->out);
  if (run->exit_code != 0 || dir.empty() || dir[0] != '/') {
    return Fail("podman image mount " + image + ": " + FirstLine(run->err));
  }
  return dir;
}

void PodmanCli::Unmount(const std::string& image) {
  (void)CaptureCommand({"podman", "image", "unmount", image}, limit_);
}

}  // namespace podstep::podsim
