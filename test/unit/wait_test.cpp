#include "common/wait.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>

namespace podstep {
namespace {

// A scripted filesystem: each Next() call advances time by running the next
// scripted change.
class FakeFiles : public FileProbe {
 public:
  FileState Stat(const std::string& path) override {
    ++stats;
    if (auto error = errors.find(path); error != errors.end()) {
      return {FileState::kError, 0, error->second};
    }
    auto found = files.find(path);
    if (found == files.end()) return {FileState::kMissing};
    return {FileState::kExists, static_cast<long long>(found->second.size())};
  }
  LockState ProbeLock(const std::string& lock_path) override {
    auto found = locks.find(lock_path);
    LockState state = found == locks.end() ? LockState::kAbsent : found->second;
    if (on_lock_probe) on_lock_probe();
    return state;
  }
  std::map<std::string, std::string> files;
  std::map<std::string, int> errors;
  std::map<std::string, LockState> locks;
  std::function<void()> on_lock_probe;
  int stats = 0;
};

// Each Next() also advances the fake clock by `tick`, never past the deadline.
class ScriptedEvents : public WaitEvents {
 public:
  explicit ScriptedEvents(std::vector<std::function<int()>> steps) : steps_(std::move(steps)) {}
  int Next(const std::string& file, std::optional<Clock::time_point> deadline) override {
    last_file = file;
    last_deadline = deadline;
    now += tick;
    if (deadline && now > *deadline) now = *deadline;
    if (calls >= steps_.size()) {
      ADD_FAILURE() << "waited more often than scripted";
      return 15;
    }
    return steps_[calls++]();
  }
  Clock::time_point Now() override { return now; }
  size_t calls = 0;
  std::string last_file;
  std::optional<Clock::time_point> last_deadline;
  Clock::time_point now{};
  std::chrono::milliseconds tick{100};

