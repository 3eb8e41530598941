// End-to-end tests of Tekton's documents as podsim renders and runs them:
// substitution (params of every type, propagation, context, results,
// workspaces, nested references), the webhook's and controller's
// validation (exit 2 with Tekton's message, nothing run), StepActions,
// stepTemplate, Task volumes, sidecars, the podTemplate. Each Task writes
// what it saw; the tests read the logs and files, not only the status.
// Needs root.

#include <sys/stat.h>

#include "e2e/podsim_fixture.h"

namespace podstep::test {
namespace {

std::string TaskRun(const std::string& task_spec, const std::string& run_spec = "") {
  return "apiVersion: tekton.dev/v1\nkind: TaskRun\nmetadata:\n  name: run\nspec:\n" + run_spec +
         "  taskSpec:\n" + task_spec;
}

TEST_F(PodsimTest, ParamsOfEveryTypeReachTheSteps) {
  PodsimRun run = Run(TaskRun(R"y(
    params:
      - {name: words, type: array}
      - {name: more, type: array, default: [d1, "d 2"]}
      - {name: greeting, default: hello}
      - name: repo
        properties: {url: {}, commit: {}}
        default: {url: example.com}
    steps:
      - name: args
        image: busybox
        command: [sh, -c, 'for a in "$@"; do echo "[$a]"; done', sh]
        args: ["$(params.words[*])", "$(params.more)", "$(params.words[1])", "$(params['greeting'])"]
      - name: script
        image: busybox
        script: |
          echo "$(params.repo.url) $(params.repo.commit) $(params.more[1])"
)y",
                              R"y(  params:
    - {name: words, value: [w0, "w 1"]}
    - {name: repo, value: {commit: abc}}
)y"));
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err << run.out;
  EXPECT_EQ(Log("step-args"), "[w0]\n[w 1]\n[d1]\n[d 2]\n[w 1]\n[hello]\n");
  EXPECT_EQ(Log("step-script"), "example.com abc d 2\n");
}

TEST_F(PodsimTest, PropagatedParamsAndWorkspacesOfAnInlineSpec) {
  PodsimRun run = Run(TaskRun(R"y(
    steps:
      - name: write
        image: busybox
        script: echo "$(params.message)" > $(workspaces.shared.path)/note
      - name: read
        image: busybox
        script: cat /workspace/shared/note
)y",
                              R"y(  params: [{name: message, value: propagated}]
  workspaces: [{name: shared, emptyDir: {}}]
)y"));
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err << run.out;
  EXPECT_EQ(Log("step-read"), "propagated\n");
}

TEST_F(PodsimTest, ContextResultsExitCodesAndNestedReferences) {
  PodsimRun run = Run(R"y(apiVersion: tekton.dev/v1
kind: Task
metadata: {name: ctx}
spec:
  results: [{name: first}, {name: from-step, value: "$(steps.make.results.made)"}]
  steps:
    - name: make
      image: busybox
      results: [{name: made}]
      onError: continue
      script: |
        printf one > $(results.first.path)
        printf made-value > $(step.results.made.path)
        echo "$(context.taskRun.name) $(context.taskRun.namespace) $(context.task.name) $(context.task.retry-count)"
        exit 3
    - name: use
      image: busybox
      env: [{name: MADE, value: $(steps.make.results.made)}]
      script: |
        echo "first=$(cat $(results.first.path)) code=$(cat $(steps.step-make.exitCode.path))"
        echo "uid=$(context.taskRun.uid)" | grep -c -E 'uid=[0-9a-f]{8}-[0-9a-f]{4}-4'
        echo "made=$MADE"
)y");
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err << run.out;
  EXPECT_EQ(Log("step-make"), "ctx-run default ctx 0\n");
  EXPECT_EQ(Log("step-use"), "first=one code=3\n1\nmade=made-value\n");
  EXPECT_EQ(run.Result("first"), "one");
  EXPECT_EQ(run.Result("from-step"), "made-value");
}

TEST_F(PodsimTest, OptionalWorkspaceUnboundIsNotMounted) {
  PodsimRun run = Run(TaskRun(R"y(
    workspaces:
      - {name: given, optional: true}
      - {name: absent, optional: true}
    steps:
      - name: check
        image: busybox
        script: |
          echo "given=$(workspaces.given.bound) absent=$(workspaces.absent.bound) path=[$(workspaces.absent.path)]"
          test -d $(workspaces.given.path) && echo given mounted
          test -e /workspace/absent || echo absent not mounted
)y",
                              "  workspaces: [{name: given, emptyDir: {}}]\n"));
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err << run.out;
  EXPECT_EQ(Log("step-check"),
            "given=true absent=false path=[]\ngiven mounted\nabsent not mounted\n");
}

TEST_F(PodsimTest, StepWorkspacesAreSeenOnlyByTheStepsThatListThem) {
  PodsimRun run = Run(TaskRun(R"y(
    workspaces: [{name: private}]
    steps:
      - name: owner
        image: busybox
        workspaces: [{name: private, mountPath: /private}]
        script: echo secret > $(workspaces.private.path)/f && cat /private/f
      - name: other
        image: busybox
        script: test -e /private/f || echo not visible
)y",
                              "  workspaces: [{name: private, emptyDir: {}}]\n"));
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err << run.out;
  EXPECT_EQ(Log("step-owner"), "secret\n");
  EXPECT_EQ(Log("step-other"), "not visible\n");
}

