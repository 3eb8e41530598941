// The kubelet's decisions on a fake runtime whose containers follow
// scripts on a fake clock: start order, termination messages, grace
// periods, the nop swap, the verdict before the sidecars' stop, deadlines,
// users, and the splitting of output into log lines.

#include "podsim/kubelet.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <map>
#include <queue>
#include <set>

namespace podstep::podsim {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

constexpr milliseconds kForever = milliseconds::max();

// How a container behaves, keyed by its command (argv[0]).
struct Script {
  milliseconds runs_for = 0ms;
  int exit_code = 0;
  bool ignores_sigterm = false;
  std::string output;
  std::string start_error;
  std::string termination_message;
};

Script Runs(milliseconds runs_for, int exit_code = 0) {
  Script script;
  script.runs_for = runs_for;
  script.exit_code = exit_code;
  return script;
}

Script IgnoresSigterm(Script script) {
  script.ignores_sigterm = true;
  return script;
}

class FakeRuntime : public PodRuntime {
 public:
  struct Signaled {
    RunId run;
    int signo;
    milliseconds at;
  };

  std::map<std::string, Script> scripts;
  std::vector<ContainerLaunch> launches;
  std::vector<Signaled> signals;
  std::vector<std::pair<milliseconds, std::map<std::string, std::string>>> downward;
  std::optional<milliseconds> interrupt_at;
  std::vector<std::string> host_paths;
  std::map<RunId, int> probe_passes_from;
  milliseconds probe_takes = 100ms;
  std::vector<std::pair<RunId, milliseconds>> probes;
  std::vector<RunId> stopped_probes;

  milliseconds Now() const { return std::chrono::duration_cast<milliseconds>(now_ - start_); }

  std::string VolumeDir(size_t volume) const override { return "/pod/v/" + std::to_string(volume); }
  std::string TerminationFile(size_t container) const override {
    return "/pod/t/" + std::to_string(container);
  }
  Status PrepareVolumes(size_t) override { return {}; }
  Status WriteVolumeFiles(size_t, const VolumeFiles& files) override {
    std::map<std::string, std::string> contents;
    for (const auto& [path, file] : files) contents[path] = file.content;
    downward.emplace_back(Now(), contents);
    return {};
  }
  Result<MountRequest::Kind> PrepareHostPath(const std::string& path,
                                             const std::string& type) override {
    host_paths.push_back(path + " " + type);
    return MountRequest::kDirectory;
  }
  Result<MountRequest> SubPathMount(const std::string& container_path, size_t volume,
                                    const std::string& sub_path, bool read_only) override {
    return MountRequest{container_path, VolumeDir(volume) + "/" + sub_path,
                        MountRequest::kDirectory, read_only};
  }
  // Each probe of a run takes `probe_takes` and passes from its
  // `probe_passes_from`-th run on (1-based; absent or 0: never).
  Status StartProbe(RunId run, const Probe&) override {
    probes.emplace_back(run, Now());
    const int n = ++probe_runs_[run];
    const auto it = probe_passes_from.find(run);
    const bool pass = it != probe_passes_from.end() && it->second != 0 && n >= it->second;
    if (probe_takes != kForever) {
      Schedule(now_ + probe_takes, RuntimeEvent::Probed(run, pass, pass ? "" : "exit status 1"));
    }
    return {};
  }
  void StopProbe(RunId run) override { stopped_probes.push_back(run); }
  Status ResetTerminationFile(size_t container) override {
    messages_[container].clear();
    return {};
  }
  std::string ReadTerminationMessage(size_t container, size_t budget) override {
    const std::string& m = messages_[container];
    return m.size() > budget ? m.substr(m.size() - budget) : m;
  }

  Status Start(const ContainerLaunch& launch) override {
    launches.push_back(launch);
    const std::string& command = launch.argv.at(0);
    if (launch.nop_image && command != "/ko-app/nop") {
      FailStart(launch.run, "exec: \"" + command + "\": executable file not found in $PATH");
      return {};
    }
    Script script = launch.nop_image ? Script{} : scripts.at(command);
    if (!script.start_error.empty()) {
      FailStart(launch.run, script.start_error);
      return {};
    }
    if (!launch.nop_image) messages_[launch.container] = script.termination_message;
    Schedule(now_, RuntimeEvent::Started(launch.run, {}));
    if (!script.output.empty()) Schedule(now_, RuntimeEvent::Output(launch.run, script.output));
    ignores_sigterm_[launch.run] = script.ignores_sigterm;
    if (script.runs_for != kForever) Exit(launch.run, script.exit_code, now_ + script.runs_for);
    return {};
  }

