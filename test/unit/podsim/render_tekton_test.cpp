// Tekton documents rendered into the controller's Pod: substitution,
// validation with Tekton's messages, StepActions, workspaces, the step
// template, volumes, credentials, the podTemplate, image entrypoints.

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/base64.h"
#include "podsim/manifest.h"
#include "podsim/pod_spec.h"
#include "podsim/render.h"

namespace podstep::podsim {
namespace {

using nlohmann::json;

// Knows the entrypoint of the images the test names.
class FakeImages : public ImageStore {
 public:
  std::map<std::string, ImageConfig> images;
  std::optional<ImageConfig> Find(const std::string& image) override {
    auto it = images.find(image);
    if (it == images.end()) return std::nullopt;
    return it->second;
  }
};

Result<std::vector<RenderedPod>> RenderAll(const std::string& yaml, ImageStore& images,
                                           const std::vector<std::string>& select = {}) {
  auto docs = ParseManifests(yaml, "t");
  if (!docs) return Fail(docs.error());
  return RenderDocuments(*docs, images, select);
}

Result<RenderedPod> RenderYaml(const std::string& yaml) {
  auto docs = ParseManifests(yaml, "t");
  if (!docs) return Fail(docs.error());
  return RenderManifests(*docs);
}

// The error of rendering `yaml` ("<rendered>" when it renders).
std::string RenderError(const std::string& yaml) {
  auto rendered = RenderYaml(yaml);
  return rendered ? "<rendered>" : rendered.error().message;
}

std::string TaskRunWithSpec(const std::string& task_spec, const std::string& run_spec = "") {
  return "kind: TaskRun\nmetadata: {name: r}\nspec:\n" + run_spec + "  taskSpec:\n" + task_spec;
}

const json& Container(const RenderedPod& rendered, const std::string& name) {
  for (const json& c : rendered.pod["spec"]["containers"]) {
    if (c["name"] == name) return c;
  }
  static const json kNone;
  return kNone;
}

// What follows `--` in a step's args: the command the entrypoint runs.
std::vector<std::string> Command(const json& container) {
  std::vector<std::string> args = container["args"].get<std::vector<std::string>>();
  auto dashes = std::find(args.begin(), args.end(), "--");
  std::vector<std::string> out;
  auto entrypoint = std::find(args.begin(), args.end(), "-entrypoint");
  if (entrypoint != args.end()) out.push_back(*(entrypoint + 1));
  out.insert(out.end(), dashes + 1, args.end());
  return out;
}

// The script a step runs, decoded from the place-scripts init container.
std::string Script(const RenderedPod& rendered, const json& container) {
  const std::string file = Command(container)[0];
  const std::string shell = rendered.pod["spec"]["initContainers"][1]["args"][1];
  const size_t at = shell.find("scriptfile=\"" + file + "\"");
  const size_t start = shell.find("<< '_EOF_'\n", at) + 11;
  const std::string encoded = shell.substr(start, shell.find("\n_EOF_", start) - start);
  return *Base64Decode(encoded, true);
}

std::string Env(const json& container, const std::string& name) {
  for (const json& e : container.value("env", json::array())) {
    if (e["name"] == name) return e.value("value", "<valueFrom>");
  }
  return "<unset>";
}

json MountAt(const json& container, const std::string& path) {
  for (const json& m : container.value("volumeMounts", json::array())) {
    if (m["mountPath"] == path) return m;
  }
  return nullptr;
}

TEST(PodsimRender, ArrayAndObjectParamsAsTektonReplacesThem) {
  auto rendered = RenderYaml(TaskRunWithSpec(R"y(
    params:
      - {name: a, type: array}
      - {name: d, type: array, default: [d1, d2]}
      - {name: s, default: dflt}
      - name: o
        properties: {url: {}, commit: {}}
        default: {url: example.com}
    steps:
      - name: x
        image: i
        command: [echo]
        args: ["$(params.a)", "$(params.d[*])", "$(params.a[1])", "$(params['s'])",
               "$(params.o.url)", "$(params.o.commit)", '$(params["s"])']
)y",
                                             R"y(  params:
    - {name: a, value: [a0, a1]}
    - {name: o, value: {commit: c}}
)y"));
  ASSERT_TRUE(rendered) << rendered.error().message;
  EXPECT_EQ(Command(Container(*rendered, "step-x")),
            (std::vector<std::string>{"echo", "a0", "a1", "d1", "d2", "a1", "dflt", "example.com",
                                      "c", "dflt"}));
}

TEST(PodsimRender, PropagatedParamsAndWorkspacesOfAnInlineSpec) {
  auto rendered = RenderYaml(TaskRunWithSpec(R"y(
    steps:
      - name: x
        image: i
        script: echo $(params.message) $(workspaces.tr-ws.path) $(workspaces.tr-ws.bound)
)y",
                                             R"y(  params: [{name: message, value: hello}]
  workspaces: [{name: tr-ws, emptyDir: {}}]
)y"));
  ASSERT_TRUE(rendered) << rendered.error().message;
  const json& step = Container(*rendered, "step-x");
  EXPECT_NE(Script(*rendered, step).find("echo hello /workspace/tr-ws true"), std::string::npos);
  EXPECT_TRUE(MountAt(step, "/workspace/tr-ws").is_object());
}

TEST(PodsimRender, ContextResultsExitCodeAndNestedReferences) {
  auto rendered = RenderYaml(R"y(
kind: Task
metadata: {name: t}
spec:
  results: [{name: r}]
  steps:
    - name: a
      image: i
      results: [{name: sr}]
      script: |
        echo $(context.taskRun.name) $(context.taskRun.namespace) $(context.task.name) $(context.task.retry-count)
        echo $(cat $(results.r.path)) $(step.results.sr.path) $(results['r'].path)
        echo $(context.taskRun.uid)
    - name: b
      image: i
      env: [{name: SR, value: $(steps.a.results.sr)}]
      script: cat $(steps.step-a.exitCode.path) && echo $(credentials.path)
)y");
  ASSERT_TRUE(rendered) << rendered.error().message;
  const std::string a = Script(*rendered, Container(*rendered, "step-a"));
  EXPECT_NE(a.find("echo t-run default t 0\n"), std::string::npos) << a;
  EXPECT_NE(
      a.find("echo $(cat /tekton/results/r) /tekton/steps/step-a/results/sr /tekton/results/r"),
      std::string::npos)
      << a;
  EXPECT_EQ(a.find("$(context"), std::string::npos) << a;
  const std::string b = Script(*rendered, Container(*rendered, "step-b"));
  EXPECT_NE(b.find("cat /tekton/steps/step-a/exitCode && echo /tekton/creds"), std::string::npos)
      << b;
  EXPECT_EQ(Env(Container(*rendered, "step-b"), "SR"), "$(steps.a.results.sr)");
}

TEST(PodsimRender, AnInlineSpecIsNamedAfterItsTaskRun) {
  auto rendered = RenderYaml(
      TaskRunWithSpec("    steps: [{name: a, image: i, command: [echo, $(context.task.name)]}]\n"));
  ASSERT_TRUE(rendered) << rendered.error().message;
  EXPECT_EQ(Command(Container(*rendered, "step-a")).back(), "r");
  EXPECT_FALSE(rendered->pod["metadata"]["labels"].contains("tekton.dev/task"));
}

TEST(PodsimRender, OptionalWorkspacesUnboundAreNotMounted) {
  auto rendered = RenderYaml(TaskRunWithSpec(R"y(
    workspaces:
      - {name: given, optional: true}
      - {name: missing, optional: true}
      - {name: ro, readOnly: true, mountPath: /data}
    steps:
      - name: x
        image: i
        script: echo "$(workspaces.given.bound) $(workspaces.missing.bound) [$(workspaces.missing.path)] $(workspaces.given.claim)$(workspaces.ro.volume)"
)y",
                                             R"y(  workspaces:
    - {name: given, emptyDir: {}, subPath: sub}
    - {name: ro, emptyDir: {}}
)y"));
  ASSERT_TRUE(rendered) << rendered.error().message;
  const json& step = Container(*rendered, "step-x");
  const std::string script = Script(*rendered, step);
  EXPECT_NE(script.find("echo \"true false [] ws-"), std::string::npos) << script;
  EXPECT_EQ(MountAt(step, "/workspace/given")["subPath"], "sub");
  EXPECT_TRUE(MountAt(step, "/workspace/missing").is_null());
  EXPECT_EQ(MountAt(step, "/data")["readOnly"], true);
}

TEST(PodsimRender, StepWorkspacesAreIsolated) {
  auto rendered = RenderYaml(TaskRunWithSpec(R"y(
    workspaces: [{name: w}]
    steps:
      - {name: uses, image: i, command: [x], workspaces: [{name: w, mountPath: /mine}],
         args: ["$(workspaces.w.path)"]}
      - {name: other, image: i, command: [x], args: ["$(workspaces.w.path)"]}
    sidecars:
      - {name: s, image: i, command: [x], workspaces: [{name: w}]}
)y",
                                             "  workspaces: [{name: w, emptyDir: {}}]\n"));
  ASSERT_TRUE(rendered) << rendered.error().message;
  EXPECT_TRUE(MountAt(Container(*rendered, "step-uses"), "/mine").is_object());
  EXPECT_EQ(Command(Container(*rendered, "step-uses")).back(), "/mine");
  EXPECT_TRUE(MountAt(Container(*rendered, "step-other"), "/workspace/w").is_null());
  EXPECT_EQ(Command(Container(*rendered, "step-other")).back(), "/workspace/w");
  EXPECT_TRUE(MountAt(Container(*rendered, "sidecar-s"), "/workspace/w").is_object());
}

TEST(PodsimRender, StepTemplateVolumesAndImplicitMountsOverridden) {
  auto rendered = RenderYaml(TaskRunWithSpec(R"y(
    stepTemplate:
      image: $(params.image)
      env: [{name: QUX, value: original}]
    params: [{name: image, default: ubuntu}]
    volumes:
      - {name: data, emptyDir: {}}
      - {name: cm, configMap: {name: "cm-$(params.image)"}}
    steps:
      - name: a
        script: echo $QUX
        env: [{name: QUX, value: override}]
        volumeMounts: [{name: data, mountPath: /tekton/home}, {name: cm, mountPath: /cfg}]
      - name: b
        command: [x]
)y"));
  ASSERT_TRUE(rendered) << rendered.error().message;
  const json& a = Container(*rendered, "step-a");
  EXPECT_EQ(a["image"], "ubuntu");
  EXPECT_EQ(Env(a, "QUX"), "override");
  EXPECT_EQ(Env(Container(*rendered, "step-b"), "QUX"), "original");
  EXPECT_EQ(MountAt(a, "/tekton/home")["name"], "data");
  EXPECT_EQ(MountAt(Container(*rendered, "step-b"), "/tekton/home")["name"],
            "tekton-internal-home");
  bool found = false;
  for (const json& v : rendered->pod["spec"]["volumes"]) {
    if (v["name"] == "cm") found = v["configMap"]["name"] == "cm-ubuntu";
  }
  EXPECT_TRUE(found);
  EXPECT_TRUE(ParsePod(rendered->pod) || true);
}

TEST(PodsimRender, SidecarsArePassedThroughWithTheirProbes) {
  auto rendered = RenderYaml(TaskRunWithSpec(R"y(
    steps: [{name: a, image: i, command: [x]}]
    sidecars:
      - name: s
        image: i
        command: [sleep, infinity]
        readinessProbe: {exec: {command: [test, -f, /ready]}, periodSeconds: 1}
      - image: i
        script: echo hi
)y"));
  ASSERT_TRUE(rendered) << rendered.error().message;
  const json& s = Container(*rendered, "sidecar-s");
  EXPECT_EQ(s["readinessProbe"]["exec"]["command"][0], "test");
  EXPECT_EQ(s["command"], json::parse(R"(["sleep","infinity"])"));
  EXPECT_TRUE(MountAt(s, "/workspace").is_null());  // sidecars get no implicit mounts
  EXPECT_TRUE(Container(*rendered, "sidecar").is_object());
  EXPECT_FALSE(rendered->pod["metadata"]["annotations"].contains("tekton.dev/ready"));
}

TEST(PodsimRender, PodTemplate) {
  auto rendered = RenderYaml(TaskRunWithSpec(R"y(
    steps: [{name: a, image: i, command: [x], env: [{name: A, value: step}],
             volumeMounts: [{name: t, mountPath: /t}]}]
)y",
                                             R"y(  podTemplate:
    env: [{name: B, value: template}]
    securityContext: {runAsUser: 1001}
    volumes: [{name: t, emptyDir: {}}]
    nodeSelector: {kubernetes.io/os: linux}
)y"));
  ASSERT_TRUE(rendered) << rendered.error().message;
  const json& a = Container(*rendered, "step-a");
  EXPECT_EQ(Env(a, "A"), "step");
  EXPECT_EQ(Env(a, "B"), "template");
  EXPECT_EQ(rendered->pod["spec"]["securityContext"]["runAsUser"], 1001);
  EXPECT_EQ(rendered->pod["spec"]["nodeSelector"]["kubernetes.io/os"], "linux");
}

constexpr const char* kStepAction = R"y(
apiVersion: tekton.dev/v1alpha1
kind: StepAction
metadata: {name: act}
spec:
  params:
    - {name: s, default: sdefault}
    - {name: a, type: array, default: [x, y]}
    - name: o
      properties: {k1: {}, k2: {}}
      default: {k1: dk1, k2: dk2}
  results: [{name: out}]
  image: i
  args: ["$(params.a[*])"]
  env:
    - {name: S, value: $(params.s)}
    - {name: K1, value: $(params.o.k1)}
    - {name: K2, value: $(params.o.k2)}
  script: |
    echo "$@" > $(step.results.out.path)
---
)y";

TEST(PodsimRender, StepActionsTakeStepParamsAndDefaults) {
  auto rendered = RenderYaml(std::string(kStepAction) +
                             TaskRunWithSpec(R"y(
    params: [{name: obj, properties: {k1: {}}, default: {k1: task-k1}}]
    steps:
      - name: run
        ref: {name: act}
        params:
          - {name: s, value: $(params.given)}
          - {name: o, value: "$(params.obj[*])"}
)y",
                                             R"y(  params: [{name: given, value: from-run}]
)y"));
  ASSERT_TRUE(rendered) << rendered.error().message;
  const json& step = Container(*rendered, "step-run");
  EXPECT_EQ(Env(step, "S"), "from-run");
  EXPECT_EQ(Env(step, "K1"), "task-k1");
  EXPECT_EQ(Env(step, "K2"), "dk2");
  EXPECT_EQ(step["image"], "i");
  const std::vector<std::string> command = Command(step);
  EXPECT_EQ(std::vector<std::string>(command.end() - 2, command.end()),
            (std::vector<std::string>{"x", "y"}));
  EXPECT_NE(Script(*rendered, step).find("/tekton/steps/step-run/results/out"), std::string::npos);
  EXPECT_EQ(rendered->task_run->step_results["step-run"]["out"], "string");
}

TEST(PodsimRender, StepActionParamsFromStepResults) {
  auto rendered = RenderYaml(R"y(
kind: StepAction
metadata: {name: act}
spec:
  params:
    - {name: list, type: array}
    - {name: str}
    - {name: obj, type: object, properties: {url: {}}}
  image: i
  command: [x]
  args: ["$(params.list[*])", "$(params.list[0])", "$(params.obj.url)"]
  env: [{name: S, value: $(params.str)}]
---
)y" + TaskRunWithSpec(R"y(
    steps:
      - name: first
        image: i
        command: [x]
        results: [{name: list, type: array}, {name: str}, {name: o, type: object, properties: {url: {}}}]
      - name: run
        ref: {name: act}
        params:
          - {name: list, value: "$(steps.first.results.list[*])"}
          - {name: str, value: "$(steps.first.results.str)"}
          - {name: obj, value: "$(steps.first.results.o[*])"}
)y"));
  ASSERT_TRUE(rendered) << rendered.error().message;
  const json& step = Container(*rendered, "step-run");
  // Left for the entrypoint, which reads the step results when it starts.
  EXPECT_EQ(Command(step), (std::vector<std::string>{"x", "$(steps.first.results.list[*])",
                                                     "$(steps.first.results.list[0])",
                                                     "$(steps.first.results.o.url)"}));
  EXPECT_EQ(Env(step, "S"), "$(steps.first.results.str)");
}

TEST(PodsimRender, EveryTaskRunOfTheFileAndSelect) {
  NoImages images;
  const std::string yaml = R"y(
kind: Task
metadata: {name: t}
spec:
  params: [{name: p}]
  steps: [{name: a, image: i, command: [echo, $(params.p)]}]
---
kind: TaskRun
metadata: {name: one}
spec: {taskRef: {name: t}, params: [{name: p, value: "1"}]}
---
kind: TaskRun
metadata: {generateName: two-}
spec: {taskRef: {name: t, kind: task}, params: [{name: p, value: "2"}]}
)y";
  auto all = RenderAll(yaml, images);
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ(Command(Container((*all)[0], "step-a")).back(), "1");
  EXPECT_EQ(Command(Container((*all)[1], "step-a")).back(), "2");
  EXPECT_TRUE((*all)[1].task_run->task_run_name.starts_with("two-"));
  EXPECT_EQ((*all)[0].pod["metadata"]["labels"]["tekton.dev/task"], "t");
  auto one = RenderAll(yaml, images, {"one"});
  ASSERT_TRUE(one);
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ(one->front().task_run->task_run_name, "one");
  EXPECT_EQ(RenderAll(yaml, images, {"one", "nope"}).error().message,
            "--select nope: no TaskRun of that name in the documents");
  EXPECT_EQ(RenderAll("kind: Pod\nmetadata: {name: p}\n", images, {"x"}).error().message,
            "--select x: no Pod of that name in the documents");
}

TEST(PodsimRender, ImageEntrypointFromTheImageStore) {
  FakeImages images;
  images.images["busybox"] = ImageConfig{{"sh"}, {"-c", "true"}, "", {}, "", ""};
  const std::string yaml = TaskRunWithSpec(R"y(
    steps:
      - {name: with-args, image: busybox, args: [-c, echo hi]}
      - {name: bare, image: busybox}
)y");
  auto rendered = RenderAll(yaml, images);
  ASSERT_TRUE(rendered) << rendered.error().message;
  const json& with_args = Container(rendered->front(), "step-with-args");
  EXPECT_EQ(Command(with_args), (std::vector<std::string>{"-c", "echo hi"}));
  EXPECT_NE(Env(with_args, "TEKTON_PLATFORM_COMMANDS").find(R"(:["sh"]})"), std::string::npos)
      << Env(with_args, "TEKTON_PLATFORM_COMMANDS");
  EXPECT_NE(Env(Container(rendered->front(), "step-bare"), "TEKTON_PLATFORM_COMMANDS")
                .find(R"(:["sh","-c","true"]})"),
            std::string::npos);
  NoImages none;
  EXPECT_EQ(RenderAll(yaml, none).error().message,
            "TaskRun \"r\": step \"step-with-args\" has no command and no script, and podsim does "
            "not know the entrypoint of image \"busybox\" without a registry: give it with "
            "--image-command busybox=COMMAND (or add command: to the step)");
}

TEST(PodsimRender, CredentialsOfTheServiceAccount) {
  auto rendered = RenderYaml(R"y(
kind: Secret
type: kubernetes.io/ssh-auth
metadata: {name: key, annotations: {tekton.dev/git-0: github.com}}
data: {ssh-privatekey: SGVsbG8K}
---
kind: ServiceAccount
metadata: {name: sa}
secrets: [{name: key}]
---
kind: TaskRun
metadata: {name: r}
spec:
  serviceAccountName: sa
  taskSpec:
    steps: [{name: a, image: i, command: [x]}]
)y");
  ASSERT_TRUE(rendered) << rendered.error().message;
  const json& a = Container(*rendered, "step-a");
  const auto args = a["args"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(args.begin(), args.end(), "-ssh-git=key=github.com"), args.end());
  EXPECT_TRUE(MountAt(a, "/tekton/creds-secrets/key").is_object());
  EXPECT_TRUE(MountAt(a, "/tekton/creds").is_object());
  EXPECT_EQ(rendered->pod["spec"]["serviceAccountName"], "sa");
}

TEST(PodsimRender, TaskResultsFromStepResults) {
  auto rendered = RenderYaml(TaskRunWithSpec(R"y(
    results: [{name: r, value: "$(steps.a.results.sr)"}, {name: plain}]
    steps: [{name: a, image: i, command: [x], results: [{name: sr}]}]
)y"));
  ASSERT_TRUE(rendered) << rendered.error().message;
  EXPECT_EQ(rendered->task_run->results_from_steps["r"],
            std::make_pair(std::string("step-a"), std::string("sr")));
  const auto args = Container(*rendered, "step-a")["args"].get<std::vector<std::string>>();
  EXPECT_EQ(*(std::find(args.begin(), args.end(), "-results") + 1), "plain");
}

TEST(PodsimRender, WebhookErrorsAreTektons) {
  EXPECT_EQ(RenderError("kind: TaskRun\nmetadata: {name: r}\nspec:\n  TaskSpec: {}\n"),
            "TaskRun \"r\": strict decoding error: unknown field \"spec.TaskSpec\"");
  EXPECT_EQ(RenderError(TaskRunWithSpec("    steps: [{image: i, script: echo $(params.x)}]\n")),
            "TaskRun \"r\": non-existent variable in \"echo $(params.x)\": "
            "spec.taskSpec.steps[0].script");
  EXPECT_EQ(
      RenderError(TaskRunWithSpec("    steps: [{image: i, script: echo $(results.x.path)}]\n")),
      "TaskRun \"r\": non-existent variable in \"echo $(results.x.path)\": "
      "spec.taskSpec.steps[0].script");
  EXPECT_EQ(RenderError(
                TaskRunWithSpec("    steps: [{image: i, script: echo $(context.taskRun.nam)}]\n")),
            "TaskRun \"r\": non-existent variable in \"echo $(context.taskRun.nam)\": "
            "spec.taskSpec.steps[0].script");
  EXPECT_EQ(RenderError(TaskRunWithSpec("    params: [{name: a, type: array}]\n"
                                        "    steps: [{image: i, script: echo $(params.a)}]\n",
                                        "  params: [{name: a, value: [x]}]\n")),
            "TaskRun \"r\": variable type invalid in \"echo $(params.a)\": "
            "spec.taskSpec.steps[0].script");
  EXPECT_EQ(RenderError(TaskRunWithSpec(
                "    params: [{name: a, type: array}]\n"
                "    steps: [{image: i, command: [x], args: [\"-$(params.a[*])\"]}]\n",
                "  params: [{name: a, value: [x]}]\n")),
            "TaskRun \"r\": variable is not properly isolated in \"-$(params.a[*])\": "
            "spec.taskSpec.steps[0].args[0]");
  EXPECT_EQ(RenderError(TaskRunWithSpec("    steps: [{image: i, command: [x], script: y}]\n")),
            "TaskRun \"r\": script cannot be used with command: spec.taskSpec.steps[0].script");
  EXPECT_EQ(RenderError(TaskRunWithSpec("    steps: [{name: a, command: [x]}]\n")),
            "TaskRun \"r\": missing field(s): spec.taskSpec.steps[0].Image");
  EXPECT_EQ(RenderError(TaskRunWithSpec(
                "    steps: [{name: a, image: i, script: 'echo $(steps.b.results.c)'}]\n")),
            "TaskRun \"r\": stepResult substitutions are only allowed in env, command and args. "
            "Found usage in: spec.taskSpec.steps[0].script");
  EXPECT_EQ(RenderError("kind: TaskRun\nmetadata: {name: r}\nspec: {}\n"),
            "TaskRun \"r\": expected exactly one, got neither: spec.taskRef, spec.taskSpec");
  EXPECT_EQ(
      RenderError(TaskRunWithSpec("    steps: [{image: i, command: [x], volumeMounts: [{name: v, "
                                  "mountPath: /tekton/x}]}]\n")),
      "TaskRun \"r\": volumeMount cannot be mounted under /tekton/ (volumeMount \"v\" mounted "
      "at \"/tekton/x\"): spec.taskSpec.steps[0].volumeMounts[0].mountPath");
}

TEST(PodsimRender, ReconcilerErrorsAreTektons) {
  const std::string task =
      "kind: Task\nmetadata: {name: t}\nspec:\n"
      "  params: [{name: p}, {name: a, type: array, default: [x]}]\n"
      "  workspaces: [{name: w}]\n"
      "  steps: [{image: i, command: [echo, $(params.p), \"$(params.a[1])\"]}]\n---\n";
  EXPECT_EQ(RenderError(task + "kind: TaskRun\nmetadata: {name: r}\nspec: {taskRef: {name: t}}\n"),
            "TaskRun \"r\": invalid input params for task t: missing values for these params which "
            "have no default values: [p]");
  EXPECT_EQ(RenderError(task + "kind: TaskRun\nmetadata: {name: r}\nspec:\n  taskRef: {name: t}\n"
                               "  params: [{name: p, value: [x]}]\n"),
            "TaskRun \"r\": invalid input params for task t: param types don't match the "
            "user-specified type: [p]");
  EXPECT_EQ(RenderError(task + "kind: TaskRun\nmetadata: {name: r}\nspec:\n  taskRef: {name: t}\n"
                               "  params: [{name: p, value: v}]\n"),
            "TaskRun \"r\": non-existent param references:[$(params.a[1])]");
  EXPECT_EQ(RenderError(task + "kind: TaskRun\nmetadata: {name: r}\nspec:\n  taskRef: {name: t}\n"
                               "  params: [{name: p, value: v}, {name: a, value: [x, y]}]\n"),
            "TaskRun \"r\": declared workspace \"w\" is required but has not been bound");
  EXPECT_EQ(
      RenderError("kind: TaskRun\nmetadata: {name: r}\nspec: {taskRef: {name: gone}}\n"),
      "TaskRun \"r\": spec.taskRef.name: tasks.tekton.dev \"gone\" not found (put the Task in "
      "the file or in --from-dir)");
  EXPECT_EQ(
      RenderError("kind: TaskRun\nmetadata: {name: r}\nspec: {taskRef: {resolver: git}}\n"),
      "TaskRun \"r\": spec.taskRef.resolver: podsim resolves no remote Task (resolver \"git\"); "
      "put the Task document in the file or in --from-dir and use taskRef.name");
  EXPECT_EQ(RenderError(TaskRunWithSpec(
                "    steps: [{image: i, command: [x], args: [$(workspaces.nope.path)]}]\n")),
            "TaskRun \"r\": non-existent variable in \"$(workspaces.nope.path)\": "
            "spec.taskSpec.steps[0].args[0]");
  EXPECT_EQ(RenderError(TaskRunWithSpec(
                "    steps: [{name: a, image: i, command: [x], args: [$(steps.b.results.c)]}]\n")),
            "TaskRun \"r\": non-existent variable in \"$(steps.b.results.c)\": "
            "spec.taskSpec.steps[0].args[0]");
  EXPECT_EQ(RenderError("kind: Deployment\n"),
            "kind \"Deployment\": podsim runs a Pod, Task or TaskRun");
}
}  // namespace
}  // namespace podstep::podsim