TEST_F(PodsimTest, StepTemplateMergesIntoEveryStep) {
  PodsimRun run = Run(TaskRun(R"y(
    params: [{name: dir, default: /tmp}]
    stepTemplate:
      image: busybox
      workingDir: $(params.dir)
      env: [{name: SHARED, value: template}, {name: OWN, value: template}]
    steps:
      - name: keeps
        script: echo "$SHARED $OWN $PWD"
      - name: overrides
        env: [{name: OWN, value: step}]
        script: echo "$SHARED $OWN $PWD"
)y"));
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err << run.out;
  EXPECT_EQ(Log("step-keeps"), "template template /tmp\n");
  EXPECT_EQ(Log("step-overrides"), "template step /tmp\n");
}

TEST_F(PodsimTest, TaskVolumesAndMountsOverridingTheImplicitOnes) {
  PodsimRun run = Run(TaskRun(R"y(
    volumes: [{name: data, emptyDir: {}}, {name: home, emptyDir: {}}]
    steps:
      - name: write
        image: busybox
        volumeMounts: [{name: data, mountPath: /data/in}]
        script: echo shared > /data/in/file && echo home > /tekton/home/file
      - name: read
        image: busybox
        volumeMounts: [{name: data, mountPath: /elsewhere}, {name: home, mountPath: /tekton/home}]
        script: |
          cat /elsewhere/file
          test -e /tekton/home/file || echo own home
)y"));
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err << run.out;
  EXPECT_EQ(Log("step-read"), "shared\nown home\n");
}

TEST_F(PodsimTest, SidecarSharesAVolumeAndItsParams) {
  PodsimRun run = Run(TaskRun(R"y(
    params: [{name: word, default: from-sidecar}]
    volumes: [{name: shared, emptyDir: {}}]
    sidecars:
      - name: writer
        image: busybox
        volumeMounts: [{name: shared, mountPath: /shared}]
        script: echo $(params.word) > /shared/value
    steps:
      - name: read
        image: busybox
        volumeMounts: [{name: shared, mountPath: /shared}]
        script: |
          while [ ! -s /shared/value ]; do sleep 0.01; done
          cat /shared/value
)y"),
                      {"--grace-period", "2s"});
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err << run.out;
  EXPECT_EQ(Log("step-read"), "from-sidecar\n");
}

TEST_F(PodsimTest, PodTemplateEnvReachesTheSteps) {
  PodsimRun run =
      Run(TaskRun(R"y(
    steps:
      - name: env
        image: busybox
        env: [{name: STEP, value: step}]
        script: echo "$STEP $FROM_TEMPLATE"
)y",
                  "  podTemplate:\n    env: [{name: FROM_TEMPLATE, value: template}]\n"));
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err << run.out;
  EXPECT_EQ(Log("step-env"), "step template\n");
}

TEST_F(PodsimTest, StepActionsWithParamsAndStepResults) {
  PodsimRun run = Run(R"y(apiVersion: tekton.dev/v1beta1
kind: StepAction
metadata: {name: report}
spec:
  params:
    - {name: items, type: array}
    - {name: label, default: items}
    - name: where
      properties: {host: {}, port: {}}
      default: {host: localhost, port: "80"}
  results: [{name: count}]
  image: busybox
  command: [sh, -c, 'echo "$LABEL $WHERE: $*"; echo -n $# > "$COUNT"', sh]
  args: ["$(params.items[*])"]
  env:
    - {name: LABEL, value: $(params.label)}
    - {name: WHERE, value: "$(params.where.host):$(params.where.port)"}
    - {name: COUNT, value: $(step.results.count.path)}
---
apiVersion: tekton.dev/v1
kind: TaskRun
metadata: {name: actions}
spec:
  params: [{name: port, value: "8080"}]
  taskSpec:
    steps:
      - name: list
        image: busybox
        results: [{name: names, type: array}]
        script: printf '["a","b c"]' > $(step.results.names.path)
      - name: use
        ref: {name: report}
        params:
          - {name: items, value: "$(steps.list.results.names[*])"}
          - {name: where, value: {host: example.com, port: $(params.port)}}
      - name: after
        image: busybox
        env: [{name: COUNT, value: $(steps.use.results.count)}]
        script: echo "count=$COUNT"
)y");
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err << run.out;
  EXPECT_EQ(Log("step-use"), "items example.com:8080: a b c\n");
  EXPECT_EQ(Log("step-after"), "count=2\n");
  EXPECT_EQ(run.Step("step-use")["results"][0]["value"], "2");
}

TEST_F(PodsimTest, TektonsValidationRefusesBeforeAnythingRuns) {
  struct Case {
    std::string manifest;
    std::string message;
  };
  const std::vector<Case> cases = {
      {TaskRun("    steps: [{name: a, image: busybox, script: 'touch /tmp/ran; echo "
               "$(params.nope)'}]\n"),
       "non-existent variable in \"touch /tmp/ran; echo $(params.nope)\": "
       "spec.taskSpec.steps[0].script"},
      {Task("  params: [{name: needed}]\n  steps: [{image: busybox, command: [echo, "
            "$(params.needed)]}]\n"),
       "invalid input params for task t: missing values for these params which have no default "
       "values: [needed]"},
      {Task("  workspaces: [{name: src}]\n  steps: [{image: busybox, command: ['true']}]\n"),
       "declared workspace \"src\" is required but has not been bound"},
      {TaskRun("    params: [{name: a, type: array, default: [x]}]\n"
               "    steps: [{image: busybox, script: echo $(params.a)}]\n"),
       "variable type invalid in \"echo $(params.a)\": spec.taskSpec.steps[0].script"},
      {TaskRun("    results: [{name: r}]\n    steps: [{image: busybox, script: echo > "
               "$(results.s.path)}]\n"),
       "non-existent variable in \"echo > $(results.s.path)\": spec.taskSpec.steps[0].script"},
      {"apiVersion: tekton.dev/v1\nkind: TaskRun\nmetadata: {name: r}\nspec:\n  TaskSpec:\n"
       "    steps: [{image: busybox, command: ['true']}]\n",
       "strict decoding error: unknown field \"spec.TaskSpec\""},
      {TaskRun("    steps: [{name: x, image: registry.example/tool, args: [--version]}]\n"),
       "step \"step-x\" has no command and no script, and podsim does not know the entrypoint of "
       "image \"registry.example/tool\" without a registry: give it with --image-command "
       "registry.example/tool=COMMAND"},
  };
  for (const Case& c : cases) {
    PodsimRun run = Run(c.manifest);
    EXPECT_EQ(run.status, ExitStatus::Exited(2)) << c.manifest << run.err;
    EXPECT_NE(run.err.find(c.message), std::string::npos) << run.err;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
    EXPECT_FALSE(std::filesystem::exists(Logs())) << "something ran: " << c.manifest;
  }
}

constexpr const char* kTwoRuns = R"y(apiVersion: tekton.dev/v1
kind: Task
metadata: {name: echo}
spec:
  params: [{name: word}]
  steps: [{name: say, image: busybox, command: [echo, $(params.word)]}]
---
apiVersion: tekton.dev/v1
kind: TaskRun
metadata: {name: first}
spec: {taskRef: {name: echo}, params: [{name: word, value: one}]}
---
apiVersion: tekton.dev/v1
kind: TaskRun
metadata: {name: second}
spec: {taskRef: {name: echo}, params: [{name: word, value: two}]}
)y";

