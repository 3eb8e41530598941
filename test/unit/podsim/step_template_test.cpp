// stepTemplate merged into steps: Tekton's own cases (merge_test.go).

#include "podsim/step_template.h"

#include <gtest/gtest.h>

namespace podstep::podsim {
namespace {

using nlohmann::json;

TEST(PodsimStepTemplate, StepFieldsWinAndFillTheTemplate) {
  EXPECT_EQ(MergeStepWithTemplate(json::parse(R"({"command": ["/somecmd"]})"),
                                  json::parse(R"({"image": "i", "onError": "foo"})")),
            json::parse(R"({"command": ["/somecmd"], "image": "i", "onError": "foo"})"));
  EXPECT_EQ(MergeStepWithTemplate(json::parse(R"({"image": "i", "command": ["/c"]})"),
                                  json::parse(R"({"image": "other", "workingDir": ""})")),
            json::parse(R"({"image": "other", "command": ["/c"]})"));
}

TEST(PodsimStepTemplate, EnvMergesByNameInStrategicMergeOrder) {
  json merged =
      MergeStepWithTemplate(json::parse(R"({"env": [{"name": "KEEP_THIS", "value": "A_VALUE"},
                             {"name": "SOME_KEY", "value": "ORIGINAL_VALUE"}]})"),
                            json::parse(R"({"env": [{"name": "NEW_KEY", "value": "A_VALUE"},
                             {"name": "SOME_KEY", "value": "NEW_VALUE"}]})"));
  EXPECT_EQ(merged["env"], json::parse(R"([{"name": "NEW_KEY", "value": "A_VALUE"},
                                           {"name": "KEEP_THIS", "value": "A_VALUE"},
                                           {"name": "SOME_KEY", "value": "NEW_VALUE"}])"));
}

TEST(PodsimStepTemplate, ValueAndValueFromNeverBothStay) {
  json merged =
      MergeStepWithTemplate(json::parse(R"({"env": [{"name": "KEEP_THIS", "value": "A_VALUE"},
        {"name": "SOME_KEY_1", "valueFrom": {"secretKeyRef": {"key": "A_KEY", "name": "A_NAME"}}},
        {"name": "SOME_KEY_2", "value": "VALUE_2"}]})"),
                            json::parse(R"({"env": [{"name": "NEW_KEY", "value": "A_VALUE"},
        {"name": "SOME_KEY_1", "value": "VALUE_1"},
        {"name": "SOME_KEY_2", "valueFrom": {"secretKeyRef": {"key": "A_KEY", "name": "A_NAME"}}}]})"));
  EXPECT_EQ(merged["env"], json::parse(R"([{"name": "NEW_KEY", "value": "A_VALUE"},
        {"name": "KEEP_THIS", "value": "A_VALUE"}, {"name": "SOME_KEY_1", "value": "VALUE_1"},
        {"name": "SOME_KEY_2", "valueFrom": {"secretKeyRef": {"key": "A_KEY", "name": "A_NAME"}}}])"));
}

TEST(PodsimStepTemplate, VolumeMountsMergeByPathAndObjectsByKey) {
  json merged = MergeStepWithTemplate(
      json::parse(R"({"volumeMounts": [{"name": "data", "mountPath": "/workspace/data"}],
                      "securityContext": {"runAsUser": 1, "runAsGroup": 2}})"),
      json::parse(R"({"image": "i", "stdoutConfig": {"path": "stdout.txt"},
                      "volumeMounts": [{"name": "mine", "mountPath": "/workspace/data"}],
                      "securityContext": {"runAsUser": 3}})"));
  EXPECT_EQ(merged["volumeMounts"],
            json::parse(R"([{"name": "mine", "mountPath": "/workspace/data"}])"));
  EXPECT_EQ(merged["securityContext"], json::parse(R"({"runAsUser": 3, "runAsGroup": 2})"));
  EXPECT_EQ(merged["stdoutConfig"]["path"], "stdout.txt");
}

}  // namespace
}  // namespace podstep::podsim