  void Signal(RunId run, int signo) override {
    signals.push_back({run, signo, Now()});
    if (exited_.contains(run)) return;
    if (signo == SIGKILL || !ignores_sigterm_[run]) Exit(run, 128 + signo, now_);
  }

  std::vector<RuntimeEvent> Wait(std::optional<SteadyClock::time_point> until) override {
    if (interrupt_at && (queue_.empty() || start_ + *interrupt_at < queue_.top().at) &&
        (!until || start_ + *interrupt_at <= *until)) {
      now_ = std::max(now_, start_ + *interrupt_at);
      interrupt_at.reset();
      return {RuntimeEvent::Interrupted("interrupted by SIGTERM")};
    }
    if (queue_.empty() || (until && *until < queue_.top().at)) {
      if (!until) return {RuntimeEvent::Interrupted("fake: waiting forever")};
      now_ = std::max(now_, *until);
      return {};
    }
    now_ = std::max(now_, queue_.top().at);
    std::vector<RuntimeEvent> events;
    while (!queue_.empty() && queue_.top().at <= now_) {
      events.push_back(queue_.top().event);
      queue_.pop();
    }
    return events;
  }

  SteadyClock::time_point SteadyNow() override { return now_; }
  Clock::time_point WallNow() override { return Wall(Now()); }
  static Clock::time_point Wall(milliseconds since_start) {
    return Clock::time_point(1'700'000'000s) + since_start;
  }

 private:
  struct Scheduled {
    SteadyClock::time_point at;
    long sequence;
    RuntimeEvent event;
    bool operator>(const Scheduled& other) const {
      return at != other.at ? at > other.at : sequence > other.sequence;
    }
  };

  void Schedule(SteadyClock::time_point at, RuntimeEvent event) {
    queue_.push({at, sequence_++, std::move(event)});
  }
  void FailStart(RunId run, const std::string& message) {
    Schedule(now_, RuntimeEvent::Started(run, Fail(message)));
    Exit(run, 127, now_);
  }
  void Exit(RunId run, int code, SteadyClock::time_point at) {
    if (exited_.contains(run)) return;
    exited_.insert(run);
    Schedule(at, RuntimeEvent::Exited(run, code));
    Schedule(at, RuntimeEvent::OutputClosed(run));
  }
  // Exit() schedules once: a later SIGKILL of a run already ending does nothing.
  std::set<RunId> exited_;

  SteadyClock::time_point start_ = SteadyClock::time_point(100h);
  SteadyClock::time_point now_ = start_;
  long sequence_ = 0;
  std::priority_queue<Scheduled, std::vector<Scheduled>, std::greater<>> queue_;
  std::map<size_t, std::string> messages_;
  std::map<RunId, bool> ignores_sigterm_;
  std::map<RunId, int> probe_runs_;
};

class RecordingSink : public LogSink {
 public:
  void Line(const std::string& container, std::string_view line) override {
    lines.push_back(container + ": " + std::string(line));
  }
  std::vector<std::string> lines;
};

Container MakeContainer(const std::string& name, const std::string& command) {
  Container c;
  c.name = name;
  c.command = {command};
  return c;
}

PodSpec TaskRunPod() {
  PodSpec pod;
  pod.name = "tr-pod";
  pod.uid = "u1";
  pod.init_containers = {MakeContainer("prepare", "prepare")};
  pod.containers = {MakeContainer("step-a", "step-a"), MakeContainer("step-b", "step-b"),
                    MakeContainer("sidecar-db", "db")};
  Volume downward;
  downward.name = "downward";
  downward.source.kind = VolumeSource::kDownwardApi;
  Projection fields;
  fields.kind = Projection::kDownwardApi;
  fields.fields = {{"ready", "metadata.annotations['tekton.dev/ready']", std::nullopt},
                   {"cancel", "metadata.annotations['tekton.dev/cancel']", std::nullopt}};
  downward.source.projections = {fields};
  pod.volumes = {downward};
  return pod;
}

class KubeletTest : public ::testing::Test {
 protected:
  void SetUp() override {
    rt_.scripts["prepare"] = Runs(5ms);
    rt_.scripts["step-a"] = Runs(1000ms);
    rt_.scripts["step-a"].termination_message = R"([{"key":"r"}])";
    rt_.scripts["step-b"] = Runs(2000ms);
    rt_.scripts["db"] = IgnoresSigterm(Runs(kForever));
    options_.entrypoint_bin = "/bin/ep";
    options_.nop_bin = "/bin/nop";
    options_.grace = 30s;
    options_.on_verdict = [&](const PodRun& run) {
      verdicts_.push_back(run);
      verdict_at_ = rt_.Now();
    };
  }

