#include "podsim/kubelet.h"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>

#include "common/signal_names.h"
#include "common/sys/file_util.h"
#include "common/sys/signal_channel.h"
#include "podsim/mount_plan.h"
#include "podsim/sys/atomic_writer.h"
#include "podsim/sys/container_process.h"
#include "podsim/sys/real_host_fs.h"

namespace podstep::podsim {
namespace {

using std::chrono::nanoseconds;

constexpr const char* kReadyAnnotation = "tekton.dev/ready";
constexpr const char* kCancelAnnotation = "tekton.dev/cancel";
constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// The pod's host directory: volumes, termination files, container roots.
/// Removed recursively on destruction (after every container is gone).
class PodDir {
 public:
  static Result<PodDir> Create(const std::string& temp_root, const std::string& pod_name) {
    std::string base = temp_root;
    if (base.empty()) {
      const char* tmp = ::getenv("TMPDIR");
      base = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
    }
    std::string pattern = base + "/podsim-" + pod_name.substr(0, 40) + "-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) return Fail(ErrnoError("mkdtemp " + pattern));
    ::chmod(pattern.c_str(), 0755);
    return PodDir(pattern);
  }
  PodDir(PodDir&& other) noexcept : path_(std::exchange(other.path_, "")) {}
  PodDir& operator=(PodDir&&) = delete;
  ~PodDir() {
    if (path_.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  explicit PodDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// One container the kubelet manages, across a nop restart.
struct Slot {
  const Container* spec = nullptr;
  ContainerStatus* status = nullptr;
  bool is_step = false;
  std::optional<ContainerProcess> process;
  bool starting = false;  // start result not read yet
  bool start_failed = false;
  bool stopping = false;  // asked to stop (sidecar stop, pod deletion)
  bool nop_phase = false;
  std::optional<Clock::time_point> kill_at;
  bool final() const { return status->terminated && !process; }
};

struct Output {
  std::string container;
  UniqueFd fd;
  std::string partial;
};

class Kubelet {
 public:
  Kubelet(const PodSpec& pod, const KubeletOptions& options, LogSink& logs, SignalChannel& signals,
          std::string dir)
      : pod_(pod), options_(options), logs_(logs), signals_(signals), dir_(std::move(dir)) {
    annotations_ = pod.annotations;
    grace_ = options.grace.value_or(std::chrono::seconds(pod.termination_grace_seconds));
  }

  Result<PodRun> Run() {
    run_.start_time = Clock::now();
    if (auto ok = PrepareVolumes(); !ok) return Fail(ok.error());
    const size_t total = pod_.init_containers.size() + pod_.containers.size();
    budget_ = TerminationMessageBudget(total);
    run_.init_containers.resize(pod_.init_containers.size());
    run_.containers.resize(pod_.containers.size());
    for (size_t i = 0; i < pod_.init_containers.size(); ++i) {
      run_.init_containers[i].name = pod_.init_containers[i].name;
    }
    for (size_t i = 0; i < pod_.containers.size(); ++i)
      run_.containers[i].name = pod_.containers[i].name;
    if (options_.deadline) deadline_ = run_.start_time + *options_.deadline;

    for (size_t i = 0; i < pod_.init_containers.size() && !run_.timed_out; ++i) {
      auto slot = std::make_unique<Slot>();
      slot->spec = &pod_.init_containers[i];
      slot->status = &run_.init_containers[i];
      Slot* s = slot.get();
      slots_.push_back(std::move(slot));
      if (auto ok = Start(*s, false); !ok) return Fail(ok.error());
      if (auto ok = Pump([&] { return s->final() && outputs_.empty(); }); !ok)
        return Fail(ok.error());
      if (s->status->exit_code != 0 || !s->status->started) {
        run_.init_failed = true;
        break;
      }
    }
    if (!run_.init_failed && !run_.timed_out) {
      const auto main_start = Clock::now();
      if (options_.cancel_after && options_.tekton_controller)
        cancel_at_ = main_start + *options_.cancel_after;
      for (size_t i = 0; i < pod_.containers.size(); ++i) {
        auto slot = std::make_unique<Slot>();
        slot->spec = &pod_.containers[i];
        slot->status = &run_.containers[i];
        slot->is_step = IsStepContainer(slot->spec->name);
        main_slots_.push_back(slot.get());
        slots_.push_back(std::move(slot));
      }
      for (Slot* s : main_slots_) {
        if (auto ok = Start(*s, false); !ok) return Fail(ok.error());
      }
      main_phase_ = true;
      auto all_final = [&] {
        return outputs_.empty() && std::all_of(main_slots_.begin(), main_slots_.end(),
                                               [](Slot* s) { return s->final(); });
      };
      if (auto ok = Pump(all_final); !ok) return Fail(ok.error());
    }
    run_.completion_time = Clock::now();
    return run_;
  }

 private:
  std::string VolumeDir(const std::string& name) const { return dir_ + "/volumes/" + name; }
  std::string TerminationFile(const std::string& name) const {
    return dir_ + "/termination/" + name;
  }

  Status PrepareVolumes() {
    for (const Volume& v : pod_.volumes) {
      if (auto ok = MakeDirs(VolumeDir(v.name)); !ok) return ok;
      ::chmod(VolumeDir(v.name).c_str(), 0777);
    }
    if (auto ok = MakeDirs(dir_ + "/termination"); !ok) return ok;
    if (auto ok = MakeDirs(dir_ + "/roots"); !ok) return ok;
    return WriteDownward();
  }

  Status WriteDownward() {
    PodSpec current = pod_;
    current.annotations = annotations_;
    for (const Volume& v : pod_.volumes) {
      if (v.kind != Volume::kDownwardApi) continue;
      std::map<std::string, std::string> files;
      for (const DownwardItem& item : v.items) {
        auto value = ResolveFieldPath(current, item.field_path);
        if (!value) return Fail(value.error());
        files[item.path] = *value;
      }
      if (auto ok = WriteAtomicVolume(VolumeDir(v.name), files); !ok) return ok;
    }
    return {};
  }

  void SetAnnotation(const std::string& key, const std::string& value) {
    if (annotations_[key] == value) return;
    annotations_[key] = value;
    if (auto ok = WriteDownward(); !ok)
      logs_.Line("podsim", "annotation update: " + ok.error().message);
  }

  Result<LaunchSpec> MakeLaunch(const Container& c, bool nop_image, int output_fd,
                                const std::string& root) {
    LaunchSpec spec;
    spec.root_dir = root;
    spec.output_fd = output_fd;
    spec.signal_mask = signals_.original_mask();
    PodSpec current = pod_;
    current.annotations = annotations_;
    std::map<std::string, std::string> vars;
    std::vector<std::pair<std::string, std::string>> env;
    for (const EnvVar& e : c.env) {
      std::string value;
      if (e.field_path.empty()) {
        value = ExpandKubeletVariables(e.value, vars);
      } else {
        auto resolved = ResolveFieldPath(current, e.field_path);
        if (!resolved) return Fail(resolved.error());
        value = *resolved;
      }
      vars[e.name] = value;
      env.emplace_back(e.name, value);
    }
    if (!vars.contains("PATH")) spec.env.push_back(std::string("PATH=") + kDefaultPath);
    if (!vars.contains("HOSTNAME")) spec.env.push_back("HOSTNAME=" + pod_.name);
    if (!vars.contains("HOME")) spec.env.push_back("HOME=/root");
    for (const auto& [name, value] : env) spec.env.push_back(name + "=" + value);

    for (const std::string& a : c.command) spec.argv.push_back(ExpandKubeletVariables(a, vars));
    std::vector<std::string> args;
    for (const std::string& a : c.args) args.push_back(ExpandKubeletVariables(a, vars));
    if (spec.argv.empty()) {
      // Images are not pulled: a container without a command stands for an
      // image whose process runs until stopped; the nop image's entrypoint is nop.
      spec.argv = {"/ko-app/nop"};
      if (!nop_image) {
        spec.argv.push_back("tekton_run_indefinitely");
        args.clear();
      }
    }
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.working_dir = ExpandKubeletVariables(c.working_dir, vars);

    std::vector<MountRequest> requests;
    for (const VolumeMount& m : c.volume_mounts) {
      requests.push_back({m.mount_path, VolumeDir(m.name), false, m.read_only});
    }
    if (!nop_image) {
      requests.push_back({c.termination_message_path, TerminationFile(c.name), true, false});
      requests.push_back({"/ko-app/entrypoint", options_.entrypoint_bin, true, true});
    }
    requests.push_back({"/ko-app/nop", options_.nop_bin, true, true});
    RealHostFs host;
    auto ops = PlanContainerRoot(root, requests, /*mirror_host=*/!nop_image, host);
    if (!ops) return Fail(ops.error());
    spec.mounts = std::move(*ops);
    return spec;
  }

  void StartFailed(Slot& s, const std::string& message) {
    s.start_failed = true;
    s.status->started = false;
    s.status->terminated = true;
    s.status->exit_code = 128;
    s.status->reason = "StartError";
    s.status->message = message;
    s.status->started_at = s.status->finished_at = Clock::now();
    logs_.Line(s.spec->name, "podsim: container did not start: " + message);
  }

  Status Start(Slot& s, bool nop_image) {
    const Container& c = *s.spec;
    const std::string root = dir_ + "/roots/" + c.name + (nop_image ? "-nop" : "");
    if (auto ok = MakeDirs(root); !ok) return ok;
    if (!nop_image) {
      const std::string file = TerminationFile(c.name);
      UniqueFd fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666));
      if (!fd.valid()) return Fail(ErrnoError("create " + file));
      ::fchmod(fd.get(), 0666);
    }
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return Fail(ErrnoError("pipe"));
    UniqueFd read_end(pipe_fds[0]);
    UniqueFd write_end(pipe_fds[1]);
    ::fcntl(read_end.get(), F_SETFL, O_NONBLOCK);
    s.start_failed = false;
    s.status->terminated = false;
    s.status->message.clear();
    auto spec = MakeLaunch(c, nop_image, write_end.get(), root);
    if (!spec) {
      StartFailed(s, spec.error().message);
      return {};
    }
    if (c.command.empty() && !nop_image) {
      logs_.Line(c.name, "podsim: no command (images are not pulled): running " +
                             std::string("/ko-app/nop tekton_run_indefinitely in its place"));
    }
    auto process = ContainerProcess::Launch(*spec);
    if (!process) return Fail(process.error().Wrap("start container " + c.name));
    s.process.emplace(std::move(*process));
    s.starting = true;
    outputs_.push_back(std::make_unique<Output>(Output{c.name, std::move(read_end), ""}));
    return {};
  }

  std::string ReadTerminationMessage(const std::string& name) const {
    UniqueFd fd(::open(TerminationFile(name).c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return "";
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return "";
    const off_t size = st.st_size;
    const off_t offset =
        size > static_cast<off_t>(budget_) ? size - static_cast<off_t>(budget_) : 0;
    std::string data(static_cast<size_t>(size - offset), '\0');
    ssize_t n = ::pread(fd.get(), data.data(), data.size(), offset);
    data.resize(n > 0 ? static_cast<size_t>(n) : 0);
    return data;
  }

  void OnStartReadable(Slot& s) {
    s.starting = false;
    auto started = s.process->TakeStartResult();
    if (!started) {
      StartFailed(s, started.error().message);
      return;
    }
    s.status->started = true;
    s.status->started_at = Clock::now();
  }

  Status OnExit(Slot& s) {
    if (s.starting) OnStartReadable(s);
    auto code = s.process->TryReap();
    if (!code) return {};
    const auto now = Clock::now();
    s.process.reset();
    if (!s.start_failed) {
      s.status->terminated = true;
      s.status->exit_code = *code;
      s.status->reason = *code == 0 ? "Completed" : "Error";
      s.status->finished_at = now;
      if (!s.nop_phase) s.status->message = ReadTerminationMessage(s.spec->name);
    }
    s.kill_at.reset();
    if (s.stopping && !s.nop_phase && sidecars_stopped_ && !run_.timed_out) {
      // The controller swapped the image for nop: the kubelet restarts the
      // container with it, the same command and args.
      s.nop_phase = true;
      s.stopping = false;
      s.status->replaced_by_nop = true;
      s.status->started = false;
      return Start(s, /*nop_image=*/true);
    }
    return {};
  }

  void Stop(Slot& s) {
    if (!s.process || s.stopping) return;
    s.stopping = true;
    s.process->Signal(SIGTERM);
    s.kill_at = Clock::now() + std::chrono::duration_cast<Clock::duration>(grace_);
  }

  void OnOutput(Output& out, bool& eof) {
    char buffer[16384];
    for (;;) {
      ssize_t n = RetryEintr([&] { return ::read(out.fd.get(), buffer, sizeof buffer); });
      if (n < 0 && errno == EAGAIN) return;
      if (n <= 0) {
        if (!out.partial.empty()) logs_.Line(out.container, out.partial);
        eof = true;
        return;
      }
      out.partial.append(buffer, static_cast<size_t>(n));
      size_t start = 0;
      for (size_t nl; (nl = out.partial.find('\n', start)) != std::string::npos; start = nl + 1) {
        logs_.Line(out.container, std::string_view(out.partial).substr(start, nl - start));
      }
      out.partial.erase(0, start);
    }
  }

  void Reconcile() {
    if (!main_phase_ || !options_.tekton_controller || run_.timed_out) return;
    bool any_step = false;
    bool steps_done = true;
    bool sidecars_ready = true;
    for (Slot* s : main_slots_) {
      if (s->is_step) {
        any_step = true;
        steps_done = steps_done && s->final();
      } else if (!((s->status->started && !s->status->terminated) ||
                   (s->status->terminated && s->status->exit_code == 0))) {
        sidecars_ready = false;
      }
    }
    if (!any_step) return;
    if (sidecars_ready) SetAnnotation(kReadyAnnotation, "READY");
    if (steps_done && !sidecars_stopped_) {
      sidecars_stopped_ = true;
      for (Slot* s : main_slots_) {
        if (!s->is_step) Stop(*s);
      }
    }
  }

  void OnTimer(Clock::time_point now) {
    if (cancel_at_ && now >= *cancel_at_) {
      cancel_at_.reset();
      bool any_running = std::any_of(main_slots_.begin(), main_slots_.end(),
                                     [](Slot* s) { return s->is_step && !s->final(); });
      if (any_running) {
        run_.cancelled = true;
        SetAnnotation(kCancelAnnotation, "CANCEL");
      }
    }
    if (deadline_ && now >= *deadline_) {
      deadline_.reset();
      run_.timed_out = true;
      for (auto& s : slots_) Stop(*s);
    }
    for (auto& s : slots_) {
      if (s->kill_at && now >= *s->kill_at && s->process) {
        s->process->Signal(SIGKILL);
        s->kill_at.reset();
      }
    }
  }

  std::optional<Clock::time_point> NextTimer() const {
    std::optional<Clock::time_point> next;
    auto consider = [&](const std::optional<Clock::time_point>& t) {
      if (t && (!next || *t < *next)) next = t;
    };
    consider(cancel_at_);
    consider(deadline_);
    for (const auto& s : slots_) consider(s->kill_at);
    return next;
  }

  Status Pump(const std::function<bool()>& done) {
    for (;;) {
      Reconcile();
      if (done()) return {};
      std::vector<pollfd> fds;
      std::vector<std::function<Status()>> handlers;
      fds.push_back({signals_.fd(), POLLIN, 0});
      handlers.push_back([&]() -> Status {
        while (auto signo = signals_.TakePending()) {
          if (IsTerminatingSignal(*signo))
            return Fail(std::string("interrupted by ") + SignalName(*signo));
        }
        return {};
      });
      for (auto& slot : slots_) {
        Slot* s = slot.get();
        if (!s->process) continue;
        if (s->starting) {
          fds.push_back({s->process->start_fd(), POLLIN, 0});
          handlers.push_back([this, s]() -> Status {
            OnStartReadable(*s);
            return {};
          });
        }
        fds.push_back({s->process->pid_fd(), POLLIN, 0});
        handlers.push_back([this, s] { return OnExit(*s); });
      }
      for (size_t i = 0; i < outputs_.size(); ++i) {
        Output* out = outputs_[i].get();
        fds.push_back({out->fd.get(), POLLIN, 0});
        handlers.push_back([this, out]() -> Status {
          bool eof = false;
          OnOutput(*out, eof);
          if (eof) {
            std::erase_if(outputs_, [out](const auto& o) { return o.get() == out; });
          }
          return {};
        });
      }
      int timeout_ms = -1;
      if (auto next = NextTimer()) {
        auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(*next - Clock::now()).count();
        timeout_ms = static_cast<int>(std::clamp<long long>(left + 1, 0, 60'000));
      }
      int n = RetryEintr([&] { return ::poll(fds.data(), fds.size(), timeout_ms); });
      if (n < 0) return Fail(ErrnoError("poll"));
      for (size_t i = 0; i < fds.size(); ++i) {
        if (fds[i].revents == 0) continue;
        if (auto ok = handlers[i](); !ok) return ok;
      }
      OnTimer(Clock::now());
    }
  }

  const PodSpec& pod_;
  const KubeletOptions& options_;
  LogSink& logs_;
  SignalChannel& signals_;
  std::string dir_;
  std::map<std::string, std::string> annotations_;
  nanoseconds grace_;
  size_t budget_ = 4096;
  PodRun run_;
  std::vector<std::unique_ptr<Output>> outputs_;
  // Declared after outputs_: destroyed first, so every container is killed
  // and reaped before its pipes close and before the pod dir goes.
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<Slot*> main_slots_;
  bool main_phase_ = false;
  bool sidecars_stopped_ = false;
  std::optional<Clock::time_point> cancel_at_;
  std::optional<Clock::time_point> deadline_;
};

}  // namespace

size_t TerminationMessageBudget(size_t container_count) {
  constexpr size_t kPodBudget = 12 * 1024;
  constexpr size_t kContainerBudget = 4096;
  if (container_count == 0) return kContainerBudget;
  return std::min(kContainerBudget, kPodBudget / container_count);
}

Result<PodRun> RunPod(const PodSpec& pod, const KubeletOptions& options, LogSink& logs) {
  if (auto ok = CheckNamespaceSupport(); !ok) return Fail(ok.error());
  for (const std::string& bin : {options.entrypoint_bin, options.nop_bin}) {
    if (::access(bin.c_str(), X_OK) != 0) {
      return Fail(ErrnoError("binary '" + bin + "' (see --entrypoint-bin / --nop-bin)"));
    }
  }
  auto signals = SignalChannel::Open();
  if (!signals) return Fail(signals.error());
  auto dir = PodDir::Create(options.temp_root, pod.name);
  if (!dir) return Fail(dir.error());
  Kubelet kubelet(pod, options, logs, *signals, dir->path());
  return kubelet.Run();
}

}  // namespace podstep::podsim
