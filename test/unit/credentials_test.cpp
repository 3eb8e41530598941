// The credential writers, with the cases of Tekton's pkg/credentials tests
// (gitcreds, dockercreds) ported: same inputs, same expected bytes.

#include "common/credentials/credentials.h"

#include <gtest/gtest.h>

#include "common/go_flags.h"
#include "unit/fake_credential_files.h"

namespace podstep {
namespace {

class CredentialsTest : public ::testing::Test {
 protected:
  // Parses the flags as the entrypoint does and writes into /c.
  std::vector<Error> ParseAndWrite(const std::vector<std::string>& args) {
    GoFlagSet flags("test");
    credentials_.Register(flags);
    ParseOutcome parsed = flags.Parse(args);
    EXPECT_EQ(parsed.status, ParseStatus::kOk) << parsed.error;
    return credentials_.Write("/c");
  }
  std::string ParseError(const std::vector<std::string>& args) {
    GoFlagSet flags("test");
    credentials_.Register(flags);
    return flags.Parse(args).error;
  }
  std::string File(const std::string& path) {
    auto found = files_.files.find(path);
    return found == files_.files.end() ? "<missing " + path + ">" : found->second;
  }

  FakeCredentialFiles files_;
  Credentials credentials_{"/s", files_};
};

// gitcreds TestBasicFlagHandling
TEST_F(CredentialsTest, BasicGitOneUrl) {
  files_.Secret("foo", "username", "bar");
  files_.Secret("foo", "password", "baz");
  EXPECT_TRUE(ParseAndWrite({"-basic-git=foo=https://github.com"}).empty());
  EXPECT_EQ(File("/c/.gitconfig"),
            "[credential]\n\thelper = store\n[credential \"https://github.com\"]\n\tusername = bar\n");
  EXPECT_EQ(File("/c/.git-credentials"), "https://bar:baz@github.com\n");
  EXPECT_EQ(files_.files.size(), 2u);
}

// gitcreds TestBasicFlagHandlingTwice
TEST_F(CredentialsTest, BasicGitTwoUrls) {
  files_.Secret("foo", "username", "asdf");
  files_.Secret("foo", "password", "blah");
  files_.Secret("bar", "username", "bleh");
  files_.Secret("bar", "password", "belch");
  EXPECT_TRUE(
      ParseAndWrite({"-basic-git=foo=https://github.com", "-basic-git=bar=https://gitlab.com"})
          .empty());
  EXPECT_EQ(File("/c/.gitconfig"),
            "[credential]\n\thelper = store\n"
            "[credential \"https://github.com\"]\n\tusername = asdf\n"
            "[credential \"https://gitlab.com\"]\n\tusername = bleh\n");
  EXPECT_EQ(File("/c/.git-credentials"),
            "https://asdf:blah@github.com\nhttps://bleh:belch@gitlab.com\n");
}

// gitcreds TestBasicFlagHandlingMultipleReposSameHost
TEST_F(CredentialsTest, BasicGitReposOnOneHostUseHttpPath) {
  files_.Secret("repo1-creds", "username", "user1");
  files_.Secret("repo1-creds", "password", "token1");
  files_.Secret("repo2-creds", "username", "user2");
  files_.Secret("repo2-creds", "password", "token2");
  EXPECT_TRUE(ParseAndWrite({"-basic-git=repo1-creds=https://github.com/org/repo1",
                             "-basic-git=repo2-creds=https://github.com/org/repo2"})
                  .empty());
  EXPECT_EQ(File("/c/.gitconfig"),
            "[credential]\n\thelper = store\n"
            "[credential \"https://github.com/org/repo1\"]\n\tusername = user1\n"
            "\tuseHttpPath = true\n"
            "[credential \"https://github.com/org/repo2\"]\n\tusername = user2\n"
            "\tuseHttpPath = true\n");
  EXPECT_EQ(File("/c/.git-credentials"),
            "https://user1:token1@github.com/org/repo1\n"
            "https://user2:token2@github.com/org/repo2\n");
}

// gitcreds TestBasicFlagHandlingMixedCredentials
TEST_F(CredentialsTest, BasicGitHostWideCredentialsComeFirst) {
  files_.Secret("host-wide-creds", "username", "myorguser");
  files_.Secret("host-wide-creds", "password", "host-token");
  files_.Secret("repo-specific-creds", "username", "foo");
  files_.Secret("repo-specific-creds", "password", "repo-token");
  EXPECT_TRUE(
      ParseAndWrite({"-basic-git=repo-specific-creds=https://github.com/secret-org/private-repo",
                     "-basic-git=host-wide-creds=https://github.com"})
          .empty());
  EXPECT_EQ(File("/c/.gitconfig"),
            "[credential]\n\thelper = store\n"
            "[credential \"https://github.com/secret-org/private-repo\"]\n\tusername = foo\n"
            "\tuseHttpPath = true\n"
            "[credential \"https://github.com\"]\n\tusername = myorguser\n");
  EXPECT_EQ(File("/c/.git-credentials"),
            "https://myorguser:host-token@github.com\n"
            "https://foo:repo-token@github.com/secret-org/private-repo\n");
}

// gitcreds TestBasicFlagHandlingMissingFiles, and the Go flag error around it
TEST_F(CredentialsTest, BasicGitMissingSecretFailsTheFlag) {
  EXPECT_EQ(ParseError({"-basic-git=not-found=https://github.com"}),
            "invalid value \"not-found=https://github.com\" for flag -basic-git: open "
            "/s/not-found/username: no such file or directory");
  files_.Secret("half", "username", "u");
  EXPECT_EQ(ParseError({"-basic-git=half=https://github.com"}),
            "invalid value \"half=https://github.com\" for flag -basic-git: open "
            "/s/half/password: no such file or directory");
}

// gitcreds TestBasicFlagHandlingURLCollision
TEST_F(CredentialsTest, BasicGitUrlCollision) {
  files_.Secret("foo", "username", "bar");
  files_.Secret("foo", "password", "baz");
  EXPECT_EQ(ParseError({"-basic-git=foo=https://github.com", "-basic-git=bar=https://github.com"}),
            "invalid value \"bar=https://github.com\" for flag -basic-git: multiple entries for "
            "url: https://github.com");
}

// gitcreds TestBasicMalformedValues, TestSshMalformedValues; dockercreds
// TestMalformedValueTooMany, TestMalformedValueTooFew
TEST_F(CredentialsTest, MalformedValues) {
  for (const char* flag : {"basic-git", "ssh-git", "basic-docker"}) {
    for (const char* value : {"bar=baz=blah", "bar"}) {
      EXPECT_EQ(ParseError({std::string("-") + flag + "=" + value}),
                std::string("invalid value \"") + value + "\" for flag -" + flag +
                    ": expect entries of the form secret=url, got: " + value);
    }
  }
}

TEST_F(CredentialsTest, SecretNamesCannotLeaveTheSecretsDirectory) {
  for (const char* value : {"../x=https://h", "a/b=https://h", "=https://h", "..=https://h"}) {
    EXPECT_NE(ParseError({std::string("-basic-git=") + value}).find("is not a Kubernetes secret"),
              std::string::npos)
        << value;
  }
  EXPECT_NE(ParseError({"-docker-config=../x"}).find("is not a Kubernetes secret"),
            std::string::npos);
}

// gitcreds TestBasicBackslashInUsername
TEST_F(CredentialsTest, BasicGitBackslashInUsername) {
  files_.Secret("foo", "username", "foo\\bar\\banana");
  files_.Secret("foo", "password", "baz");
  EXPECT_TRUE(ParseAndWrite({"-basic-git=foo=https://github.com"}).empty());
  EXPECT_EQ(File("/c/.gitconfig"),
            "[credential]\n\thelper = store\n[credential \"https://github.com\"]\n"
            "\tusername = foo\\\\bar\\\\banana\n");
  EXPECT_EQ(File("/c/.git-credentials"), "https://foo%5Cbar%5Cbanana:baz@github.com\n");
}

TEST_F(CredentialsTest, BasicGitBadUrlIsGoParseError) {
  files_.Secret("foo", "username", "u");
  files_.Secret("foo", "password", "p");
  EXPECT_EQ(ParseError({"-basic-git=foo=https://h/%zz"}),
            "invalid value \"foo=https://h/%zz\" for flag -basic-git: parse \"https://h/%zz\": "
            "invalid URL escape \"%zz\"");
}

// gitcreds TestSSHFlagHandling
TEST_F(CredentialsTest, SshOneHost) {
  files_.Secret("foo", "ssh-privatekey", "bar");
  files_.Secret("foo", "known_hosts", "ssh-rsa blah");
  EXPECT_TRUE(ParseAndWrite({"-ssh-git=foo=github.com"}).empty());
  EXPECT_EQ(File("/c/.ssh/config"),
            "Host github.com\n    HostName github.com\n    Port 22\n"
            "    IdentityFile /c/.ssh/id_foo\n");
  EXPECT_EQ(File("/c/.ssh/known_hosts"), "ssh-rsa blah");
  EXPECT_EQ(File("/c/.ssh/id_foo"), "bar");
  EXPECT_TRUE(files_.dirs.contains("/c/.ssh"));
  EXPECT_FALSE(files_.files.contains("/c/.gitconfig"));
}

// gitcreds TestSSHFlagHandlingThrice
TEST_F(CredentialsTest, SshThreeSecretsTwoHosts) {
  files_.Secret("foo", "ssh-privatekey", "asdf");
  files_.Secret("foo", "known_hosts", "ssh-rsa aaaa");
  files_.Secret("bar", "ssh-privatekey", "bleh");
  files_.Secret("bar", "known_hosts", "ssh-rsa bbbb");
  files_.Secret("baz", "ssh-privatekey", "derp");
  files_.Secret("baz", "known_hosts", "ssh-rsa cccc");
  EXPECT_TRUE(ParseAndWrite({"-ssh-git=foo=github.com", "-ssh-git=bar=github.com",
                             "-ssh-git=baz=gitlab.example.com:2222"})
                  .empty());
  EXPECT_EQ(File("/c/.ssh/config"),
            "Host github.com\n    HostName github.com\n    Port 22\n"
            "    IdentityFile /c/.ssh/id_foo\n    IdentityFile /c/.ssh/id_bar\n"
            "Host gitlab.example.com\n    HostName gitlab.example.com\n    Port 2222\n"
            "    IdentityFile /c/.ssh/id_baz\n");
  EXPECT_EQ(File("/c/.ssh/known_hosts"), "ssh-rsa aaaa\nssh-rsa bbbb\nssh-rsa cccc");
  EXPECT_EQ(File("/c/.ssh/id_foo"), "asdf");
  EXPECT_EQ(File("/c/.ssh/id_bar"), "bleh");
  EXPECT_EQ(File("/c/.ssh/id_baz"), "derp");
}

// gitcreds TestSSHFlagHandlingMultipleReposSameHost
TEST_F(CredentialsTest, SshReposOnOneHostGetAliases) {
  files_.Secret("repo1-secret", "ssh-privatekey", "key-for-repo1");
  files_.Secret("repo1-secret", "known_hosts", "ssh-rsa repo1-host-key");
  files_.Secret("repo2-secret", "ssh-privatekey", "key-for-repo2");
  files_.Secret("repo2-secret", "known_hosts", "ssh-rsa repo2-host-key");
  EXPECT_TRUE(ParseAndWrite({"-ssh-git=repo1-secret=github.com/org/repo1",
                             "-ssh-git=repo2-secret=github.com/org/repo2"})
                  .empty());
  EXPECT_EQ(File("/c/.ssh/config"),
            "Host github.com--org--repo1\n    HostName github.com\n    Port 22\n"
            "    IdentityFile /c/.ssh/id_repo1-secret\n"
            "Host github.com--org--repo2\n    HostName github.com\n    Port 22\n"
            "    IdentityFile /c/.ssh/id_repo2-secret\n");
  EXPECT_EQ(File("/c/.gitconfig"),
            "[url \"git@github.com--org--repo1:org/repo1.git\"]\n"
            "\tinsteadOf = git@github.com:org/repo1.git\n"
            "[url \"ssh://github.com--org--repo1/org/repo1.git\"]\n"
            "\tinsteadOf = ssh://github.com/org/repo1.git\n"
            "[url \"git@github.com--org--repo2:org/repo2.git\"]\n"
            "\tinsteadOf = git@github.com:org/repo2.git\n"
            "[url \"ssh://github.com--org--repo2/org/repo2.git\"]\n"
            "\tinsteadOf = ssh://github.com/org/repo2.git\n");
  EXPECT_EQ(File("/c/.ssh/id_repo1-secret"), "key-for-repo1");
  EXPECT_EQ(File("/c/.ssh/id_repo2-secret"), "key-for-repo2");
}

// gitcreds TestSSHFlagHandlingMixedCredentials
TEST_F(CredentialsTest, SshHostWideKeyComesFirst) {
  files_.Secret("repo-specific", "ssh-privatekey", "repo-key");
  files_.Secret("repo-specific", "known_hosts", "ssh-rsa repo-known");
  files_.Secret("host-wide", "ssh-privatekey", "host-key");
  files_.Secret("host-wide", "known_hosts", "ssh-rsa host-known");
  EXPECT_TRUE(ParseAndWrite({"-ssh-git=repo-specific=github.com/org/private-repo",
                             "-ssh-git=host-wide=github.com"})
                  .empty());
  EXPECT_EQ(File("/c/.ssh/config"),
            "Host github.com\n    HostName github.com\n    Port 22\n"
            "    IdentityFile /c/.ssh/id_host-wide\n"
            "Host github.com--org--private-repo\n    HostName github.com\n    Port 22\n"
            "    IdentityFile /c/.ssh/id_repo-specific\n");
  EXPECT_EQ(File("/c/.gitconfig"),
            "[url \"git@github.com--org--private-repo:org/private-repo.git\"]\n"
            "\tinsteadOf = git@github.com:org/private-repo.git\n"
            "[url \"ssh://github.com--org--private-repo/org/private-repo.git\"]\n"
            "\tinsteadOf = ssh://github.com/org/private-repo.git\n");
  EXPECT_EQ(File("/c/.ssh/known_hosts"), "ssh-rsa host-known\nssh-rsa repo-known");
}

// gitcreds TestSSHFlagHandlingRepoSpecificWithCustomPort
TEST_F(CredentialsTest, SshRepoWithCustomPort) {
  files_.Secret("myrepo", "ssh-privatekey", "custom-port-key");
  EXPECT_TRUE(ParseAndWrite({"-ssh-git=myrepo=gitlab.example.com:2222/team/project"}).empty());
  EXPECT_EQ(File("/c/.ssh/config"),
            "Host gitlab.example.com--team--project\n    HostName gitlab.example.com\n"
            "    Port 2222\n    IdentityFile /c/.ssh/id_myrepo\n");
  EXPECT_EQ(File("/c/.gitconfig"),
            "[url \"git@gitlab.example.com--team--project:team/project.git\"]\n"
            "\tinsteadOf = git@gitlab.example.com:team/project.git\n"
            "[url \"ssh://gitlab.example.com--team--project/team/project.git\"]\n"
            "\tinsteadOf = ssh://gitlab.example.com:2222/team/project.git\n");
  EXPECT_FALSE(files_.files.contains("/c/.ssh/known_hosts"));
}

// Basic and ssh together: .gitconfig is written by the basic writer, then the
// ssh writer appends its insteadOf sections.
TEST_F(CredentialsTest, BasicAndSshShareGitconfig) {
  files_.Secret("b", "username", "u");
  files_.Secret("b", "password", "p");
  files_.Secret("k", "ssh-privatekey", "key");
  EXPECT_TRUE(
      ParseAndWrite({"-ssh-git=k=github.com/o/r", "-basic-git=b=https://github.com"}).empty());
  EXPECT_EQ(File("/c/.gitconfig"),
            "[credential]\n\thelper = store\n[credential \"https://github.com\"]\n\tusername = u\n"
            "[url \"git@github.com--o--r:o/r.git\"]\n\tinsteadOf = git@github.com:o/r.git\n"
            "[url \"ssh://github.com--o--r/o/r.git\"]\n\tinsteadOf = ssh://github.com/o/r.git\n");
}

// gitcreds TestSSHFlagHandlingMissingFiles
TEST_F(CredentialsTest, SshMissingKeyFailsTheFlag) {
  EXPECT_EQ(ParseError({"-ssh-git=not-found=github.com"}),
            "invalid value \"not-found=github.com\" for flag -ssh-git: open "
            "/s/not-found/ssh-privatekey: no such file or directory");
}

// gitcreds TestParseSSHURL
TEST(SshTargetTest, ParsesLikeTekton) {
  struct Case {
    const char* raw;
    const char* host;
    const char* port;
    const char* path;
  } cases[] = {
      {"github.com", "github.com", "22", ""},
      {"github.com:2222", "github.com", "2222", ""},
      {"github.com/org/repo", "github.com", "22", "/org/repo"},
      {"github.com:2222/org/repo", "github.com", "2222", "/org/repo"},
      {"gitlab.example.com", "gitlab.example.com", "22", ""},
      {"gitlab.example.com:3333/team/project", "gitlab.example.com", "3333", "/team/project"},
      {"[::1]:2200", "::1", "2200", ""},
      {"a:b:c", "a:b:c", "22", ""},  // net.SplitHostPort fails: taken whole
  };
  for (const Case& c : cases) {
    SshTarget target = ParseSshTarget(c.raw);
    EXPECT_EQ(target.host, c.host) << c.raw;
    EXPECT_EQ(target.port, c.port) << c.raw;
    EXPECT_EQ(target.repo_path, c.path) << c.raw;
  }
}

// dockercreds TestFlagHandling
TEST_F(CredentialsTest, BasicDocker) {
  files_.Secret("foo", "username", "bar");
  files_.Secret("foo", "password", "baz");
  EXPECT_TRUE(ParseAndWrite({"-basic-docker=foo=https://us.gcr.io"}).empty());
  EXPECT_EQ(File("/c/.docker/config.json"),
            R"({"auths":{"https://us.gcr.io":{"username":"bar","password":"baz","auth":"YmFyOmJheg==","email":"not@val.id"}}})");
  EXPECT_TRUE(files_.dirs.contains("/c/.docker"));
}

// dockercreds TestFlagHandlingTwice
TEST_F(CredentialsTest, BasicDockerTwiceSortedByRegistry) {
  files_.Secret("foo", "username", "asdf");
  files_.Secret("foo", "password", "blah");
  files_.Secret("bar", "username", "bleh");
  files_.Secret("bar", "password", "belch");
  EXPECT_TRUE(ParseAndWrite({"-basic-docker=foo=https://us.gcr.io",
                             "-basic-docker=bar=https://eu.gcr.io"})
                  .empty());
  EXPECT_EQ(
      File("/c/.docker/config.json"),
      R"({"auths":{"https://eu.gcr.io":{"username":"bleh","password":"belch","auth":"YmxlaDpiZWxjaA==","email":"not@val.id"},"https://us.gcr.io":{"username":"asdf","password":"blah","auth":"YXNkZjpibGFo","email":"not@val.id"}}})");
}

// dockercreds TestFlagHandlingMissingFiles, TestFlagHandlingURLCollision
TEST_F(CredentialsTest, BasicDockerErrors) {
  EXPECT_EQ(ParseError({"-basic-docker=not-found=https://us.gcr.io"}),
            "invalid value \"not-found=https://us.gcr.io\" for flag -basic-docker: open "
            "/s/not-found/username: no such file or directory");
  files_.Secret("foo", "username", "bar");
  files_.Secret("foo", "password", "baz");
  EXPECT_EQ(ParseError({"-basic-docker=foo=https://us.gcr.io",
                        "-basic-docker=bar=https://us.gcr.io"}),
            "invalid value \"bar=https://us.gcr.io\" for flag -basic-docker: multiple entries "
            "for url: https://us.gcr.io");
}

// dockercreds TestMultipleFlagHandling
TEST_F(CredentialsTest, DockerAllThreeKindsMerged) {
  files_.Secret("foo", "username", "bar");
  files_.Secret("foo", "password", "baz");
  files_.Secret("bar", ".dockerconfigjson", R"({"auths":{"https://index.docker.io/v1":{"auth":"fooisbar"}}})");
  files_.Secret("blubb", ".dockerconfigjson", R"({"auths":{"us.icr.io":{"auth":"fooisblubb"}}})");
  files_.Secret("baz", ".dockercfg", R"({"https://my.registry/v1":{"auth":"fooisbaz"}})");
  files_.Secret("bla", ".dockercfg", R"({"de.icr.io":{"auth":"fooisbla"}})");
  EXPECT_TRUE(ParseAndWrite({"-basic-docker=foo=https://us.gcr.io", "-docker-config=bar",
                             "-docker-config=blubb", "-docker-cfg=baz", "-docker-cfg=bla"})
                  .empty());
  EXPECT_EQ(
      File("/c/.docker/config.json"),
      R"({"auths":{"de.icr.io":{"auth":"fooisbla"},"https://index.docker.io/v1":{"auth":"fooisbar"},"https://my.registry/v1":{"auth":"fooisbaz"},"https://us.gcr.io":{"username":"bar","password":"baz","auth":"YmFyOmJheg==","email":"not@val.id"},"us.icr.io":{"auth":"fooisblubb"}}})");
}

// Later sources win per registry: .dockercfg, then .dockerconfigjson, then basic.
TEST_F(CredentialsTest, DockerPrecedence) {
  files_.Secret("u", "username", "user");
  files_.Secret("u", "password", "pw");
  files_.Secret("cfg", ".dockercfg", R"({"r":{"auth":"from-cfg"},"only-cfg":{"Auth":"c"}})");
  files_.Secret("json", ".dockerconfigjson", R"({"auths":{"r":{"auth":"from-json","EMAIL":"e"}}})");
  EXPECT_TRUE(ParseAndWrite({"-docker-cfg=cfg", "-docker-config=json"}).empty());
  EXPECT_EQ(File("/c/.docker/config.json"),
            R"({"auths":{"only-cfg":{"auth":"c"},"r":{"auth":"from-json","email":"e"}}})");
}

// dockercreds TestNoAuthProvided
TEST_F(CredentialsTest, NothingGivenWritesNothing) {
  EXPECT_TRUE(ParseAndWrite({}).empty());
  EXPECT_TRUE(files_.files.empty());
  EXPECT_TRUE(files_.dirs.empty());
  EXPECT_TRUE(credentials_.empty());
}

TEST_F(CredentialsTest, DockerSecretReadAtWriteTime) {
  EXPECT_EQ(ParseError({"-docker-config=absent", "-docker-cfg=absent"}), "");
  auto errors = credentials_.Write("/c");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "open /s/absent/.dockercfg: no such file or directory");
  EXPECT_TRUE(files_.files.empty());
}

TEST_F(CredentialsTest, UndecodableDockerSecretWritesNoConfig) {
  files_.Secret("bad", ".dockerconfigjson", R"({"auths":{"r":{"auth":42}}})");
  auto errors = ParseAndWrite({"-docker-config=bad"});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message,
            "decode /s/bad/.dockerconfigjson: json: cannot unmarshal number into Go struct field "
            "entry.auths.auth of type string");
  EXPECT_TRUE(files_.files.empty());
}

// Each writer stops at its own first error; the others still run.
TEST_F(CredentialsTest, WriteErrorsAreReturnedAndOthersStillWrite) {
  files_.Secret("b", "username", "u");
  files_.Secret("b", "password", "p");
  files_.Secret("k", "ssh-privatekey", "key");
  files_.fail_path = "/c/.docker";
  auto errors = ParseAndWrite(
      {"-basic-docker=b=https://r", "-basic-git=b=https://h", "-ssh-git=k=h"});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "mkdir /c/.docker: read-only file system");
  EXPECT_TRUE(files_.files.contains("/c/.git-credentials"));
  EXPECT_TRUE(files_.files.contains("/c/.ssh/config"));
}

TEST_F(CredentialsTest, BasicGitFailureSkipsSsh) {
  files_.Secret("b", "username", "u");
  files_.Secret("b", "password", "p");
  files_.Secret("k", "ssh-privatekey", "key");
  files_.fail_path = "/c/.gitconfig";
  auto errors = ParseAndWrite({"-basic-git=b=https://h", "-ssh-git=k=h"});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "open /c/.gitconfig: permission denied");
  EXPECT_FALSE(files_.files.contains("/c/.ssh/config"));
}

TEST_F(CredentialsTest, NoErrorMessageHoldsASecret) {
  files_.Secret("b", "username", "SECRETUSER");
  files_.Secret("b", "password", "SECRETPASS");
  files_.fail_path = "/c/.git-credentials";
  auto errors = ParseAndWrite({"-basic-git=b=https://h"});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message.find("SECRET"), std::string::npos);
}

TEST(DockerConfigParseTest, GoUnmarshalRules) {
  auto auths = ParseDockerCfg(R"( {"r": null, "s": {"username": null, "x": [1, {"y": 2}]}} )");
  ASSERT_TRUE(auths) << auths.error().message;
  EXPECT_EQ(auths->size(), 2u);
  EXPECT_EQ(RenderDockerConfig(*auths), R"({"auths":{"r":{"auth":""},"s":{"auth":""}}})");
  EXPECT_TRUE(ParseDockerCfg("null"));
  EXPECT_TRUE(ParseDockerConfigJson(R"({"other": 1})"));
  EXPECT_FALSE(ParseDockerCfg("{"));
  EXPECT_FALSE(ParseDockerCfg("[]"));
  EXPECT_FALSE(ParseDockerCfg(R"({"r": {}} x)"));
  EXPECT_FALSE(ParseDockerConfigJson(R"({"auths": []})"));
  // A repeated registry is replaced whole, as Go decodes each map value afresh.
  auto repeated = ParseDockerCfg(R"({"r": {"auth": "a", "email": "e"}, "r": {"auth": "b"}})");
  ASSERT_TRUE(repeated);
  EXPECT_EQ(RenderDockerConfig(*repeated), R"({"auths":{"r":{"auth":"b"}}})");
  // Go's decoder turns invalid UTF-8 into U+FFFD; its encoder escapes HTML characters.
  auto escaped = ParseDockerCfg("{\"<r>\": {\"auth\": \"a&b\xff\"}}");
  ASSERT_TRUE(escaped);
  EXPECT_EQ(RenderDockerConfig(*escaped),
            "{\"auths\":{\"\\u003cr\\u003e\":{\"auth\":\"a\\u0026b\xEF\xBF\xBD\"}}}");
  // Type errors name the field as Go 1.19-1.22 do.
  EXPECT_EQ(ParseDockerCfg(R"({"r":{"AUTH":42}})").error().message,
            "json: cannot unmarshal number into Go struct field entry.auth of type string");
  EXPECT_EQ(ParseDockerCfg("[]").error().message,
            "json: cannot unmarshal array into Go value of type map[string]dockercreds.entry");
  EXPECT_EQ(ParseDockerCfg("{").error().message, "unexpected end of JSON input");
  EXPECT_EQ(ParseDockerConfigJson(R"({"auths": []})").error().message,
            "json: cannot unmarshal array into Go struct field configFile.auths of type "
            "map[string]dockercreds.entry");
}

}  // namespace
}  // namespace podstep
