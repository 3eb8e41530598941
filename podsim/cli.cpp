#include "podsim/cli.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string_view>
#include <tuple>

#include "common/go_duration.h"
#include "podsim/container_env.h"
#include "podsim/kubelet.h"
#include "podsim/local_images.h"
#include "podsim/manifest.h"
#include "podsim/pod_spec.h"
#include "podsim/render.h"
#include "podsim/report.h"
#include "podsim/sys/manifest_dir.h"
#include "podsim/sys/podman_images.h"
#include "podsim/taskrun_status.h"

namespace podstep::podsim {
namespace {

using Command = PodsimCommandLine::Command;

// The long flags, as spelled after "--".
constexpr std::array<std::string_view, 16> kLongFlags = {
    "output",        "logs",          "cancel-after",       "timeout",
    "grace-period",  "help",          "version",            "entrypoint-bin",
    "nop-bin",       "host-network",  "select",             "from-dir",
    "image",         "image-command", "allow-host-path",    "workingdirinit-bin"};

struct Tokens {
  std::vector<std::string> flags;  ///< For CLI11, in its reverse order.
  std::vector<std::string> after_double_dash;
};

// What CLI11 does not do as podsim's flags always did: Go's flag package,
// which they first followed, takes `-name` as well as `--name` (CLI11 would
// read `-output` as `-o utput`); `--name=` is an empty value (CLI11 would
// take the next argument); `--` ends the flags (CLI11 with extras allowed
// would keep it).
Result<Tokens> PrepareTokens(const std::vector<std::string>& args) {
  Tokens tokens;
  const auto dash = std::find(args.begin(), args.end(), "--");
  if (dash != args.end()) tokens.after_double_dash.assign(dash + 1, args.end());
  for (auto it = std::make_reverse_iterator(dash); it != args.rend(); ++it) {
    std::string arg = *it;
    if (arg.size() > 1 && arg[0] == '-') {
      const size_t eq = arg.find('=');
      const size_t dashes = arg[1] == '-' ? 2 : 1;
      const std::string_view name = std::string_view(arg).substr(dashes, eq - dashes);
      if (std::find(kLongFlags.begin(), kLongFlags.end(), name) != kLongFlags.end()) {
        if (eq + 1 == arg.size()) return Fail("flag --" + std::string(name) + " needs a value");
        if (dashes == 1) arg.insert(0, "-");
      }
    }
    tokens.flags.push_back(std::move(arg));
  }
  return tokens;
}

Result<std::optional<std::chrono::nanoseconds>> Duration(const std::string& flag,
                                                         const std::string& value) {
  if (value.empty()) return std::nullopt;
  auto d = ParseGoDuration(value);
  if (!d) {
    return Fail("invalid value \"" + value + "\" for flag " + flag + ": " + d.error().message);
  }
  if (d->count() < 0) {
    return Fail("invalid value \"" + value + "\" for flag " + flag + ": negative");
  }
  return *d;
}

// Splits each `KEY=VALUE` of a repeatable flag; a KEY given twice is an error.
template <class Value>
Result<std::map<std::string, Value>> KeyValues(
    const std::string& flag, const std::vector<std::string>& values, const char* form,
    const std::function<Result<Value>(const std::string&)>& parse_value) {
  std::map<std::string, Value> out;
  for (const std::string& text : values) {
    const size_t eq = text.find('=');
    if (eq == 0 || eq == std::string::npos || eq + 1 == text.size()) {
      return Fail("invalid value \"" + text + "\" for flag " + flag + ": want " + form);
    }
    auto value = parse_value(text.substr(eq + 1));
    if (!value) {
      return Fail("invalid value \"" + text + "\" for flag " + flag + ": " + value.error().message);
    }
    if (!out.emplace(text.substr(0, eq), std::move(*value)).second) {
      return Fail("flag " + flag + ": " + text.substr(0, eq) + " is given twice");
    }
  }
  return out;
}

Status NoEmptyValue(const std::string& flag, const std::vector<std::string>& values) {
  for (const std::string& value : values) {
    if (value.empty()) return Fail("flag " + flag + " needs a value");
  }
  return {};
}

// "--timeout: 1 required TEXT missing" names the flag first.
std::string CliError(const CLI::ParseError& e) {
  const std::string what = e.what();
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) != nullptr) {
    return "flag " + what.substr(0, what.find(':')) + " needs a value";
  }
  return what;
}

