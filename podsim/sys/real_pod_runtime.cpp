#include "podsim/sys/real_pod_runtime.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>

#include "common/signal_names.h"
#include "common/sys/file_util.h"
#include "podsim/sys/atomic_writer.h"
#include "podsim/sys/host_path.h"
#include "podsim/sys/real_host_fs.h"
#include "podsim/sys/sub_path.h"

namespace podstep::podsim {
namespace {

// Output read per pipe per wake-up: a step printing without pause cannot
// keep the loop from its signals and timers.
constexpr size_t kOutputBurst = 64 * 1024;
// The pod's hostname, as Kubernetes truncates it.
constexpr size_t kMaxHostname = 63;
// The pod's private tmpfs, capped as tmpfs is by default (its pages swap).
constexpr const char* kMemoryOptions = "mode=0755,size=50%";

Status MakeDir(const std::string& path, mode_t mode) {
  if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST) return Fail(ErrnoError("mkdir " + path));
  // mkdir's mode passes through the umask; Kubernetes' emptyDir is 0777.
  if (::chmod(path.c_str(), mode) != 0) return Fail(ErrnoError("chmod " + path));
  return {};
}

// The host as the containers see it: without podsim's private tmpfs, which
// would otherwise get an overlay of its own in every container.
class HostFsWithoutMemory : public RealHostFs {
 public:
  explicit HostFsWithoutMemory(const std::string& memory) : memory_(memory) {}
  std::vector<HostMount> Mounts() override {
    std::vector<HostMount> mounts = RealHostFs::Mounts();
    std::erase_if(mounts, [&](const HostMount& m) { return m.path == memory_; });
    return mounts;
  }

 private:
  const std::string& memory_;
};

}  // namespace

Result<std::unique_ptr<RealPodRuntime>> RealPodRuntime::Create(const RuntimeOptions& options) {
  if (auto ok = EnterUserNamespaceIfUnprivileged(); !ok) return Fail(ok.error());
  for (const std::string& bin : options.binaries) {
    if (::access(bin.c_str(), X_OK) != 0) {
      return Fail(ErrnoError("binary '" + bin + "' (see --entrypoint-bin, --nop-bin, --workingdirinit-bin)"));
    }
  }
  auto signals = SignalChannel::Open();
  if (!signals) return Fail(signals.error());
  SweepStalePodDirs(options.temp_root);
  auto dir = PodDir::Create(options.temp_root, options.pod_name);
  if (!dir) return Fail(dir.error());
  if (auto ok = MakeDir(dir->path() + "/memory", 0755); !ok) return Fail(ok.error());
  auto memory = PrivateTmpfs::Mount(dir->path() + "/memory", kMemoryOptions);
  if (!memory) return Fail(memory.error());
  auto sandbox = PodSandbox::Create(options.pod_name.substr(0, kMaxHostname), options.host_network);
  if (!sandbox) return Fail(sandbox.error());
  UniqueFd self(static_cast<int>(::syscall(SYS_pidfd_open, ::getpid(), 0)));
  if (!self.valid()) return Fail(ErrnoError("pidfd_open"));
  std::unique_ptr<RealPodRuntime> runtime(
      new RealPodRuntime(std::move(*signals), std::move(*dir), std::move(*memory),
                         std::move(*sandbox), std::move(self), options.host_network));
  const std::string base = runtime->memory_.dir();
  for (const char* sub : {"/volumes", "/termination", "/roots", "/probe"}) {
    if (auto ok = MakeDir(base + sub, 0755); !ok) return Fail(ok.error());
  }
  if (auto ok = MakeDir(base + "/shm", 01777); !ok) return Fail(ok.error());
  if (MountOpsWork(HostOverlayProbe(base + "/probe"))) {
    runtime->host_root_ = ContainerRoot::kHostOverlay;
  }
  return runtime;
}

RealPodRuntime::~RealPodRuntime() {
  // Every first process is killed before any is waited for: their PID
  // namespaces wind down together.
  for (auto& [id, run] : runs_) {
    if (run.process) run.process->Signal(SIGKILL);
  }
  runs_.clear();
}

std::string RealPodRuntime::VolumeDir(size_t volume) const {
  return memory_.dir() + "/volumes/" + std::to_string(volume);
}

std::string RealPodRuntime::TerminationFile(size_t container) const {
  return memory_.dir() + "/termination/" + std::to_string(container);
}

