// How podsim turns a finished pod into a TaskRun status (CONTRACT.md §12);
// pure. (The mount plan's tests are in mount_plan_test.cpp.)

#include <gtest/gtest.h>

#include <map>

#include "podsim/kubelet.h"
#include "podsim/taskrun_status.h"

namespace podstep::podsim {
namespace {

using nlohmann::json;

ContainerStatus Terminated(const std::string& name, int code, const std::string& message) {
  ContainerStatus c;
  c.name = name;
  c.started = true;
  c.terminated = true;
  c.exit_code = code;
  c.reason = code == 0 ? "Completed" : "Error";
  c.message = message;
  c.started_at = Clock::from_time_t(1'700'000'000);
  c.finished_at = Clock::from_time_t(1'700'000'005);
  return c;
}

PodSpec Pod() {
  PodSpec pod;
  pod.name = "r-pod";
  return pod;
}

TEST(PodsimStatus, AdjustsStepsFromTerminationMessages) {
  PodRun run;
  run.containers = {
      Terminated("step-a", 0,
                 R"([{"key":"StartedAt","value":"2023-11-14T22:13:21.500Z","type":3},)"
                 R"({"key":"r","value":"one","type":1},{"key":"sr","value":"x","type":4}])"),
      Terminated("step-b", 0,
                 R"([{"key":"ExitCode","value":"3","type":3},{"key":"r","value":"two","type":1}])"),
      Terminated("step-c", 1, R"([{"key":"Reason","value":"Skipped","type":3}])"),
  };
  TaskRunInfo info;
  info.task_run_name = "r";
  info.results = {{"r", "string"}};
  json status = BuildTaskRunStatus(Pod(), run, info);
  EXPECT_EQ(status["steps"][0]["terminated"]["startedAt"], "2023-11-14T22:13:21Z");
  EXPECT_EQ(status["steps"][0]["results"],
            json::parse(R"([{"name":"sr","type":"string","value":"x"}])"));
  EXPECT_EQ(status["steps"][1]["terminated"]["exitCode"], 3);
  EXPECT_EQ(status["steps"][1]["terminationReason"], "Continued");
  EXPECT_EQ(status["steps"][2]["terminationReason"], "Skipped");
  EXPECT_EQ(status["results"], json::parse(R"([{"name":"r","type":"string","value":"two"}])"));
  EXPECT_EQ(status["conditions"][0]["message"], "\"step-c\" exited with code 1");
  EXPECT_FALSE(StatusSucceeded(status));
}

TEST(PodsimStatus, TimeoutMessageAndTypedResults) {
  PodRun run;
  run.containers = {
      Terminated(
          "step-a", 0,
          R"([{"key":"arr","value":"[\"a\"]","type":1},{"key":"obj","value":"{\"k\":\"v\"}","type":1}])"),
      Terminated("step-b", 1, R"([{"key":"Reason","value":"TimeoutExceeded","type":3}])")};
  TaskRunInfo info;
  info.task_run_name = "r";
  info.results = {{"arr", "array"}, {"obj", "object"}};
  json status = BuildTaskRunStatus(Pod(), run, info);
  EXPECT_EQ(status["results"][0]["value"], json::parse(R"(["a"])"));
  EXPECT_EQ(status["results"][1]["type"], "object");
  EXPECT_EQ(status["conditions"][0]["message"],
            "\"step-b\" exited because the step exceeded the specified timeout limit");
}

TEST(PodsimStatus, SuccessAndSidecars) {
  PodRun run;
  ContainerStatus sidecar =
      Terminated("sidecar-db", 128, "exec: \"x\": executable file not found in $PATH");
  sidecar.reason = "StartError";
  run.containers = {Terminated("step-a", 0, "[]"), sidecar};
  json status = BuildTaskRunStatus(Pod(), run, std::nullopt);
  EXPECT_TRUE(StatusSucceeded(status));
  EXPECT_EQ(status["conditions"][0]["message"], "All Steps have completed executing");
  EXPECT_EQ(status["sidecars"][0]["name"], "db");
  EXPECT_EQ(status["sidecars"][0]["terminated"]["reason"], "StartError");
}

TEST(PodsimStatus, TaskResultsFromStepResults) {
  PodRun run;
  run.containers = {Terminated("step-a", 0, R"([{"key":"sr","value":"[\"x\"]","type":4}])")};
  TaskRunInfo info;
  info.task_run_name = "r";
  info.results = {{"from-step", "array"}};
  info.results_from_steps = {{"from-step", {"step-a", "sr"}}};
  info.step_results = {{"step-a", {{"sr", "array"}}}};
  json status = BuildTaskRunStatus(Pod(), run, info);
  EXPECT_EQ(status["results"], json::parse(R"([{"name":"from-step","type":"array","value":["x"]}])"));
  EXPECT_EQ(status["steps"][0]["results"][0]["value"], json::parse(R"(["x"])"));
  EXPECT_TRUE(StatusSucceeded(status));
}

TEST(PodsimStatus, ResultOfTheWrongTypeFailsTheTaskRun) {
  PodRun run;
  run.containers = {Terminated("step-a", 0, R"([{"key":"list","value":"not json","type":1}])")};
  TaskRunInfo info;
  info.task_run_name = "r";
  info.results = {{"list", "array"}};
  json status = BuildTaskRunStatus(Pod(), run, info);
  EXPECT_FALSE(StatusSucceeded(status));
  EXPECT_EQ(status["conditions"][0]["reason"], "TaskRunValidationFailed");
  EXPECT_EQ(status["conditions"][0]["message"],
            "Provided results don't match declared results; may be invalid JSON or missing result "
            "declaration:  \"list\": task result is expected to be \"array\" type but was "
            "initialized to a different type \"string\"");
  EXPECT_FALSE(status.contains("results"));
}

TEST(PodsimStatus, TerminationMessageBudget) {
  EXPECT_EQ(TerminationMessageBudget(1), 4096u);
  EXPECT_EQ(TerminationMessageBudget(3), 4096u);
  EXPECT_EQ(TerminationMessageBudget(4), 3072u);
  EXPECT_EQ(TerminationMessageBudget(22), 558u);
}

}  // namespace
}  // namespace podstep::podsim
