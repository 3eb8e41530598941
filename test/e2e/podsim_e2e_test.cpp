// End-to-end tests: Tasks run through the real `podsim` binary, which runs
// the real entrypoint and nop in containers with their own mount and PID
// namespaces. Each test checks the TaskRun status podsim prints
// (`--output json`) and the containers' logs (`--logs DIR`). Needs root.

#include "e2e/podsim_fixture.h"

namespace podstep::test {
namespace {

TEST_F(PodsimTest, TwoStepTaskSucceedsWithResultsInTheStatus) {
  PodsimRun run = Run(Task(R"y(
  results:
    - name: word
    - name: list
      type: array
  steps:
    - name: first
      image: busybox
      command: ["sh", "-c", "printf hello > $(results.word.path); echo first ran"]
    - name: second
      image: busybox
      command: ["sh", "-c", "printf '[\"a\",\"b\"]' > $(results.list.path); echo second ran"]
)y"));
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err << run.out;
  EXPECT_EQ(run.Condition()["status"], "True");
  EXPECT_EQ(run.Condition()["reason"], "Succeeded");
  EXPECT_EQ(run.Condition()["message"], "All Steps have completed executing");
  EXPECT_EQ(run.result["podName"], "t-run-pod");
  EXPECT_EQ(run.Result("word"), "hello");
  EXPECT_EQ(run.Result("list"), R"(["a","b"])");
  EXPECT_EQ(run.result["results"][1]["type"], "array");
  ASSERT_EQ(run.result["steps"].size(), 2u);
  EXPECT_EQ(run.result["steps"][0]["name"], "first");
  EXPECT_EQ(run.Step("step-second")["terminated"]["exitCode"], 0);
  EXPECT_EQ(run.Step("step-second")["terminationReason"], "Completed");
  EXPECT_EQ(Log("step-first"), "first ran\n");
  EXPECT_NE(Log("prepare").find("Entrypoint initialization"), std::string::npos);
}

TEST_F(PodsimTest, ManyStepsRunInOrderEachAsPidOneOfItsOwnNamespace) {
  std::string steps = "  steps:\n";
  constexpr int kSteps = 12;
  for (int i = 0; i < kSteps; ++i) {
    steps += "    - name: s" + std::to_string(i) +
             "\n      image: busybox\n      command: [\"sh\", \"-c\", \"printf '" +
             std::to_string(i) + " ' >> /workspace/order; echo pid $PPID\"]\n";
  }
  steps +=
      "    - name: check\n      image: busybox\n      command: [\"sh\", \"-c\", \"cat "
      "/workspace/order\"]\n";
  PodsimRun run = Run(Task(steps));
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err;
  EXPECT_EQ(Log("step-check"), "0 1 2 3 4 5 6 7 8 9 10 11 \n");
  // The shell's parent is the entrypoint, PID 1 of the container.
  EXPECT_EQ(Log("step-s3"), "pid 1\n");
}

TEST_F(PodsimTest, FailureSkipsLaterStepsAndFailsTheTaskRun) {
  PodsimRun run = Run(Task(R"y(
  steps:
    - name: a
      image: busybox
      command: ["sh", "-c", "exit 5"]
    - name: b
      image: busybox
      command: ["sh", "-c", "echo b ran"]
)y"));
  ASSERT_EQ(run.status, ExitStatus::Exited(1)) << run.err;
  EXPECT_EQ(run.Condition()["status"], "False");
  EXPECT_EQ(run.Condition()["reason"], "Failed");
  EXPECT_EQ(run.Condition()["message"], "\"step-a\" exited with code 5");
  EXPECT_EQ(run.Step("step-a")["terminated"]["exitCode"], 5);
  EXPECT_EQ(run.Step("step-b")["terminated"]["exitCode"], 1);
  EXPECT_EQ(run.Step("step-b")["terminationReason"], "Skipped");
  EXPECT_EQ(Log("step-b").find("b ran"), std::string::npos);
  EXPECT_NE(Log("step-b").find("Skipping step because a previous step failed"), std::string::npos);
}

TEST_F(PodsimTest, OnErrorContinueRecordsTheCodeButSucceeds) {
  PodsimRun run = Run(Task(R"y(
  steps:
    - name: flaky
      image: busybox
      onError: continue
      command: ["sh", "-c", "exit 3"]
    - name: after
      image: busybox
      command: ["sh", "-c", "cat $(steps.step-flaky.exitCode.path)"]
)y"));
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err;
  EXPECT_EQ(run.Step("step-flaky")["terminated"]["exitCode"], 3);
  EXPECT_EQ(run.Step("step-flaky")["terminated"]["reason"], "Completed");
  EXPECT_EQ(run.Step("step-flaky")["terminationReason"], "Continued");
  EXPECT_EQ(Log("step-after"), "3\n");  // a last partial line is logged whole
}

TEST_F(PodsimTest, SidecarsGateTheFirstStepAndAreStoppedWithNop) {
  PodsimRun run = Run(Task(R"y(
  sidecars:
    - name: with-command
      image: busybox
      command: ["sh", "-c", "trap 'exit 0' TERM; echo up; while :; do sleep 0.02; done"]
    - name: no-command
      image: busybox
  steps:
    - name: a
      image: busybox
      command: ["sh", "-c", "cat /tekton/downward/ready; echo; ls -a /tekton/downward | tr '\n' ' '"]
)y"),
                      {"--grace-period", "5s"});
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err;
  // The step ran only once the ready annotation reached the Downward-API file.
  EXPECT_EQ(Log("step-a").substr(0, 6), "READY\n");
  EXPECT_NE(Log("step-a").find("..data"), std::string::npos);
  ASSERT_EQ(run.result["sidecars"].size(), 2u);
  // The TaskRun completed with its steps, while its sidecars still ran...
  EXPECT_TRUE(run.result["sidecars"][0].contains("running")) << run.result.dump();
  EXPECT_TRUE(run.result["sidecars"][1].contains("running")) << run.result.dump();
  // ...then they were stopped by swapping in the nop image: the sidecar's
  // own command is not in it...
  EXPECT_NE(Log("sidecar-with-command")
                .find("podsim: container did not start: exec: \"sh\": executable file not found "
                      "in $PATH"),
            std::string::npos)
      << Log("sidecar-with-command");
  // ...while without a command the nop image's entrypoint runs and exits 0.
  if (!NopIsStatic()) GTEST_SKIP() << "nop is dynamically linked in this build";
  EXPECT_NE(Log("sidecar-no-command").find("Exiting..."), std::string::npos);
}

TEST_F(PodsimTest, StepTimeoutFailsTheTaskRunWithTheControllersMessage) {
  PodsimRun run = Run(Task(R"y(
  steps:
    - name: slow
      image: busybox
      timeout: 200ms
      command: ["sleep", "20"]
)y"));
  ASSERT_EQ(run.status, ExitStatus::Exited(1)) << run.err;
  EXPECT_EQ(run.Condition()["message"],
            "\"step-slow\" exited because the step exceeded the specified timeout limit");
  EXPECT_EQ(run.Step("step-slow")["terminationReason"], "TimeoutExceeded");
}

TEST_F(PodsimTest, CancelAfterStopsTheRunningStep) {
  const auto start = std::chrono::steady_clock::now();
  PodsimRun run = Run(Task(R"y(
  steps:
    - name: long
      image: busybox
      command: ["sleep", "20"]
    - name: later
      image: busybox
      command: ["echo", "later"]
)y"),
                      {"--cancel-after", "300ms"});
  ASSERT_EQ(run.status, ExitStatus::Exited(1)) << run.err;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(run.Condition()["reason"], "TaskRunCancelled");
  EXPECT_EQ(run.Step("step-long")["terminationReason"], "Cancelled");
  EXPECT_EQ(run.Step("step-long")["terminated"]["exitCode"], 9);
  EXPECT_EQ(run.Step("step-later")["terminationReason"], "Skipped");
}

TEST_F(PodsimTest, TaskRunTimeoutKillsThePod) {
  PodsimRun run = Run(Task(R"y(
  steps:
    - name: long
      image: busybox
      command: ["sleep", "20"]
)y"),
                      {"--timeout", "300ms", "--grace-period", "100ms"});
  ASSERT_EQ(run.status, ExitStatus::Exited(1)) << run.err;
  EXPECT_EQ(run.Condition()["reason"], "TaskRunTimeout");
  EXPECT_EQ(run.Condition()["message"], "TaskRun \"t-run\" failed to finish within \"300ms\"");
}

TEST_F(PodsimTest, StdoutAndStderrConfigWriteFilesLaterStepsRead) {
  PodsimRun run = Run(Task(R"y(
  results:
    - name: out
    - name: err
  steps:
    - name: talk
      image: busybox
      stdoutConfig:
        path: /workspace/talk.out
      stderrConfig:
        path: /workspace/talk.err
      command: ["sh", "-c", "echo to-stdout; echo to-stderr >&2"]
    - name: read
      image: busybox
      command: ["sh", "-c", "cat /workspace/talk.out > $(results.out.path); cat /workspace/talk.err > $(results.err.path)"]
)y"));
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err;
  EXPECT_EQ(run.Result("out"), "to-stdout\n");
  EXPECT_EQ(run.Result("err"), "to-stderr\n");
  // Teed: the container's own log has both too.
  EXPECT_NE(Log("step-talk").find("to-stdout"), std::string::npos);
  EXPECT_NE(Log("step-talk").find("to-stderr"), std::string::npos);
}

TEST_F(PodsimTest, ScriptsArePlacedDecodedAndRunWithStepResults) {
  PodsimRun run = Run(R"y(apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: scripts
spec:
  params:
    - name: name
  steps:
    - name: producer
      image: busybox
      results:
        - name: greeting
      script: |
        echo "shell script for $(params.name)"
        printf 'hi %s' "$(params.name)" > $(step.results.greeting.path)
    - name: shebang
      image: busybox
      script: |
        #!/usr/bin/env sh
        echo "args: $*"
      args: ["$(steps.producer.results.greeting)", "two"]
---
apiVersion: tekton.dev/v1
kind: TaskRun
metadata:
  name: scripts-run
spec:
  taskRef:
    name: scripts
  params:
    - name: name
      value: "it's me"
)y");
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err << Log("place-scripts");
  EXPECT_EQ(Log("step-producer"), "shell script for it's me\n");
  EXPECT_EQ(Log("step-shebang"), "args: hi it's me two\n");
  json producer = run.Step("step-producer");
  ASSERT_TRUE(producer.contains("results")) << producer.dump();
  EXPECT_EQ(producer["results"][0]["name"], "greeting");
  EXPECT_EQ(producer["results"][0]["value"], "hi it's me");
}

TEST_F(PodsimTest, PodWithFieldRefEnvDownwardVolumeAndReadOnlyMount) {
  PodsimRun run = Run(R"y({
  "apiVersion": "v1", "kind": "Pod",
  "metadata": {"name": "plain", "namespace": "ns1", "labels": {"app": "x"},
               "annotations": {"note": "hello"}},
  "spec": {
    "restartPolicy": "Never",
    "volumes": [{"name": "data", "emptyDir": {}},
                {"name": "info", "downwardAPI": {"items": [
                  {"path": "note", "fieldRef": {"fieldPath": "metadata.annotations['note']"}}]}}],
    "initContainers": [{"name": "init", "image": "x", "command": ["sh", "-c", "echo seeded > /data/seed"],
                        "volumeMounts": [{"name": "data", "mountPath": "/data"}]}],
    "containers": [{"name": "main", "image": "x", "workingDir": "/data",
      "command": ["sh", "-c", "echo $POD_NAME/$POD_NS/$(NOTE_COPY); cat seed; cat /info/note; echo; touch /data/x 2>/dev/null || echo read-only"],
      "env": [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
              {"name": "POD_NS", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
              {"name": "NOTE_COPY", "valueFrom": {"fieldRef": {"fieldPath": "metadata.annotations['note']"}}}],
      "volumeMounts": [{"name": "data", "mountPath": "/data", "readOnly": true},
                       {"name": "info", "mountPath": "/info"}]}]
  }
})y");
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err;
  EXPECT_EQ(Log("main"), "plain/ns1/hello\nseeded\nhello\nread-only\n");
}

TEST_F(PodsimTest, FailingInitContainerFailsThePod) {
  PodsimRun run = Run(R"y({"kind": "Pod", "metadata": {"name": "p"}, "spec": {
    "initContainers": [{"name": "init", "command": ["sh", "-c", "exit 4"]}],
    "containers": [{"name": "step-main", "command": ["true"]}]}})y");
  ASSERT_EQ(run.status, ExitStatus::Exited(1)) << run.err;
  EXPECT_EQ(run.Condition()["message"], "init container failed, \"init\" exited with code 4");
}

TEST_F(PodsimTest, UnsupportedFieldIsNamedAndExitsTwo) {
  PodsimRun run = Run(Task(R"y(
  steps:
    - name: a
      image: busybox
      volumeMountz: []
      command: ["true"]
)y"));
  ASSERT_EQ(run.status, ExitStatus::Exited(2));
  EXPECT_NE(run.err.find("strict decoding error: unknown field \"spec.steps[0].volumeMountz\""),
            std::string::npos)
      << run.err;
}

TEST_F(PodsimTest, RenderPrintsTheControllersPod) {
  PodsimRun run = Podsim("render", Task(R"y(
  steps:
    - name: a
      image: busybox
      timeout: 90s
      command: ["echo", "x"]
    - image: busybox
      command: ["true"]
)y"));
  ASSERT_EQ(run.status, ExitStatus::Exited(0)) << run.err;
  const json& pod = run.result;
  EXPECT_EQ(pod["spec"]["initContainers"][0]["command"],
            json({"/ko-app/entrypoint", "init", "/ko-app/entrypoint", "/tekton/bin/entrypoint",
                  "step-a", "step-unnamed-1"}));
  EXPECT_EQ(pod["spec"]["containers"][0]["args"],
            json({"-post_file", "/tekton/run/0/out", "-termination_path", "/tekton/termination",
                  "-step_metadata_dir", "/tekton/run/0/status", "-timeout", "1m30s", "-entrypoint",
                  "echo", "--", "x"}));
  EXPECT_EQ(pod["spec"]["containers"][1]["args"][1], "/tekton/run/0/out");
}

TEST_F(PodsimTest, HelpAndVersion) {
  std::string error;
  for (const char* flag : {"--help", "--version"}) {
    Process p =
        Process::Spawn({{PodsimBin(), flag}, {}, dir_ / "o", dir_ / "e", "", dir_.path()}, &error);
    EXPECT_EQ(p.WaitFor(kDeadline), ExitStatus::Exited(0));
    EXPECT_FALSE(ReadFileOr(dir_ / "o").empty());
  }
}

}  // namespace
}  // namespace podstep::test
