#include "common/go_flags.h"

#include <gtest/gtest.h>

namespace podstep {
namespace {

using Args = std::vector<std::string>;

TEST(SplitAtDoubleDashTest, ReferenceExtractArgs) {
  struct Case {
    Args args, flags, command;
  };
  const std::vector<Case> cases = {
      {{}, {}, {}},
      {{"-a", "b"}, {"-a", "b"}, {}},
      {{"-a", "--", "cmd", "x"}, {"-a"}, {"cmd", "x"}},
      {{"--", "cmd"}, {"--", "cmd"}, {}},  // first position: not a split
      {{"-a", "--", "x", "--", "y"}, {"-a"}, {"x", "--", "y"}},
      {{"-a", "--"}, {"-a"}, {}},
  };
  for (const auto& c : cases) {
    SplitArgs split = SplitAtDoubleDash(c.args);
    EXPECT_EQ(split.flag_args, c.flags);
    EXPECT_EQ(split.command_args, c.command);
  }
}

TEST(ParseGoBoolTest, AllSpellings) {
  for (const char* yes : {"1", "t", "T", "TRUE", "true", "True"}) EXPECT_EQ(ParseGoBool(yes), true);
  for (const char* no : {"0", "f", "F", "FALSE", "false", "False"})
    EXPECT_EQ(ParseGoBool(no), false);
  for (const char* bad : {"", "yes", "no", "tRUE", "2", "on"})
    EXPECT_EQ(ParseGoBool(bad), std::nullopt);
}

// A flag set of every kind, bound to its own variables.
struct TestFlags {
  TestFlags() : flags_("prog") {
    flags_.AddBool("b", &b_, "a bool");
    flags_.AddString("s", &s_, "dflt", "a string");
    flags_.AddString("empty", &empty_, "", "no default");
    flags_.AddDuration("timeout", &timeout_, "a duration");
    flags_.AddVar("many", "repeatable", [this](const std::string& v) -> std::optional<std::string> {
      if (v == "bad") return "rejected";
      many_.push_back(v);
      return std::nullopt;
    });
  }
  GoFlagSet flags_;
  bool b_ = true;
  std::string s_, empty_;
  std::chrono::nanoseconds timeout_{5};
  std::vector<std::string> many_;
};

class GoFlagSetTest : public ::testing::Test, protected TestFlags {};

TEST_F(GoFlagSetTest, DefaultsAreSetBeforeParsing) {
  ParseOutcome outcome = flags_.Parse({});
  EXPECT_EQ(outcome.status, ParseStatus::kOk);
  EXPECT_FALSE(b_);
  EXPECT_EQ(s_, "dflt");
  EXPECT_EQ(timeout_.count(), 0);
  EXPECT_TRUE(many_.empty());
}

TEST_F(GoFlagSetTest, GoSyntaxForms) {
  ParseOutcome outcome = flags_.Parse({"-b", "--s", "v1", "-empty=x=y", "--timeout=1m30s", "-many",
                                       "a", "-many=b", "pos", "-s", "ignored"});
  ASSERT_EQ(outcome.status, ParseStatus::kOk) << outcome.error;
  EXPECT_TRUE(b_);
  EXPECT_EQ(s_, "v1");
  EXPECT_EQ(empty_, "x=y");
  EXPECT_EQ(timeout_, std::chrono::seconds(90));
  EXPECT_EQ(many_, (Args{"a", "b"}));
  EXPECT_EQ(outcome.positional, (Args{"pos", "-s", "ignored"}));
}

TEST_F(GoFlagSetTest, ValuesMayStartWithADashOrBeEmpty) {
  ParseOutcome outcome = flags_.Parse({"-s", "-b", "-timeout", "-1s", "-empty="});
  ASSERT_EQ(outcome.status, ParseStatus::kOk) << outcome.error;
  EXPECT_EQ(s_, "-b");
  EXPECT_FALSE(b_);
  EXPECT_EQ(timeout_, std::chrono::seconds(-1));
  EXPECT_EQ(empty_, "");
}

TEST_F(GoFlagSetTest, BoolValuesAndLastOneWins) {
  ASSERT_EQ(flags_.Parse({"-b=true", "-b=F", "-s=a", "-s=b"}).status, ParseStatus::kOk);
  EXPECT_FALSE(b_);
  EXPECT_EQ(s_, "b");
}

TEST_F(GoFlagSetTest, TerminatorsStopParsing) {
  ParseOutcome dashdash = flags_.Parse({"-b", "--", "-s", "x"});
  EXPECT_EQ(dashdash.positional, (Args{"-s", "x"}));
  GoFlagSet other("prog");
  bool b = false;
  other.AddBool("b", &b, "");
  EXPECT_EQ(other.Parse({"-", "-b"}).positional, (Args{"-", "-b"}));
  EXPECT_FALSE(b);
}

TEST_F(GoFlagSetTest, ErrorsUseGoWording) {
  const std::vector<std::pair<Args, std::string>> cases = {
      {{"-nope"}, "flag provided but not defined: -nope"},
      {{"--nope=1"}, "flag provided but not defined: -nope"},
      {{"---x"}, "bad flag syntax: ---x"},
      {{"-=x"}, "bad flag syntax: -=x"},
      {{"-b=maybe"}, "invalid boolean value \"maybe\" for -b: parse error"},
      {{"-s"}, "flag needs an argument: -s"},
      {{"-timeout", "abc"}, "invalid value \"abc\" for flag -timeout: parse error"},
      {{"-timeout=1d"}, "invalid value \"1d\" for flag -timeout: parse error"},
      {{"-many", "bad"}, "invalid value \"bad\" for flag -many: rejected"},
  };
  for (const auto& [args, message] : cases) {
    TestFlags fresh;
    ParseOutcome outcome = fresh.flags_.Parse(args);
    EXPECT_EQ(outcome.status, ParseStatus::kError) << args[0];
    EXPECT_EQ(outcome.error, message);
  }
}

TEST_F(GoFlagSetTest, HelpUnlessDefined) {
  for (const char* help : {"-h", "-help", "--help", "--h"}) {
    TestFlags fresh;
    EXPECT_EQ(fresh.flags_.Parse({help}).status, ParseStatus::kHelp) << help;
  }
}

TEST_F(GoFlagSetTest, UsageInGoFormat) {
  GoFlagSet flags("entrypoint");
  bool b = false, x = false;
  std::string s, n;
  std::chrono::nanoseconds d;
  flags.AddBool("x", &x, "short bool");
  flags.AddBool("bool_flag", &b, "If specified, do it");
  flags.AddString("path", &s, "/tekton/termination", "file to `write`\nsecond line");
  flags.AddString("name", &n, "", "a name");
  flags.AddDuration("timeout", &d, "sets timeout");
  flags.AddVar("basic-git", "List of secret=url pairs.", [](const std::string&) { return std::nullopt; });
  EXPECT_EQ(
      flags.Usage(),
      "Usage of entrypoint:\n"
      "  -basic-git value\n    \tList of secret=url pairs.\n"
      "  -bool_flag\n    \tIf specified, do it\n"
      "  -name string\n    \ta name\n"
      "  -path write\n    \tfile to write\n    \tsecond line (default \"/tekton/termination\")\n"
      "  -timeout duration\n    \tsets timeout\n"
      "  -x\tshort bool\n");
}

}  // namespace
}  // namespace podstep
