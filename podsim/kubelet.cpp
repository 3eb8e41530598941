#include "podsim/kubelet.h"

#include <algorithm>
#include <map>
#include <memory>

#include "common/deadline.h"
#include "podsim/container_env.h"
#include "podsim/controller.h"
#include "podsim/sys/real_pod_runtime.h"

namespace podstep::podsim {
namespace {

using std::chrono::nanoseconds;

constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// One container the kubelet manages, across a restart with the nop image.
struct Slot {
  size_t index = 0;  // in the pod: init containers first
  const Container* spec = nullptr;
  ContainerStatus* status = nullptr;
  bool is_step = false;
  RunId run = -1;
  bool running = false;  // its process may still be alive
  bool start_failed = false;
  bool output_open = false;
  bool stopping = false;     // SIGTERM sent
  bool swap_to_nop = false;  // the controller swapped its image: restart with nop
  bool nop_phase = false;
  std::optional<size_t> main_index;  // among the main containers: its readiness
  bool probe_failure_said = false;
  std::optional<SteadyClock::time_point> kill_at;
  LineSplitter lines;
  bool active() const { return running || output_open; }
};

// The effective user of a container: its securityContext, else the pod's.
struct User {
  std::optional<int64_t> uid;
  std::optional<int64_t> gid;
  bool non_root = false;
};

User UserOf(const PodSpec& pod, const Container& c) {
  User user;
  user.uid = c.security_context.run_as_user ? c.security_context.run_as_user
                                            : pod.security_context.run_as_user;
  user.gid = c.security_context.run_as_group ? c.security_context.run_as_group
                                             : pod.security_context.run_as_group;
  user.non_root = c.security_context.run_as_non_root.value_or(
      pod.security_context.run_as_non_root.value_or(false));
  return user;
}

// An image config's User when it is numeric ("1000" or "1000:1000"); a
// user name would need the image's /etc/passwd.
void ImageUser(const std::string& text, User& user) {
  const size_t colon = text.find(':');
  auto number = [](const std::string& digits) -> std::optional<int64_t> {
    if (digits.empty() || digits.size() > 9 ||
        digits.find_first_not_of("0123456789") != std::string::npos) {
      return std::nullopt;
    }
    return std::stoll(digits);
  };
  const auto uid = number(text.substr(0, colon));
  if (!uid) return;
  user.uid = uid;
  if (colon != std::string::npos && !user.gid) user.gid = number(text.substr(colon + 1));
}

class Kubelet {
 public:
  Kubelet(const PodSpec& pod, const KubeletOptions& options, LogSink& logs, PodRuntime& runtime)
      : pod_(pod),
        options_(options),
        logs_(logs),
        rt_(runtime),
        controller_({options.tekton_controller, options.cancel_after, options.deadline},
                    runtime.SteadyNow()),
        objects_(options.objects != nullptr ? *options.objects : no_objects_),
        images_(options.images != nullptr ? *options.images : no_images_),
        probes_(ProbesOf(pod)),
        prober_(probes_),
        tekton_pod_(options.tekton_controller &&
                    std::any_of(pod.containers.begin(), pod.containers.end(),
                                [](const Container& c) { return IsStepContainer(c.name); })) {
    annotations_ = pod.annotations;
    grace_ = options.grace.value_or(std::chrono::seconds(pod.termination_grace_seconds));
    for (size_t i = 0; i < pod.volumes.size(); ++i) volume_index_[pod.volumes[i].name] = i;
  }

