// Readiness probes: parsing with Kubernetes' defaults, the prober's
// schedule and thresholds on a fake clock.

#include "podsim/probes.h"

#include <gtest/gtest.h>

namespace podstep::podsim {
namespace {

using nlohmann::json;
using std::chrono::seconds;

Result<Probe> Parse(const char* text) { return ParseProbe(json::parse(text), "c.readinessProbe"); }

std::string Error(const char* text) {
  auto p = Parse(text);
  return p ? "<parsed>" : p.error().message;
}

TEST(PodsimProbes, ParsesWithKubernetesDefaults) {
  auto exec = Parse(R"({"exec":{"command":["test","-f","/ready"]}})");
  ASSERT_TRUE(exec) << exec.error().message;
  EXPECT_EQ(exec->kind, Probe::kExec);
  EXPECT_EQ(exec->command, (std::vector<std::string>{"test", "-f", "/ready"}));
  EXPECT_EQ(exec->initial_delay, seconds(0));
  EXPECT_EQ(exec->period, seconds(10));
  EXPECT_EQ(exec->timeout, seconds(1));
  EXPECT_EQ(exec->success_threshold, 1);
  EXPECT_EQ(exec->failure_threshold, 3);

  auto tcp = Parse(
      R"({"tcpSocket":{"port":5432},"initialDelaySeconds":2,"periodSeconds":1,
          "timeoutSeconds":3,"successThreshold":2,"failureThreshold":5})");
  ASSERT_TRUE(tcp) << tcp.error().message;
  EXPECT_EQ(tcp->kind, Probe::kTcpSocket);
  EXPECT_EQ(tcp->port, 5432);
  EXPECT_EQ(tcp->host, "");
  EXPECT_EQ(tcp->initial_delay, seconds(2));
  EXPECT_EQ(tcp->period, seconds(1));
  EXPECT_EQ(tcp->timeout, seconds(3));
  EXPECT_EQ(tcp->success_threshold, 2);
  EXPECT_EQ(tcp->failure_threshold, 5);

  auto http = Parse(
      R"({"httpGet":{"path":"healthz","port":8080,"host":"::1",
          "httpHeaders":[{"name":"X-A","value":"b"}]}})");
  ASSERT_TRUE(http) << http.error().message;
  EXPECT_EQ(http->kind, Probe::kHttpGet);
  EXPECT_EQ(http->http_path, "/healthz");
  EXPECT_EQ(http->host, "::1");
  EXPECT_EQ(http->headers.size(), 1u);
}

TEST(PodsimProbes, RefusesWhatItCannotRun) {
  EXPECT_EQ(Error(R"({"periodSeconds":1})"),
            "c.readinessProbe: must specify exactly one of exec, tcpSocket, httpGet");
  EXPECT_EQ(Error(R"({"grpc":{"port":1}})"),
            "unsupported field c.readinessProbe.grpc (readiness probes: exec, tcpSocket, httpGet)");
  EXPECT_EQ(Error(R"({"tcpSocket":{"port":"http"}})"),
            "c.readinessProbe.tcpSocket.port: named port \"http\" is not supported (give the port "
            "number)");
  EXPECT_EQ(Error(R"({"tcpSocket":{"port":70000}})"),
            "c.readinessProbe.tcpSocket.port: must be between 1 and 65535");
  EXPECT_EQ(Error(R"({"tcpSocket":{"port":80,"host":"db.local"}})"),
            "c.readinessProbe.tcpSocket.host: \"db.local\" is not an IP address (the pod has no "
            "DNS; leave it out for the pod's own address)");
  EXPECT_EQ(Error(R"({"httpGet":{"port":80,"scheme":"HTTPS"}})"),
            "c.readinessProbe.httpGet.scheme: unsupported value \"HTTPS\" (HTTP only)");
  EXPECT_EQ(Error(R"({"exec":{"command":[]}})"), "c.readinessProbe.exec.command: required");
  EXPECT_EQ(Error(R"({"exec":{"command":["x"]},"periodSeconds":0})"),
            "c.readinessProbe.periodSeconds: must be between 1 and 86400");
  EXPECT_EQ(Error(R"({"exec":{"command":["x"]},"terminationGracePeriodSeconds":1})"),
            "unsupported field c.readinessProbe.terminationGracePeriodSeconds");
}