Result<Command> CommandWord(const std::string& word) {
  if (word == "run") return Command::kRun;
  if (word == "render") return Command::kRender;
  if (word == "help") return Command::kHelp;
  if (word == "version") return Command::kVersion;
  return Fail("unknown command \"" + word + "\" (run or render)");
}

}  // namespace

Result<std::vector<std::string>> ParseImageCommand(const std::string& text) {
  std::vector<std::string> words;
  const size_t first = text.find_first_not_of(" \t\n");
  if (first != std::string::npos && text[first] == '[') {
    const nlohmann::json array = nlohmann::json::parse(text, nullptr, false);
    if (!array.is_array()) return Fail("CMD starting with '[' must be a JSON array of strings");
    for (const nlohmann::json& word : array) {
      if (!word.is_string()) return Fail("CMD starting with '[' must be a JSON array of strings");
      words.push_back(word.get<std::string>());
    }
  } else {
    std::istringstream stream(text);
    for (std::string word; stream >> word;) words.push_back(word);
  }
  if (words.empty()) return Fail("CMD is empty");
  return words;
}

Result<PodsimCommandLine> ParsePodsimCommandLine(const std::vector<std::string>& args) {
  CLI::App app("podsim");
  app.set_help_flag();     // ours: help is a command like run, printed by PodsimMain
  app.allow_extras(true);  // so that an unknown flag is reported by its name
  PodsimCommandLine o;
  bool help = false, version = false;
  std::vector<std::string> positional, images, image_commands;
  std::string output, cancel_after, timeout, grace;
  const auto last = CLI::MultiOptionPolicy::TakeLast;
  app.add_flag("-h,--help", help);
  app.add_flag("--version", version);
  app.add_option("-o,--output,--o", output)->multi_option_policy(last);
  app.add_option("--logs", o.logs_dir)->multi_option_policy(last);
  app.add_option("--cancel-after", cancel_after)->multi_option_policy(last);
  app.add_option("--timeout", timeout)->multi_option_policy(last);
  app.add_option("--grace-period", grace)->multi_option_policy(last);
  app.add_option("--entrypoint-bin", o.entrypoint_bin)->multi_option_policy(last);
  app.add_option("--nop-bin", o.nop_bin)->multi_option_policy(last);
  app.add_option("--workingdirinit-bin", o.workingdirinit_bin)->multi_option_policy(last);
  app.add_flag("--host-network", o.host_network);
  app.add_flag("--allow-host-path", o.allow_host_path);
  // One value per occurrence: `--select a FILE` must leave FILE alone.
  app.add_option("--select", o.select)->allow_extra_args(false);
  app.add_option("--from-dir", o.from_dirs)->allow_extra_args(false);
  app.add_option("--image", images)->allow_extra_args(false);
  app.add_option("--image-command", image_commands)->allow_extra_args(false);
  app.add_option("args", positional);

  auto tokens = PrepareTokens(args);
  if (!tokens) return Fail(tokens.error());
  try {
    app.parse(tokens->flags);
  } catch (const CLI::ParseError& e) {
    return Fail(CliError(e));
  }
  for (const std::string& extra : app.remaining()) {
    if (extra.starts_with("-")) return Fail("unknown flag " + extra);
  }
  positional.insert(positional.end(), tokens->after_double_dash.begin(),
                    tokens->after_double_dash.end());
  if (help || version) {
    o.command = help ? Command::kHelp : Command::kVersion;
    return o;
  }

  if (output == "json") {
    o.output = PodsimCommandLine::Output::kJson;
  } else if (!output.empty() && output != "table") {
    return Fail("invalid value \"" + output + "\" for flag --output: table or json");
  }
  for (auto [flag, text, target] : {std::tuple{"--cancel-after", &cancel_after, &o.cancel_after},
                                    std::tuple{"--timeout", &timeout, &o.timeout},
                                    std::tuple{"--grace-period", &grace, &o.grace}}) {
    auto d = Duration(flag, *text);
    if (!d) return Fail(d.error());
    *target = *d;
  }
  if (auto ok = NoEmptyValue("--select", o.select); !ok) return Fail(ok.error());
  if (auto ok = NoEmptyValue("--from-dir", o.from_dirs); !ok) return Fail(ok.error());
  auto image_dirs =
      KeyValues<std::string>("--image", images, "NAME=ROOTFS_DIR",
                             [](const std::string& dir) -> Result<std::string> { return dir; });
  if (!image_dirs) return Fail(image_dirs.error());
  o.images = std::move(*image_dirs);
  auto commands = KeyValues<std::vector<std::string>>("--image-command", image_commands,
                                                      "IMAGE=CMD", ParseImageCommand);
  if (!commands) return Fail(commands.error());
  o.image_commands = std::move(*commands);

  if (positional.empty()) return Fail("no command (run or render)");
  auto command = CommandWord(positional[0]);
  if (!command) return Fail(command.error());
  o.command = *command;
  if (o.command == Command::kHelp || o.command == Command::kVersion) return o;
  if (positional.size() != 2) {
    return Fail(positional[0] + " takes exactly one FILE, " +
                std::to_string(positional.size() - 1) + " given");
  }
  o.file = positional[1];
  return o;
}

