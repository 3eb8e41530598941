// podsim's pure pieces: manifest parsing, Pod parsing, rendering a Task into
// the controller's Pod, Go duration formatting, variable expansion.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "podsim/manifest.h"
#include "podsim/pod_spec.h"
#include "podsim/render.h"

namespace podstep::podsim {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

TEST(PodsimManifest, YamlScalarsFollowTheCoreSchema) {
  auto docs = ParseManifests(
      "a: 1\nb: '1'\nc: true\nd: \"x\"\ne: ~\nf: 1.5\ng: 1.2.3\n---\nkind: X\n", "t");
  ASSERT_TRUE(docs) << docs.error().message;
  ASSERT_EQ(docs->size(), 2u);
  EXPECT_EQ((*docs)[0],
            json::parse(R"({"a":1,"b":"1","c":true,"d":"x","e":null,"f":1.5,"g":"1.2.3"})"));
}

TEST(PodsimManifest, JsonListContributesItsItems) {
  auto docs = ParseManifests(R"({"kind":"List","items":[{"kind":"Pod"},{"kind":"Task"}]})", "t");
  ASSERT_TRUE(docs);
  EXPECT_EQ(docs->size(), 2u);
}

TEST(PodsimManifest, ErrorsNameTheFile) {
  auto bad_json = ParseManifests("{oops", "f.json");
  ASSERT_FALSE(bad_json);
  EXPECT_EQ(bad_json.error().message,
            "parse f.json: line 1, column 2: syntax error while parsing object key - invalid "
            "literal; expected string literal");
  auto bad_yaml = ParseManifests("a: [", "f.yaml");
  ASSERT_FALSE(bad_yaml);
  EXPECT_TRUE(bad_yaml.error().message.starts_with("parse f.yaml: ")) << bad_yaml.error().message;
}

json MinimalPod() {
  return json::parse(
      R"({"kind":"Pod","metadata":{"name":"p","annotations":{"k":"v"},"labels":{"l":"1"}},
    "spec":{"containers":[{"name":"c","command":["true"]}]}})");
}

TEST(PodsimPodSpec, UnsupportedFieldsAreNamed) {
  json pod = MinimalPod();
  pod["spec"]["containers"][0]["livenessProbe"] = json::object();
  EXPECT_EQ(ParsePod(pod).error().message, "unsupported field spec.containers[0].livenessProbe");
  pod = MinimalPod();
  pod["spec"]["hostNetwork"] = true;
  EXPECT_EQ(ParsePod(pod).error().message, "unsupported field spec.hostNetwork");
  pod = MinimalPod();
  pod["spec"]["volumes"] = json::parse(R"([{"name":"v","nfs":{"path":"/"}}])");
  EXPECT_EQ(ParsePod(pod).error().message,
            "unsupported field spec.volumes[0].nfs (volumes: emptyDir, configMap, secret, "
            "downwardAPI, projected, hostPath)");
  pod = MinimalPod();
  pod["spec"]["containers"][0]["env"] =
      json::parse(R"([{"name":"X","valueFrom":{"fieldRef":{"fieldPath":"status.podIP"}}}])");
  EXPECT_EQ(ParsePod(pod).error().message,
            "container c: env X: unsupported fieldPath \"status.podIP\"");
  pod = MinimalPod();
  pod["spec"]["containers"][0]["volumeMounts"] =
      json::parse(R"([{"name":"nope","mountPath":"/x"}])");
  EXPECT_EQ(ParsePod(pod).error().message,
            "spec.containers[0].volumeMounts[0].name: Not found: \"nope\"");
}

TEST(PodsimPodSpec, FieldPaths) {
  auto pod = ParsePod(MinimalPod());
  ASSERT_TRUE(pod) << pod.error().message;
  EXPECT_EQ(*ResolveFieldPath(*pod, "metadata.name"), "p");
  EXPECT_EQ(*ResolveFieldPath(*pod, "metadata.namespace"), "default");
  EXPECT_EQ(*ResolveFieldPath(*pod, "metadata.annotations['k']"), "v");
  EXPECT_EQ(*ResolveFieldPath(*pod, "metadata.annotations['missing']"), "");
  EXPECT_EQ(*ResolveFieldPath(*pod, "metadata.labels"), "l=\"1\"\n");
  EXPECT_FALSE(ResolveFieldPath(*pod, "spec.nodeName"));
}