  Result<PodRun> Run() {
    run_.start_time = rt_.WallNow();
    if (auto ok = rt_.PrepareVolumes(pod_.volumes.size()); !ok) return Fail(ok.error());
    if (auto ok = PrepareHostPaths(); !ok) return Fail(ok.error());
    if (auto ok = WriteApiVolumes(/*downward_only=*/false); !ok) return Fail(ok.error());
    budget_ = TerminationMessageBudget(pod_.init_containers.size() + pod_.containers.size());
    for (const Container& c : pod_.init_containers)
      run_.init_containers.emplace_back().name = c.name;
    for (const Container& c : pod_.containers) run_.containers.emplace_back().name = c.name;
    size_t index = 0;
    for (size_t i = 0; i < pod_.init_containers.size(); ++i) {
      slots_.push_back(NewSlot(index++, pod_.init_containers[i], run_.init_containers[i], false));
    }
    for (size_t i = 0; i < pod_.containers.size(); ++i) {
      const Container& c = pod_.containers[i];
      slots_.push_back(NewSlot(index++, c, run_.containers[i], IsStepContainer(c.name)));
      slots_.back()->main_index = main_.size();
      main_.push_back(slots_.back().get());
    }

    for (size_t i = 0; i < pod_.init_containers.size() && !controller_.verdict_given(); ++i) {
      Slot& s = *slots_[i];
      if (auto ok = Start(s, /*nop_image=*/false); !ok) return Fail(ok.error());
      if (auto ok = Pump([&] { return !s.active() || controller_.verdict_given(); }); !ok) {
        return Fail(ok.error());
      }
      if (s.status->exit_code != 0 || !s.status->started) {
        run_.init_failed = true;
        break;
      }
    }
    if (!run_.init_failed && !controller_.verdict_given()) {
      for (Slot* s : main_) {
        if (auto ok = Start(*s, /*nop_image=*/false); !ok) return Fail(ok.error());
      }
      main_started_ = true;
      controller_.MainContainersStarted(rt_.SteadyNow());
      SayHostRoots();
    }
    auto over = [&] {
      return controller_.verdict_given() &&
             std::none_of(slots_.begin(), slots_.end(), [](auto& s) { return s->active(); });
    };
    if (auto ok = Pump(over); !ok) return Fail(ok.error());
    return run_;
  }

 private:
  std::unique_ptr<Slot> NewSlot(size_t index, const Container& c, ContainerStatus& status,
                                bool is_step) {
    auto slot = std::make_unique<Slot>();
    slot->index = index;
    slot->spec = &c;
    slot->status = &status;
    slot->is_step = is_step;
    return slot;
  }

  static std::vector<std::optional<Probe>> ProbesOf(const PodSpec& pod) {
    std::vector<std::optional<Probe>> probes;
    for (const Container& c : pod.containers) probes.push_back(c.readiness_probe);
    return probes;
  }

  // The pod as the Downward API sees it now (annotations change).
  PodSpec Current() const {
    PodSpec current = pod_;
    current.annotations = annotations_;
    return current;
  }

  Status PrepareHostPaths() {
    for (size_t i = 0; i < pod_.volumes.size(); ++i) {
      const VolumeSource& source = pod_.volumes[i].source;
      if (source.kind != VolumeSource::kHostPath) continue;
      auto kind = rt_.PrepareHostPath(source.host_path, source.host_path_type);
      if (!kind) return Fail(kind.error().Wrap("volume \"" + pod_.volumes[i].name + "\""));
      host_path_kinds_[i] = *kind;
    }
    return {};
  }

  // Writes the API-data volumes; after an annotation change only those with
  // Downward-API files (a ConfigMap does not change during a run).
  Status WriteApiVolumes(bool downward_only) {
    const PodSpec current = Current();
    const FieldResolver field = [&](const std::string& path) {
      return ResolveFieldPath(current, path);
    };
    for (size_t i = 0; i < pod_.volumes.size(); ++i) {
      const VolumeSource& source = pod_.volumes[i].source;
      if (!IsApiDataVolume(source)) continue;
      const bool has_fields = std::any_of(source.projections.begin(), source.projections.end(),
                                          [](const Projection& p) { return !p.fields.empty(); });
      if (downward_only && !has_fields) continue;
      auto files = ProjectVolumeFiles(source, objects_, field);
      if (!files) return Fail(files.error().Wrap("volume \"" + pod_.volumes[i].name + "\""));
      if (auto ok = rt_.WriteVolumeFiles(i, *files); !ok) return ok;
    }
    return {};
  }

  void SetAnnotation(const std::string& key, const std::string& value) {
    if (annotations_[key] == value) return;
    annotations_[key] = value;
    if (auto ok = WriteApiVolumes(/*downward_only=*/true); !ok) {
      logs_.Line("podsim", "annotation update: " + ok.error().message);
    }
  }