std::string PodsimUsage() {
  return R"(Usage:
  podsim run [flags] FILE      run a Pod, Task or TaskRun locally with kubelet semantics
  podsim render [flags] FILE   print the Pod a Task or TaskRun becomes (JSON)
  podsim --help | --version

FILE is JSON or YAML (`-` reads stdin): TaskRuns (taskSpec, or taskRef to a
Task of FILE or --from-dir), all run in turn; else Tasks (run with default
params); else Pods. Tekton's substitutions and checks apply.
Images are never pulled: a container runs on its image's root file system
when podsim has it (--image, or local podman storage), else on the host's,
read-only with a private writable layer, in its own mount and PID namespaces
and the pod's network namespace, with the pod's volumes mounted;
/ko-app/entrypoint, /ko-app/nop and /ko-app/workingdirinit are podstep's binaries. Needs root (or
user namespaces).

Flags of run (one dash or two; a value as the next argument or after `=`):
  -o, --output table|json   table for people (default), or the TaskRun status as JSON
  --logs DIR                write each container's output to DIR/<container>.log
                            instead of "[container] line" on stderr
  --cancel-after D          cancel the TaskRun after D (Go duration, e.g. 2s)
  --timeout D               TaskRun timeout (default: the TaskRun's, else 1h)
  --grace-period D          SIGTERM-to-SIGKILL grace when stopping containers
                            (default: the pod's terminationGracePeriodSeconds, 30s)
  --host-network            the containers use the host's network namespace
                            (default: a private one with only loopback)
  --allow-host-path         allow hostPath volumes (refused without it)
  --entrypoint-bin PATH     binary mounted at /ko-app/entrypoint (default: next to podsim)
  --nop-bin PATH            binary mounted at /ko-app/nop (default: next to podsim)
  --workingdirinit-bin PATH binary mounted at /ko-app/workingdirinit (default:
                            next to podsim)

Flags of run and render (each may be repeated):
  --select NAME             only the TaskRun NAME of a file with several
  --from-dir DIR            Task, StepAction, ConfigMap and Secret documents of
                            DIR's files that references may name, besides FILE's
  --image NAME=ROOTFS_DIR   containers of image NAME run on the root file system
                            in ROOTFS_DIR
  --image-command IMAGE=CMD the entrypoint of IMAGE for steps without `command`:
                            a JSON array ('["/bin/sh","-c"]') or words split at
                            blanks ('/bin/sh -c')

Exit codes: 0 the TaskRun succeeded, 1 it failed, 2 bad input (a usage error,
a manifest podsim refuses) or podsim could not run the pod.
)";
}

