// stepinit: builds the /tekton/steps links, like `entrypoint step-init`.

#include <cstdio>
#include <cstdlib>

#include "common/go_flags.h"
#include "common/logging.h"
#include "common/subcommands.h"

int main(int argc, char** argv) {
  bool version = false;
  podstep::GoFlagSet flags("stepinit");
  flags.AddBool("version", &version, "Print the version of stepinit and exit");
  podstep::ParseOutcome parsed = flags.Parse({argv + 1, argv + argc});
  switch (parsed.status) {
    case podstep::ParseStatus::kHelp:
      std::fprintf(stderr,
                   "stepinit [STEP_NAME...]: link /tekton/steps/<name> and /tekton/steps/<index> "
                   "to /tekton/run/<index>/status\n%s",
                   flags.Usage().c_str());
      return 0;
    case podstep::ParseStatus::kError:
      std::fprintf(stderr, "%s\n%s", parsed.error.c_str(), flags.Usage().c_str());
      return 2;
    case podstep::ParseStatus::kOk:
      break;
  }
  if (version) {
    std::printf("podstep stepinit %s\n", PODSTEP_VERSION);
    return 0;
  }
  std::vector<std::string> args{"step-init"};
  args.insert(args.end(), parsed.positional.begin(), parsed.positional.end());
  auto outcome = podstep::RunSubcommand(args, podstep::TektonPaths::FromEnvironment());
  podstep::LogInfo("{}", outcome->message);
  return outcome->ok ? 0 : 1;
}