  // A volumeMount as the container sees it: API-data volumes are always
  // read-only; a hostPath is the host's own path; a subPath is opened
  // beneath its volume by the runtime.
  Result<MountRequest> MountOf(const VolumeMount& m) {
    const size_t volume = volume_index_.at(m.name);
    const VolumeSource& source = pod_.volumes[volume].source;
    const bool read_only = m.read_only || IsApiDataVolume(source);
    if (source.kind == VolumeSource::kHostPath) {
      if (!m.sub_path.empty()) {
        return Fail("volumeMount " + m.name + ": subPath on a hostPath volume is not supported");
      }
      return MountRequest{m.mount_path, source.host_path, host_path_kinds_.at(volume), read_only};
    }
    if (!m.sub_path.empty()) {
      auto mount = rt_.SubPathMount(m.mount_path, volume, m.sub_path, read_only);
      if (!mount) return Fail(mount.error().Wrap("volumeMount " + m.name));
      return mount;
    }
    return MountRequest{m.mount_path, rt_.VolumeDir(volume), MountRequest::kDirectory, read_only};
  }

  // The kubelet's part of a container's start: environment, command and
  // mounts; fails with a StartError message.
  Result<ContainerLaunch> MakeLaunch(const Slot& s, bool nop_image) {
    const Container& c = *s.spec;
    ContainerLaunch launch;
    launch.run = next_run_++;
    launch.container = s.index;
    launch.nop_image = nop_image;
    // The nop image is known: an entrypoint of /ko-app/nop, nothing else.
    // A TaskRun pod's init containers are Tekton's own, their binaries
    // podsim's: they run on the host's root.
    const bool tekton_init = tekton_pod_ && !s.main_index;
    const std::optional<ImageConfig> known =
        nop_image || tekton_init || c.image.empty() ? std::nullopt : images_.Find(c.image);
    const ImageConfig image = known.value_or(ImageConfig{});
    const PodSpec current = Current();
    auto env = BuildContainerEnv(
        c, image.env, [&](const std::string& path) { return ResolveFieldPath(current, path); },
        objects_);
    if (!env) return Fail(env.error());
    if (!env->skipped.empty() && !nop_image) {
      std::string keys;
      for (const std::string& k : env->skipped) keys += (keys.empty() ? "" : ", ") + k;
      logs_.Line(c.name,
                 "podsim: envFrom keys that are not valid variable names were skipped: " + keys);
    }
    if (!env->Has("PATH")) launch.env.push_back(std::string("PATH=") + kDefaultPath);
    if (!env->Has("HOSTNAME")) launch.env.push_back("HOSTNAME=" + pod_.name);
    if (!env->Has("HOME")) launch.env.push_back("HOME=/root");
    for (const auto& [name, value] : env->vars) launch.env.push_back(name + "=" + value);
    const std::map<std::string, std::string>& vars = env->expansion;

    for (const std::string& a : c.command) launch.argv.push_back(ExpandKubeletVariables(a, vars));
    std::vector<std::string> args;
    for (const std::string& a : c.args) args.push_back(ExpandKubeletVariables(a, vars));
    if (launch.argv.empty() && known) {
      // Docker's rule: the image's Entrypoint, then the container's args or
      // else the image's Cmd.
      const std::vector<std::string>& rest = args.empty() ? image.cmd : args;
      launch.argv = image.entrypoint;
      launch.argv.insert(launch.argv.end(), rest.begin(), rest.end());
      if (!launch.argv.empty()) args.clear();
    }
    if (launch.argv.empty()) {
      // The image is unknown: a container without a command stands for an
      // image whose process runs until stopped; the nop image's entrypoint is nop.
      launch.argv = {"/ko-app/nop"};
      if (!nop_image) {
        launch.argv.push_back("tekton_run_indefinitely");
        args.clear();
      }
    }
    launch.argv.insert(launch.argv.end(), args.begin(), args.end());
    launch.working_dir = ExpandKubeletVariables(c.working_dir, vars);
    if (launch.working_dir.empty()) launch.working_dir = image.working_dir;
    launch.rootfs = image.rootfs;
    if (s.main_index && !nop_image && !c.image.empty() && image.rootfs.empty() &&
        std::find(host_root_images_.begin(), host_root_images_.end(), c.image) ==
            host_root_images_.end()) {
      host_root_images_.push_back(c.image);
    }

    User user = UserOf(pod_, c);
    if (!user.uid) ImageUser(image.user, user);
    if (user.non_root && user.uid.value_or(0) == 0) {
      const std::string where = "(pod: \"" + pod_.name + "_" + pod_.namespace_name + "(" +
                                pod_.uid + ")\", container: " + c.name + ")";
      return Fail(user.uid ? "container's runAsUser breaks non-root policy " + where
                           : "container has runAsNonRoot and image will run as root " + where);
    }
    launch.uid = static_cast<uid_t>(user.uid.value_or(0));
    if (user.gid) launch.gid = static_cast<gid_t>(*user.gid);

    for (const VolumeMount& m : c.volume_mounts) {
      auto mount = MountOf(m);
      if (!mount) return Fail(mount.error());
      launch.mounts.push_back(std::move(*mount));
    }
    if (!nop_image) {
      launch.mounts.push_back(
          {c.termination_message_path, rt_.TerminationFile(s.index), MountRequest::kFile, false});
      launch.mounts.push_back(
          {"/ko-app/entrypoint", options_.entrypoint_bin, MountRequest::kFile, true});
    }
    launch.mounts.push_back({"/ko-app/nop", options_.nop_bin, MountRequest::kFile, true});
    // Only Tekton's own init containers run it (working-dir-initializer).
    if (tekton_init && !options_.workingdirinit_bin.empty()) {
      launch.mounts.push_back(
          {"/ko-app/workingdirinit", options_.workingdirinit_bin, MountRequest::kFile, true});
    }
    return launch;
  }