Status RealPodRuntime::PrepareVolumes(size_t count) {
  for (size_t i = 0; i < count; ++i) {
    if (auto ok = MakeDir(VolumeDir(i), 0777); !ok) return ok;
  }
  return {};
}

Status RealPodRuntime::WriteVolumeFiles(size_t volume, const VolumeFiles& files) {
  return WriteAtomicVolume(VolumeDir(volume), files);
}

Result<MountRequest::Kind> RealPodRuntime::PrepareHostPath(const std::string& path,
                                                           const std::string& type) {
  if (auto ok = podsim::PrepareHostPath(path, type); !ok) return Fail(ok.error());
  return StatHostFile(path) == HostFileKind::kDirectory ? MountRequest::kDirectory
                                                        : MountRequest::kFile;
}

Result<MountRequest> RealPodRuntime::SubPathMount(const std::string& container_path, size_t volume,
                                                  const std::string& sub_path, bool read_only) {
  auto opened = OpenSubPath(VolumeDir(volume), sub_path);
  if (!opened) return Fail(opened.error());
  MountRequest request{container_path, opened->path,
                       opened->is_directory ? MountRequest::kDirectory : MountRequest::kFile,
                       read_only, opened->tree.get()};
  // Kept until the pod ends: the container's child attaches it.
  if (opened->tree.valid()) sub_paths_.push_back(std::move(opened->tree));
  return request;
}

Status RealPodRuntime::ResetTerminationFile(size_t container) {
  const std::string file = TerminationFile(container);
  UniqueFd fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666));
  if (!fd.valid()) return Fail(ErrnoError("create " + file));
  // Any user the container runs as writes its message.
  ::fchmod(fd.get(), 0666);
  return {};
}

