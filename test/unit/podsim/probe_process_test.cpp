// Running probes for real against a process of our own (it shares our
// namespaces, so joining them is a no-op that still goes through setns):
// exec with the target's environment and working directory, tcpSocket and
// httpGet against a listener of the test. Root only (setns needs it).

#include "podsim/sys/probe_process.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

namespace podstep::podsim {
namespace {

class ProbeProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "joining a process's namespaces needs root";
    target_ = ::fork();
    ASSERT_GE(target_, 0);
    if (target_ == 0) {
      ::pause();
      ::_exit(0);
    }
  }
  void TearDown() override {
    if (target_ > 0) {
      ::kill(target_, SIGKILL);
      ::waitpid(target_, nullptr, 0);
    }
  }

  ProbeOutcome RunProbe(const Probe& probe, std::vector<std::string> env = {}) {
    ProbeTarget target;
    target.pid = target_;
    target.env = std::move(env);
    target.working_dir = "/tmp";
    auto process = ProbeProcess::Start(probe, target);
    EXPECT_TRUE(process) << process.error().message;
    if (!process) return {};
    pollfd p{process->pid_fd(), POLLIN, 0};
    EXPECT_EQ(::poll(&p, 1, 10'000), 1) << "the probe did not end within 10 s";
    auto outcome = process->TryFinish();
    EXPECT_TRUE(outcome);
    return outcome.value_or(ProbeOutcome{});
  }

  pid_t target_ = -1;
};

Probe Exec(std::vector<std::string> command) {
  Probe p;
  p.kind = Probe::kExec;
  p.command = std::move(command);
  return p;
}

TEST_F(ProbeProcessTest, ExecSucceedsFailsAndReportsOutput) {
  EXPECT_TRUE(RunProbe(Exec({"sh", "-c", "test \"$PROBE_VAR\" = yes && test $PWD = /tmp"}),
                       {"PATH=/usr/bin:/bin", "PROBE_VAR=yes"})
                  .success);
  ProbeOutcome failed =
      RunProbe(Exec({"sh", "-c", "echo not yet; exit 3"}), {"PATH=/usr/bin:/bin"});
  EXPECT_FALSE(failed.success);
  EXPECT_EQ(failed.detail, "exec [sh -c echo not yet; exit 3]: exit status 3: not yet");
  ProbeOutcome missing = RunProbe(Exec({"no-such-command"}), {"PATH=/usr/bin:/bin"});
  EXPECT_FALSE(missing.success);
  EXPECT_EQ(missing.detail, "exec: \"no-such-command\": executable file not found in $PATH");
}

TEST_F(ProbeProcessTest, TcpAndHttp) {
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(listener, 8), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const int port = ntohs(address.sin_port);

  Probe tcp;
  tcp.kind = Probe::kTcpSocket;
  tcp.port = port;
  EXPECT_TRUE(RunProbe(tcp).success);

  // One HTTP answer per status, served by a thread of the test.
  for (const char* status : {"204", "503"}) {
    std::thread server([&] {
      // The tcpSocket probe's connection, closed at once, may still be queued.
      int c;
      char request[1024];
      while ((c = ::accept(listener, nullptr, nullptr)) >= 0 &&
             ::read(c, request, sizeof request) <= 0) {
        ::close(c);
      }
      if (c < 0) return;
      const std::string reply = std::string("HTTP/1.1 ") + status + " X\r\n\r\n";
      (void)!::write(c, reply.data(), reply.size());
      ::close(c);
    });
    Probe http = tcp;
    http.kind = Probe::kHttpGet;
    ProbeOutcome outcome = RunProbe(http);
    server.join();
    EXPECT_EQ(outcome.success, std::string(status) == "204") << outcome.detail;
    if (!outcome.success) {
      EXPECT_EQ(outcome.detail, "HTTP probe failed with statuscode: 503");
    }
  }
  ::close(listener);

  ProbeOutcome refused = RunProbe(tcp);
  EXPECT_FALSE(refused.success);
  EXPECT_EQ(refused.detail,
            "dial tcp 127.0.0.1:" + std::to_string(port) + ": connect: connection refused");
}

TEST_F(ProbeProcessTest, DestroyingARunningProbeKillsIt) {
  ProbeTarget target;
  target.pid = target_;
  target.env = {"PATH=/usr/bin:/bin"};
  auto process = ProbeProcess::Start(Exec({"sleep", "1000"}), target);
  ASSERT_TRUE(process) << process.error().message;
  EXPECT_FALSE(process->TryFinish());
  // The destructor kills and reaps it; nothing to wait for here.
}

}  // namespace
}  // namespace podstep::podsim