  Result<PodRun> Run(const PodSpec& pod) { return RunPodOn(pod, options_, sink_, rt_); }

  FakeRuntime rt_;
  KubeletOptions options_;
  RecordingSink sink_;
  std::vector<PodRun> verdicts_;
  milliseconds verdict_at_{-1};
};

TEST_F(KubeletTest, VerdictComesWhenTheStepsEndThenSidecarsAreSwappedForNop) {
  auto run = Run(TaskRunPod());
  ASSERT_TRUE(run) << run.error().message;
  // The steps ended at 5 ms + 2 s: the verdict came then, with the sidecar
  // still running, though it ignores SIGTERM and the grace period is 30 s.
  ASSERT_EQ(verdicts_.size(), 1u);
  EXPECT_EQ(verdict_at_, 2005ms);
  const PodRun& verdict = verdicts_[0];
  EXPECT_EQ(verdict.completion_time, FakeRuntime::Wall(2005ms));
  EXPECT_TRUE(verdict.containers[2].started);
  EXPECT_FALSE(verdict.containers[2].terminated);
  EXPECT_EQ(verdict.containers[0].message, R"([{"key":"r"}])");
  // Then: SIGTERM, SIGKILL after the grace period, and the nop image.
  ASSERT_EQ(rt_.signals.size(), 2u);
  EXPECT_EQ(rt_.signals[0].signo, SIGTERM);
  EXPECT_EQ(rt_.signals[0].at, 2005ms);
  EXPECT_EQ(rt_.signals[1].signo, SIGKILL);
  EXPECT_EQ(rt_.signals[1].at, 32005ms);
  ASSERT_EQ(rt_.launches.size(), 5u);
  EXPECT_TRUE(rt_.launches[4].nop_image);
  EXPECT_EQ(rt_.launches[4].argv, std::vector<std::string>{"db"});
  const ContainerStatus& db = run->containers[2];
  EXPECT_TRUE(db.replaced_by_nop);
  EXPECT_EQ(db.reason, "StartError");
  EXPECT_EQ(db.message, "exec: \"db\": executable file not found in $PATH");
  // The completion time stays the steps' end.
  EXPECT_EQ(run->completion_time, FakeRuntime::Wall(2005ms));
  EXPECT_EQ(run->containers[1].finished_at, FakeRuntime::Wall(2005ms));
}

TEST_F(KubeletTest, AZeroGracePeriodKillsAtOnce) {
  options_.grace = 0s;
  auto run = Run(TaskRunPod());
  ASSERT_TRUE(run) << run.error().message;
  ASSERT_EQ(rt_.signals.size(), 2u);
  EXPECT_EQ(rt_.signals[1].signo, SIGKILL);
  EXPECT_EQ(rt_.signals[1].at, 2005ms);
}

TEST_F(KubeletTest, ReadyIsAnnotatedOnceTheSidecarRuns) {
  rt_.scripts["db"].runs_for = kForever;
  auto run = Run(TaskRunPod());
  ASSERT_TRUE(run) << run.error().message;
  ASSERT_GE(rt_.downward.size(), 2u);
  EXPECT_EQ(rt_.downward[0].second.at("ready"), "");
  EXPECT_EQ(rt_.downward[1].first, 5ms);
  EXPECT_EQ(rt_.downward[1].second.at("ready"), "READY");
  EXPECT_EQ(rt_.downward.size(), 2u);
}

// As Tekton's SidecarsReady: an ended sidecar, even a failed one, no longer
// holds the steps back.
TEST_F(KubeletTest, ASidecarThatFailedStillLetsTheStepsStart) {
  rt_.scripts["db"] = Runs(0ms, 1);
  auto run = Run(TaskRunPod());
  ASSERT_TRUE(run) << run.error().message;
  ASSERT_FALSE(rt_.downward.empty());
  EXPECT_EQ(rt_.downward.back().second.at("ready"), "READY");
  EXPECT_EQ(run->containers[2].exit_code, 1);
  // An ended sidecar is not restarted with nop.
  EXPECT_EQ(rt_.launches.size(), 4u);
  EXPECT_FALSE(run->containers[2].replaced_by_nop);
}

TEST_F(KubeletTest, ContainersGetTheirCommandEnvironmentAndMounts) {
  PodSpec pod = TaskRunPod();
  pod.containers[0].args = {"$(GREETING)", "$$(GREETING)"};
  pod.containers[0].env = {{"GREETING", "hi", ""}, {"POD", "", "metadata.name"}};
  pod.containers[0].working_dir = "/w/$(GREETING)";
  pod.containers[0].volume_mounts = {{"downward", "/tekton/downward", true}};
  auto run = Run(pod);
  ASSERT_TRUE(run) << run.error().message;
  const ContainerLaunch& a = rt_.launches[1];
  EXPECT_EQ(a.container, 1u);
  EXPECT_EQ(a.argv, (std::vector<std::string>{"step-a", "hi", "$(GREETING)"}));
  EXPECT_EQ(a.env, (std::vector<std::string>{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:"
                                             "/usr/bin:/sbin:/bin",
                                             "HOSTNAME=tr-pod", "HOME=/root", "GREETING=hi",
                                             "POD=tr-pod"}));
  EXPECT_EQ(a.working_dir, "/w/hi");
  ASSERT_EQ(a.mounts.size(), 4u);
  EXPECT_EQ(a.mounts[0].container_path, "/tekton/downward");
  EXPECT_EQ(a.mounts[0].source, "/pod/v/0");
  EXPECT_TRUE(a.mounts[0].read_only);
  EXPECT_EQ(a.mounts[1].container_path, "/dev/termination-log");
  EXPECT_EQ(a.mounts[1].source, "/pod/t/1");
  EXPECT_EQ(a.mounts[1].kind, MountRequest::kFile);
  EXPECT_EQ(a.mounts[2].source, "/bin/ep");
  EXPECT_EQ(a.mounts[3].source, "/bin/nop");
}

TEST_F(KubeletTest, ContainerWithoutCommandRunsNopIndefinitely) {
  PodSpec pod = TaskRunPod();
  pod.containers[2].command.clear();
  pod.containers[2].args = {"ignored"};
  rt_.scripts["/ko-app/nop"] = Runs(kForever);
  auto run = Run(pod);
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(rt_.launches[3].argv,
            (std::vector<std::string>{"/ko-app/nop", "tekton_run_indefinitely"}));
  // The nop image's entrypoint is nop, with the container's args.
  EXPECT_EQ(rt_.launches[4].argv, (std::vector<std::string>{"/ko-app/nop", "ignored"}));
  EXPECT_EQ(run->containers[2].reason, "Completed");
  EXPECT_NE(std::find(sink_.lines.begin(), sink_.lines.end(),
                      "sidecar-db: podsim: no command (images are not pulled): running "
                      "/ko-app/nop tekton_run_indefinitely in its place"),
            sink_.lines.end());
}

TEST_F(KubeletTest, TheDeadlineGivesTheVerdictAndStopsEverythingWithoutNop) {
  rt_.scripts["step-a"] = IgnoresSigterm(Runs(kForever));
  options_.deadline = 3s;
  options_.grace = 2s;
  auto run = Run(TaskRunPod());
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_TRUE(run->timed_out);
  EXPECT_EQ(verdict_at_, 3000ms);
  EXPECT_EQ(run->completion_time, FakeRuntime::Wall(3000ms));
  EXPECT_EQ(rt_.launches.size(), 4u);  // no nop
  EXPECT_EQ(run->containers[0].exit_code, 137);
  EXPECT_EQ(run->containers[0].finished_at, FakeRuntime::Wall(5000ms));
  EXPECT_EQ(run->containers[2].exit_code, 137);
}

TEST_F(KubeletTest, TheDeadlineCountsFromThePodsStartAcrossInitContainers) {
  rt_.scripts["prepare"] = Runs(kForever);
  options_.deadline = 1s;
  options_.grace = 1s;
  auto run = Run(TaskRunPod());
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_TRUE(run->timed_out);
  EXPECT_EQ(rt_.launches.size(), 1u);
  EXPECT_EQ(run->init_containers[0].exit_code, 143);
  EXPECT_FALSE(run->containers[0].started);
}

TEST_F(KubeletTest, CancelAfterAnnotatesWhileAStepRuns) {
  options_.cancel_after = 500ms;
  auto run = Run(TaskRunPod());
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_TRUE(run->cancelled);
  ASSERT_EQ(rt_.downward.size(), 3u);
  EXPECT_EQ(rt_.downward[2].first, 505ms);
  EXPECT_EQ(rt_.downward[2].second.at("cancel"), "CANCEL");
}

TEST_F(KubeletTest, CancelAfterTheStepsEndedDoesNothing) {
  options_.cancel_after = 5s;
  auto run = Run(TaskRunPod());
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_FALSE(run->cancelled);
  for (const auto& [at, files] : rt_.downward) EXPECT_EQ(files.at("cancel"), "");
}

TEST_F(KubeletTest, AFailedInitContainerEndsThePod) {
  rt_.scripts["prepare"] = Runs(10ms, 3);
  auto run = Run(TaskRunPod());
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_TRUE(run->init_failed);
  EXPECT_EQ(verdict_at_, 10ms);
  EXPECT_EQ(rt_.launches.size(), 1u);
  EXPECT_EQ(run->init_containers[0].reason, "Error");
}

TEST_F(KubeletTest, AStartErrorIsTheContainersResult) {
  rt_.scripts["step-a"].start_error = "exec: \"step-a\": executable file not found in $PATH";
  auto run = Run(TaskRunPod());
  ASSERT_TRUE(run) << run.error().message;
  const ContainerStatus& a = run->containers[0];
  EXPECT_FALSE(a.started);
  EXPECT_TRUE(a.terminated);
  EXPECT_EQ(a.exit_code, 128);
  EXPECT_EQ(a.reason, "StartError");
  EXPECT_EQ(a.message, "exec: \"step-a\": executable file not found in $PATH");
  EXPECT_NE(std::find(sink_.lines.begin(), sink_.lines.end(),
                      "step-a: podsim: container did not start: exec: \"step-a\": executable "
                      "file not found in $PATH"),
            sink_.lines.end());
  // step-b waits for step-a's post file until the timeout, as in Tekton: said.
  const std::string hint =
      "step-a: podsim: as in Tekton, the steps after this one wait for it until the TaskRun's "
      "timeout (--timeout shortens it; Ctrl-C stops podsim)";
  EXPECT_NE(std::find(sink_.lines.begin(), sink_.lines.end(), hint), sink_.lines.end());
}

TEST_F(KubeletTest, TheLastStepsStartErrorHasNoWaitingHint) {
  rt_.scripts["step-b"].start_error = "exec: \"step-b\": executable file not found in $PATH";
  auto run = Run(TaskRunPod());
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->containers[1].reason, "StartError");
  for (const std::string& line : sink_.lines) {
    EXPECT_EQ(line.find("wait for it"), std::string::npos) << line;
  }
}

TEST_F(KubeletTest, PlainPodEndsWhenEveryContainerDoes) {
  PodSpec pod;
  pod.name = "plain";
  pod.containers = {MakeContainer("web", "db"), MakeContainer("job", "step-a")};
  rt_.scripts["db"].runs_for = 4s;
  auto run = Run(pod);
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(verdict_at_, 4000ms);
  EXPECT_TRUE(rt_.signals.empty());
  EXPECT_TRUE(rt_.downward.empty());
}

TEST_F(KubeletTest, InterruptionFailsTheRun) {
  rt_.interrupt_at = 1500ms;
  auto run = Run(TaskRunPod());
  ASSERT_FALSE(run);
  EXPECT_EQ(run.error().message, "interrupted by SIGTERM");
  EXPECT_TRUE(verdicts_.empty());
}

TEST_F(KubeletTest, OutputIsLoggedByLineAcrossChunks) {
  rt_.scripts["step-a"].output = "one\ntwo\nthree";
  auto run = Run(TaskRunPod());
  ASSERT_TRUE(run) << run.error().message;
  std::vector<std::string> a;
  for (const std::string& line : sink_.lines) {
    if (line.starts_with("step-a: ")) a.push_back(line);
  }
  EXPECT_EQ(a, (std::vector<std::string>{"step-a: one", "step-a: two", "step-a: three"}));
}

TEST_F(KubeletTest, TerminationMessagesAreCutToTheBudget) {
  rt_.scripts["step-a"].termination_message = std::string(5000, 'x') + "end";
  auto run = Run(TaskRunPod());
  ASSERT_TRUE(run) << run.error().message;
  // Four containers share 12 KiB: 3072 bytes each, the last ones.
  EXPECT_EQ(run->containers[0].message.size(), 3072u);
  EXPECT_TRUE(run->containers[0].message.ends_with("xend"));
}

TEST_F(KubeletTest, UsersComeFromTheContainerElseThePod) {
  PodSpec pod = TaskRunPod();
  pod.security_context.run_as_user = 1000;
  pod.security_context.run_as_group = 2000;
  pod.containers[1].security_context.run_as_user = 3000;
  pod.containers[2].security_context.run_as_group = 4000;
  auto run = Run(pod);
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(rt_.launches[1].uid, 1000u);
  EXPECT_EQ(rt_.launches[1].gid, std::optional<gid_t>(2000));
  EXPECT_EQ(rt_.launches[2].uid, 3000u);
  EXPECT_EQ(rt_.launches[2].gid, std::optional<gid_t>(2000));
  EXPECT_EQ(rt_.launches[3].uid, 1000u);
  EXPECT_EQ(rt_.launches[3].gid, std::optional<gid_t>(4000));
}

TEST_F(KubeletTest, RunAsNonRootRefusesRoot) {
  PodSpec pod = TaskRunPod();
  pod.security_context.run_as_non_root = true;
  pod.init_containers[0].security_context.run_as_user = 1000;
  pod.containers[1].security_context.run_as_user = 0;
  auto run = Run(pod);
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->init_containers[0].reason, "Completed");
  EXPECT_EQ(run->containers[0].message,
            "container has runAsNonRoot and image will run as root (pod: \"tr-pod_default(u1)\", "
            "container: step-a)");
  EXPECT_EQ(run->containers[1].message,
            "container's runAsUser breaks non-root policy (pod: \"tr-pod_default(u1)\", "
            "container: step-b)");
}

