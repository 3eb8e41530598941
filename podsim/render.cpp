#include "podsim/render.h"

#include <algorithm>
#include <set>

#include "common/go_duration.h"
#include "podsim/creds_init.h"
#include "podsim/documents.h"
#include "podsim/names.h"
#include "podsim/pod_builder.h"
#include "podsim/spec_substitution.h"
#include "podsim/stable_names.h"
#include "podsim/step_actions.h"
#include "podsim/task_params.h"
#include "podsim/task_workspaces.h"
#include "podsim/taskrun_validation.h"
#include "podsim/tekton_schema.h"
#include "podsim/tekton_validation.h"

namespace podstep::podsim {
namespace {

using nlohmann::json;

// A TaskRun on its way to a Pod.
struct Run {
  json doc;  // after tekton_schema.h
  std::string name;
  std::string namespace_name = "default";
  std::string uid;
  std::string task_name;  // the referenced Task's name; the TaskRun's for a taskSpec
  std::string task_kind = "Task";
  json task_metadata = json::object();
  json task_spec;
  std::string spec_path;  // where task_spec is, for errors: "spec" or "spec.taskSpec"
  std::vector<Param> params;
  json bindings = json::array();

  const json& spec() const { return doc["spec"]; }
};

Status Unsupported(const json& spec) {
  if (spec.contains("debug")) {
    return Fail("unsupported field spec.debug (podsim has no breakpoints; run without it)");
  }
  if (const std::string status = spec.value("status", ""); !status.empty()) {
    if (status != "TaskRunCancelled") {
      return Fail(
          FieldError("invalid value: " + status + " should be TaskRunCancelled", "spec.status"));
    }
    return Fail(
        "spec.status: the TaskRun is cancelled before it starts; remove spec.status "
        "(podsim run --cancel-after D cancels it while it runs)");
  }
  if (spec.contains("taskRef")) {
    const json& ref = spec["taskRef"];
    if (const std::string resolver = ref.value("resolver", ""); !resolver.empty()) {
      return Fail("spec.taskRef.resolver: podsim resolves no remote Task (resolver \"" + resolver +
                  "\"); put the Task document in the file or in --from-dir and use taskRef.name");
    }
    if (const std::string api = ref.value("apiVersion", "");
        !api.empty() && !api.starts_with("tekton.dev/")) {
      return Fail("spec.taskRef.apiVersion: " + api + " is a custom task, which podsim cannot run");
    }
  }
  return {};
}

Result<Run> ReadTaskRun(const json& document) {
  Run run;
  run.doc = document;
  if (auto ok = CheckTaskRun(run.doc); !ok) return Fail(ok.error());
  const json metadata = run.doc.value("metadata", json::object());
  run.name = metadata.value("name", "");
  if (run.name.empty() && metadata.contains("generateName")) {
    run.name = metadata["generateName"].get<std::string>() + StableSuffix(document.dump());
  }
  if (run.name.empty()) return Fail("metadata.name or metadata.generateName: required");
  if (auto ok = ValidateDns1123Subdomain("metadata.name", run.name); !ok) return Fail(ok.error());
  run.namespace_name = metadata.value("namespace", "default");
  run.uid = metadata.value("uid", StableUid(run.namespace_name + "/" + run.name));
  if (!run.doc.contains("spec")) return Fail(FieldError("missing field(s)", "spec"));
  if (auto ok = Unsupported(run.spec()); !ok) return Fail(ok.error());
  if (auto ok = ValidateTaskRunSpec(run.spec()); !ok) return Fail(ok.error());
  run.params = ParseParams(run.spec().value("params", json::array()));
  run.bindings = run.spec().value("workspaces", json::array());
  return run;
}

// The Task a taskRef names, checked as the webhook checked it on creation.
Status ResolveTaskRef(Run& run, const Documents& documents) {
  const json& ref = run.spec()["taskRef"];
  run.task_name = ref.value("name", "");
  run.task_kind = ref.value("kind", "") == "ClusterTask" ? "ClusterTask" : "Task";
  const json* found = documents.Find(run.task_kind, run.task_name);
  if (found == nullptr) {
    return Fail("spec.taskRef.name: " +
                std::string(run.task_kind == "Task" ? "tasks" : "clustertasks") + ".tekton.dev \"" +
                run.task_name + "\" not found (put the Task in the file or in --from-dir)");
  }
  json task = *found;
  auto ok = CheckTask(task);
  if (ok && !task.contains("spec")) ok = Fail(FieldError("missing field(s)", "spec"));
  if (ok) ok = ValidateTaskSpec(task["spec"], "spec");
  if (ok) {
    ok = ValidateParameterUsage(task["spec"].value("steps", json::array()),
                                ParseParamSpecs(task["spec"].value("params", json::array())),
                                "spec");
  }
  if (!ok) return Fail(run.task_kind + " \"" + run.task_name + "\": " + ok.error().message);
  run.task_metadata = task.value("metadata", json::object());
  run.task_spec = task["spec"];
  run.spec_path = "spec";
  return {};
}

// prepare(): the Task, its StepActions, and the reconciler's checks.
Status Prepare(Run& run, const Documents& documents) {
  if (run.spec().contains("taskRef")) {
    if (auto ok = ResolveTaskRef(run, documents); !ok) return ok;
  } else {
    // The controller takes an inline spec's metadata from the TaskRun.
    run.task_name = run.name;
    run.task_spec = run.spec()["taskSpec"];
    run.spec_path = "spec.taskSpec";
  }
  auto resolved = ResolveStepActions(run.task_spec, run.params, documents, run.spec_path);
  if (!resolved) return Fail(resolved.error());
  run.task_spec = std::move(*resolved);
  if (auto ok = ValidateRunParams(run.task_spec, run.params, run.task_name); !ok) return ok;
  json declared = {{"workspaces", run.task_spec.value("workspaces", json::array())}};
  if (run.spec().contains("taskSpec")) PropagateWorkspaces(declared, run.bindings);
  return ValidateWorkspaceBindings(declared["workspaces"], run.bindings);
}

// getStepResultReplacements, getTaskResultReplacements, ApplyStepExitCodePath.
void ApplyResultPaths(json& spec) {
  StringReplacements task;
  json& steps = spec["steps"];
  for (size_t i = 0; i < steps.size(); ++i) {
    const std::string name = steps[i].value("name", "");
    const std::string step = "step-" + (name.empty() ? "unnamed-" + std::to_string(i) : name);
    StringReplacements own;
    for (const json& r : steps[i].value("results", json::array())) {
      const std::string result = r.value("name", "");
      for (const std::string& key :
           {"step.results." + result + ".path", "step.results[\"" + result + "\"].path",
            "step.results['" + result + "'].path"}) {
        own[key] = "/tekton/steps/" + step + "/results/" + result;
      }
    }
    ApplyStepReplacements(steps[i], own, {});
    task["steps." + step + ".exitCode.path"] = "/tekton/steps/" + step + "/exitCode";
  }
  StringReplacements results;
  for (const json& r : spec.value("results", json::array())) {
    const std::string result = r.value("name", "");
    for (const std::string& key :
         {"results." + result + ".path", "results[\"" + result + "\"].path",
          "results['" + result + "'].path"}) {
      results[key] = "/tekton/results/" + result;
    }
  }
  ApplySpecReplacements(spec, results);
  ApplySpecReplacements(spec, task);
}

// applyParamsContextsResultsAndWorkspaces, in the controller's order.
json Substitute(const Run& run, json& bindings, const WorkspaceVolumes& volumes) {
  json spec = run.task_spec;
  const ParamReplacements params =
      TaskParameters(ParseParamSpecs(spec.value("params", json::array())), run.params);
  ApplySpecReplacements(spec, params);
  ApplySpecReplacements(spec, StringReplacements{{"context.taskRun.name", run.name},
                                                 {"context.task.name", run.task_name},
                                                 {"context.taskRun.namespace", run.namespace_name},
                                                 {"context.taskRun.uid", run.uid},
                                                 {"context.task.retry-count", "0"}});
  ApplyResultPaths(spec);
  PropagateWorkspaces(spec, bindings);
  ApplyWorkspaceVariables(spec, bindings, volumes);
  return spec;
}

// createPod's checks, then workspace.Apply and the credentials path.
Result<json> FinalSpec(const Run& run, json spec, const json& bindings,
                       const WorkspaceVolumes& volumes) {
  if (auto ok = ValidateParameterUsage(
          spec["steps"], ParseParamSpecs(spec.value("params", json::array())), run.spec_path);
      !ok) {
    return Fail(ok.error());
  }
  if (auto ok = ValidateTaskSpec(spec, run.spec_path); !ok) return Fail(ok.error());
  MountWorkspaces(spec, bindings, volumes);
  ApplySpecReplacements(spec, StringReplacements{{"credentials.path", "/tekton/creds"}});
  if (auto ok = ValidateNoReferencesLeft(spec, run.spec_path); !ok) return Fail(ok.error());
  return spec;
}

TaskRunInfo InfoFor(const Run& run, const json& spec) {
  TaskRunInfo info;
  info.task_run_name = run.name;
  info.task_name = run.task_name;
  for (const json& r : spec.value("results", json::array())) {
    const std::string name = r.value("name", "");
    info.results.emplace_back(name, r.value("type", "string"));
    const std::string value = r.value("value", json("")).is_string() ? r.value("value", "") : "";
    const std::string prefix = "$(steps.";
    if (value.starts_with(prefix) && value.ends_with(")")) {
      const std::string ref = value.substr(prefix.size(), value.size() - prefix.size() - 1);
      const size_t dot = ref.find(".results.");
      if (dot != std::string::npos) {
        info.results_from_steps[name] = {"step-" + ref.substr(0, dot), ref.substr(dot + 9)};
      }
    }
  }
  const json& steps = spec["steps"];
  for (size_t i = 0; i < steps.size(); ++i) {
    const std::string step_name = steps[i].value("name", "");
    const std::string container =
        "step-" + (step_name.empty() ? "unnamed-" + std::to_string(i) : step_name);
    for (const json& r : steps[i].value("results", json::array())) {
      info.step_results[container][r.value("name", "")] = r.value("type", "string");
    }
  }
  if (run.spec().contains("timeout")) {
    info.timeout = *ParseGoDuration(run.spec()["timeout"].get<std::string>());
  }
  return info;
}

json PodLabels(const Run& run) {
  json labels = run.task_metadata.value("labels", json::object());
  const json own = run.doc["metadata"].value("labels", json::object());
  for (const auto& [key, value] : own.items()) {
    labels[key] = value;
  }
  if (!labels.contains("app.kubernetes.io/managed-by")) {
    labels["app.kubernetes.io/managed-by"] = "tekton-pipelines";
  }
  if (run.spec().contains("taskRef")) {
    labels[run.task_kind == "ClusterTask" ? "tekton.dev/clusterTask" : "tekton.dev/task"] =
        run.task_name;
  }
  labels["tekton.dev/taskRun"] = run.name;
  labels["tekton.dev/taskRunUID"] = run.uid;
  return labels;
}

Result<PodSettings> SettingsFor(const Run& run, const Documents& documents,
                                const TaskRunInfo& info) {
  PodSettings s;
  s.run_name = run.name;
  s.namespace_name = run.namespace_name;
  s.uid = run.uid;
  s.labels = PodLabels(run);
  s.annotations = run.task_metadata.value("annotations", json::object());
  s.annotations.erase("kubectl.kubernetes.io/last-applied-configuration");
  const json own = run.doc["metadata"].value("annotations", json::object());
  for (const auto& [key, value] : own.items()) {
    s.annotations[key] = value;
  }
  s.pod_template = run.spec().value("podTemplate", json::object());
  s.service_account = run.spec().value("serviceAccountName", "");
  auto credentials = CredentialsFor(s.service_account, documents, run.name);
  if (!credentials) return Fail("spec.serviceAccountName: " + credentials.error().message);
  s.credentials = std::move(*credentials);
  s.timeout = info.timeout;
  return s;
}

// ApplyParametersToWorkspaceBindings: the bindings' subPath and sources,
// with the params' string values.
json SubstitutedBindings(const Run& run) {
  json bindings = run.bindings;
  const ParamReplacements params =
      TaskParameters(ParseParamSpecs(run.task_spec.value("params", json::array())), run.params);
  for (json& binding : bindings) {
    if (binding.contains("subPath")) {
      binding["subPath"] = ApplyReplacements(binding["subPath"].get<std::string>(), params.strings);
    }
    ApplyVolumeSourceReplacements(binding, params.strings);
  }
  return bindings;
}

Result<RenderedPod> RenderRun(Run& run, const Documents& documents, ImageStore& images) {
  if (auto ok = Prepare(run, documents); !ok) return Fail(ok.error());
  json bindings = SubstitutedBindings(run);
  const WorkspaceVolumes volumes = CreateWorkspaceVolumes(bindings, run.name);
  auto spec = FinalSpec(run, Substitute(run, bindings, volumes), bindings, volumes);
  if (!spec) return Fail(spec.error());
  TaskRunInfo info = InfoFor(run, *spec);
  auto settings = SettingsFor(run, documents, info);
  if (!settings) return Fail(settings.error());
  auto pod = BuildPod(*spec, *settings, images);
  if (!pod) return Fail(pod.error());
  return RenderedPod{std::move(*pod), std::move(info)};
}

// Errors name the TaskRun: by its name once known, else as written.
Result<RenderedPod> RenderTaskRun(const json& document, const Documents& documents,
                                  ImageStore& images) {
  auto run = ReadTaskRun(document);
  if (!run) {
    std::string name = NameOf(document);
    const json metadata = document.value("metadata", json::object());
    if (name.empty() && metadata.is_object() &&
        metadata.value("generateName", json()).is_string()) {
      name = metadata["generateName"];
    }
    return Fail(run.error().Wrap("TaskRun \"" + name + "\""));
  }
  auto rendered = RenderRun(*run, documents, images);
  if (!rendered) return Fail(rendered.error().Wrap("TaskRun \"" + run->name + "\""));
  return rendered;
}

// A Task given alone runs as the TaskRun `<task>-run` with default params.
json TaskRunFor(const json& task) {
  json metadata = {{"name", NameOf(task) + "-run"}};
  if (task.contains("metadata") && task["metadata"].is_object() &&
      task["metadata"].contains("namespace")) {
    metadata["namespace"] = task["metadata"]["namespace"];
  }
  return {{"apiVersion", "tekton.dev/v1"},
          {"kind", "TaskRun"},
          {"metadata", metadata},
          {"spec", {{"taskRef", {{"name", NameOf(task)}, {"kind", KindOf(task)}}}}}};
}

// The documents to run: the TaskRuns, else the Tasks, else the Pods; then
// those `select` names.
Result<std::vector<json>> ToRun(const std::vector<json>& documents,
                                const std::vector<std::string>& select) {
  for (const char* kind : {"TaskRun", "Task", "Pod"}) {
    std::vector<json> found;
    std::set<std::string> matched;
    for (const json& d : documents) {
      if (KindOf(d) != kind) continue;
      if (select.empty() || std::find(select.begin(), select.end(), NameOf(d)) != select.end()) {
        found.push_back(std::string(kind) == "Task" ? TaskRunFor(d) : d);
      }
      matched.insert(NameOf(d));
    }
    if (matched.empty()) continue;
    for (const std::string& name : select) {
      if (!matched.contains(name)) {
        return Fail("--select " + name + ": no " + kind + " of that name in the documents");
      }
    }
    return found;
  }
  if (documents.empty()) return Fail("no document in the file");
  return Fail("kind \"" + KindOf(documents[0]) + "\": podsim runs a Pod, Task or TaskRun");
}

}  // namespace

Result<std::vector<RenderedPod>> RenderDocuments(const std::vector<json>& documents,
                                                 ImageStore& images,
                                                 const std::vector<std::string>& select) {
  auto to_run = ToRun(documents, select);
  if (!to_run) return Fail(to_run.error());
  const Documents index(documents);
  std::vector<RenderedPod> out;
  for (const json& d : *to_run) {
    if (KindOf(d) == "Pod") {
      out.push_back({d, std::nullopt});
      continue;
    }
    auto rendered = RenderTaskRun(d, index, images);
    if (!rendered) return Fail(rendered.error());
    out.push_back(std::move(*rendered));
  }
  return out;
}

Result<RenderedPod> RenderManifests(const std::vector<json>& documents) {
  NoImages images;
  auto all = RenderDocuments(documents, images);
  if (!all) return Fail(all.error());
  return std::move(all->front());
}

}  // namespace podstep::podsim