TEST_F(PodsimTest, EveryTaskRunOfTheFileRunsAndSelectPicks) {
  PodsimRun all = Run(kTwoRuns);
  ASSERT_EQ(all.status, ExitStatus::Exited(0)) << all.err << all.out;
  ASSERT_TRUE(all.result.is_array()) << all.out;
  ASSERT_EQ(all.result.size(), 2u);
  EXPECT_EQ(all.result[1]["podName"], "second-pod");
  EXPECT_EQ(ReadFileOr(Logs() + "/first/step-say.log"), "one\n");
  EXPECT_EQ(ReadFileOr(Logs() + "/second/step-say.log"), "two\n");

  PodsimRun second = Podsim("run", kTwoRuns, {"--output", "json", "--select", "second"});
  ASSERT_EQ(second.status, ExitStatus::Exited(0)) << second.err;
  EXPECT_EQ(second.result["podName"], "second-pod");

  PodsimRun none = Podsim("run", kTwoRuns, {"--select", "third"});
  EXPECT_EQ(none.status, ExitStatus::Exited(2));
  EXPECT_NE(none.err.find("--select third: no TaskRun of that name in the documents"),
            std::string::npos)
      << none.err;

  PodsimRun render = Podsim("render", kTwoRuns);
  ASSERT_EQ(render.status, ExitStatus::Exited(0)) << render.err;
  EXPECT_EQ(render.result["kind"], "List");
  EXPECT_EQ(render.result["items"].size(), 2u);
}

