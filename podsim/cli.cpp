#include "podsim/cli.h"

#include <cstdio>
#include <optional>

#include "common/go_duration.h"
#include "podsim/kubelet.h"
#include "podsim/manifest.h"
#include "podsim/pod_spec.h"
#include "podsim/render.h"
#include "podsim/report.h"
#include "podsim/taskrun_status.h"

namespace podstep::podsim {
namespace {

struct RunOptions {
  std::string command;
  std::string file;
  std::string output = "table";
  std::string logs_dir;
  std::string entrypoint_bin;
  std::string nop_bin;
  std::optional<std::chrono::nanoseconds> cancel_after;
  std::optional<std::chrono::nanoseconds> timeout;
  std::optional<std::chrono::nanoseconds> grace;
};

int Usage(const std::string& error) {
  std::fprintf(stderr, "podsim: %s\n\n%s", error.c_str(), PodsimUsage().c_str());
  return kExitUsage;
}

Result<std::chrono::nanoseconds> Duration(const std::string& flag, const std::string& value) {
  auto d = ParseGoDuration(value);
  if (!d)
    return Fail("invalid value \"" + value + "\" for flag " + flag + ": " + d.error().message);
  if (d->count() < 0)
    return Fail("invalid value \"" + value + "\" for flag " + flag + ": negative");
  return *d;
}

Result<RunOptions> ParseArgs(const std::vector<std::string>& args) {
  RunOptions o;
  std::vector<std::string> positional;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    if (arg == "--") {
      positional.insert(positional.end(), args.begin() + static_cast<long>(i) + 1, args.end());
      break;
    }
    if (!arg.starts_with("-") || arg == "-") {
      positional.push_back(arg);
      continue;
    }
    if (arg == "-h" || arg == "--help" || arg == "-help" || arg == "--version" ||
        arg == "-version") {
      positional.insert(positional.begin(), arg);
      continue;
    }
    std::string name = arg.substr(arg.starts_with("--") ? 2 : 1);
    std::optional<std::string> value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    static const std::vector<std::string> kFlags = {"output",         "o",       "logs",
                                                    "cancel-after",   "timeout", "grace-period",
                                                    "entrypoint-bin", "nop-bin"};
    if (std::find(kFlags.begin(), kFlags.end(), name) == kFlags.end()) {
      return Fail("unknown flag " + arg);
    }
    if (!value) {
      if (i + 1 >= args.size()) return Fail("flag --" + name + " needs a value");
      value = args[++i];
    }
    if (name == "output" || name == "o") {
      if (*value != "table" && *value != "json") {
        return Fail("invalid value \"" + *value + "\" for flag --output: table or json");
      }
      o.output = *value;
    } else if (name == "logs") {
      o.logs_dir = *value;
    } else if (name == "entrypoint-bin") {
      o.entrypoint_bin = *value;
    } else if (name == "nop-bin") {
      o.nop_bin = *value;
    } else {
      auto d = Duration("--" + name, *value);
      if (!d) return Fail(d.error());
      (name == "cancel-after" ? o.cancel_after : name == "timeout" ? o.timeout : o.grace) = *d;
    }
  }
  if (positional.empty()) return Fail("no command (run or render)");
  o.command = positional[0];
  if (o.command == "-h" || o.command == "--help" || o.command == "-help" || o.command == "help" ||
      o.command == "--version" || o.command == "-version" || o.command == "version") {
    return o;
  }
  if (o.command != "run" && o.command != "render")
    return Fail("unknown command \"" + o.command + "\"");
  if (positional.size() != 2) return Fail(o.command + " takes exactly one FILE");
  o.file = positional[1];
  return o;
}

}  // namespace