TEST(PodsimProbes, ScheduleFollowsDelayAndPeriod) {
  Probe probe;
  probe.initial_delay = seconds(5);
  probe.period = seconds(2);
  const ProbeClock::time_point start{};
  ReadinessTracker tracker(probe, start);
  EXPECT_FALSE(tracker.ready());
  EXPECT_EQ(tracker.next_probe(), start + seconds(5));
  tracker.ProbeStarted(start + seconds(5));
  EXPECT_EQ(tracker.next_probe(), start + seconds(7));
  EXPECT_FALSE(tracker.ProbeFinished(false));
  // A probe that overran its period is followed at once (the next is already due).
  tracker.ProbeStarted(start + seconds(7));
  EXPECT_LE(tracker.next_probe(), start + seconds(9));
}

TEST(PodsimProbes, ThresholdsCountResultsInARow) {
  Probe probe;
  probe.success_threshold = 2;
  probe.failure_threshold = 3;
  ReadinessTracker tracker(probe, ProbeClock::time_point{});
  const std::vector<std::pair<bool, bool>> steps = {
      // result, ready after it
      {true, false}, {false, false}, {true, false}, {true, true},   // two in a row: ready
      {false, true}, {false, true},  {true, true},  {false, true},  // failures interrupted
      {false, true}, {false, false},                                // three in a row: not ready
      {true, false}, {true, true},
  };
  for (size_t i = 0; i < steps.size(); ++i) {
    const bool before = tracker.ready();
    const bool changed = tracker.ProbeFinished(steps[i].first);
    EXPECT_EQ(tracker.ready(), steps[i].second) << "step " << i;
    EXPECT_EQ(changed, before != tracker.ready()) << "step " << i;
  }
}

}  // namespace
}  // namespace podstep::podsim

namespace podstep::podsim {
namespace {

TEST(PodsimReadinessProber, RunsProbesOnScheduleAndCountsTimeouts) {
  Probe probe;
  probe.period = seconds(1);
  probe.timeout = seconds(2);
  const std::vector<std::optional<Probe>> probes = {std::nullopt, probe};
  ReadinessProber prober(probes);
  const ProbeClock::time_point t0{};
  EXPECT_FALSE(prober.Ready(0));
  EXPECT_FALSE(prober.NextWake());
  prober.Started(0, t0);
  prober.Started(1, t0);
  EXPECT_TRUE(prober.Ready(0));  // no probe: ready once running
  EXPECT_FALSE(prober.Ready(1));
  EXPECT_EQ(prober.NextWake(), t0);

  EXPECT_EQ(prober.DueProbes(t0), std::vector<size_t>{1});
  EXPECT_TRUE(prober.DueProbes(t0 + seconds(1)).empty());  // one in flight at a time
  EXPECT_EQ(prober.NextWake(), t0 + seconds(2));           // its timeout
  EXPECT_EQ(prober.Overdue(t0 + seconds(2)), std::vector<size_t>{1});
  EXPECT_FALSE(prober.Finished(1, true));  // the overdue probe's late outcome is ignored
  EXPECT_FALSE(prober.Ready(1));

  EXPECT_EQ(prober.DueProbes(t0 + seconds(2)), std::vector<size_t>{1});
  EXPECT_TRUE(prober.Finished(1, true));
  EXPECT_TRUE(prober.Ready(1));
  EXPECT_EQ(prober.NextWake(), t0 + seconds(3));

  prober.Stopped(1);
  EXPECT_FALSE(prober.Ready(1));
  EXPECT_FALSE(prober.NextWake());
  EXPECT_TRUE(prober.DueProbes(t0 + seconds(10)).empty());
}

}  // namespace
}  // namespace podstep::podsim