TEST(PodsimLineSplitter, SplitsAtNewlinesAndEvery16KiB) {
  LineSplitter splitter;
  std::vector<std::string> lines;
  auto line = [&](std::string_view text) { lines.emplace_back(text); };
  splitter.Feed("a\nb", line);
  splitter.Feed("c\n\n", line);
  EXPECT_EQ(lines, (std::vector<std::string>{"a", "bc", ""}));
  lines.clear();
  // 40 000 bytes without a newline, fed in odd chunks: two full lines, the
  // rest at the end.
  const std::string big(40'000, 'x');
  for (size_t pos = 0; pos < big.size(); pos += 7777) splitter.Feed(big.substr(pos, 7777), line);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].size(), LineSplitter::kMaxLine);
  EXPECT_EQ(lines[1].size(), LineSplitter::kMaxLine);
  splitter.Flush(line);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[2].size(), 40'000 - 2 * LineSplitter::kMaxLine);
  splitter.Flush(line);
  EXPECT_EQ(lines.size(), 3u);
}

TEST(PodsimLineSplitter, ALineOfExactlyTheLimitIsOneLine) {
  LineSplitter splitter;
  std::vector<std::string> lines;
  auto line = [&](std::string_view text) { lines.emplace_back(text); };
  splitter.Feed(std::string(LineSplitter::kMaxLine, 'y'), line);
  splitter.Feed("\nz\n", line);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], std::string(LineSplitter::kMaxLine, 'y'));
  EXPECT_EQ(lines[1], "z");
}