 private:
  std::vector<std::function<int()>> steps_;
};

TEST(WaitForFileTest, EmptyNameIsReadyWithoutLooking) {
  FakeFiles files;
  ScriptedEvents events({});
  EXPECT_EQ(WaitForFile("", {}, files, events).status, WaitOutcome::kReady);
  EXPECT_EQ(files.stats, 0);
}

TEST(WaitForFileTest, ExistingFileIsReadyAtOnce) {
  FakeFiles files;
  files.files["/run/0/out"] = "";
  ScriptedEvents events({});
  EXPECT_EQ(WaitForFile("/run/0/out", {}, files, events).status, WaitOutcome::kReady);
}

TEST(WaitForFileTest, WaitsUntilTheFileAppears) {
  FakeFiles files;
  ScriptedEvents events({[] { return 0; },
                         [&] {
                           files.files["/run/0/out"] = "";
                           return 0;
                         }});
  EXPECT_EQ(WaitForFile("/run/0/out", {}, files, events).status, WaitOutcome::kReady);
  EXPECT_EQ(events.calls, 2u);
  EXPECT_EQ(events.last_file, "/run/0/out");
}

TEST(WaitForFileTest, ExpectContentIgnoresAnEmptyFile) {
  FakeFiles files;
  files.files["/downward/ready"] = "";
  ScriptedEvents events({[&] {
    files.files["/downward/ready"] = "READY";
    return 0;
  }});
  EXPECT_EQ(WaitForFile("/downward/ready", {.expect_content = true}, files, events).status,
            WaitOutcome::kReady);
  EXPECT_EQ(events.calls, 1u);
}

TEST(WaitForFileTest, ErrFileMeansThePreviousStepFailed) {
  FakeFiles files;
  files.files["/run/0/out.err"] = "";
  ScriptedEvents events({});
  EXPECT_EQ(WaitForFile("/run/0/out", {}, files, events).status, WaitOutcome::kPreviousStepFailed);
}

TEST(WaitForFileTest, ErrFileEndsTheWaitUnderBreakpointOnFailure) {
  FakeFiles files;
  files.files["/run/0/out.err"] = "";
  ScriptedEvents events({});
  EXPECT_EQ(WaitForFile("/run/0/out", {.breakpoint_on_failure = true}, files, events).status,
            WaitOutcome::kReady);
}

TEST(WaitForFileTest, StatErrorOtherThanMissingEndsTheWait) {
  FakeFiles files;
  files.errors["/run/0/out"] = ENOTDIR;
  ScriptedEvents events({});
  WaitOutcome outcome = WaitForFile("/run/0/out", {}, files, events);
  EXPECT_EQ(outcome.status, WaitOutcome::kStatError);
  EXPECT_EQ(outcome.sys_errno, ENOTDIR);
}

TEST(WaitForFileTest, SignalInterruptsTheWait) {
  FakeFiles files;
  ScriptedEvents events({[] { return 15; }});
  WaitOutcome outcome = WaitForFile("/run/0/out", {}, files, events);
  EXPECT_EQ(outcome.status, WaitOutcome::kInterrupted);
  EXPECT_EQ(outcome.signal, 15);
}

TEST(WaitForFileTest, HeldLockKeepsWaiting) {
  FakeFiles files;
  files.locks["/run/0/out.lock"] = LockState::kHeld;
  ScriptedEvents events({[&] {
    files.files["/run/0/out"] = "";
    return 0;
  }});
  EXPECT_EQ(WaitForFile("/run/0/out", {}, files, events).status, WaitOutcome::kReady);
}

TEST(WaitForFileTest, FreeLockWithoutFilesMeansThePredecessorWasKilled) {
  FakeFiles files;
  files.locks["/run/0/out.lock"] = LockState::kFree;
  ScriptedEvents events({});
  EXPECT_EQ(WaitForFile("/run/0/out", {}, files, events).status, WaitOutcome::kPredecessorKilled);
}

TEST(WaitForFileTest, PostFileWrittenJustBeforeTheLockWasReleasedIsNotAKill) {
  // The predecessor wrote its post file between our first stat and the lock
  // probe, then exited: the re-check after the lock probe must see it.
  for (const char* written : {"/run/0/out", "/run/0/out.err"}) {
    FakeFiles files;
    files.locks["/run/0/out.lock"] = LockState::kFree;
    files.on_lock_probe = [&] { files.files[written] = ""; };
    ScriptedEvents events({});
    WaitOutcome outcome = WaitForFile("/run/0/out", {}, files, events);
    EXPECT_NE(outcome.status, WaitOutcome::kPredecessorKilled) << written;
  }
}

TEST(WaitForFileTest, UnknownLockStateKeepsWaiting) {
  FakeFiles files;
  files.locks["/run/0/out.lock"] = LockState::kUnknown;
  ScriptedEvents events({[&] {
    files.files["/run/0/out"] = "";
    return 0;
  }});
  EXPECT_EQ(WaitForFile("/run/0/out", {}, files, events).status, WaitOutcome::kReady);
}

TEST(WaitForContentTest, ContentAlreadyThereNeedsNoWait) {
  FakeFiles files;
  files.files["/run/0/out.breakpointexit"] = "1\n";
  ScriptedEvents events({});
  EXPECT_TRUE(WaitForContent("/run/0/out.breakpointexit", std::chrono::seconds(5), files, events));
}

// `echo 1 > f`: created empty, written a moment later.
TEST(WaitForContentTest, WaitsForTheWriteAfterTheCreation) {
  FakeFiles files;
  files.files["/f"] = "";
  ScriptedEvents events({[] { return 0; },
                         [&] {
                           files.files["/f"] = "1\n";
                           return 0;
                         }});
  EXPECT_TRUE(WaitForContent("/f", std::chrono::seconds(5), files, events));
  EXPECT_EQ(events.calls, 2u);
  ASSERT_TRUE(events.last_deadline.has_value());
  EXPECT_EQ(*events.last_deadline, WaitEvents::Clock::time_point{} + std::chrono::seconds(5));
}

TEST(WaitForContentTest, GivesUpAtTheBound) {
  FakeFiles files;
  files.files["/f"] = "";
  std::vector<std::function<int()>> steps(100, [] { return 0; });
  ScriptedEvents events(steps);
  EXPECT_FALSE(WaitForContent("/f", std::chrono::seconds(1), files, events));
  EXPECT_EQ(events.calls, 10u);  // 100 ms a tick
}

TEST(WaitForContentTest, ASignalEndsTheWait) {
  FakeFiles files;
  files.files["/f"] = "";
  ScriptedEvents events({[] { return 15; }});
  EXPECT_FALSE(WaitForContent("/f", std::chrono::seconds(5), files, events));
}

}  // namespace
}  // namespace podstep