  // Said once: the images podsim has no root file system for.
  void SayHostRoots() {
    if (host_root_images_.empty()) return;
    std::string images;
    for (const std::string& image : host_root_images_)
      images += (images.empty() ? "" : ", ") + image;
    logs_.Line("podsim", "no local image for " + images +
                             ": their containers run on the read-only host root (see --image)");
  }

  void StartFailed(Slot& s, const std::string& message) {
    s.start_failed = true;
    s.status->started = false;
    s.status->terminated = true;
    s.status->exit_code = 128;
    s.status->reason = "StartError";
    s.status->message = message;
    s.status->started_at = s.status->finished_at = rt_.WallNow();
    logs_.Line(s.spec->name, "podsim: container did not start: " + message);
    // Tekton's controller fails a TaskRun early only for image pulls and
    // config errors: the next steps wait for this one's post file until the
    // TaskRun's timeout, here as on a cluster. Said, so nobody waits puzzled.
    const bool later_steps = std::any_of(slots_.begin(), slots_.end(), [&](const auto& other) {
      return other->is_step && other->index > s.index;
    });
    if (s.is_step && later_steps && !s.nop_phase) {
      logs_.Line(s.spec->name,
                 "podsim: as in Tekton, the steps after this one wait for it until the "
                 "TaskRun's timeout (--timeout shortens it; Ctrl-C stops podsim)");
    }
  }

  Status Start(Slot& s, bool nop_image) {
    if (!nop_image) {
      if (auto ok = rt_.ResetTerminationFile(s.index); !ok) return ok;
    }
    s.start_failed = false;
    s.status->terminated = false;
    s.status->message.clear();
    auto launch = MakeLaunch(s, nop_image);
    if (!launch) {
      StartFailed(s, launch.error().message);
      return {};
    }
    if (!nop_image && launch->argv.size() == 2 && launch->argv[1] == "tekton_run_indefinitely" &&
        s.spec->command.empty()) {
      logs_.Line(s.spec->name,
                 "podsim: no command (images are not pulled): running /ko-app/nop "
                 "tekton_run_indefinitely in its place");
    }
    if (auto ok = rt_.Start(*launch); !ok) {
      StartFailed(s, ok.error().message);
      return {};
    }
    s.run = launch->run;
    runs_[s.run] = &s;
    s.running = true;
    s.output_open = true;
    s.lines = LineSplitter();
    return {};
  }

  void OnStarted(Slot& s, const Status& start) {
    if (!start) {
      StartFailed(s, start.error().message);
      return;
    }
    s.status->started = true;
    s.status->started_at = rt_.WallNow();
    if (s.main_index && !s.nop_phase) prober_.Started(*s.main_index, rt_.SteadyNow());
  }

