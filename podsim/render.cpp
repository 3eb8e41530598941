#include "podsim/render.h"

#include <cinttypes>
#include <cstdio>
#include <set>
#include <string_view>

#include "common/base64.h"
#include "common/go_duration.h"
#include "podsim/pod_spec.h"

namespace podstep::podsim {
namespace {

using nlohmann::json;

constexpr const char* kEntrypointImage = "podstep/entrypoint";
constexpr const char* kShellImage = "cgr.dev/chainguard/busybox";
constexpr const char* kBinPath = "/tekton/bin";
constexpr const char* kScriptsPath = "/tekton/scripts";
constexpr const char* kTerminationPath = "/tekton/termination";
constexpr const char* kReadyAnnotation = "tekton.dev/ready";
constexpr const char* kScriptPreamble = "#!/bin/sh\nset -e\n";


Status CheckKeys(const json& object, const std::string& path,
                 const std::set<std::string_view>& known) {
  if (!object.is_object()) return Fail(path + ": must be an object");
  for (const auto& [key, value] : object.items()) {
    if (!known.contains(key)) return Fail("unsupported field " + path + "." + key);
  }
  return {};
}

const json& ArrayOrEmpty(const json& object, const char* key) {
  static const json kEmpty = json::array();
  if (!object.is_object()) return kEmpty;
  auto it = object.find(key);
  if (it == object.end() || !it->is_array()) return kEmpty;
  return *it;
}

std::string StringOr(const json& object, const char* key, std::string fallback = "") {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return fallback;
  return it->get<std::string>();
}


// A stable 5-character suffix in place of the controller's random one, so a
// rendering is reproducible.
std::string Suffix(const std::string& seed) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : seed) h = (h ^ c) * 1099511628211ULL;
  constexpr std::string_view kAlphabet = "bcdfghjklmnpqrstvwxz2456789";
  std::string out;
  for (int i = 0; i < 5; ++i) {
    out += kAlphabet[h % kAlphabet.size()];
    h /= kAlphabet.size();
  }
  return out;
}

// A param's value: a string, or an array / object of strings.
struct ParamValue {
  json value;
};

// The variables one step (or sidecar) sees.
struct Variables {
  std::map<std::string, std::string> strings;
  std::map<std::string, std::vector<std::string>> arrays;  // "params.x" → items
};

// Substitutes a list of args: an arg that is exactly `$(params.x[*])` expands.
std::vector<std::string> SubstituteArgs(const std::vector<std::string>& args,
                                        const Variables& vars) {
  std::vector<std::string> out;
  for (const std::string& arg : args) {
    if (arg.starts_with("$(") && arg.ends_with("[*])")) {
      auto it = vars.arrays.find(arg.substr(2, arg.size() - 6));
      if (it != vars.arrays.end()) {
        out.insert(out.end(), it->second.begin(), it->second.end());
        continue;
      }
    }
    out.push_back(SubstituteVariables(arg, vars.strings));
  }
  return out;
}

struct Task {
  std::string name;
  json spec;
};

// Checks the Task spec against the supported subset.
Status ValidateTaskSpec(const json& spec, const std::string& path) {
  if (auto ok = CheckKeys(
          spec, path,
          {"steps", "sidecars", "params", "results", "workspaces", "description", "displayName"});
      !ok) {
    return ok;
  }
  const json& steps = ArrayOrEmpty(spec, "steps");
  if (steps.empty()) return Fail(path + ".steps: required");
  for (size_t i = 0; i < steps.size(); ++i) {
    if (auto ok =
            CheckKeys(steps[i], Index(path + ".steps", i),
                      {"name", "image", "command", "args", "script", "env", "workingDir", "onError",
                       "timeout", "stdoutConfig", "stderrConfig", "results", "when",
                       "imagePullPolicy", "computeResources", "securityContext", "displayName"});
        !ok) {
      return ok;
    }
    const std::string on_error = StringOr(steps[i], "onError");
    if (!on_error.empty() && on_error != "continue" && on_error != "stopAndFail") {
      return Fail(Index(path + ".steps", i) + ".onError: must be continue or stopAndFail");
    }
    for (const char* config : {"stdoutConfig", "stderrConfig"}) {
      if (steps[i].contains(config)) {
        if (auto ok =
                CheckKeys(steps[i][config], Index(path + ".steps", i) + "." + config, {"path"});
            !ok) {
          return ok;
        }
      }
    }
  }
  const json& sidecars = ArrayOrEmpty(spec, "sidecars");
  for (size_t i = 0; i < sidecars.size(); ++i) {
    if (auto ok = CheckKeys(sidecars[i], Index(path + ".sidecars", i),
                            {"name", "image", "command", "args", "script", "env", "workingDir",
                             "imagePullPolicy", "computeResources", "securityContext"});
        !ok) {
      return ok;
    }
  }
  for (const char* list : {"params", "results", "workspaces"}) {
    const json& items = ArrayOrEmpty(spec, list);
    for (size_t i = 0; i < items.size(); ++i) {
      if (StringOr(items[i], "name").empty()) {
        return Fail(Index(path + "." + list, i) + ".name: required");
      }
    }
  }
  return {};
}

