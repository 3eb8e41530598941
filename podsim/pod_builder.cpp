#include "podsim/pod_builder.h"

#include <climits>
#include <optional>
#include <set>

#include "common/base64.h"
#include "common/go_duration.h"
#include "common/go_path.h"
#include "common/step.h"
#include "podsim/json_lists.h"
#include "podsim/stable_names.h"
#include "podsim/step_template.h"

namespace podstep::podsim {
namespace {

using nlohmann::json;

constexpr const char* kEntrypointImage = "podstep/entrypoint";
constexpr const char* kWorkingDirInitImage = "podstep/workingdirinit";
constexpr const char* kShellImage = "cgr.dev/chainguard/busybox";
constexpr const char* kBinPath = "/tekton/bin";
constexpr const char* kEntrypointBinary = "/tekton/bin/entrypoint";
constexpr const char* kScriptsPath = "/tekton/scripts";
constexpr const char* kTerminationPath = "/tekton/termination";
constexpr const char* kScriptPreamble = "#!/bin/sh\nset -e\n";

json Mount(const std::string& name, const std::string& path, bool read_only = false) {
  json m = {{"name", name}, {"mountPath", path}};
  if (read_only) m["readOnly"] = true;
  return m;
}

json EmptyDir(const std::string& name, json source = json::object()) {
  return {{"name", name}, {"emptyDir", std::move(source)}};
}

// names.SimpleNameGenerator.RestrictLength: at most 63 characters, ending
// with a letter or digit.
std::string RestrictLength(std::string name) {
  if (name.size() > 63) name.resize(63);
  while (!name.empty() && !std::isalnum(static_cast<unsigned char>(name.back()))) name.pop_back();
  return name;
}

// pod.StepName: "step-<name>", or "step-unnamed-<i>".
std::string StepName(const json& step, size_t i) {
  const std::string name = step.value("name", "");
  return "step-" + (name.empty() ? "unnamed-" + std::to_string(i) : name);
}

// Step.ToK8sContainer / Sidecar.ToK8sContainer.
json ToContainer(const json& s, bool sidecar) {
  static const char* const kFields[] = {
      "name",           "image", "command",      "args",          "workingDir",
      "envFrom",        "env",   "volumeMounts", "volumeDevices", "imagePullPolicy",
      "securityContext"};
  static const char* const kSidecarFields[] = {"ports",
                                               "livenessProbe",
                                               "readinessProbe",
                                               "startupProbe",
                                               "lifecycle",
                                               "terminationMessagePath",
                                               "terminationMessagePolicy",
                                               "stdin",
                                               "stdinOnce",
                                               "tty"};
  json c = json::object();
  for (const char* key : kFields) {
    if (s.contains(key)) c[key] = s[key];
  }
  if (s.contains("computeResources")) c["resources"] = s["computeResources"];
  if (sidecar) {
    for (const char* key : kSidecarFields) {
      if (s.contains(key)) c[key] = s[key];
    }
  }
  return c;
}

// convertScripts: each script goes into the place-scripts init container's
// shell program, and its container runs the file.
class ScriptPlacer {
 public:
  explicit ScriptPlacer(std::string seed) : seed_(std::move(seed)) {}

  Status Place(std::string script, const std::string& base, json& container) {
    std::string cleaned = script;
    cleaned.erase(0, cleaned.find_first_not_of(" \t\r\n"));
    if (cleaned.starts_with("#!win")) {
      return Fail("a Windows script (#!win) cannot run here: podsim runs Linux containers");
    }
    if (!cleaned.starts_with("#!")) script = kScriptPreamble + script;
    const std::string file =
        std::string(kScriptsPath) + "/" + base + "-" + StableSuffix(seed_ + base);
    shell_ += "scriptfile=\"" + file + "\"\n";
    shell_ += "touch ${scriptfile} && chmod +x ${scriptfile}\n";
    shell_ += "cat > ${scriptfile} << '_EOF_'\n" + Base64Encode(script, true) + "\n_EOF_\n";
    shell_ += "/tekton/bin/entrypoint decode-script \"${scriptfile}\"\n";
    container["command"] = json::array({file});
    GrowList(container, "volumeMounts")
        .push_back(Mount("tekton-internal-scripts", kScriptsPath, true));
    return {};
  }

  bool empty() const { return shell_.empty(); }

  json InitContainer() const {
    return {
        {"name", "place-scripts"},
        {"image", kShellImage},
        {"command", {"sh"}},
        {"args", {"-c", shell_}},
        {"volumeMounts",
         {Mount("tekton-internal-scripts", kScriptsPath), Mount("tekton-internal-bin", kBinPath)}}};
  }