TEST(PodsimPodSpec, KubeletExpansion) {
  const std::map<std::string, std::string> vars = {{"A", "x"}};
  EXPECT_EQ(ExpandKubeletVariables("$(A)-$(B)-$$(A)-$", vars), "x-$(B)-$(A)-$");
  EXPECT_EQ(ExpandKubeletVariables("$(steps.a.results.b)", vars), "$(steps.a.results.b)");
}

Result<RenderedPod> RenderYaml(const std::string& yaml) {
  auto docs = ParseManifests(yaml, "t");
  if (!docs) return Fail(docs.error());
  return RenderManifests(*docs);
}

TEST(PodsimRender, StepArgsInTheControllersOrder) {
  auto rendered = RenderYaml(R"y(
kind: Task
metadata: {name: t}
spec:
  params: [{name: p, default: dflt}]
  results: [{name: r1}, {name: r2, type: array}]
  sidecars: [{name: s, image: x, command: [sleep, "1"]}]
  steps:
    - name: a
      image: x
      command: [echo, $(params.p)]
      args: [$(results.r1.path)]
      onError: continue
      timeout: 1m30s
      stdoutConfig: {path: /o}
      stderrConfig: {path: /e}
      results: [{name: sr}]
      when: [{input: "$(params.p)", operator: in, values: [dflt]}]
    - image: x
      script: echo hi
)y");
  ASSERT_TRUE(rendered) << rendered.error().message;
  const json& pod = rendered->pod;
  EXPECT_EQ(pod["metadata"]["name"], "t-run-pod");
  EXPECT_FALSE(pod["metadata"]["annotations"].contains("tekton.dev/ready"));  // has a sidecar
  EXPECT_EQ(pod["spec"]["containers"][0]["args"],
            json({"-wait_file",
                  "/tekton/downward/ready",
                  "-wait_file_content",
                  "-post_file",
                  "/tekton/run/0/out",
                  "-termination_path",
                  "/tekton/termination",
                  "-step_metadata_dir",
                  "/tekton/run/0/status",
                  "-on_error",
                  "continue",
                  "-timeout",
                  "1m30s",
                  "-stdout_path",
                  "/o",
                  "-stderr_path",
                  "/e",
                  "-step_results",
                  "sr",
                  "--when_expressions",
                  R"([{"input":"dflt","operator":"in","values":["dflt"]}])",
                  "-results",
                  "r1,r2",
                  "-entrypoint",
                  "echo",
                  "--",
                  "dflt",
                  "/tekton/results/r1"}));
  const json& second = pod["spec"]["containers"][1];
  EXPECT_EQ(second["name"], "step-unnamed-1");
  EXPECT_EQ(second["args"][0], "-wait_file");
  EXPECT_EQ(second["args"][1], "/tekton/run/0/out");
  const std::string script_file = second["args"][second["args"].size() - 2];
  EXPECT_TRUE(script_file.starts_with("/tekton/scripts/script-1-")) << script_file;
  EXPECT_EQ(pod["spec"]["containers"][2]["name"], "sidecar-s");
  EXPECT_EQ(pod["spec"]["initContainers"][0]["name"], "prepare");
  const json& place = pod["spec"]["initContainers"][1];
  EXPECT_EQ(place["name"], "place-scripts");
  const std::string sh = place["args"][1];
  // "#!/bin/sh\nset -e\necho hi" in base64, then decode-script.
  EXPECT_NE(sh.find("IyEvYmluL3NoCnNldCAtZQplY2hvIGhp\n"), std::string::npos) << sh;
  EXPECT_NE(sh.find("/tekton/bin/entrypoint decode-script \"${scriptfile}\""), std::string::npos);
  // Step i mounts its own run dir writable and the others read-only.
  bool own_writable = false, other_read_only = false;
  for (const json& m : pod["spec"]["containers"][1]["volumeMounts"]) {
    if (m["mountPath"] == "/tekton/run/1") own_writable = !m.value("readOnly", false);
    if (m["mountPath"] == "/tekton/run/0") other_read_only = m.value("readOnly", false);
  }
  EXPECT_TRUE(own_writable);
  EXPECT_TRUE(other_read_only);
  ASSERT_TRUE(rendered->task_run);
  EXPECT_EQ(rendered->task_run->results[1],
            std::make_pair(std::string("r2"), std::string("array")));
  EXPECT_EQ(rendered->task_run->step_results["step-a"]["sr"], "string");
  // The rendered pod parses as a Pod.
  EXPECT_TRUE(ParsePod(pod)) << ParsePod(pod).error().message;
}

