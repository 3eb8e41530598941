// The pod-setup subcommands, `stepinit` and `nop` as the controller runs them
// (CONTRACT.md §1, §8, §10).

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <filesystem>

#include "process/process_support.h"

namespace podstep::test {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

class SubcommandProcessTest : public EntrypointTest {};

TEST_F(SubcommandProcessTest, InitCopiesItselfAndLinksTheSteps) {
  RunOutcome r =
      Run({"init", EntrypointBin(), root() + "/bin/entrypoint", "step-a", "step-unnamed-1"});
  // /tekton/bin is an emptyDir in a pod: it exists before init runs.
  ASSERT_EQ(r.status, ExitStatus::Exited(1)) << "no bin dir yet: the copy must fail cleanly";
  EXPECT_THAT(r.err, HasSubstr("init error: "));

  MakeDirs(root() + "/bin");
  r = Run({"init", EntrypointBin(), root() + "/bin/entrypoint", "step-a", "step-unnamed-1"});
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_THAT(r.err, HasSubstr("Entrypoint initialization"));
  EXPECT_EQ(ReadFileOr(root() + "/bin/entrypoint"), ReadFileOr(EntrypointBin()));
  struct stat st {};
  ASSERT_EQ(stat((root() + "/bin/entrypoint").c_str(), &st), 0);
  EXPECT_TRUE(st.st_mode & S_IXUSR);
  EXPECT_EQ(fs::read_symlink(root() + "/steps/step-a"), root() + "/run/0/status");
  EXPECT_EQ(fs::read_symlink(root() + "/steps/1"), root() + "/run/1/status");

  // A restarted init container succeeds again.
  r = Run({"init", EntrypointBin(), root() + "/bin/entrypoint", "step-a", "step-unnamed-1"});
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
}

TEST_F(SubcommandProcessTest, CpLogsWhatItCopied) {
  WriteFile(Path("src"), "bytes");
  RunOutcome r = Run({"cp", Path("src"), Path("dst")});
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_THAT(r.err, HasSubstr("Copied " + Path("src") + " to " + Path("dst")));
  EXPECT_EQ(ReadFileOr(Path("dst")), "bytes");

  r = Run({"cp", Path("missing"), Path("dst2")});
  EXPECT_EQ(r.status, ExitStatus::Exited(1));
  EXPECT_THAT(r.err, HasSubstr("cp error: open " + Path("missing")));
}

// A destination name of NAME_MAX bytes works (the reference's does); the
// temporary file must not be named after it plus a suffix.
TEST_F(SubcommandProcessTest, CpToALongestNameWorks) {
  WriteFile(Path("src"), "bytes");
  const std::string dst = Path(std::string(255, 'e'));
  RunOutcome r = Run({"cp", Path("src"), dst});
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_EQ(ReadFileOr(dst), "bytes");
  struct stat st {};
  ASSERT_EQ(stat(dst.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0311u);
}

// §8: an existing file keeps its mode; a new one gets 0311. A symlink at the
// destination is replaced by a new file: it does not take its target's mode
// (and the target is left alone).
TEST_F(SubcommandProcessTest, CpModes) {
  WriteFile(Path("src"), "new");
  WriteFile(Path("existing"), "old");
  ASSERT_EQ(chmod(Path("existing").c_str(), 0750), 0);
  WriteFile(Path("target"), "target");
  ASSERT_EQ(chmod(Path("target").c_str(), 0644), 0);
  ASSERT_EQ(symlink(Path("target").c_str(), Path("link").c_str()), 0);

  for (const char* dst : {"existing", "link", "fresh"}) {
    RunOutcome r = Run({"cp", Path("src"), Path(dst)});
    ASSERT_EQ(r.status, ExitStatus::Exited(0)) << dst << ": " << r.err;
  }
  auto mode = [&](const std::string& name) {
    struct stat st {};
    EXPECT_EQ(lstat(Path(name).c_str(), &st), 0) << name;
    return st.st_mode;
  };
  EXPECT_EQ(mode("existing") & 07777, 0750u);
  EXPECT_TRUE(S_ISREG(mode("link")));
  EXPECT_EQ(mode("link") & 07777, 0311u);
  EXPECT_EQ(mode("fresh") & 07777, 0311u);
  EXPECT_EQ(ReadFileOr(Path("target")), "target");
  EXPECT_EQ(mode("target") & 07777, 0644u);
  for (const auto& entry : fs::directory_iterator(dir().path())) {
    EXPECT_FALSE(entry.path().filename().string().starts_with(".cp-")) << "temporary file left";
  }
}

TEST_F(SubcommandProcessTest, DecodeScript) {
  WriteFile(Path("script"), "IyEvYmluL3NoCmVjaG8gaGkK\n");  // "#!/bin/sh\necho hi\n"
  chmod(Path("script").c_str(), 0755);
  RunOutcome r = Run({"decode-script", Path("script")});
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_EQ(ReadFileOr(Path("script")), "#!/bin/sh\necho hi\n");

  WriteFile(Path("bad"), "%%%");
  r = Run({"decode-script", Path("bad")});
  EXPECT_EQ(r.status, ExitStatus::Exited(1));
  EXPECT_THAT(r.err, HasSubstr("decode-script error: "));
  EXPECT_EQ(ReadFileOr(Path("bad")), "%%%");
}

TEST_F(SubcommandProcessTest, WrongArityIsNoSubcommand) {
  // `cp a` is not a subcommand: the entrypoint runs a step (here the command).
  RunOutcome r = Run({"-post_file", Step(0).post_file, "-termination_path", Step(0).termination,
                      "-step_metadata_dir", Step(0).metadata_dir, "-entrypoint", HelperBin(), "cp",
                      "a", "--", "print", "ran"});
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_EQ(r.out, "ran\n");
}

TEST_F(SubcommandProcessTest, StepInitRefusesEscapingNames) {
  RunOutcome r = Run({"step-init", "../evil"});
  EXPECT_EQ(r.status, ExitStatus::Exited(1));
  EXPECT_THAT(r.err, HasSubstr("step-init error: "));
  EXPECT_FALSE(Exists(root() + "/evil"));
}

TEST_F(SubcommandProcessTest, StepinitBinaryMatchesTheSubcommand) {
  Process p = StartArgv({StepinitBin(), "step-a", "step-b"}, "stepinit");
  RunOutcome s = Finish(p, "stepinit");
  ASSERT_EQ(s.status, ExitStatus::Exited(0)) << s.err;
  EXPECT_EQ(fs::read_symlink(root() + "/steps/step-b"), root() + "/run/1/status");
  Process bad = StartArgv({StepinitBin(), "a/b"}, "bad");
  EXPECT_EQ(Finish(bad, "bad").status, ExitStatus::Exited(1));
  Process version = StartArgv({StepinitBin(), "--version"}, "version");
  RunOutcome v = Finish(version, "version");
  EXPECT_EQ(v.status, ExitStatus::Exited(0));
  EXPECT_THAT(v.out, HasSubstr("stepinit"));
}

TEST_F(SubcommandProcessTest, NopExitsAtOnceOrWaitsForASignal) {
  Process quick = StartArgv({NopBin(), "any", "args"}, "nop");
  RunOutcome q = Finish(quick, "nop");
  EXPECT_EQ(q.status, ExitStatus::Exited(0));
  EXPECT_THAT(q.err, HasSubstr("Exiting..."));

  for (int sig : {SIGTERM, SIGINT}) {
    Process waiting = StartArgv({NopBin(), "tekton_run_indefinitely"}, "nopwait");
    ASSERT_TRUE(WaitUntil([&] {
      return ReadFileOr(StderrPath("nopwait")).find("Waiting indefinitely...") != std::string::npos;
    }));
    EXPECT_TRUE(StaysFalse([&] { return !waiting.Running(); }, milliseconds(100)));
    waiting.Signal(sig);
    RunOutcome w = Finish(waiting, "nopwait");
    EXPECT_EQ(w.status, ExitStatus::Exited(0)) << sig;
    EXPECT_THAT(w.err, HasSubstr("received signal"));
    EXPECT_THAT(w.err, HasSubstr("Exiting..."));
  }
}

}  // namespace
}  // namespace podstep::test