 private:
  std::string seed_;
  std::string shell_;
};

// resolveEntrypoints: a step without command runs its image's entrypoint,
// which the entrypoint binary reads from TEKTON_PLATFORM_COMMANDS.
Status ResolveEntrypoint(json& container, const std::string& step_name, ImageStore& images) {
  if (container.contains("command") && !container["command"].empty()) return {};
  const std::string image = container.value("image", "");
  const std::optional<ImageConfig> config = images.Find(image);
  std::vector<std::string> command;
  if (config) {
    command = config->entrypoint;
    const bool has_args = container.contains("args") && !container["args"].empty();
    if (command.empty()) {
      command = config->cmd;
    } else if (!has_args) {
      command.insert(command.end(), config->cmd.begin(), config->cmd.end());
    }
  }
  if (command.empty()) {
    return Fail("step \"" + step_name +
                "\" has no command and no script, and podsim does not know "
                "the entrypoint of image \"" +
                image +
                "\" without a registry: give it with "
                "--image-command " +
                image + "=COMMAND (or add command: to the step)");
  }
  const std::string platform = CurrentPlatform();
  const std::string key = platform.substr(0, platform.find('/', platform.find('/') + 1));
  GrowList(container, "env")
      .push_back({{"name", "TEKTON_PLATFORM_COMMANDS"}, {"value", json{{key, command}}.dump()}});
  return {};
}

std::string JoinedNames(const json& list, bool skip_valued) {
  std::string joined;
  for (const json& item : list) {
    if (skip_valued && item.contains("value")) continue;
    joined += (joined.empty() ? "" : ",") + item.value("name", "");
  }
  return joined;
}

std::string WhenExpressionsJson(const json& when) {
  // Go marshals the fields in the struct's order (input, operator, values,
  // cel), empty ones omitted; ordered_json keeps that order where json sorts.
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const json& w : when) {
    nlohmann::ordered_json o = nlohmann::ordered_json::object();
    for (const char* key : {"input", "operator", "values", "cel"}) {
      if (w.contains(key)) o[key] = nlohmann::ordered_json(w[key]);
    }
    out.push_back(std::move(o));
  }
  return out.dump();
}

// orderContainers: the entrypoint's flags for step i, in the controller's order.
std::vector<std::string> EntrypointFlags(size_t i, const json& step, const json& spec,
                                         bool wait_ready, const std::vector<std::string>& common) {
  const std::string idx = std::to_string(i);
  std::vector<std::string> ep;
  if (i > 0) {
    ep = {"-wait_file", "/tekton/run/" + std::to_string(i - 1) + "/out"};
  } else if (wait_ready) {
    ep = {"-wait_file", "/tekton/downward/ready", "-wait_file_content"};
  }
  ep.insert(ep.end(), {"-post_file", "/tekton/run/" + idx + "/out", "-termination_path",
                       kTerminationPath, "-step_metadata_dir", "/tekton/run/" + idx + "/status"});
  ep.insert(ep.end(), common.begin(), common.end());
  if (const std::string on_error = step.value("onError", ""); !on_error.empty()) {
    ep.insert(ep.end(), {"-on_error", on_error});
  }
  if (step.contains("timeout")) {
    ep.insert(ep.end(),
              {"-timeout", FormatGoDuration(*ParseGoDuration(step["timeout"].get<std::string>()))});
  }
  for (const auto& [config, flag] :
       {std::pair{"stdoutConfig", "-stdout_path"}, {"stderrConfig", "-stderr_path"}}) {
    if (step.contains(config)) ep.insert(ep.end(), {flag, step[config].value("path", "")});
  }
  if (step.contains("results"))
    ep.insert(ep.end(), {"-step_results", JoinedNames(step["results"], false)});
  if (step.contains("when") && !step["when"].empty()) {
    ep.insert(ep.end(), {"--when_expressions", WhenExpressionsJson(step["when"])});
  }
  if (spec.contains("results"))
    ep.insert(ep.end(), {"-results", JoinedNames(spec["results"], true)});
  return ep;
}

// The step's command and args behind the entrypoint's flags.
void WrapInEntrypoint(json& container, std::vector<std::string> flags) {
  const json command = container.value("command", json::array());
  if (!command.empty()) flags.insert(flags.end(), {"-entrypoint", command[0].get<std::string>()});
  flags.push_back("--");
  for (size_t k = 1; k < command.size(); ++k) flags.push_back(command[k]);
  for (const json& a : container.value("args", json::array())) flags.push_back(a);
  container["command"] = json::array({kEntrypointBinary});
  container["args"] = flags;
  container["terminationMessagePath"] = kTerminationPath;
}

// The mounts every step gets after its own: its credentials home, the run
// directories (its own writable), and the implicit ones it does not
// override with a mount at the same path.
void AddStepMounts(json& container, size_t i, size_t steps, const json& implicit) {
  json& mounts = GrowList(container, "volumeMounts");
  mounts.push_back(Mount("tekton-internal-downward", "/tekton/downward", true));
  mounts.push_back(Mount("tekton-creds-init-home-" + std::to_string(i), "/tekton/creds"));
  for (size_t j = 0; j < steps; ++j) {
    mounts.push_back(Mount("tekton-internal-run-" + std::to_string(j),
                           "/tekton/run/" + std::to_string(j), j != i));
  }
  std::set<std::string> requested;
  for (const json& m : mounts) requested.insert(GoCleanPath(m.value("mountPath", "")));
  for (const json& m : implicit) {
    if (!requested.contains(GoCleanPath(m.value("mountPath", "")))) mounts.push_back(m);
  }
}

// pkg/pod's implicitVolumeMounts.
json TektonImplicitMounts() {
  return {Mount("tekton-internal-workspace", "/workspace"),
          Mount("tekton-internal-home", "/tekton/home"),
          Mount("tekton-internal-results", "/tekton/results"),
          Mount("tekton-internal-steps", "/tekton/steps", true)};
}

// A step's: the entrypoint binary, the implicit mounts, the credentials.
json ImplicitMounts(const Credentials& credentials) {
  json mounts = {Mount("tekton-internal-bin", kBinPath, true)};
  for (const json& m : TektonImplicitMounts()) mounts.push_back(m);
  for (const json& m : credentials.mounts) mounts.push_back(m);
  return mounts;
}

json PrepareContainer(const json& steps) {
  json command = {"/ko-app/entrypoint", "init", "/ko-app/entrypoint", kEntrypointBinary};
  for (size_t i = 0; i < steps.size(); ++i) command.push_back(StepName(steps[i], i));
  return {
      {"name", "prepare"},
      {"image", kEntrypointImage},
      {"workingDir", "/"},
      {"command", command},
      {"volumeMounts",
       {Mount("tekton-internal-bin", kBinPath), Mount("tekton-internal-steps", "/tekton/steps")}}};
}

// workingDirInit: the steps' working directories that are relative or
// under /workspace (cleaned, sorted, each once) are made by an init
// container running workingdirinit in /workspace; none when there are none.
std::optional<json> WorkingDirInitContainer(const json& step_containers) {
  std::set<std::string> dirs;
  for (const json& c : step_containers) {
    if (const std::string dir = c.value("workingDir", ""); !dir.empty()) dirs.insert(dir);
  }
  json relative = json::array();
  for (const std::string& dir : dirs) {
    const std::string clean = GoCleanPath(dir);
    if (!clean.starts_with("/") || clean.starts_with("/workspace/")) relative.push_back(clean);
  }
  if (relative.empty()) return std::nullopt;
  return json{{"name", "working-dir-initializer"},
              {"image", kWorkingDirInitImage},
              {"command", {"/ko-app/workingdirinit"}},
              {"args", std::move(relative)},
              {"workingDir", "/workspace"},
              {"volumeMounts", TektonImplicitMounts()}};
}

json DownwardVolume() {
  auto item = [](const char* file, const char* annotation) {
    return json{
        {"path", file},
        {"fieldRef", {{"fieldPath", std::string("metadata.annotations['") + annotation + "']"}}}};
  };
  return {{"name", "tekton-internal-downward"},
          {"downwardAPI",
           {{"items", {item("ready", "tekton.dev/ready"), item("cancel", "tekton.dev/cancel")}}}}};
}

// The step containers, wrapped, with their mounts; their volumes added.
Result<json> BuildSteps(const json& spec, const PodSettings& settings, ImageStore& images,
                        ScriptPlacer& scripts, json& volumes) {
  const json& steps = spec["steps"];
  const json step_template = spec.value("stepTemplate", json::object());
  const bool wait_ready = spec.contains("sidecars") && !spec["sidecars"].empty();
  const json implicit = ImplicitMounts(settings.credentials);
  json containers = json::array();
  for (size_t i = 0; i < steps.size(); ++i) {
    const json step = MergeStepWithTemplate(step_template, steps[i]);
    const std::string name = StepName(steps[i], i);
    json c = ToContainer(step, false);
    if (step.contains("script")) {
      if (auto ok = scripts.Place(step["script"], "script-" + std::to_string(i), c); !ok) {
        return Fail(name + ": " + ok.error().message);
      }
    }
    if (auto ok = ResolveEntrypoint(c, name, images); !ok) return Fail(ok.error());
    WrapInEntrypoint(c, EntrypointFlags(i, step, spec, wait_ready, settings.credentials.args));
    for (const json& e : settings.pod_template.value("env", json::array()))
      GrowList(c, "env").push_back(e);
    AddStepMounts(c, i, steps.size(), implicit);
    c["name"] = RestrictLength(name);
    volumes.push_back(
        EmptyDir("tekton-creds-init-home-" + std::to_string(i), {{"medium", "Memory"}}));
    volumes.push_back(EmptyDir("tekton-internal-run-" + std::to_string(i)));
    containers.push_back(std::move(c));
  }
  return containers;
}

Result<json> BuildSidecars(const json& spec, ScriptPlacer& scripts) {
  json containers = json::array();
  const json sidecars = spec.value("sidecars", json::array());
  for (size_t i = 0; i < sidecars.size(); ++i) {
    json c = ToContainer(sidecars[i], true);
    if (sidecars[i].contains("script")) {
      auto ok = scripts.Place(sidecars[i]["script"], "sidecar-script-" + std::to_string(i), c);
      if (!ok) return Fail("sidecar " + sidecars[i].value("name", "") + ": " + ok.error().message);
    }
    c["name"] = RestrictLength("sidecar-" + sidecars[i].value("name", ""));
    containers.push_back(std::move(c));
  }
  return containers;
}

// Builder.Build's volume list, with ValidateVolumes' check.
Result<json> AllVolumes(json volumes, const json& spec, const PodSettings& settings) {
  for (const json* extra : {&spec, &settings.pod_template}) {
    for (const json& v : extra->value("volumes", json::array())) volumes.push_back(v);
  }
  std::set<std::string> names;
  for (const json& v : volumes) {
    if (!names.insert(v.value("name", "")).second) {
      return Fail("multiple volumes with same name \"" + v.value("name", "") + "\"");
    }
  }
  return volumes;
}

json PodSpecFields(const PodSettings& settings) {
  json spec = {{"restartPolicy", "Never"}};
  if (!settings.service_account.empty()) spec["serviceAccountName"] = settings.service_account;
  for (const auto& [key, value] : settings.pod_template.items()) {
    if (key != "env" && key != "volumes") spec[key] = value;
  }
  // activeDeadlineSeconds: 1.5 times the timeout, the maximum without one.
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(settings.timeout).count();
  spec["activeDeadlineSeconds"] = seconds == 0 ? INT32_MAX : seconds * 3 / 2;
  return spec;
}

json Metadata(const PodSettings& settings, bool ready) {
  json annotations = settings.annotations;
  annotations["pipeline.tekton.dev/release"] = "podsim";
  if (ready) annotations["tekton.dev/ready"] = "READY";
  return {{"name", RestrictLength(settings.run_name + "-pod")},
          {"namespace", settings.namespace_name},
          {"labels", settings.labels},
          {"annotations", annotations}};
}

}  // namespace

