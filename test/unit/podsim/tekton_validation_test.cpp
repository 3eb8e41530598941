// The checks of Tekton's webhook and reconciler, and the strict schema,
// with the exact texts users see.

#include <gtest/gtest.h>

#include "podsim/manifest.h"
#include "podsim/render.h"

namespace podstep::podsim {
namespace {

std::string Error(const std::string& yaml) {
  auto docs = ParseManifests(yaml, "t");
  if (!docs) return docs.error().message;
  auto rendered = RenderManifests(*docs);
  return rendered ? "<rendered>" : rendered.error().message;
}

std::string Inline(const std::string& task_spec, const std::string& run_spec = "") {
  return "kind: TaskRun\nmetadata: {name: r}\nspec:\n" + run_spec + "  taskSpec:\n" + task_spec;
}

TEST(PodsimTektonSchema, TypesAndNestedUnknownFieldsAreNamed) {
  EXPECT_EQ(Error(Inline("    steps: [{image: i, command: x}]\n")),
            "TaskRun \"r\": spec.taskSpec.steps[0].command: must be a list of strings");
  EXPECT_EQ(Error(Inline("    steps: [{image: i, command: [x], env: [{name: A, valu: b}]}]\n")),
            "TaskRun \"r\": strict decoding error: unknown field "
            "\"spec.taskSpec.steps[0].env[0].valu\"");
  EXPECT_EQ(Error(Inline("    steps: [{image: i, command: [x], timeout: soon}]\n")),
            "TaskRun \"r\": spec.taskSpec.steps[0].timeout: time: invalid duration \"soon\"");
  EXPECT_EQ(Error(Inline("    steps: [{image: i, command: [x], workingDir: null}]\n")),
            "<rendered>");
  EXPECT_EQ(Error("kind: TaskRun\nmetadata: {}\nspec: {taskSpec: {steps: [{image: i}]}}\n"),
            "TaskRun \"\": metadata.name or metadata.generateName: required");
}

TEST(PodsimTektonValidation, StepsAndSidecars) {
  EXPECT_EQ(
      Error(Inline(
          "    steps: [{name: a, image: i, command: [x]}, {name: a, image: i, command: [x]}]\n")),
      "TaskRun \"r\": invalid value: a: spec.taskSpec.steps[1].name");
  EXPECT_EQ(Error(Inline("    steps: [{image: i, command: [x], onError: ignore}]\n")),
            "TaskRun \"r\": invalid value: \"ignore\": spec.taskSpec.steps[0].onError");
  EXPECT_EQ(Error(Inline("    steps: [{image: i, command: [x]}]\n    sidecars: [{name: s}]\n")),
            "TaskRun \"r\": missing field(s): spec.taskSpec.sidecars.image");
  EXPECT_EQ(Error(Inline("    steps: [{image: i, command: [x], params: [{name: p, value: v}]}]\n")),
            "TaskRun \"r\": params cannot be used without Ref: spec.taskSpec.steps[0].params");
  EXPECT_EQ(Error(Inline("    steps: []\n")),
            "TaskRun \"r\": missing field(s): spec.taskSpec.steps");
  EXPECT_EQ(Error(Inline("    volumes: [{name: v, emptyDir: {}}, {name: v, emptyDir: {}}]\n"
                         "    steps: [{image: i, command: [x]}]\n")),
            "TaskRun \"r\": multiple volumes with same name \"v\": spec.taskSpec.volumes[1].name");
  EXPECT_EQ(Error(Inline("    steps: [{image: i, command: [x], workspaces: [{name: w}]}]\n")),
            "TaskRun \"r\": undefined workspace \"w\": spec.taskSpec.steps[0].workspaces[0].name");
}

TEST(PodsimTektonValidation, NamesThatBecomePaths) {
  EXPECT_EQ(Error(Inline("    steps: [{name: Up_Per, image: i, command: [x]}]\n")),
            "TaskRun \"r\": invalid value \"Up_Per\": spec.taskSpec.steps[0].name (Task step name "
            "must be a valid DNS Label)");
  EXPECT_NE(
      Error(Inline("    workspaces: [{name: ../x}]\n    steps: [{image: i, command: [x]}]\n",
                   "  workspaces: [{name: ../x, emptyDir: {}}]\n"))
          .find("spec.workspaces[0].name: Invalid value: \"../x\": a lowercase RFC 1123 label"),
      std::string::npos);
  EXPECT_NE(Error(Inline("    workspaces: [{name: ../x, optional: true}]\n"
                         "    steps: [{image: i, command: [x]}]\n"))
                .find("spec.taskSpec.workspaces[0].name: Invalid value: \"../x\""),
            std::string::npos);
  EXPECT_NE(
      Error("kind: TaskRun\nmetadata: {name: ../r}\nspec: {taskSpec: {steps: [{image: i}]}}\n")
          .find("metadata.name: Invalid value: \"../r\""),
      std::string::npos);
}

TEST(PodsimTektonValidation, ParamsAndResults) {
  EXPECT_EQ(
      Error(Inline("    params: [{name: p, type: list}]\n    steps: [{image: i, command: [x]}]\n")),
      "TaskRun \"r\": invalid value: list: spec.taskSpec.params.p.type");
  EXPECT_EQ(Error(Inline("    params: [{name: p, type: array, default: s}]\n"
                         "    steps: [{image: i, command: [x]}]\n")),
            "TaskRun \"r\": \"array\" type does not match default value's type: \"string\": "
            "spec.taskSpec.params.p.type, spec.taskSpec.params.p.default.type");
  EXPECT_EQ(Error(Inline("    params: [{name: 1p}]\n    steps: [{image: i, command: [x]}]\n",
                         "  params: [{name: 1p, value: v}]\n")),
            "TaskRun \"r\": The format of following array and string variable names is invalid: "
            "[1p]: spec.taskSpec.params");
  EXPECT_EQ(Error(Inline("    results: [{name: -bad}]\n    steps: [{image: i, command: [x]}]\n")),
            "TaskRun \"r\": invalid key name \"-bad\": spec.taskSpec.results[0].name");
  EXPECT_EQ(Error(Inline("    params: [{name: o, properties: {a: {}, b: {}}}]\n"
                         "    steps: [{image: i, command: [echo, $(params.o.c)]}]\n",
                         "  params: [{name: o, value: {a: x, b: y}}]\n")),
            "TaskRun \"r\": non-existent variable in \"$(params.o.c)\": "
            "spec.taskSpec.steps[0].command[1]");
  EXPECT_EQ(Error(Inline("    params: [{name: o, properties: {a: {}, b: {}}}]\n"
                         "    steps: [{image: i, command: [echo, $(params.o.a)]}]\n",
                         "  params: [{name: o, value: {a: x}}]\n")),
            "TaskRun \"r\": invalid input params for task r: missing keys for these params which "
            "are required in ParamSpec's properties map[o:[b]]");
  EXPECT_EQ(Error(Inline("    params: [{name: e, enum: [a, b]}]\n"
                         "    steps: [{image: i, command: [echo, $(params.e)]}]\n",
                         "  params: [{name: e, value: c}]\n")),
            "TaskRun \"r\": param `e` value: c is not in the enum list");
  EXPECT_EQ(Error(Inline("    steps: [{image: i, command: [echo, $(params.a.b.c)]}]\n")),
            "TaskRun \"r\": Invalid referencing of parameters in \"$(params.a.b.c)\"! Only two "
            "dot-separated components after the prefix \"params\" are allowed.: "
            "spec.taskSpec.steps[0].command[1]");
}

TEST(PodsimTektonValidation, TaskRunSpec) {
  EXPECT_EQ(
      Error("kind: Task\nmetadata: {name: t}\nspec:\n  steps: [{image: i, command: [x]}]\n---\n"
            "kind: TaskRun\nmetadata: {name: r}\nspec:\n  taskRef: {name: t}\n"
            "  taskSpec: {steps: [{image: i, command: [x]}]}\n"),
      "TaskRun \"r\": expected exactly one, got both: spec.taskRef, spec.taskSpec");
  EXPECT_EQ(Error(Inline("    steps: [{image: i, command: [x]}]\n", "  timeout: -1s\n")),
            "TaskRun \"r\": invalid value: -1s should be >= 0: spec.timeout");
  EXPECT_EQ(
      Error(Inline("    steps: [{image: i, command: [x]}]\n",
                   "  workspaces: [{name: w, emptyDir: {}, configMap: {name: c}}]\n")),
      "TaskRun \"r\": expected exactly one, got both: spec.workspaces[0].persistentvolumeclaim, "
      "spec.workspaces[0].volumeclaimtemplate, spec.workspaces[0].emptydir, "
      "spec.workspaces[0].configmap, spec.workspaces[0].secret");
  EXPECT_EQ(
      Error("kind: Task\nmetadata: {name: t}\nspec:\n  steps: [{image: i, command: [x]}]\n---\n"
            "kind: TaskRun\nmetadata: {name: r}\nspec:\n  taskRef: {name: t}\n"
            "  workspaces: [{name: w, emptyDir: {}}]\n"),
      "TaskRun \"r\": workspace binding \"w\" does not match any declared workspace");
  EXPECT_EQ(
      Error(Inline("    steps: [{image: i, command: [x]}]\n", "  debug: {breakpoints: {}}\n")),
      "TaskRun \"r\": unsupported field spec.debug (podsim has no breakpoints; run without it)");
  EXPECT_EQ(Error("kind: Task\nmetadata: {name: t}\nspec:\n  steps: [{image: i, script: echo "
                  "$(params.p)}]\n"),
            "TaskRun \"t-run\": Task \"t\": non-existent variable in \"echo $(params.p)\": "
            "spec.steps[0].script");
}

TEST(PodsimTektonValidation, StepActions) {
  const std::string action =
      "kind: StepAction\nmetadata: {name: a}\nspec:\n  image: i\n  params: [{name: p}]\n"
      "  command: [echo, $(params.p)]\n---\n";
  EXPECT_EQ(Error(action + Inline("    steps: [{ref: {name: a}}]\n")),
            "TaskRun \"r\": spec.taskSpec.steps[0]: non-existent params in Step: [p]");
  EXPECT_EQ(
      Error(action + Inline("    steps: [{ref: {name: a}, params: [{name: p, value: v}, "
                            "{name: q, value: w}]}]\n")),
      "TaskRun \"r\": spec.taskSpec.steps[0]: extra params passed by Step to StepAction: [q]");
  EXPECT_EQ(Error(Inline("    steps: [{ref: {name: gone}}]\n")),
            "TaskRun \"r\": spec.taskSpec.steps[0].ref.name: stepactions.tekton.dev \"gone\" not "
            "found (put the StepAction in the file or in --from-dir)");
  EXPECT_EQ(Error(Inline("    steps: [{ref: {name: a}, image: i}]\n")),
            "TaskRun \"r\": image cannot be used with Ref: spec.taskSpec.steps[0].image");
  EXPECT_EQ(
      Error("kind: StepAction\nmetadata: {name: a}\nspec:\n  image: i\n  params: [{name: p}]\n"
            "  script: echo $(params.p)\n---\n" +
            Inline("    steps: [{ref: {name: a}, params: [{name: p, value: v}]}]\n")),
      "TaskRun \"r\": StepAction \"a\": param substitution in scripts is not allowed.: "
      "spec.script");
}

}  // namespace
}  // namespace podstep::podsim