TEST_F(PodsimTest, TasksAndStepActionsFromADirectory) {
  const std::string refs = dir_ / "refs";
  ASSERT_EQ(::mkdir(refs.c_str(), 0755), 0);
  WriteFile(refs + "/task.yaml", R"y(apiVersion: tekton.dev/v1
kind: Task
metadata: {name: greet}
spec:
  params: [{name: who, default: world}]
  steps: [{name: hello, ref: {name: say-hello}, params: [{name: who, value: $(params.who)}]}]
)y");
  WriteFile(refs + "/action.yaml", R"y(apiVersion: tekton.dev/v1beta1
kind: StepAction
metadata: {name: say-hello}
spec:
  params: [{name: who}]
  image: busybox
  command: [echo, "hello $(params.who)"]
)y");
  PodsimRun run =
      Run("apiVersion: tekton.dev/v1\nkind: TaskRun\nmetadata: {name: greeting}\n"
          "spec:\n  taskRef: {name: greet}\n  params: [{name: who, value: podsim}]\n",
          {"--from-dir", refs});
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err << run.out;
  EXPECT_EQ(Log("step-hello"), "hello podsim\n");
}

TEST_F(PodsimTest, ImageCommandGivesAStepWithArgsItsEntrypoint) {
  const std::string manifest = TaskRun(R"y(
    steps:
      - {name: args-only, image: registry.example/shell, args: [-c, echo from the image entrypoint]}
)y");
  PodsimRun refused = Run(manifest);
  EXPECT_EQ(refused.status, ExitStatus::Exited(2));
  EXPECT_NE(refused.err.find("--image-command registry.example/shell=COMMAND"), std::string::npos)
      << refused.err;
  PodsimRun run = Run(manifest, {"--image-command", "registry.example/shell=/bin/sh"});
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err << run.out;
  EXPECT_EQ(Log("step-args-only"), "from the image entrypoint\n");
}

TEST_F(PodsimTest, ConfigMapsSecretsAndCredentialsNamedThroughParams) {
  PodsimRun run = Run(R"y(apiVersion: v1
kind: ConfigMap
metadata: {name: settings-prod}
data: {mode: production}
---
apiVersion: v1
kind: Secret
metadata: {name: token-prod}
stringData: {token: s3cret}
---
apiVersion: v1
kind: Secret
type: kubernetes.io/ssh-auth
metadata: {name: deploy-key, annotations: {tekton.dev/git-0: git.example.com}}
stringData: {ssh-privatekey: KEY-MATERIAL}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: builder}
secrets: [{name: deploy-key}]
---
apiVersion: tekton.dev/v1
kind: TaskRun
metadata: {name: configured}
spec:
  serviceAccountName: builder
  params: [{name: env, value: prod}]
  taskSpec:
    params: [{name: env}]
    volumes: [{name: settings, configMap: {name: settings-$(params.env)}}]
    steps:
      - name: read
        image: busybox
        volumeMounts: [{name: settings, mountPath: /settings}]
        env:
          - name: TOKEN
            valueFrom: {secretKeyRef: {name: token-$(params.env), key: token}}
        script: |
          echo "mode=$(cat /settings/mode) token=$TOKEN"
          cat /tekton/creds/.ssh/id_deploy-key
)y");
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err << run.out;
  EXPECT_EQ(Log("step-read"), "mode=production token=s3cret\nKEY-MATERIAL\n");
}

}  // namespace
}  // namespace podstep::test