std::string RealPodRuntime::ReadTerminationMessage(size_t container, size_t budget) {
  UniqueFd fd(::open(TerminationFile(container).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid()) return "";
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return "";
  const off_t size = st.st_size;
  const off_t offset = size > static_cast<off_t>(budget) ? size - static_cast<off_t>(budget) : 0;
  std::string data(static_cast<size_t>(size - offset), '\0');
  ssize_t n = ::pread(fd.get(), data.data(), data.size(), offset);
  data.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return data;
}

Status RealPodRuntime::Start(const ContainerLaunch& launch) {
  const std::string scratch = memory_.dir() + "/roots/" + std::to_string(launch.run);
  if (auto ok = MakeDir(scratch, 0755); !ok) return ok;
  PlanOptions plan_options;
  plan_options.scratch = scratch;
  plan_options.root.kind = launch.nop_image         ? ContainerRoot::kEmpty
                           : !launch.rootfs.empty() ? ContainerRoot::kDirectory
                                                    : host_root_;
  plan_options.root.dir = launch.rootfs;
  plan_options.requests = launch.mounts;
  plan_options.working_dir = launch.working_dir;
  plan_options.own_network = !host_network_;
  plan_options.shm_dir = memory_.dir() + "/shm";
  HostFsWithoutMemory host(memory_.dir());
  auto plan = PlanContainerRoot(plan_options, host);
  if (!plan) return Fail(plan.error());

  LaunchSpec spec;
  spec.mounts = std::move(*plan);
  spec.argv = launch.argv;
  spec.env = launch.env;
  spec.working_dir = launch.working_dir;
  spec.signal_mask = signals_.original_mask();
  spec.net_ns = sandbox_.net();
  spec.uts_ns = sandbox_.uts();
  spec.ipc_ns = sandbox_.ipc();
  spec.uid = launch.uid;
  spec.gid = launch.gid.value_or(0);
  if (!launch.gid && launch.uid != 0 && !launch.nop_image) {
    if (auto passwd = ReadFileIfExists(launch.rootfs + "/etc/passwd"); passwd && *passwd) {
      spec.gid = PrimaryGroupOf(**passwd, launch.uid).value_or(0);
    }
  }
  spec.parent_pidfd = self_pidfd_.get();
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return Fail(ErrnoError("pipe"));
  UniqueFd read_end(pipe_fds[0]);
  UniqueFd write_end(pipe_fds[1]);
  ::fcntl(read_end.get(), F_SETFL, O_NONBLOCK);
  spec.output_fd = write_end.get();
  auto process = ContainerProcess::Launch(spec);
  if (!process) return Fail(process.error());
  ProbeTarget target{.pid = process->pid(),
                     .env = launch.env,
                     .working_dir = launch.working_dir,
                     .uid = spec.uid,
                     .gid = spec.gid,
                     .signal_mask = signals_.original_mask()};
  runs_.emplace(launch.run, Run{std::move(*process), std::move(read_end), false, std::move(target),
                                std::nullopt});
  return {};
}

Status RealPodRuntime::StartProbe(RunId run, const Probe& probe) {
  auto it = runs_.find(run);
  if (it == runs_.end() || !it->second.process || it->second.exit_reported) {
    return Fail("readiness probe: the container is not running");
  }
  auto process = ProbeProcess::Start(probe, it->second.probe_target);
  if (!process) return Fail(process.error());
  it->second.probe.emplace(std::move(*process));
  return {};
}

void RealPodRuntime::StopProbe(RunId run) {
  auto it = runs_.find(run);
  if (it != runs_.end()) it->second.probe.reset();
}

void RealPodRuntime::Signal(RunId run, int signo) {
  auto it = runs_.find(run);
  if (it != runs_.end() && it->second.process) it->second.process->Signal(signo);
}

void RealPodRuntime::ReadOutput(RunId id, Run& run, std::vector<RuntimeEvent>& events) {
  std::string data(kOutputBurst, '\0');
  const ssize_t n = RetryEintr([&] { return ::read(run.output.get(), data.data(), data.size()); });
  if (n < 0 && errno == EAGAIN) return;
  if (n <= 0) {
    run.output.Reset();
    events.push_back(RuntimeEvent::OutputClosed(id));
    return;
  }
  data.resize(static_cast<size_t>(n));
  events.push_back(RuntimeEvent::Output(id, std::move(data)));
}

std::vector<RuntimeEvent> RealPodRuntime::Wait(std::optional<SteadyClock::time_point> until) {
  enum What { kSignal, kStart, kExit, kOutput, kProbe };
  std::vector<pollfd> fds = {{signals_.fd(), POLLIN, 0}};
  std::vector<std::pair<What, RunId>> tags = {{kSignal, -1}};
  for (auto& [id, run] : runs_) {
    if (run.process && run.process->start_fd() >= 0) {
      fds.push_back({run.process->start_fd(), POLLIN, 0});
      tags.emplace_back(kStart, id);
    }
    if (run.process && !run.exit_reported) {
      fds.push_back({run.process->pid_fd(), POLLIN, 0});
      tags.emplace_back(kExit, id);
    }
    if (run.output.valid()) {
      fds.push_back({run.output.get(), POLLIN, 0});
      tags.emplace_back(kOutput, id);
    }
    if (run.probe) {
      fds.push_back({run.probe->pid_fd(), POLLIN, 0});
      tags.emplace_back(kProbe, id);
    }
  }
  int timeout_ms = -1;
  if (until) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(*until - SteadyNow()).count();
    timeout_ms = static_cast<int>(std::clamp<long long>(left, 0, 60'000));
  }
  std::vector<RuntimeEvent> events;
  if (RetryEintr([&] { return ::poll(fds.data(), fds.size(), timeout_ms); }) < 0) {
    events.push_back(RuntimeEvent::Interrupted(ErrnoError("poll").message));
    return events;
  }
  for (size_t i = 0; i < fds.size(); ++i) {
    if (fds[i].revents == 0) continue;
    const auto [what, id] = tags[i];
    if (what == kSignal) {
      while (auto signo = signals_.TakePending()) {
        if (!IsTerminatingSignal(*signo)) continue;
        events.push_back(
            RuntimeEvent::Interrupted(std::string("interrupted by ") + SignalName(*signo)));
      }
      continue;
    }
    Run& run = runs_.at(id);
    if (what == kOutput) {
      ReadOutput(id, run, events);
      continue;
    }
    if (what == kProbe) {
      if (!run.probe) continue;
      if (auto outcome = run.probe->TryFinish()) {
        run.probe.reset();
        events.push_back(RuntimeEvent::Probed(id, outcome->success, std::move(outcome->detail)));
      }
      continue;
    }
    if (run.process->start_fd() >= 0) {
      events.push_back(RuntimeEvent::Started(id, run.process->TakeStartResult()));
    }
    if (what == kExit) {
      if (auto code = run.process->TryReap()) {
        run.exit_reported = true;
        events.push_back(RuntimeEvent::Exited(id, *code));
      }
    }
  }
  return events;
}

}  // namespace podstep::podsim
