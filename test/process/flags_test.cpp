// Command line and command selection (CONTRACT.md section 2).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "process/process_support.h"

namespace podstep::test {
namespace {

using ::testing::HasSubstr;

class FlagsTest : public EntrypointTest {};

class UnknownFlagTest : public EntrypointTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(UnknownFlagTest, ExitsTwoWithGoMessage) {
  RunOutcome r = RunStep(0, {GetParam()}, Helper({"exit", "0"}));
  EXPECT_EQ(r.status, ExitStatus::Exited(2)) << r.err;
  EXPECT_THAT(r.err, HasSubstr("flag provided but not defined: -nope"));
}

INSTANTIATE_TEST_SUITE_P(Forms, UnknownFlagTest, ::testing::Values("-nope", "--nope", "-nope=1"),
                         [](const auto& info) { return "Form" + std::to_string(info.index); });

TEST_F(FlagsTest, BadDurationExitsTwo) {
  RunOutcome r = RunStep(0, {"-timeout", "abc"}, Helper({"exit", "0"}));
  EXPECT_EQ(r.status, ExitStatus::Exited(2)) << r.err;
  EXPECT_THAT(r.err, HasSubstr("invalid value \"abc\" for flag -timeout"));
}

TEST_F(FlagsTest, BadBooleanExitsTwo) {
  RunOutcome r = RunStep(0, {"-wait_file_content=maybe"}, Helper({"exit", "0"}));
  EXPECT_EQ(r.status, ExitStatus::Exited(2)) << r.err;
}

class HelpTest : public EntrypointTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(HelpTest, ExitsZero) {
  RunOutcome r = Run({GetParam()});
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_THAT(r.out + r.err, HasSubstr("-post_file")) << "no usage printed";
}

INSTANTIATE_TEST_SUITE_P(Forms, HelpTest, ::testing::Values("-h", "-help", "--help"),
                         [](const auto& info) { return "Form" + std::to_string(info.index); });

// Not in CONTRACT.md: the project's own `--version`.
TEST_F(FlagsTest, VersionPrintsAVersion) {
  RunOutcome r = Run({"--version"});
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_TRUE(std::regex_search(r.out + r.err, std::regex(R"(\d+\.\d+)"))) << r.out << r.err;
}

// §2: `-name=value`, `--name value` and `--name=value` all work.
TEST_F(FlagsTest, AcceptsEqualsAndDoubleDashForms) {
  const StepFiles s = Step(0);
  MakeDirs(Path("run/0"));
  RunOutcome r = Run({"--post_file=" + s.post_file, "--termination_path", s.termination,
                      "-step_metadata_dir=" + s.metadata_dir, "-entrypoint=" + HelperBin(), "--",
                      "print", "forms"});
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_EQ(r.out, "forms\n");
  EXPECT_TRUE(WrotePostFile(s));
}

class DurationTest : public EntrypointTest, public ::testing::WithParamInterface<std::string> {};

// §2: Go duration syntax; all of these are long enough never to fire.
TEST_P(DurationTest, IsAccepted) {
  RunOutcome r = RunStep(0, {"-timeout", GetParam()}, Helper({"print", "ok"}));
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_EQ(r.out, "ok\n");
}

INSTANTIATE_TEST_SUITE_P(Go, DurationTest,
                         ::testing::Values("1.5h", "2h45m", "1m30.5s", "0", "+5m", "30s",
                                           "5000000us", "5000000\u00b5s", "5000000\u03bcs",
                                           "5000000000ns", "1h0m0.5s", ".5m", "1.m"),
                         [](const auto& info) { return "Form" + std::to_string(info.index); });

// §2: `-b=false` is a boolean's explicit false.
TEST_F(FlagsTest, BooleanFalseForm) {
  const std::string ready = Path("ready");
  WriteFile(ready, "");
  RunOutcome r =
      RunStep(0, {"-wait_file", ready, "-wait_file_content=false"}, Helper({"print", "ran"}));
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_EQ(r.out, "ran\n");
}

class PlatformTest : public EntrypointTest {
 protected:
  std::string PlatformCommands(const std::string& key, const std::vector<std::string>& command) {
    nlohmann::json json = nlohmann::json::object();
    json[key] = command;
    return "TEKTON_PLATFORM_COMMANDS=" + json.dump();
  }
};

// §2: no -entrypoint → the command for this platform; args after `--` are
// appended.
TEST_F(PlatformTest, RunsTheCommandForThisPlatform) {
  nlohmann::json json = nlohmann::json::object();
  json["plan9/mips"] = std::vector<std::string>{"/nonexistent"};
  json[PlatformKey()] = Helper({"print", "hi"});
  RunOutcome r = RunStep(0, {"--", "there"}, {}, {"TEKTON_PLATFORM_COMMANDS=" + json.dump()});
  EXPECT_EQ(r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_EQ(r.out, "hi there\n");
  EXPECT_TRUE(WrotePostFile(Step(0)));
}

TEST_F(PlatformTest, UnknownPlatformFailsWithErr) {
  RunOutcome r = RunStep(0, {}, {}, {PlatformCommands("plan9/mips", {"/nonexistent"})});
  EXPECT_EQ(r.status, ExitStatus::Exited(1)) << r.err;
  EXPECT_THAT(r.err, HasSubstr("could not find command for platform"));
  EXPECT_TRUE(WroteErrPostFile(Step(0)));
}

// §11: bad input after flag parsing never leaves later steps waiting.
TEST_F(PlatformTest, MalformedPlatformCommandsFailWithErr) {
  RunOutcome r = RunStep(0, {}, {}, {"TEKTON_PLATFORM_COMMANDS={not json"});
  ASSERT_TRUE(r.status.has_value());
  EXPECT_NE(*r.status, ExitStatus::Exited(0)) << r.err;
  EXPECT_TRUE(WroteErrPostFile(Step(0)));
}

}  // namespace
}  // namespace podstep::test