TEST(PodsimPrimaryGroup, FromPasswd) {
  const std::string passwd =
      "root:x:0:0:root:/root:/bin/bash\n"
      "broken line\n"
      "bad:x:12:notanumber::\n"
      "user:x:1000:1001:User,,,:/home/user:/bin/bash\n"
      "short:x:7:8";
  EXPECT_EQ(PrimaryGroupOf(passwd, 0), std::optional<gid_t>(0));
  EXPECT_EQ(PrimaryGroupOf(passwd, 1000), std::optional<gid_t>(1001));
  EXPECT_EQ(PrimaryGroupOf(passwd, 7), std::optional<gid_t>(8));
  EXPECT_EQ(PrimaryGroupOf(passwd, 12), std::nullopt);
  EXPECT_EQ(PrimaryGroupOf(passwd, 4242), std::nullopt);
  EXPECT_EQ(PrimaryGroupOf("", 0), std::nullopt);
}

// --- volumes, readiness probes and images (issue 10 §2) ---

Probe ExecProbe() {
  Probe probe;
  probe.kind = Probe::kExec;
  probe.command = {"test", "-f", "/ready"};
  probe.period = 1s;
  return probe;
}

TEST_F(KubeletTest, AReadinessProbeHoldsTheReadyAnnotationUntilItPasses) {
  rt_.scripts["step-a"] = Runs(5000ms);
  PodSpec pod = TaskRunPod();
  pod.containers[2].readiness_probe = ExecProbe();
  rt_.probe_passes_from[3] = 3;  // runs: prepare 0, step-a 1, step-b 2, sidecar-db 3
  auto run = Run(pod);
  ASSERT_TRUE(run) << run.error().message;
  // Probes at 5 ms, 1005 ms and 2005 ms (each 100 ms long); the third passes.
  ASSERT_GE(rt_.probes.size(), 3u);
  EXPECT_EQ(rt_.probes[0], (std::pair<RunId, milliseconds>{3, 5ms}));
  EXPECT_EQ(rt_.probes[1].second, 1005ms);
  EXPECT_EQ(rt_.probes[2].second, 2005ms);
  ASSERT_GE(rt_.downward.size(), 2u);
  EXPECT_EQ(rt_.downward[1].first, 2105ms);
  EXPECT_EQ(rt_.downward[1].second.at("ready"), "READY");
  const auto said = [&](const std::string& line) {
    return std::count(sink_.lines.begin(), sink_.lines.end(), line);
  };
  EXPECT_EQ(said("sidecar-db: podsim: readiness probe failed: exit status 1"), 1);
  EXPECT_EQ(said("sidecar-db: podsim: readiness probe passed: ready"), 1);
  // Its probing ends with it (stopped by the nop swap after the steps).
  EXPECT_EQ(rt_.launches.size(), 5u);
}