Result<std::map<std::string, ParamValue>> ResolveParams(const json& task_spec,
                                                        const json& run_params) {
  std::map<std::string, ParamValue> given;
  for (size_t i = 0; i < run_params.size(); ++i) {
    const std::string name = StringOr(run_params[i], "name");
    if (name.empty()) return Fail(Index("spec.params", i) + ".name: required");
    given[name] = ParamValue{run_params[i].value("value", json(""))};
  }
  std::map<std::string, ParamValue> out;
  for (const json& param : ArrayOrEmpty(task_spec, "params")) {
    const std::string name = StringOr(param, "name");
    if (auto it = given.find(name); it != given.end()) {
      out[name] = it->second;
    } else if (param.contains("default")) {
      out[name] = ParamValue{param["default"]};
    } else {
      return Fail("param \"" + name +
                  "\": no value (the TaskRun gives none and it has no default)");
    }
  }
  return out;
}

void AddParamVariables(const std::map<std::string, ParamValue>& params, Variables& vars) {
  for (const auto& [name, param] : params) {
    const std::vector<std::string> keys = {"params." + name, "params['" + name + "']",
                                           "params[\"" + name + "\"]"};
    for (const std::string& key : keys) {
      if (param.value.is_string()) {
        vars.strings[key] = param.value.get<std::string>();
      } else if (param.value.is_array()) {
        std::vector<std::string> items;
        for (size_t i = 0; i < param.value.size(); ++i) {
          const std::string item = param.value[i].is_string() ? param.value[i].get<std::string>()
                                                              : param.value[i].dump();
          items.push_back(item);
          vars.strings[key + "[" + std::to_string(i) + "]"] = item;
        }
        vars.arrays[key] = items;
      } else if (param.value.is_object()) {
        for (const auto& [k, v] : param.value.items()) {
          vars.strings[key + "." + k] = v.is_string() ? v.get<std::string>() : v.dump();
        }
      } else {
        vars.strings[key] = param.value.dump();
      }
    }
  }
}

json Mount(const std::string& name, const std::string& path, bool read_only = false) {
  json m = {{"name", name}, {"mountPath", path}};
  if (read_only) m["readOnly"] = true;
  return m;
}