std::string PodsimUsage() {
  return R"(Usage:
  podsim run [flags] FILE      run a Pod, Task or TaskRun locally with kubelet semantics
  podsim render FILE           print the Pod a Task or TaskRun becomes (JSON)
  podsim --help | --version

FILE is JSON or YAML (`-` reads stdin): a Pod, a Task (run with default
params), or a TaskRun (taskSpec, or taskRef to a Task in the same file).
Containers run on the host file system (images are not pulled) in their own
mount and PID namespaces, with the pod's volumes mounted; /ko-app/entrypoint
and /ko-app/nop are podstep's binaries. Needs root (or user namespaces).

Flags of run:
  --output table|json     table for people (default), or the TaskRun status as JSON
  --logs DIR              write each container's output to DIR/<container>.log
                          instead of "[container] line" on stderr
  --cancel-after D        cancel the TaskRun after D (Go duration, e.g. 2s)
  --timeout D             TaskRun timeout (default: the TaskRun's, else 1h)
  --grace-period D        SIGTERM-to-SIGKILL grace when stopping containers
                          (default: the pod's terminationGracePeriodSeconds, 30s)
  --entrypoint-bin PATH   binary mounted at /ko-app/entrypoint (default: next to podsim)
  --nop-bin PATH          binary mounted at /ko-app/nop (default: next to podsim)

Exit codes: 0 the TaskRun succeeded, 1 it failed, 2 bad input or podsim
could not run the pod.
)";
}

int PodsimMain(const std::vector<std::string>& args, const std::string& self_dir) {
  try {
    auto options = ParseArgs(args);
    if (!options) return Usage(options.error().message);
    RunOptions& o = *options;
    if (o.command == "-h" || o.command == "--help" || o.command == "-help" || o.command == "help") {
      std::fputs(PodsimUsage().c_str(), stdout);
      return kExitSucceeded;
    }
    if (o.command.find("version") != std::string::npos) {
      std::printf("podsim (podstep) %s\n", PODSTEP_VERSION);
      return kExitSucceeded;
    }
    auto documents = LoadManifests(o.file);
    if (!documents) {
      std::fprintf(stderr, "podsim: %s\n", documents.error().message.c_str());
      return kExitUsage;
    }
    auto rendered = RenderManifests(*documents);
    if (!rendered) {
      std::fprintf(stderr, "podsim: %s: %s\n", o.file.c_str(), rendered.error().message.c_str());
      return kExitUsage;
    }
    auto pod = ParsePod(rendered->pod);
    if (!pod) {
      std::fprintf(stderr, "podsim: %s: %s\n", o.file.c_str(), pod.error().message.c_str());
      return kExitUsage;
    }
    if (o.command == "render") {
      std::printf("%s\n", rendered->pod.dump(2).c_str());
      return kExitSucceeded;
    }

    KubeletOptions k;
    k.entrypoint_bin = o.entrypoint_bin.empty() ? self_dir + "/entrypoint" : o.entrypoint_bin;
    k.nop_bin = o.nop_bin.empty() ? self_dir + "/nop" : o.nop_bin;
    k.cancel_after = o.cancel_after;
    k.grace = o.grace;
    if (o.timeout) {
      k.deadline = *o.timeout;
      if (rendered->task_run) rendered->task_run->timeout = *o.timeout;
    } else if (rendered->task_run) {
      k.deadline = rendered->task_run->timeout;
    } else if (pod->active_deadline_seconds) {
      k.deadline = std::chrono::seconds(*pod->active_deadline_seconds);
    }
    if (k.deadline && k.deadline->count() == 0) k.deadline.reset();  // 0: no timeout
    PrefixLogSink stderr_sink(stderr);
    DirLogSink dir_sink(o.logs_dir);
    LogSink& sink = o.logs_dir.empty() ? static_cast<LogSink&>(stderr_sink) : dir_sink;
    auto run = RunPod(*pod, k, sink);
    if (!run) {
      std::fprintf(stderr, "podsim: %s\n", run.error().message.c_str());
      return kExitUsage;
    }
    nlohmann::json status = BuildTaskRunStatus(*pod, *run, rendered->task_run);
    if (o.output == "json") {
      std::printf("%s\n", status.dump(2).c_str());
    } else {
      const std::string name = rendered->task_run ? rendered->task_run->task_run_name : pod->name;
      std::fputs(FormatReport(*run, status, name).c_str(), stdout);
    }
    std::fflush(stdout);
    return StatusSucceeded(status) ? kExitSucceeded : kExitFailed;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "podsim: internal error: %s\n", e.what());
    return kExitUsage;
  }
}

}  // namespace podstep::podsim