TEST_F(KubeletTest, AProbeThatOverrunsItsTimeoutIsStoppedAndFails) {
  rt_.scripts["step-a"] = Runs(3000ms);
  rt_.probe_takes = kForever;
  PodSpec pod = TaskRunPod();
  pod.containers[2].readiness_probe = ExecProbe();
  auto run = Run(pod);
  ASSERT_TRUE(run) << run.error().message;
  for (const auto& [at, files] : rt_.downward) EXPECT_EQ(files.at("ready"), "") << at.count();
  ASSERT_FALSE(rt_.stopped_probes.empty());
  EXPECT_EQ(rt_.stopped_probes[0], 3);
  EXPECT_EQ(std::count(sink_.lines.begin(), sink_.lines.end(),
                       "sidecar-db: podsim: readiness probe failed: readiness probe timed out "
                       "after 1s"),
            1);
}

TEST_F(KubeletTest, ApiDataVolumesAreWrittenAndMountedReadOnly) {
  ConfigObjects objects;
  ASSERT_TRUE(objects.Add(
      {nlohmann::json::parse(R"({"kind":"ConfigMap","metadata":{"name":"cm"},"data":{"k":"v"}})")},
      "test"));
  options_.objects = &objects;
  PodSpec pod = TaskRunPod();
  Volume cm;
  cm.name = "cm";
  cm.source.kind = VolumeSource::kConfigMap;
  cm.source.projections = {Projection{Projection::kConfigMap, "cm", false, {}, {}}};
  Volume host;
  host.name = "host";
  host.source.kind = VolumeSource::kHostPath;
  host.source.host_path = "/srv/data";
  host.source.host_path_type = "DirectoryOrCreate";
  Volume scratch;
  scratch.name = "scratch";
  pod.volumes.insert(pod.volumes.end(), {cm, host, scratch});
  pod.containers[0].volume_mounts = {
      {"cm", "/etc/cm", false}, {"host", "/data", false}, {"scratch", "/nested", false, "a/b"}};
  auto run = Run(pod);
  ASSERT_TRUE(run) << run.error().message;
  ASSERT_GE(rt_.downward.size(), 2u);
  EXPECT_EQ(rt_.downward[1].second, (std::map<std::string, std::string>{{"k", "v"}}));
  EXPECT_EQ(rt_.host_paths, std::vector<std::string>{"/srv/data DirectoryOrCreate"});
  const auto& mounts = rt_.launches[1].mounts;
  EXPECT_EQ(mounts[0].source, "/pod/v/1");
  EXPECT_TRUE(mounts[0].read_only);  // configMap: always
  EXPECT_EQ(mounts[1].source, "/srv/data");
  EXPECT_FALSE(mounts[1].read_only);
  EXPECT_EQ(mounts[2].source, "/pod/v/3/a/b");
}

