// sidecarlogresults: the results sidecar of `-result_from sidecar-logs`.
// Waits for the steps, prints one JSON line per result for the controller.

#include <cstdio>

#include "common/go_flags.h"
#include "common/logging.h"
#include "common/sidecar_log_results.h"
#include "common/sys/real_sidecar_log_results_io.h"

namespace {

// Only for filesystems that send no inotify events; inotify wakes us at once.
constexpr std::chrono::milliseconds kFallbackPoll{200};

}  // namespace

int main(int argc, char** argv) {
  using namespace podstep;
  SidecarLogResultsConfig config;
  config.paths = TektonPaths::FromEnvironment();
  GoFlagSet flags(argc > 0 ? argv[0] : "sidecarlogresults");
  // Usage texts are the reference's, for -help users.
  flags.AddString("results-dir", &config.results_dir, config.paths.ResultsDir(),
                  "Path to the results directory. Default is /tekton/results");
  flags.AddString("result-names", &config.result_names, "",
                  "comma separated result names to expect from the steps running in the pod. eg. "
                  "foo,bar,baz");
  flags.AddString("step-results", &config.step_results_json, "",
                  "json containing a map of step Name as key and list of result Names. eg. "
                  "{\"stepName\":[\"foo\",\"bar\",\"baz\"]}");
  flags.AddString("step-names", &config.step_names, "",
                  "comma separated step names. eg. foo,bar,baz");
  flags.AddBool("kubernetes-sidecar-mode", &config.kubernetes_sidecar_mode,
                "If true, wait indefinitely after processing results (for Kubernetes native "
                "sidecar support)");
  // Positional arguments are ignored, as by the reference: the controller
  // passes `-kubernetes-sidecar-mode true`, and Go stops parsing at "true".
  ParseOutcome parsed = flags.Parse({argv + (argc > 0 ? 1 : 0), argv + argc});
  switch (parsed.status) {
    case ParseStatus::kHelp:
      std::fputs(flags.Usage().c_str(), stderr);
      return 0;
    case ParseStatus::kError:
      std::fprintf(stderr, "%s\n%s", parsed.error.c_str(), flags.Usage().c_str());
      return 2;
    case ParseStatus::kOk:
      break;
  }

  auto signals = SignalChannel::Open();
  if (!signals) {
    LogError("{}", signals.error().message);
    return 1;
  }
  RealSidecarLogResultsIo io(*signals, kFallbackPoll);
  return RunSidecarLogResults(config, io);
}