Result<json> BuildPod(const json& spec, const PodSettings& settings, ImageStore& images) {
  ScriptPlacer scripts(settings.run_name);
  json volumes = json::array();
  for (const char* name : {"tekton-internal-workspace", "tekton-internal-home",
                           "tekton-internal-results", "tekton-internal-steps"}) {
    volumes.push_back(EmptyDir(name));
  }
  for (const json& v : settings.credentials.volumes) volumes.push_back(v);
  json step_volumes = json::array();
  auto steps = BuildSteps(spec, settings, images, scripts, step_volumes);
  if (!steps) return Fail(steps.error());
  auto sidecars = BuildSidecars(spec, scripts);
  if (!sidecars) return Fail(sidecars.error());
  json init = {PrepareContainer(spec["steps"])};
  if (!scripts.empty()) {
    init.push_back(scripts.InitContainer());
    volumes.push_back(EmptyDir("tekton-internal-scripts"));
  }
  if (auto working_dirs = WorkingDirInitContainer(*steps)) init.push_back(std::move(*working_dirs));
  volumes.push_back(EmptyDir("tekton-internal-bin"));
  volumes.push_back(DownwardVolume());
  for (const json& v : step_volumes) volumes.push_back(v);
  auto all_volumes = AllVolumes(std::move(volumes), spec, settings);
  if (!all_volumes) return Fail(all_volumes.error());
  json pod_spec = PodSpecFields(settings);
  pod_spec["initContainers"] = std::move(init);
  pod_spec["containers"] = std::move(*steps);
  for (json& c : *sidecars) pod_spec["containers"].push_back(std::move(c));
  pod_spec["volumes"] = std::move(*all_volumes);
  return json{{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", Metadata(settings, sidecars->empty())},
              {"spec", std::move(pod_spec)}};
}

}  // namespace podstep::podsim