class FakeImages : public ImageStore {
 public:
  std::optional<ImageConfig> Find(const std::string& image) override {
    if (image != "tiny") return std::nullopt;
    ImageConfig config;
    config.entrypoint = {"/bin/ash", "-c"};
    config.cmd = {"echo from cmd"};
    config.env = {"PATH=/image/bin", "FROM=image"};
    config.working_dir = "/work";
    config.user = "1000:2000";
    config.rootfs = "/images/tiny";
    return config;
  }
};

// The TaskRun pod with its sidecar on the "tiny" image, without a command.
PodSpec SidecarOnTinyImage(KubeletOptions& options, FakeImages& images, FakeRuntime& runtime) {
  options.images = &images;
  runtime.scripts["/bin/ash"] = Runs(kForever);
  PodSpec pod = TaskRunPod();
  pod.containers[2].command.clear();
  pod.containers[2].image = "tiny";
  return pod;
}

TEST_F(KubeletTest, AnImageGivesRootCommandEnvWorkingDirAndUser) {
  FakeImages images;
  PodSpec pod = SidecarOnTinyImage(options_, images, rt_);
  pod.containers[2].env = {{"FROM", "container", "", std::nullopt}};
  pod.containers[1].image = "unknown";
  auto run = Run(pod);
  ASSERT_TRUE(run) << run.error().message;
  const ContainerLaunch& sidecar = rt_.launches[3];
  EXPECT_EQ(sidecar.argv, (std::vector<std::string>{"/bin/ash", "-c", "echo from cmd"}));
  EXPECT_EQ(sidecar.rootfs, "/images/tiny");
  EXPECT_EQ(sidecar.working_dir, "/work");
  EXPECT_EQ(sidecar.uid, 1000u);
  EXPECT_EQ(sidecar.gid, 2000u);
  EXPECT_NE(std::find(sidecar.env.begin(), sidecar.env.end(), "PATH=/image/bin"),
            sidecar.env.end());
  EXPECT_NE(std::find(sidecar.env.begin(), sidecar.env.end(), "FROM=container"), sidecar.env.end());
  EXPECT_EQ(std::find(sidecar.env.begin(), sidecar.env.end(), "FROM=image"), sidecar.env.end());
  // Unknown image: the host's root, as before, said once.
  EXPECT_EQ(rt_.launches[2].rootfs, "");
  EXPECT_EQ(std::count(sink_.lines.begin(), sink_.lines.end(),
                       "podsim: no local image for unknown: their containers run on the "
                       "read-only host root (see --image)"),
            1);
}

TEST_F(KubeletTest, ArgsReplaceTheImagesCmd) {
  FakeImages images;
  PodSpec pod = SidecarOnTinyImage(options_, images, rt_);
  pod.containers[2].args = {"echo from args"};
  auto run = Run(pod);
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(rt_.launches[3].argv, (std::vector<std::string>{"/bin/ash", "-c", "echo from args"}));
  // The nop image knows nothing of it: nop with the container's args.
  EXPECT_EQ(rt_.launches[4].argv, (std::vector<std::string>{"/ko-app/nop", "echo from args"}));
}

}  // namespace
}  // namespace podstep::podsim