namespace {

// A container that would only stand in (no command, no known image) cannot
// pass a readiness probe: refused before the run, with what to give.
Status CheckProbedImages(const PodSpec& pod, LocalImages& images) {
  for (const Container& c : pod.containers) {
    if (!c.readiness_probe || !c.command.empty() || c.image.empty()) continue;
    const std::optional<ImageConfig> found = images.Find(c.image);
    if (!found || (found->entrypoint.empty() && found->cmd.empty())) {
      return Fail("container " + c.name + ": image " + c.image +
                  " is not known here and the container has no command, so its readinessProbe "
                  "could never pass; give --image-command " +
                  c.image + "=CMD or --image " + c.image + "=ROOTFS_DIR");
    }
  }
  return {};
}

// Names the TaskRun a Pod comes from, for errors about the Pod itself.
std::string Origin(const RenderedPod& rendered) {
  if (!rendered.task_run) return "";
  return "TaskRun \"" + rendered.task_run->task_run_name + "\": the Pod it becomes: ";
}

// The Pods the kubelet runs, each checked as the API server would check it.
Result<std::vector<PodSpec>> ParsePods(const std::vector<RenderedPod>& rendered) {
  std::vector<PodSpec> pods;
  for (const RenderedPod& r : rendered) {
    auto pod = ParsePod(r.pod);
    if (!pod) return Fail(Origin(r) + pod.error().message);
    pods.push_back(std::move(*pod));
  }
  return pods;
}

// `podsim render`: the Pod, or a List of them.
nlohmann::json RenderedJson(const std::vector<RenderedPod>& rendered) {
  if (rendered.size() == 1) return rendered.front().pod;
  nlohmann::json list = {
      {"apiVersion", "v1"}, {"kind", "List"}, {"items", nlohmann::json::array()}};
  for (const RenderedPod& r : rendered) list["items"].push_back(r.pod);
  return list;
}

// What is checked of a pod before anything runs: its ConfigMap, Secret and
// hostPath references, and the images a readiness probe needs.
Status CheckBeforeRun(const PodSpec& pod, const ConfigObjects& objects, LocalImages& images,
                      bool allow_host_path) {
  if (auto ok = CheckPodReferences(pod, objects, allow_host_path); !ok) return ok;
  std::vector<std::string> main_images;
  for (const Container& c : pod.containers) main_images.push_back(c.image);
  images.Prefetch(main_images);
  return CheckProbedImages(pod, images);
}

KubeletOptions OptionsFor(const PodsimCommandLine& o, const std::string& self_dir,
                          const PodSpec& pod, RenderedPod& rendered, const ConfigObjects& objects,
                          LocalImages& images) {
  KubeletOptions k;
  k.objects = &objects;
  k.images = &images;
  k.entrypoint_bin = o.entrypoint_bin.empty() ? self_dir + "/entrypoint" : o.entrypoint_bin;
  k.nop_bin = o.nop_bin.empty() ? self_dir + "/nop" : o.nop_bin;
  k.workingdirinit_bin =
      o.workingdirinit_bin.empty() ? self_dir + "/workingdirinit" : o.workingdirinit_bin;
  k.cancel_after = o.cancel_after;
  k.grace = o.grace;
  if (o.timeout) {
    k.deadline = *o.timeout;
    if (rendered.task_run) rendered.task_run->timeout = *o.timeout;
  } else if (rendered.task_run) {
    k.deadline = rendered.task_run->timeout;
  } else if (pod.active_deadline_seconds) {
    k.deadline = std::chrono::seconds(*pod.active_deadline_seconds);
  }
  if (k.deadline && k.deadline->count() == 0) k.deadline.reset();  // 0: no timeout
  k.host_network = o.host_network;
  return k;
}

// Runs one pod; its status is printed when the outcome is known (a
// TaskRun's steps ended), while the sidecars are still being stopped.
int RunOne(const PodsimCommandLine& o, const std::string& self_dir, const PodSpec& pod,
           RenderedPod& rendered, const ConfigObjects& objects, LocalImages& images,
           const std::string& logs_dir) {
  KubeletOptions k = OptionsFor(o, self_dir, pod, rendered, objects, images);
  PrefixLogSink stderr_sink(stderr);
  DirLogSink dir_sink(logs_dir);
  LogSink& sink = o.logs_dir.empty() ? static_cast<LogSink&>(stderr_sink) : dir_sink;
  std::optional<int> verdict;
  k.on_verdict = [&](const PodRun& run) {
    nlohmann::json status = BuildTaskRunStatus(pod, run, rendered.task_run);
    if (o.output == PodsimCommandLine::Output::kJson) {
      std::printf("%s\n", status.dump(2).c_str());
    } else {
      const std::string name = rendered.task_run ? rendered.task_run->task_run_name : pod.name;
      std::fputs(FormatReport(run, status, name).c_str(), stdout);
    }
    std::fflush(stdout);
    verdict = StatusSucceeded(status) ? kExitSucceeded : kExitFailed;
  };
  if (auto run = RunPod(pod, k, sink); !run) {
    std::fprintf(stderr, "podsim: %s\n", run.error().message.c_str());
  }
  return verdict.value_or(kExitUsage);
}

// Each pod runs to its verdict in turn; several statuses as JSON make one
// JSON array, several runs log apart (DIR/<TaskRun or Pod>/<container>.log).
int RunAll(const PodsimCommandLine& o, const std::string& self_dir,
           const std::vector<PodSpec>& pods, std::vector<RenderedPod>& rendered,
           const ConfigObjects& objects, LocalImages& images) {
  const bool json_list = o.output == PodsimCommandLine::Output::kJson && pods.size() > 1;
  if (json_list) std::printf("[\n");
  int exit_code = kExitSucceeded;
  for (size_t i = 0; i < pods.size(); ++i) {
    if (json_list && i > 0) std::printf(",\n");
    const std::string name =
        rendered[i].task_run ? rendered[i].task_run->task_run_name : pods[i].name;
    const std::string logs =
        o.logs_dir.empty() || pods.size() == 1 ? o.logs_dir : o.logs_dir + "/" + name;
    exit_code =
        std::max(exit_code, RunOne(o, self_dir, pods[i], rendered[i], objects, images, logs));
  }
  if (json_list) std::printf("]\n");
  std::fflush(stdout);
  for (const std::string& note : images.TakeNotes()) {
    std::fprintf(stderr, "podsim: %s\n", note.c_str());
  }
  return exit_code;
}

}  // namespace