// Tekton's workingDirInit: the steps' working directories, each once in
// string order, cleaned; only those relative or under /workspace/.
TEST(PodsimRender, WorkingDirInitializerMakesTheStepsWorkspaceDirs) {
  auto rendered = RenderYaml(R"y(
kind: Task
metadata: {name: t}
spec:
  steps:
    - {name: a, image: x, command: ["true"], workingDir: /workspace/b/../src}
    - {name: b, image: x, command: ["true"], workingDir: rel/dir}
    - {name: c, image: x, command: ["true"], workingDir: /abs/elsewhere}
    - {name: d, image: x, command: ["true"], workingDir: /workspace/src}
    - {name: e, image: x, command: ["true"], workingDir: /workspace}
    - {name: f, image: x, command: ["true"], workingDir: rel/dir}
)y");
  ASSERT_TRUE(rendered) << rendered.error().message;
  const json& init = rendered->pod["spec"]["initContainers"];
  ASSERT_EQ(init.size(), 2u) << init.dump();
  EXPECT_EQ(init[1]["name"], "working-dir-initializer");
  EXPECT_EQ(init[1]["command"], json({"/ko-app/workingdirinit"}));
  EXPECT_EQ(init[1]["args"], json({"/workspace/src", "/workspace/src", "rel/dir"}));
  EXPECT_EQ(init[1]["workingDir"], "/workspace");
  EXPECT_EQ(init[1]["volumeMounts"][0]["mountPath"], "/workspace");
  EXPECT_TRUE(ParsePod(rendered->pod)) << ParsePod(rendered->pod).error().message;
}

TEST(PodsimRender, NoWorkingDirInitializerWithoutWorkspaceDirs) {
  auto rendered = RenderYaml(R"y(
kind: Task
metadata: {name: t}
spec:
  steps:
    - {name: a, image: x, command: ["true"], workingDir: /abs}
    - {name: b, image: x, command: ["true"], workingDir: /workspace}
    - {name: c, image: x, command: ["true"]}
)y");
  ASSERT_TRUE(rendered) << rendered.error().message;
  const json& init = rendered->pod["spec"]["initContainers"];
  ASSERT_EQ(init.size(), 1u) << init.dump();
  EXPECT_EQ(init[0]["name"], "prepare");
}

TEST(PodsimRender, TaskRunParamsContextAndTimeout) {
  auto rendered = RenderYaml(R"y(
kind: TaskRun
metadata: {name: run1}
spec:
  timeout: 2m
  params: [{name: list, value: [a, b]}, {name: s, value: v}]
  taskSpec:
    params: [{name: list, type: array}, {name: s}]
    steps:
      - image: x
        command: [echo, "$(params.list[*])", "$(params.s)", "$(context.taskRun.name)", "$(params.list[1])"]
)y");
  ASSERT_TRUE(rendered) << rendered.error().message;
  const json& args = rendered->pod["spec"]["containers"][0]["args"];
  std::vector<std::string> tail(args.end() - 6, args.end());
  EXPECT_EQ(tail, (std::vector<std::string>{"--", "a", "b", "v", "run1", "b"}));
  EXPECT_EQ(rendered->task_run->timeout, 2min);
  EXPECT_EQ(rendered->pod["metadata"]["annotations"]["tekton.dev/ready"], "READY");
}

}  // namespace
}  // namespace podstep::podsim