json EnvList(const json& env, const Variables& vars) {
  json out = json::array();
  for (const json& e : env) {
    json copy = e;
    if (copy.contains("value") && copy["value"].is_string()) {
      copy["value"] = SubstituteVariables(copy["value"].get<std::string>(), vars.strings);
    }
    out.push_back(copy);
  }
  return out;
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

Result<RenderedPod> RenderTask(const Task& task, const json& task_run, const std::string& run_name,
                               const std::string& namespace_name) {
  const json& spec = task.spec;
  const std::string spec_path = "task spec";
  if (auto ok = ValidateTaskSpec(spec, spec_path); !ok) return Fail(ok.error());
  const json run_spec = task_run.value("spec", json::object());
  auto params = ResolveParams(spec, ArrayOrEmpty(run_spec, "params"));
  if (!params) return Fail(params.error());

  TaskRunInfo info;
  info.task_run_name = run_name;
  info.task_name = task.name;
  if (run_spec.contains("timeout")) {
    auto timeout = ParseGoDuration(StringOr(run_spec, "timeout"));
    if (!timeout) return Fail("spec.timeout: " + timeout.error().message);
    info.timeout = *timeout;
  }
  std::vector<std::string> result_names;
  for (const json& r : ArrayOrEmpty(spec, "results")) {
    info.results.emplace_back(StringOr(r, "name"), StringOr(r, "type", "string"));
    result_names.push_back(StringOr(r, "name"));
  }

  Variables base;
  AddParamVariables(*params, base);
  base.strings["context.taskRun.name"] = run_name;
  base.strings["context.taskRun.namespace"] = namespace_name;
  base.strings["context.task.name"] = task.name;
  for (const std::string& name : result_names) {
    base.strings["results." + name + ".path"] = "/tekton/results/" + name;
    base.strings["results['" + name + "'].path"] = "/tekton/results/" + name;
  }

  json volumes = json::array();
  json workspace_mounts = json::array();
  for (const json& w : ArrayOrEmpty(spec, "workspaces")) {
    const std::string name = StringOr(w, "name");
    const std::string path = StringOr(w, "mountPath", "/workspace/" + name);
    base.strings["workspaces." + name + ".path"] = path;
    base.strings["workspaces." + name + ".bound"] = "true";
    volumes.push_back({{"name", "ws-" + name}, {"emptyDir", json::object()}});
    workspace_mounts.push_back(Mount("ws-" + name, path, w.value("readOnly", false)));
  }
  for (const json& w : ArrayOrEmpty(run_spec, "workspaces")) {
    for (const auto& [key, value] : w.items()) {
      if (key != "name" && key != "emptyDir") {
        return Fail("unsupported field spec.workspaces." + key + " (only emptyDir workspaces)");
      }
    }
  }

  const json& steps = spec["steps"];
  const json& sidecars = ArrayOrEmpty(spec, "sidecars");
  std::vector<std::string> step_names;
  for (size_t i = 0; i < steps.size(); ++i) {
    const std::string name = StringOr(steps[i], "name");
    step_names.push_back("step-" + (name.empty() ? "unnamed-" + std::to_string(i) : name));
  }
  for (const std::string& n : step_names) {
    base.strings["steps." + n + ".exitCode.path"] = "/tekton/steps/" + n + "/exitCode";
  }

  const json implicit_mounts = {Mount("tekton-internal-workspace", "/workspace"),
                                Mount("tekton-internal-home", "/tekton/home"),
                                Mount("tekton-internal-results", "/tekton/results"),
                                Mount("tekton-internal-steps", "/tekton/steps", true)};

  std::string place_scripts;
  auto place_script = [&](const std::string& file, std::string script) {
    std::string trimmed = script;
    trimmed.erase(0, trimmed.find_first_not_of(" \t\r\n"));
    if (!trimmed.starts_with("#!")) script = kScriptPreamble + script;
    const std::string heredoc = "script-heredoc-randomly-generated-" + Suffix(file + "heredoc");
    place_scripts += "scriptfile=\"" + file + "\"\n";
    place_scripts += "touch ${scriptfile} && chmod +x ${scriptfile}\n";
    place_scripts += "cat > ${scriptfile} << '" + heredoc + "'\n";
    place_scripts += Base64Encode(script, /*padded=*/true) + "\n" + heredoc + "\n";
    place_scripts += "/tekton/bin/entrypoint decode-script \"${scriptfile}\"\n";
  };

  json containers = json::array();
  for (size_t i = 0; i < steps.size(); ++i) {
    const json& step = steps[i];
    const std::string path = Index("spec.steps", i);
    Variables vars = base;
    std::vector<std::string> step_result_names;
    for (const json& r : ArrayOrEmpty(step, "results")) {
      const std::string name = StringOr(r, "name");
      step_result_names.push_back(name);
      info.step_results[step_names[i]][name] = StringOr(r, "type", "string");
      vars.strings["step.results." + name + ".path"] =
          "/tekton/steps/" + step_names[i] + "/results/" + name;
    }
    auto command = GetStrings(step, "command", path);
    if (!command) return Fail(command.error());
    auto args = GetStrings(step, "args", path);
    if (!args) return Fail(args.error());
    *command = SubstituteArgs(*command, vars);
    *args = SubstituteArgs(*args, vars);

    json mounts = json::array();
    const std::string script = StringOr(step, "script");
    if (!script.empty()) {
      if (!command->empty()) return Fail(path + ": script and command cannot both be set");
      const std::string file = std::string(kScriptsPath) + "/script-" + std::to_string(i) + "-" +
                               Suffix(run_name + "script" + std::to_string(i));
      place_script(file, SubstituteVariables(script, vars.strings));
      *command = {file};
      mounts.push_back(Mount("tekton-internal-scripts", kScriptsPath, true));
    }
    if (command->empty()) {
      return Fail(path +
                  ".command: required (images are not pulled, so there is no image "
                  "entrypoint to fall back to)");
    }

    std::vector<std::string> ep;
    if (i == 0) {
      if (!sidecars.empty()) {
        ep = {"-wait_file", "/tekton/downward/ready", "-wait_file_content"};
      }
    } else {
      ep = {"-wait_file", "/tekton/run/" + std::to_string(i - 1) + "/out"};
    }
    const std::string idx = std::to_string(i);
    for (const std::string& a :
         {std::string("-post_file"), "/tekton/run/" + idx + "/out",
          std::string("-termination_path"), std::string(kTerminationPath),
          std::string("-step_metadata_dir"), "/tekton/run/" + idx + "/status"}) {
      ep.push_back(a);
    }
    if (const std::string on_error = StringOr(step, "onError"); !on_error.empty()) {
      ep.insert(ep.end(), {"-on_error", on_error});
    }
    if (step.contains("timeout")) {
      auto timeout = ParseGoDuration(StringOr(step, "timeout"));
      if (!timeout) return Fail(path + ".timeout: " + timeout.error().message);
      ep.insert(ep.end(), {"-timeout", FormatGoDuration(*timeout)});
    }
    for (const auto& [config, flag] :
         {std::pair{"stdoutConfig", "-stdout_path"}, {"stderrConfig", "-stderr_path"}}) {
      if (step.contains(config)) {
        ep.insert(ep.end(),
                  {flag, SubstituteVariables(StringOr(step[config], "path"), vars.strings)});
      }
    }
    if (!step_result_names.empty()) {
      std::string joined;
      for (const std::string& n : step_result_names) joined += (joined.empty() ? "" : ",") + n;
      ep.insert(ep.end(), {"-step_results", joined});
    }
    if (step.contains("when") && step["when"].is_array() && !step["when"].empty()) {
      json when = step["when"];
      for (json& w : when) {
        if (w.contains("input") && w["input"].is_string()) {
          w["input"] = SubstituteVariables(w["input"].get<std::string>(), vars.strings);
        }
        if (w.contains("values") && w["values"].is_array()) {
          std::vector<std::string> values;
          for (const json& v : w["values"])
            values.push_back(v.is_string() ? v.get<std::string>() : v.dump());
          w["values"] = SubstituteArgs(values, vars);
        }
        if (w.contains("cel") && w["cel"].is_string()) {
          w["cel"] = SubstituteVariables(w["cel"].get<std::string>(), vars.strings);
        }
      }
      ep.insert(ep.end(), {"--when_expressions", WhenExpressionsJson(when)});
    }
    if (!result_names.empty()) {
      std::string joined;
      for (const std::string& n : result_names) joined += (joined.empty() ? "" : ",") + n;
      ep.insert(ep.end(), {"-results", joined});
    }
    ep.insert(ep.end(), {"-entrypoint", (*command)[0], "--"});
    ep.insert(ep.end(), command->begin() + 1, command->end());
    ep.insert(ep.end(), args->begin(), args->end());

    for (size_t j = 0; j < steps.size(); ++j) {
      mounts.push_back(Mount("tekton-internal-run-" + std::to_string(j),
                             "/tekton/run/" + std::to_string(j), j != i));
    }
    mounts.push_back(Mount("tekton-internal-downward", "/tekton/downward", true));
    mounts.push_back(Mount("tekton-internal-bin", kBinPath, true));
    for (const json& m : workspace_mounts) mounts.push_back(m);
    for (const json& m : implicit_mounts) mounts.push_back(m);

    json container = {{"name", step_names[i]},
                      {"image", StringOr(step, "image", "busybox")},
                      {"command", {std::string(kBinPath) + "/entrypoint"}},
                      {"args", ep},
                      {"volumeMounts", mounts},
                      {"terminationMessagePath", kTerminationPath},
                      {"terminationMessagePolicy", "File"}};
    if (step.contains("env")) container["env"] = EnvList(step["env"], vars);
    if (step.contains("workingDir")) {
      container["workingDir"] = SubstituteVariables(StringOr(step, "workingDir"), vars.strings);
    }
    containers.push_back(container);
  }

  for (size_t i = 0; i < sidecars.size(); ++i) {
    const json& sidecar = sidecars[i];
    const std::string path = Index("spec.sidecars", i);
    const std::string name = StringOr(sidecar, "name");
    const std::string container_name =
        "sidecar-" + (name.empty() ? "unnamed-" + std::to_string(i) : name);
    auto command = GetStrings(sidecar, "command", path);
    if (!command) return Fail(command.error());
    auto args = GetStrings(sidecar, "args", path);
    if (!args) return Fail(args.error());
    json mounts = json::array();
    if (const std::string script = StringOr(sidecar, "script"); !script.empty()) {
      const std::string file = std::string(kScriptsPath) + "/sidecar-script-" + std::to_string(i) +
                               "-" + Suffix(run_name + "sidecar" + std::to_string(i));
      place_script(file, SubstituteVariables(script, base.strings));
      *command = {file};
      mounts.push_back(Mount("tekton-internal-scripts", kScriptsPath, true));
    }
    for (const json& m : workspace_mounts) mounts.push_back(m);
    for (const json& m : implicit_mounts) mounts.push_back(m);
    json container = {{"name", container_name},
                      {"image", StringOr(sidecar, "image", "busybox")},
                      {"volumeMounts", mounts}};
    if (!command->empty()) container["command"] = SubstituteArgs(*command, base);
    if (!args->empty()) container["args"] = SubstituteArgs(*args, base);
    if (sidecar.contains("env")) container["env"] = EnvList(sidecar["env"], base);
    if (sidecar.contains("workingDir")) {
      container["workingDir"] = SubstituteVariables(StringOr(sidecar, "workingDir"), base.strings);
    }
    containers.push_back(container);
  }

  json prepare_command = {"/ko-app/entrypoint", "init", "/ko-app/entrypoint",
                          std::string(kBinPath) + "/entrypoint"};
  for (const std::string& n : step_names) prepare_command.push_back(n);
  json init_containers = json::array();
  init_containers.push_back({{"name", "prepare"},
                             {"image", kEntrypointImage},
                             {"command", prepare_command},
                             {"workingDir", "/"},
                             {"volumeMounts",
                              {Mount("tekton-internal-bin", kBinPath),
                               Mount("tekton-internal-steps", "/tekton/steps")}}});
  if (!place_scripts.empty()) {
    init_containers.push_back({{"name", "place-scripts"},
                               {"image", kShellImage},
                               {"command", {"sh"}},
                               {"args", {"-c", place_scripts}},
                               {"volumeMounts",
                                {Mount("tekton-internal-scripts", kScriptsPath),
                                 Mount("tekton-internal-bin", kBinPath)}}});
  }

  for (const char* name :
       {"tekton-internal-workspace", "tekton-internal-home", "tekton-internal-results",
        "tekton-internal-steps", "tekton-internal-scripts", "tekton-internal-bin"}) {
    volumes.push_back({{"name", name}, {"emptyDir", json::object()}});
  }
  volumes.push_back(
      {{"name", "tekton-internal-downward"},
       {"downwardAPI",
        {{"items",
          {{{"path", "ready"},
            {"fieldRef", {{"fieldPath", "metadata.annotations['tekton.dev/ready']"}}}},
           {{"path", "cancel"},
            {"fieldRef", {{"fieldPath", "metadata.annotations['tekton.dev/cancel']"}}}}}}}}});
  for (size_t j = 0; j < steps.size(); ++j) {
    volumes.push_back(
        {{"name", "tekton-internal-run-" + std::to_string(j)}, {"emptyDir", json::object()}});
  }

  json annotations = json::object();
  annotations["pipeline.tekton.dev/release"] = "podsim";
  // Without sidecars the controller marks the pod ready at creation.
  if (sidecars.empty()) annotations[kReadyAnnotation] = "READY";
  json labels = {{"app.kubernetes.io/managed-by", "tekton-pipelines"},
                 {"tekton.dev/taskRun", run_name}};
  if (!task.name.empty()) labels["tekton.dev/task"] = task.name;

  RenderedPod rendered;
  rendered.pod = {{"apiVersion", "v1"},
                  {"kind", "Pod"},
                  {"metadata",
                   {{"name", run_name + "-pod"},
                    {"namespace", namespace_name},
                    {"labels", labels},
                    {"annotations", annotations}}},
                  {"spec",
                   {{"restartPolicy", "Never"},
                    {"initContainers", init_containers},
                    {"containers", containers},
                    {"volumes", volumes}}}};
  rendered.task_run = std::move(info);
  return rendered;
}

}  // namespace