  Status OnExited(Slot& s, int code) {
    s.running = false;
    if (s.main_index) {
      if (prober_.Probing(*s.main_index)) rt_.StopProbe(s.run);
      prober_.Stopped(*s.main_index);
    }
    s.kill_at.reset();
    if (!s.start_failed) {
      s.status->terminated = true;
      s.status->exit_code = code;
      s.status->reason = code == 0 ? "Completed" : "Error";
      s.status->finished_at = rt_.WallNow();
      if (!s.nop_phase) s.status->message = rt_.ReadTerminationMessage(s.index, budget_);
    }
    if (s.swap_to_nop && !s.nop_phase && !controller_.timed_out()) {
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

  void OnOutput(Slot& s, const RuntimeEvent& event) {
    auto line = [&](std::string_view text) { logs_.Line(s.spec->name, text); };
    if (event.kind == RuntimeEvent::kOutput) {
      s.lines.Feed(event.data, line);
    } else {
      s.lines.Flush(line);
      s.output_open = false;
    }
  }

  void Stop(Slot& s) {
    if (!s.running || s.stopping) return;
    s.stopping = true;
    rt_.Signal(s.run, SIGTERM);
    const SteadyClock::time_point now = rt_.SteadyNow();
    // No representable deadline (a grace of 2562047h): SIGTERM only.
    s.kill_at = grace_.count() <= 0 ? now : DeadlineAfter<SteadyClock>(now, grace_);
  }

  PodView View() const {
    PodView view;
    view.init_failed = run_.init_failed;
    view.main_started = main_started_;
    for (const Slot* s : main_) {
      view.containers.push_back({s->is_step, s->status->started && !s->status->terminated,
                                 s->status->terminated && !s->active(), s->status->exit_code,
                                 prober_.Ready(*s->main_index)});
    }
    return view;
  }

  void Reconcile() {
    const ControllerActions actions = controller_.Reconcile(View(), rt_.SteadyNow());
    for (const auto& [key, value] : actions.annotations) SetAnnotation(key, value);
    run_.cancelled = controller_.cancelled();
    if (actions.delete_pod) {
      run_.timed_out = true;
      for (auto& s : slots_) Stop(*s);
    }
    if (actions.verdict) {
      run_.completion_time = rt_.WallNow();
      if (options_.on_verdict) options_.on_verdict(run_);
    }
    if (actions.stop_sidecars) {
      for (Slot* s : main_) {
        if (s->is_step || !s->running) continue;
        s->swap_to_nop = true;
        Stop(*s);
      }
    }
  }

  void OnTimers(SteadyClock::time_point now) {
    for (auto& s : slots_) {
      if (s->kill_at && now >= *s->kill_at) {
        s->kill_at.reset();
        rt_.Signal(s->run, SIGKILL);
      }
    }
  }

  // Starts the readiness probes that are due; stops those that overran.
  void RunProbes(SteadyClock::time_point now) {
    for (size_t i : prober_.Overdue(now)) {
      rt_.StopProbe(main_[i]->run);
      ProbeFailed(*main_[i], "readiness probe timed out after " +
                                 std::to_string(probes_[i]->timeout.count()) + "s");
    }
    for (size_t i : prober_.DueProbes(now)) {
      if (auto ok = rt_.StartProbe(main_[i]->run, *probes_[i]); !ok) {
        prober_.Finished(i, false);
        ProbeFailed(*main_[i], ok.error().message);
      }
    }
  }

  void OnProbed(Slot& s, const RuntimeEvent& event) {
    if (!s.main_index) return;
    const bool success = event.exit_code == 0;
    const bool changed = prober_.Finished(*s.main_index, success);
    if (changed && success) logs_.Line(s.spec->name, "podsim: readiness probe passed: ready");
    if (!success) ProbeFailed(s, event.data, changed);
  }

  // Said the first time, and whenever the container turns not ready.
  void ProbeFailed(Slot& s, const std::string& detail, bool turned_not_ready = false) {
    if (s.probe_failure_said && !turned_not_ready) return;
    s.probe_failure_said = true;
    logs_.Line(s.spec->name, std::string("podsim: readiness probe failed") +
                                 (turned_not_ready ? " (not ready)" : "") + ": " + detail);
  }

  std::optional<SteadyClock::time_point> NextTimer() const {
    std::optional<SteadyClock::time_point> next = controller_.NextTimer();
    if (auto probe = prober_.NextWake(); probe && (!next || *probe < *next)) next = probe;
    for (const auto& s : slots_) {
      if (s->kill_at && (!next || *s->kill_at < *next)) next = s->kill_at;
    }
    return next;
  }

  Status Pump(const std::function<bool()>& done) {
    for (;;) {
      Reconcile();
      if (done()) return {};
      for (const RuntimeEvent& event : rt_.Wait(NextTimer())) {
        if (event.kind == RuntimeEvent::kInterrupted) return Fail(event.reason);
        auto it = runs_.find(event.run);
        if (it == runs_.end()) continue;
        Slot& s = *it->second;
        switch (event.kind) {
          case RuntimeEvent::kStarted:
            OnStarted(s, event.start);
            break;
          case RuntimeEvent::kExited:
            if (auto ok = OnExited(s, event.exit_code); !ok) return ok;
            break;
          case RuntimeEvent::kOutput:
          case RuntimeEvent::kOutputClosed:
            OnOutput(s, event);
            break;
          case RuntimeEvent::kProbed:
            OnProbed(s, event);
            break;
          case RuntimeEvent::kInterrupted:
            break;
        }
      }
      OnTimers(rt_.SteadyNow());
      RunProbes(rt_.SteadyNow());
    }
  }

  const PodSpec& pod_;
  const KubeletOptions& options_;
  LogSink& logs_;
  PodRuntime& rt_;
  TektonController controller_;
  const ConfigObjects no_objects_;
  NoImages no_images_;
  const ConfigObjects& objects_;
  ImageStore& images_;
  const std::vector<std::optional<Probe>> probes_;  // of the main containers
  ReadinessProber prober_;
  const bool tekton_pod_;
  std::vector<std::string> host_root_images_;  // of the main containers
  std::map<size_t, MountRequest::Kind> host_path_kinds_;
  std::map<std::string, std::string> annotations_;
  std::map<std::string, size_t> volume_index_;
  nanoseconds grace_;
  size_t budget_ = 4096;
  PodRun run_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<Slot*> main_;
  std::map<RunId, Slot*> runs_;
  RunId next_run_ = 0;
  bool main_started_ = false;
};

}  // namespace

size_t TerminationMessageBudget(size_t container_count) {
  constexpr size_t kPodBudget = 12 * 1024;
  constexpr size_t kContainerBudget = 4096;
  if (container_count == 0) return kContainerBudget;
  return std::min(kContainerBudget, kPodBudget / container_count);
}

void LineSplitter::Feed(std::string_view data, const std::function<void(std::string_view)>& line) {
  while (!data.empty()) {
    if (partial_.size() == kMaxLine) {
      // A full line ends here; its newline, when it comes next, is part of it.
      line(partial_);
      partial_.clear();
      if (data.front() == '\n') data.remove_prefix(1);
      continue;
    }
    const std::string_view window = data.substr(0, kMaxLine - partial_.size());
    const size_t newline = window.find('\n');
    if (newline == std::string_view::npos) {
      partial_.append(window);
      data.remove_prefix(window.size());
      continue;
    }
    if (partial_.empty()) {
      line(window.substr(0, newline));
    } else {
      partial_.append(window.substr(0, newline));
      line(partial_);
      partial_.clear();
    }
    data.remove_prefix(newline + 1);
  }
}

void LineSplitter::Flush(const std::function<void(std::string_view)>& line) {
  if (!partial_.empty()) line(partial_);
  partial_.clear();
}

Result<PodRun> RunPodOn(const PodSpec& pod, const KubeletOptions& options, LogSink& logs,
                        PodRuntime& runtime) {
  return Kubelet(pod, options, logs, runtime).Run();
}

Result<PodRun> RunPod(const PodSpec& pod, const KubeletOptions& options, LogSink& logs) {
  RuntimeOptions runtime_options;
  runtime_options.pod_name = pod.name;
  runtime_options.temp_root = options.temp_root;
  runtime_options.host_network = options.host_network;
  runtime_options.binaries = {options.entrypoint_bin, options.nop_bin};
  if (!options.workingdirinit_bin.empty()) {
    runtime_options.binaries.push_back(options.workingdirinit_bin);
  }
  auto runtime = RealPodRuntime::Create(runtime_options);
  if (!runtime) return Fail(runtime.error());
  if ((*runtime)->host_root() == ContainerRoot::kHostReadOnly) {
    logs.Line("podsim",
              "overlayfs cannot stack on the host's root here: containers see the host "
              "read-only, with tmpfs on /tmp, /var/tmp, /run, /home and /root");
  }
  return RunPodOn(pod, options, logs, **runtime);
}

}  // namespace podstep::podsim