int PodsimMain(const std::vector<std::string>& args, const std::string& self_dir) {
  try {
    auto command_line = ParsePodsimCommandLine(args);
    if (!command_line) {
      std::fprintf(stderr, "podsim: %s (podsim --help shows the usage)\n",
                   command_line.error().message.c_str());
      return kExitUsage;
    }
    const PodsimCommandLine& o = *command_line;
    if (o.command == PodsimCommandLine::Command::kHelp) {
      std::fputs(PodsimUsage().c_str(), stdout);
      return kExitSucceeded;
    }
    if (o.command == PodsimCommandLine::Command::kVersion) {
      std::printf("podsim (podstep) %s\n", PODSTEP_VERSION);
      return kExitSucceeded;
    }
    auto documents = LoadManifests(o.file);
    if (!documents) {
      std::fprintf(stderr, "podsim: %s\n", documents.error().message.c_str());
      return kExitUsage;
    }
    auto objects = LoadReferences(o.file, *documents, o.from_dirs);
    if (!objects) {
      std::fprintf(stderr, "podsim: %s\n", objects.error().message.c_str());
      return kExitUsage;
    }
    LocalImages images({o.images, o.image_commands}, std::make_unique<PodmanCli>());
    auto rendered = RenderDocuments(*documents, images, o.select);
    if (!rendered) {
      std::fprintf(stderr, "podsim: %s: %s\n", o.file.c_str(), rendered.error().message.c_str());
      return kExitUsage;
    }
    auto pods = ParsePods(*rendered);
    if (!pods) {
      std::fprintf(stderr, "podsim: %s: %s\n", o.file.c_str(), pods.error().message.c_str());
      return kExitUsage;
    }
    if (o.command == PodsimCommandLine::Command::kRender) {
      std::printf("%s\n", RenderedJson(*rendered).dump(2).c_str());
      return kExitSucceeded;
    }
    for (size_t i = 0; i < pods->size(); ++i) {
      if (auto ok = CheckBeforeRun((*pods)[i], *objects, images, o.allow_host_path); !ok) {
        std::fprintf(stderr, "podsim: %s: %s%s\n", o.file.c_str(), Origin((*rendered)[i]).c_str(),
                     ok.error().message.c_str());
        return kExitUsage;
      }
    }
    return RunAll(o, self_dir, *pods, *rendered, *objects, images);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "podsim: internal error: %s\n", e.what());
    return kExitUsage;
  }
}

}  // namespace podstep::podsim
