// podsim's command line (ParsePodsimCommandLine): every flag, its spellings,
// and one-line errors that name the flag.

#include "podsim/cli.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace podstep::podsim {
namespace {

using namespace std::chrono_literals;
using Command = PodsimCommandLine::Command;
using Output = PodsimCommandLine::Output;
using Args = std::vector<std::string>;

PodsimCommandLine Parse(const Args& args) {
  auto parsed = ParsePodsimCommandLine(args);
  EXPECT_TRUE(parsed) << parsed.error().message;
  return parsed ? *parsed : PodsimCommandLine{};
}

std::string Error(const Args& args) {
  auto parsed = ParsePodsimCommandLine(args);
  EXPECT_FALSE(parsed);
  return parsed ? "" : parsed.error().message;
}

TEST(PodsimCommandLineTest, RunAndRenderTakeOneFile) {
  PodsimCommandLine run = Parse({"run", "task.yaml"});
  EXPECT_EQ(run.command, Command::kRun);
  EXPECT_EQ(run.file, "task.yaml");
  EXPECT_EQ(run.output, Output::kTable);
  EXPECT_FALSE(run.timeout);
  EXPECT_FALSE(run.host_network);
  EXPECT_FALSE(run.allow_host_path);
  EXPECT_TRUE(run.select.empty());
  EXPECT_EQ(Parse({"render", "-"}).command, Command::kRender);
  EXPECT_EQ(Parse({"render", "-"}).file, "-");
  EXPECT_EQ(Parse({"run", "--", "-odd-name.yaml"}).file, "-odd-name.yaml");

  EXPECT_EQ(Error({}), "no command (run or render)");
  EXPECT_EQ(Error({"run"}), "run takes exactly one FILE, 0 given");
  EXPECT_EQ(Error({"render", "a", "b"}), "render takes exactly one FILE, 2 given");
  EXPECT_EQ(Error({"start", "a"}), "unknown command \"start\" (run or render)");
}

TEST(PodsimCommandLineTest, HelpAndVersionInEverySpelling) {
  for (const Args& args :
       {Args{"--help"}, Args{"-h"}, Args{"-help"}, Args{"help"}, Args{"run", "f", "--help"}}) {
    EXPECT_EQ(Parse(args).command, Command::kHelp) << args[0];
  }
  for (const Args& args : {Args{"--version"}, Args{"-version"}, Args{"version"}}) {
    EXPECT_EQ(Parse(args).command, Command::kVersion) << args[0];
  }
}

TEST(PodsimCommandLineTest, ExistingFlagsKeepTheirSpellings) {
  PodsimCommandLine o =
      Parse({"run", "--output", "json", "--logs=/tmp/l", "-cancel-after", "2s", "--timeout=1m",
             "-grace-period=500ms", "--entrypoint-bin", "/e", "-nop-bin", "/n",
             "-workingdirinit-bin=/w", "f.yaml"});
  EXPECT_EQ(o.output, Output::kJson);
  EXPECT_EQ(o.logs_dir, "/tmp/l");
  EXPECT_EQ(o.cancel_after, 2s);
  EXPECT_EQ(o.timeout, 1min);
  EXPECT_EQ(o.grace, 500ms);
  EXPECT_EQ(o.entrypoint_bin, "/e");
  EXPECT_EQ(o.nop_bin, "/n");
  EXPECT_EQ(o.workingdirinit_bin, "/w");
  EXPECT_EQ(o.file, "f.yaml");
  for (const Args& args : {Args{"run", "-o", "json", "f"}, Args{"run", "--o", "json", "f"},
                           Args{"run", "-output=json", "f"}, Args{"-ojson", "run", "f"},
                           Args{"run", "f", "--output", "json"}}) {
    EXPECT_EQ(Parse(args).output, Output::kJson) << args[1];
  }
  // The last of a repeated flag wins; a zero timeout is "no timeout", kept as 0.
  EXPECT_EQ(Parse({"run", "-o", "json", "-o", "table", "f"}).output, Output::kTable);
  EXPECT_EQ(Parse({"run", "--timeout", "0", "f"}).timeout, 0ns);
}

TEST(PodsimCommandLineTest, NewFlags) {
  PodsimCommandLine o =
      Parse({"run", "--host-network", "--allow-host-path", "--select", "a", "--select=b",
             "--from-dir", "d1", "-from-dir", "d2", "--image", "busybox=/img/bb", "--image",
             "alpine:3=/img/a=b", "--image-command", "busybox=/bin/sh -c", "--image-command",
             R"(alpine:3=["/bin/ash", "-c", "a b"])", "f.yaml"});
  EXPECT_TRUE(o.host_network);
  EXPECT_TRUE(o.allow_host_path);
  EXPECT_EQ(o.select, (Args{"a", "b"}));
  EXPECT_EQ(o.from_dirs, (Args{"d1", "d2"}));
  EXPECT_EQ(o.images,
            (std::map<std::string, std::string>{{"alpine:3", "/img/a=b"}, {"busybox", "/img/bb"}}));
  EXPECT_EQ(o.image_commands.at("busybox"), (Args{"/bin/sh", "-c"}));
  EXPECT_EQ(o.image_commands.at("alpine:3"), (Args{"/bin/ash", "-c", "a b"}));
  EXPECT_EQ(o.file, "f.yaml");
  EXPECT_FALSE(Parse({"run", "--host-network=false", "f"}).host_network);
}

TEST(PodsimCommandLineTest, ImageCommandIsAJsonArrayOrWords) {
  EXPECT_EQ(*ParseImageCommand("  /bin/sh\t-c  "), (Args{"/bin/sh", "-c"}));
  EXPECT_EQ(*ParseImageCommand(R"( ["a b", "c"])"), (Args{"a b", "c"}));
  for (const char* bad : {"", "  ", "[]", "[1]", "[\"a\""}) {
    EXPECT_FALSE(ParseImageCommand(bad)) << bad;
  }
}

TEST(PodsimCommandLineTest, ErrorsAreOneLineNamingTheFlag) {
  EXPECT_EQ(Error({"run", "--bogus", "f"}), "unknown flag --bogus");
  EXPECT_EQ(Error({"run", "-x", "f"}), "unknown flag -x");
  EXPECT_EQ(Error({"run", "f", "--output"}), "flag --output needs a value");
  EXPECT_EQ(Error({"run", "--output", "yaml", "f"}),
            "invalid value \"yaml\" for flag --output: table or json");
  EXPECT_EQ(Error({"run", "--timeout", "soon", "f"}),
            "invalid value \"soon\" for flag --timeout: time: invalid duration \"soon\"");
  EXPECT_EQ(Error({"run", "--grace-period=-1s", "f"}),
            "invalid value \"-1s\" for flag --grace-period: negative");
  EXPECT_EQ(Error({"run", "--select=", "f"}), "flag --select needs a value");
  EXPECT_EQ(Error({"run", "-from-dir=", "f"}), "flag --from-dir needs a value");
  EXPECT_EQ(Error({"run", "--image", "busybox", "f"}),
            "invalid value \"busybox\" for flag --image: want NAME=ROOTFS_DIR");
  EXPECT_EQ(Error({"run", "--image", "=/d", "f"}),
            "invalid value \"=/d\" for flag --image: want NAME=ROOTFS_DIR");
  EXPECT_EQ(Error({"run", "--image", "a=/x", "--image", "a=/y", "f"}),
            "flag --image: a is given twice");
  EXPECT_EQ(Error({"run", "--image-command", "a=[1]", "f"}),
            "invalid value \"a=[1]\" for flag --image-command: CMD starting with '[' must be a "
            "JSON array of strings");
  for (const Args& args : {Args{"run", "--bogus", "f"}, Args{"run", "--image", "x", "f"},
                           Args{"run", "--host-network=maybe", "f"}}) {
    const std::string message = Error(args);
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_NE(message.find(args[1].substr(0, args[1].find('='))), std::string::npos) << message;
  }
}

TEST(PodsimCommandLineTest, UsageNamesEveryFlag) {
  const std::string usage = PodsimUsage();
  for (const char* flag :
       {"--output", "--logs", "--cancel-after", "--timeout", "--grace-period", "--host-network",
        "--allow-host-path", "--entrypoint-bin", "--nop-bin", "--select", "--from-dir", "--image ",
        "--image-command", "--help", "--version", "Exit codes"}) {
    EXPECT_NE(usage.find(flag), std::string::npos) << flag;
  }
}

}  // namespace
}  // namespace podstep::podsim