std::string SubstituteVariables(const std::string& text,
                                const std::map<std::string, std::string>& values) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t start = text.find("$(", pos);
    if (start == std::string::npos) break;
    const size_t end = text.find(')', start + 2);
    if (end == std::string::npos) break;
    out.append(text, pos, start - pos);
    auto it = values.find(text.substr(start + 2, end - start - 2));
    if (it != values.end()) {
      out += it->second;
    } else {
      out.append(text, start, end + 1 - start);
    }
    pos = end + 1;
  }
  out.append(text, pos, std::string::npos);
  return out;
}

std::string FormatGoDuration(std::chrono::nanoseconds d) {
  const int64_t count = d.count();
  const bool negative = count < 0;
  uint64_t u = negative ? 0 - static_cast<uint64_t>(count) : static_cast<uint64_t>(count);
  auto fraction = [](uint64_t v, uint64_t unit) {
    std::string text = std::to_string(v / unit);
    uint64_t rest = v % unit;
    if (rest != 0) {
      std::string digits = std::to_string(rest);
      digits.insert(0, std::to_string(unit).size() - 1 - digits.size(), '0');
      while (!digits.empty() && digits.back() == '0') digits.pop_back();
      text += "." + digits;
    }
    return text;
  };
  std::string text;
  if (u == 0) return "0s";
  if (u < 1'000) {
    text = std::to_string(u) + "ns";
  } else if (u < 1'000'000) {
    text = fraction(u, 1'000) + "\u00b5s";
  } else if (u < 1'000'000'000) {
    text = fraction(u, 1'000'000) + "ms";
  } else {
    const uint64_t seconds_ns = u % 60'000'000'000ULL;
    const uint64_t minutes = u / 60'000'000'000ULL;
    text = fraction(seconds_ns, 1'000'000'000) + "s";
    if (minutes > 0) {
      text = std::to_string(minutes % 60) + "m" + text;
      if (minutes >= 60) text = std::to_string(minutes / 60) + "h" + text;
    }
  }
  return negative ? "-" + text : text;
}

Result<RenderedPod> RenderManifests(const std::vector<json>& documents) {
  auto kind_of = [](const json& d) { return d.is_object() ? d.value("kind", "") : ""; };
  auto name_of = [](const json& d) {
    return d.is_object() && d.contains("metadata") ? StringOr(d["metadata"], "name") : "";
  };
  auto namespace_of = [](const json& d) {
    return d.is_object() && d.contains("metadata") ? StringOr(d["metadata"], "namespace", "default")
                                                   : "default";
  };
  for (const json& d : documents) {
    if (kind_of(d) != "TaskRun") continue;
    if (auto ok = CheckKeys(d, "TaskRun", {"apiVersion", "kind", "metadata", "spec"}); !ok) {
      return Fail(ok.error());
    }
    const json spec = d.value("spec", json::object());
    if (auto ok = CheckKeys(
            spec, "spec",
            {"taskRef", "taskSpec", "params", "timeout", "workspaces", "serviceAccountName"});
        !ok) {
      return Fail(ok.error());
    }
    std::string run_name = name_of(d);
    if (run_name.empty())
      run_name =
          StringOr(d.value("metadata", json::object()), "generateName", "taskrun-") + "podsim";
    Task task;
    if (spec.contains("taskSpec")) {
      task.spec = spec["taskSpec"];
    } else if (spec.contains("taskRef")) {
      if (auto ok = CheckKeys(spec["taskRef"], "spec.taskRef", {"name", "kind"}); !ok) {
        return Fail(ok.error());
      }
      task.name = StringOr(spec["taskRef"], "name");
      bool found = false;
      for (const json& t : documents) {
        if (kind_of(t) == "Task" && name_of(t) == task.name) {
          task.spec = t.value("spec", json::object());
          found = true;
          break;
        }
      }
      if (!found) {
        return Fail("spec.taskRef.name: Task \"" + task.name +
                    "\" is not in the file (put the Task in the same file, or use taskSpec)");
      }
    } else {
      return Fail("spec: taskRef or taskSpec required");
    }
    return RenderTask(task, d, run_name, namespace_of(d));
  }
  for (const json& d : documents) {
    if (kind_of(d) != "Task") continue;
    if (auto ok = CheckKeys(d, "Task", {"apiVersion", "kind", "metadata", "spec"}); !ok) {
      return Fail(ok.error());
    }
    Task task{name_of(d), d.value("spec", json::object())};
    if (task.name.empty()) return Fail("Task metadata.name: required");
    return RenderTask(task, json::object(), task.name + "-run", namespace_of(d));
  }
  for (const json& d : documents) {
    if (kind_of(d) == "Pod") return RenderedPod{d, std::nullopt};
  }
  if (documents.empty()) return Fail("no document in the file");
  return Fail("kind \"" + kind_of(documents[0]) + "\": podsim runs a Pod, Task or TaskRun");
}

}  // namespace podstep::podsim
