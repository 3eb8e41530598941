// Credential flags (CONTRACT.md §9) through the real binary: the files in
// /tekton/creds byte for byte, their copies in $HOME, and git itself reading
// them back (`git credential fill`, `insteadOf` rewriting).

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>
#include <vector>

#include "process/process_support.h"

namespace podstep::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class CredentialsTest : public EntrypointTest {
 protected:
  std::string Secrets(const std::string& relative) const {
    return root() + "/creds-secrets/" + relative;
  }
  std::string Creds(const std::string& relative) const { return root() + "/creds/" + relative; }
  std::string Home(const std::string& relative = "") const {
    return Path("home") + (relative.empty() ? "" : "/" + relative);
  }
  std::vector<std::string> HomeEnv() const { return {"HOME=" + Home()}; }

  void BasicSecret(const std::string& name, const std::string& user, const std::string& pass) {
    WriteFile(Secrets(name + "/username"), user);
    WriteFile(Secrets(name + "/password"), pass);
  }

  // All five flags, as a controller passes them for annotated secrets.
  RunOutcome RunWithAllKinds() {
    BasicSecret("repo1", "user1", "token1");
    BasicSecret("hostwide", "myorguser", "host-token");
    BasicSecret("registry", "bar", "baz");
    WriteFile(Secrets("deploy/ssh-privatekey"), "PRIVATE KEY 1\n");
    WriteFile(Secrets("deploy/known_hosts"), "github.com ssh-ed25519 AAAA");
    WriteFile(Secrets("gitlab/ssh-privatekey"), "PRIVATE KEY 2\n");
    WriteFile(Secrets("json/.dockerconfigjson"),
              R"({"auths":{"https://index.docker.io/v1/":{"auth":"fooisbar"}}})");
    WriteFile(Secrets("cfg/.dockercfg"), R"({"quay.io":{"auth":"fooisbaz","email":"a@b.c"}})");
    MakeDirs(root() + "/creds");
    MakeDirs(Home());
    return RunStep(0,
                   {"-basic-git=hostwide=https://github.com",
                    "-basic-git=repo1=https://github.com/org/repo1", "-ssh-git=deploy=github.com/org/repo1",
                    "-ssh-git=gitlab=gitlab.example.com:2222", "-basic-docker=registry=https://us.gcr.io",
                    "-docker-config=json", "-docker-cfg=cfg"},
                   Helper({"exit", "0"}), HomeEnv());
  }

  static unsigned Mode(const std::string& path) {
    struct stat info {};
    if (::lstat(path.c_str(), &info) != 0) return 0;
    return info.st_mode & 07777;
  }

  // Runs `git` with HOME set to the copy, no system config, never prompting.
  RunOutcome Git(const std::vector<std::string>& args, const std::string& stdin_text,
                 const std::vector<std::string>& extra_env = {}) {
    std::vector<std::string> argv = {"/usr/bin/git"};
    argv.insert(argv.end(), args.begin(), args.end());
    WriteFile(Path("git.stdin"), stdin_text);
    std::vector<std::string> env = {"HOME=" + Home(), "GIT_CONFIG_NOSYSTEM=1",
                                    "GIT_TERMINAL_PROMPT=0", "PATH=/usr/bin:/bin"};
    env.insert(env.end(), extra_env.begin(), extra_env.end());
    SpawnOptions options{argv, env, Path("git.stdout"), Path("git.stderr"), Path("git.stdin"),
                         dir().path()};
    std::string error;
    Process p = Process::Spawn(options, &error);
    RunOutcome outcome;
    if (!p.valid()) {
      ADD_FAILURE() << error;
      return outcome;
    }
    outcome.status = p.WaitFor(kDeadline);
    outcome.out = ReadFileOr(Path("git.stdout"));
    outcome.err = ReadFileOr(Path("git.stderr"));
    return outcome;
  }

  void SkipWithoutGit() {
    if (!Exists("/usr/bin/git")) GTEST_SKIP() << "git is not installed (scripts/install-deps.sh)";
  }
};

TEST_F(CredentialsTest, WritesEveryFileByteForByte) {
  RunOutcome r = RunWithAllKinds();
  ASSERT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_TRUE(WrotePostFile(Step(0)));
  EXPECT_EQ(ReadFileOr(Creds(".gitconfig")),
            "[credential]\n\thelper = store\n"
            "[credential \"https://github.com\"]\n\tusername = myorguser\n"
            "[credential \"https://github.com/org/repo1\"]\n\tusername = user1\n"
            "\tuseHttpPath = true\n"
            "[url \"git@github.com--org--repo1:org/repo1.git\"]\n"
            "\tinsteadOf = git@github.com:org/repo1.git\n"
            "[url \"ssh://github.com--org--repo1/org/repo1.git\"]\n"
            "\tinsteadOf = ssh://github.com/org/repo1.git\n");
  EXPECT_EQ(ReadFileOr(Creds(".git-credentials")),
            "https://myorguser:host-token@github.com\n"
            "https://user1:token1@github.com/org/repo1\n");
  EXPECT_EQ(ReadFileOr(Creds(".ssh/config")),
            "Host gitlab.example.com\n    HostName gitlab.example.com\n    Port 2222\n"
            "    IdentityFile " + Creds(".ssh/id_gitlab") + "\n"
            "Host github.com--org--repo1\n    HostName github.com\n    Port 22\n"
            "    IdentityFile " + Creds(".ssh/id_deploy") + "\n");
  EXPECT_EQ(ReadFileOr(Creds(".ssh/known_hosts")), "github.com ssh-ed25519 AAAA");
  EXPECT_EQ(ReadFileOr(Creds(".ssh/id_deploy")), "PRIVATE KEY 1\n");
  EXPECT_EQ(ReadFileOr(Creds(".ssh/id_gitlab")), "PRIVATE KEY 2\n");
  EXPECT_EQ(
      ReadFileOr(Creds(".docker/config.json")),
      R"({"auths":{"https://index.docker.io/v1/":{"auth":"fooisbar"},"https://us.gcr.io":{"username":"bar","password":"baz","auth":"YmFyOmJheg==","email":"not@val.id"},"quay.io":{"auth":"fooisbaz","email":"a@b.c"}}})");
  for (const char* file : {".gitconfig", ".git-credentials", ".ssh/config", ".ssh/known_hosts",
                           ".ssh/id_deploy", ".ssh/id_gitlab", ".docker/config.json"}) {
    EXPECT_EQ(Mode(Creds(file)), 0600u) << file;
    // The copy in $HOME: same bytes, 0600.
    EXPECT_EQ(ReadFile(Home(file)), ReadFile(Creds(file))) << file;
    EXPECT_EQ(Mode(Home(file)), 0600u) << file;
  }
  EXPECT_EQ(Mode(Home(".ssh")), 0700u);
  EXPECT_EQ(Mode(Home(".docker")), 0700u);
  // Nothing about the secrets is logged.
  for (const char* secret : {"token1", "host-token", "PRIVATE KEY", "YmFy", "fooisbar"}) {
    EXPECT_THAT(r.err + r.out, Not(HasSubstr(secret)));
  }
}

// git is the real consumer: the store helper answers with the right
// credentials for the right URL, host-wide ones being the fallback. (git
// takes `username` from the LAST matching [credential] section, so this works
// when the host-wide secret's flag comes first, as here; with the opposite
// order the reference's .gitconfig, which we reproduce, makes git ask for the
// repository with the host-wide username.)
TEST_F(CredentialsTest, GitCredentialFillReadsTheCopiedFiles) {
  SkipWithoutGit();
  ASSERT_EQ(RunWithAllKinds().status, ExitStatus::Exited(0));
  RunOutcome repo = Git({"credential", "fill"}, "url=https://github.com/org/repo1\n\n");
  ASSERT_EQ(repo.status, ExitStatus::Exited(0)) << repo.err;
  EXPECT_THAT(repo.out, HasSubstr("username=user1\npassword=token1\n"));
  RunOutcome other = Git({"credential", "fill"}, "url=https://github.com/org/other\n\n");
  ASSERT_EQ(other.status, ExitStatus::Exited(0)) << other.err;
  EXPECT_THAT(other.out, HasSubstr("username=myorguser\npassword=host-token\n"));
  RunOutcome config = Git({"config", "--file", Home(".gitconfig"), "--get",
                           "credential.https://github.com/org/repo1.usehttppath"},
                          "");
  EXPECT_EQ(config.out, "true\n") << config.err;
}

// `insteadOf` sends git's ssh to the repository's Host alias.
TEST_F(CredentialsTest, GitRewritesSshUrlsToTheRepositoryAlias) {
  SkipWithoutGit();
  ASSERT_EQ(RunWithAllKinds().status, ExitStatus::Exited(0));
  // The "ssh" just reports how git called it.
  std::vector<std::string> ssh = {"GIT_SSH_COMMAND=echo >&2 SSH-ARGS:", "GIT_SSH_VARIANT=ssh"};
  RunOutcome scp = Git({"ls-remote", "git@github.com:org/repo1.git"}, "", ssh);
  EXPECT_THAT(scp.err, HasSubstr(" git@github.com--org--repo1 git-upload-pack 'org/repo1.git'"));
  RunOutcome url = Git({"ls-remote", "ssh://github.com/org/repo1.git"}, "", ssh);
  EXPECT_THAT(url.err, HasSubstr(" github.com--org--repo1 git-upload-pack '/org/repo1.git'"));
  RunOutcome unrelated = Git({"ls-remote", "git@github.com:org/repo1-other.git"}, "", ssh);
  EXPECT_THAT(unrelated.err, HasSubstr(" git@github.com git-upload-pack 'org/repo1-other.git'"));
}

TEST_F(CredentialsTest, MissingSecretIsAGoFlagError) {
  MakeDirs(Secrets("foo"));
  RunOutcome r =
      RunStep(0, {"-basic-git=foo=https://github.com"}, Helper({"exit", "0"}), HomeEnv());
  EXPECT_EQ(r.status, ExitStatus::Exited(2)) << r.err;
  EXPECT_THAT(r.err, HasSubstr("invalid value \"foo=https://github.com\" for flag -basic-git: "
                               "open " + Secrets("foo/username") + ": no such file or directory\n"
                               "Usage of entrypoint:\n"));
}

TEST_F(CredentialsTest, MalformedValueIsAGoFlagError) {
  RunOutcome r = RunStep(0, {"-ssh-git", "a=b=c"}, Helper({"exit", "0"}), HomeEnv());
  EXPECT_EQ(r.status, ExitStatus::Exited(2)) << r.err;
  EXPECT_THAT(r.err, HasSubstr("invalid value \"a=b=c\" for flag -ssh-git: expect entries of the "
                               "form secret=url, got: a=b=c\n"));
}

// No /tekton/creds: the write error is logged and the step runs as usual.
TEST_F(CredentialsTest, UnwritableCredsDirIsLoggedAndTheStepRuns) {
  BasicSecret("foo", "u", "SECRET-PASSWORD");
  RunOutcome r = RunStep(0, {"-basic-git=foo=https://github.com"}, Helper({"print", "ran"}),
                         HomeEnv());
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_TRUE(WrotePostFile(Step(0)));
  EXPECT_THAT(r.out, HasSubstr("ran"));
  EXPECT_THAT(r.err, HasSubstr("Error initializing credentials: open " + Creds(".gitconfig") +
                               ": no such file or directory"));
  EXPECT_THAT(r.err, Not(HasSubstr("SECRET-PASSWORD")));
  EXPECT_FALSE(Exists(Home(".gitconfig")));
}

// A docker secret that is no JSON: logged, no config.json, the step runs.
TEST_F(CredentialsTest, UndecodableDockerSecretIsLogged) {
  WriteFile(Secrets("bad/.dockerconfigjson"), "{not json");
  MakeDirs(root() + "/creds");
  RunOutcome r = RunStep(0, {"-docker-config=bad"}, Helper({"exit", "0"}), HomeEnv());
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_THAT(r.err, HasSubstr("Error initializing credentials: decode " +
                               Secrets("bad/.dockerconfigjson")));
  EXPECT_FALSE(Exists(Creds(".docker/config.json")));
}

// Copy failures into $HOME are warnings; the step still runs.
TEST_F(CredentialsTest, CopyFailureIsAWarning) {
  WriteFile(Secrets("k/ssh-privatekey"), "KEY");
  MakeDirs(root() + "/creds");
  WriteFile(Home(".ssh"), "a file where the directory should be");
  RunOutcome r = RunStep(0, {"-ssh-git=k=github.com"}, Helper({"exit", "0"}), HomeEnv());
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_TRUE(WrotePostFile(Step(0)));
  EXPECT_THAT(r.err, HasSubstr("warning: unsuccessful cred copy: \".ssh\" from \"" +
                               root() + "/creds\" to \"" + Home() +
                               "\": unable to create destination directory: mkdir " +
                               Home(".ssh") + ": not a directory"));
}

// Whatever is in /tekton/creds is copied, flags or not; an existing file in
// $HOME is overwritten and keeps its mode.
TEST_F(CredentialsTest, CopiesExistingCredsWithoutFlags) {
  WriteFile(Creds(".gitconfig"), "[user]\n\tname = x\n");
  WriteFile(Creds(".ssh/sub/deep"), "deep");
  WriteFile(Creds("unrelated"), "not copied");
  WriteFile(Home(".gitconfig"), "old content that is longer than the new one\n");
  ASSERT_EQ(::chmod(Home(".gitconfig").c_str(), 0640), 0);
  RunOutcome r = RunStep(0, {}, Helper({"exit", "0"}), HomeEnv());
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_EQ(ReadFileOr(Home(".gitconfig")), "[user]\n\tname = x\n");
  EXPECT_EQ(Mode(Home(".gitconfig")), 0640u);
  EXPECT_EQ(ReadFileOr(Home(".ssh/sub/deep")), "deep");
  EXPECT_EQ(Mode(Home(".ssh/sub")), 0700u);
  EXPECT_FALSE(Exists(Home("unrelated")));
}

// A FIFO planted in /tekton/creds is refused, never waited on.
TEST_F(CredentialsTest, FifoInCredsDoesNotHang) {
  MakeDirs(root() + "/creds");
  ASSERT_EQ(::mkfifo(Creds(".git-credentials").c_str(), 0600), 0);
  RunOutcome r = RunStep(0, {}, Helper({"exit", "0"}), HomeEnv());
  ASSERT_TRUE(r.status.has_value()) << "the entrypoint hung on a FIFO";
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_THAT(r.err, HasSubstr("warning: unsuccessful cred copy: \".git-credentials\""));
}

}  // namespace
}  // namespace podstep::test
