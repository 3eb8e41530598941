#include "common/entrypoint_cli.h"

#include <gtest/gtest.h>

#include <map>

#include "unit/fake_credential_files.h"

namespace podstep {
namespace {

class EntrypointCliTest : public ::testing::Test {
 protected:
  EntrypointCommandLine Parse(const std::vector<std::string>& args) {
    return ParseEntrypointCommandLine(args, [this](const char* name) -> const char* {
      auto found = env.find(name);
      return found == env.end() ? nullptr : found->second.c_str();
    }, credential_files);
  }
  std::map<std::string, std::string> env;
  FakeCredentialFiles credential_files;
};

TEST(SplitCommaListTest, GoStringsSplit) {
  EXPECT_EQ(SplitCommaList(""), std::vector<std::string>{""});
  EXPECT_EQ(SplitCommaList("a"), std::vector<std::string>{"a"});
  EXPECT_EQ(SplitCommaList("a,,b,"), (std::vector<std::string>{"a", "", "b", ""}));
}

TEST_F(EntrypointCliTest, ControllerStyleArguments) {
  auto line = Parse({"-wait_file",
                     "/tekton/run/0/out",
                     "-post_file",
                     "/tekton/run/1/out",
                     "-termination_path",
                     "/tekton/termination",
                     "-step_metadata_dir",
                     "/tekton/run/1/status",
                     "-on_error",
                     "continue",
                     "-timeout",
                     "1m30s",
                     "-results",
                     "a,b",
                     "-step_results",
                     "s",
                     "-entrypoint",
                     "sh",
                     "--",
                     "-c",
                     "echo hi",
                     "--",
                     "x"});
  ASSERT_EQ(line.status, EntrypointCommandLine::kRun) << line.error;
  const StepConfig& c = line.config;
  EXPECT_EQ(c.entrypoint, "sh");
  EXPECT_EQ(c.command_args, (std::vector<std::string>{"-c", "echo hi", "--", "x"}));
  EXPECT_EQ(c.wait_files, std::vector<std::string>{"/tekton/run/0/out"});
  EXPECT_EQ(c.post_file, "/tekton/run/1/out");
  EXPECT_EQ(c.on_error, "continue");
  EXPECT_EQ(c.timeout, std::chrono::seconds(90));
  EXPECT_EQ(c.results, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c.step_results, std::vector<std::string>{"s"});
  EXPECT_EQ(c.result_from, "termination-message");
  EXPECT_TRUE(c.unsupported.empty());
  EXPECT_TRUE(line.positional.empty());
}

TEST_F(EntrypointCliTest, DefaultsComeFromTheTektonRoot) {
  EXPECT_EQ(Parse({}).config.termination_path, "/tekton/termination");
  env["PODSTEP_TEKTON_ROOT"] = "/tmp/root";
  auto line = Parse({});
  EXPECT_EQ(line.config.termination_path, "/tmp/root/termination");
  EXPECT_EQ(line.config.paths.CancelFile(), "/tmp/root/downward/cancel");
}

TEST_F(EntrypointCliTest, UsageErrorsHelpAndVersion) {
  auto unknown = Parse({"-nope"});
  EXPECT_EQ(unknown.status, EntrypointCommandLine::kUsageError);
  EXPECT_EQ(unknown.error, "flag provided but not defined: -nope");
  auto bad = Parse({"-timeout", "abc"});
  EXPECT_EQ(bad.status, EntrypointCommandLine::kUsageError);
  EXPECT_EQ(bad.error, "invalid value \"abc\" for flag -timeout: parse error");
  EXPECT_EQ(Parse({"-help"}).status, EntrypointCommandLine::kHelp);
  EXPECT_EQ(Parse({"--version"}).status, EntrypointCommandLine::kVersion);
  EXPECT_NE(unknown.usage.find("-post_file string"), std::string::npos);
}

TEST_F(EntrypointCliTest, PositionalArgumentsSelectSubcommands) {
  auto line = Parse({"init", "/ko-app/entrypoint", "/tekton/bin/entrypoint", "step-a"});
  EXPECT_EQ(line.positional, (std::vector<std::string>{"init", "/ko-app/entrypoint",
                                                       "/tekton/bin/entrypoint", "step-a"}));
  // A leading "--" is not a split point: it ends the flags.
  EXPECT_EQ(Parse({"--", "cp", "a", "b"}).positional, (std::vector<std::string>{"cp", "a", "b"}));
}

TEST_F(EntrypointCliTest, EnvironmentDrivenSettings) {
  env["TEKTON_PLATFORM_COMMANDS"] = R"({"linux/amd64":["x"]})";
  env["TEKTON_HERMETIC"] = "1";
  auto line = Parse({});
  EXPECT_EQ(line.config.platform_commands_json, R"({"linux/amd64":["x"]})");
  EXPECT_TRUE(line.config.hermetic);
  env["TEKTON_RESOURCE_NAME"] = "r";
  EXPECT_FALSE(Parse({}).config.hermetic);
}

TEST_F(EntrypointCliTest, OnlySpireIsUnsupported) {
  credential_files.secrets["/tekton/creds-secrets/s/username"] = "u";
  credential_files.secrets["/tekton/creds-secrets/s/password"] = "p";
  auto line = Parse({"-basic-docker=s=https://r", "-docker-cfg=c", "-docker-config=j"});
  ASSERT_EQ(line.status, EntrypointCommandLine::kRun) << line.error;
  EXPECT_TRUE(line.config.unsupported.empty());
  EXPECT_FALSE(line.credentials->empty());
  EXPECT_FALSE(Parse({"-enable_spire"}).config.unsupported.empty());
}

TEST_F(EntrypointCliTest, CredentialSecretsAreReadWhileParsing) {
  env["PODSTEP_TEKTON_ROOT"] = "/r";
  auto line = Parse({"-basic-git=foo=https://github.com", "-entrypoint", "x"});
  EXPECT_EQ(line.status, EntrypointCommandLine::kUsageError);
  EXPECT_EQ(line.error,
            "invalid value \"foo=https://github.com\" for flag -basic-git: open "
            "/r/creds-secrets/foo/username: no such file or directory");
  EXPECT_NE(line.usage.find("  -basic-git value\n    \tList of secret=url pairs.\n"),
            std::string::npos);
}

}  // namespace
}  // namespace podstep
