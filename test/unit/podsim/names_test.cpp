// Kubernetes' name rules and field errors (podsim/names.h), and ParsePod
// applying them: a name that could become a path outside the pod directory
// is an error with the API server's wording.

#include "podsim/names.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "podsim/pod_spec.h"

namespace podstep::podsim {
namespace {

using nlohmann::json;

constexpr const char* kLabelMessage =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
constexpr const char* kSubdomainMessage =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

TEST(PodsimNamesTest, Dns1123Label) {
  for (const char* ok : {"a", "0", "my-name", "123-abc", "a--b", "step-x1"}) {
    EXPECT_TRUE(Dns1123LabelErrors(ok).empty()) << ok;
  }
  EXPECT_TRUE(Dns1123LabelErrors(std::string(63, 'a')).empty());
  for (const char* bad :
       {"", "-a", "a-", "A", "a_b", "../x", "..", ".", "a/b", "é", "a b", "a\n"}) {
    EXPECT_EQ(Dns1123LabelErrors(bad), std::vector<std::string>{kLabelMessage}) << bad;
  }
  EXPECT_EQ(Dns1123LabelErrors("a.b"), std::vector<std::string>{"must not contain dots"});
  EXPECT_EQ(Dns1123LabelErrors(std::string(64, 'a')),
            std::vector<std::string>{"must be no more than 63 characters"});
  EXPECT_EQ(Dns1123LabelErrors(std::string(64, 'A')),
            (std::vector<std::string>{"must be no more than 63 characters", kLabelMessage}));
}

TEST(PodsimNamesTest, Dns1123Subdomain) {
  for (const char* ok : {"a", "example.com", "a.b-c.0", "my-task-run-1"}) {
    EXPECT_TRUE(Dns1123SubdomainErrors(ok).empty()) << ok;
  }
  EXPECT_TRUE(Dns1123SubdomainErrors(std::string(253, 'a')).empty());
  for (const char* bad : {"", ".a", "a.", "a..b", "..", "../x", "a/b", "A.b", "a.-b", "%"}) {
    EXPECT_EQ(Dns1123SubdomainErrors(bad), std::vector<std::string>{kSubdomainMessage}) << bad;
  }
  EXPECT_EQ(Dns1123SubdomainErrors(std::string(254, 'a')),
            std::vector<std::string>{"must be no more than 253 characters"});
}

TEST(PodsimNamesTest, FieldErrorsAsTheApiServerPrintsThem) {
  EXPECT_EQ(ValidateDns1123Label("spec.volumes[0].name", "../x").error().message,
            std::string("spec.volumes[0].name: Invalid value: \"../x\": ") + kLabelMessage);
  EXPECT_TRUE(ValidateDns1123Label("f", "ok"));
  EXPECT_TRUE(ValidateDns1123Subdomain("f", "o.k"));
  EXPECT_EQ(ValidateDns1123Subdomain("metadata.name", "a/b").error().message,
            std::string("metadata.name: Invalid value: \"a/b\": ") + kSubdomainMessage);
  EXPECT_EQ(ValidateDns1123Label("n", std::string(64, 'A')).error().message,
            "[n: Invalid value: \"" + std::string(64, 'A') +
                "\": must be no more than 63 characters, n: Invalid value: \"" +
                std::string(64, 'A') + "\": " + kLabelMessage + "]");
  EXPECT_EQ(FieldRequired("spec.containers[0].name"), "spec.containers[0].name: Required value");
  EXPECT_EQ(FieldRequired("metadata.name", "name or generateName is required"),
            "metadata.name: Required value: name or generateName is required");
  EXPECT_EQ(FieldDuplicate("spec.volumes[1].name", "v"),
            "spec.volumes[1].name: Duplicate value: \"v\"");
  EXPECT_EQ(FieldNotFound("spec.containers[0].volumeMounts[0].name", "x"),
            "spec.containers[0].volumeMounts[0].name: Not found: \"x\"");
  // Quoted like Go's %q, whatever the name holds, on one line and short.
  EXPECT_EQ(FieldInvalid("f", "a\n\"b\"\x01", "d"), "f: Invalid value: \"a\\n\\\"b\\\"\\x01\": d");
  const std::string long_name = FieldInvalid("f", std::string(100000, 'x'), "d");
  EXPECT_LT(long_name.size(), 300u);
  EXPECT_NE(long_name.find("xxx\"...: d"), std::string::npos) << long_name;
}

json Pod() {
  return json::parse(R"({"kind": "Pod", "metadata": {"name": "p"}, "spec": {
      "containers": [{"name": "c", "command": ["true"],
                      "volumeMounts": [{"name": "v", "mountPath": "/v"}]}],
      "initContainers": [{"name": "i", "command": ["true"]}],
      "volumes": [{"name": "v", "emptyDir": {}}, {"name": "w", "emptyDir": {}}]}})");
}

std::string PodError(const json& pod) {
  auto parsed = ParsePod(pod);
  EXPECT_FALSE(parsed);
  return parsed ? "" : parsed.error().message;
}

TEST(PodsimNamesTest, ParsePodValidatesEveryName) {
  ASSERT_TRUE(ParsePod(Pod())) << ParsePod(Pod()).error().message;
  json pod = Pod();
  pod["spec"]["volumes"][0]["name"] = "../x";
  pod["spec"]["containers"][0]["volumeMounts"][0]["name"] = "../x";
  EXPECT_EQ(PodError(pod),
            std::string("spec.volumes[0].name: Invalid value: \"../x\": ") + kLabelMessage);

  pod = Pod();
  pod["spec"]["volumes"][1]["name"] = "v";
  EXPECT_EQ(PodError(pod), "spec.volumes[1].name: Duplicate value: \"v\"");

  pod = Pod();
  pod["spec"]["containers"][0]["name"] = "../../etc";
  EXPECT_EQ(PodError(pod),
            std::string("spec.containers[0].name: Invalid value: \"../../etc\": ") + kLabelMessage);
  pod = Pod();
  pod["spec"]["initContainers"][0]["name"] = "Step_A";
  EXPECT_EQ(PodError(pod), std::string("spec.initContainers[0].name: Invalid value: \"Step_A\": ") +
                               kLabelMessage);
  pod = Pod();
  pod["spec"]["containers"][0]["name"] = "i";  // init and regular containers share names
  EXPECT_EQ(PodError(pod), "spec.containers[0].name: Duplicate value: \"i\"");

  pod = Pod();
  pod["spec"]["containers"][0]["volumeMounts"][0]["name"] = "nope";
  EXPECT_EQ(PodError(pod), "spec.containers[0].volumeMounts[0].name: Not found: \"nope\"");

  pod = Pod();
  pod["metadata"]["name"] = "../../tmp/x";
  EXPECT_EQ(PodError(pod),
            std::string("metadata.name: Invalid value: \"../../tmp/x\": ") + kSubdomainMessage);
  pod["metadata"].erase("name");
  EXPECT_EQ(PodError(pod), "metadata.name: Required value: name or generateName is required");
  pod = Pod();
  pod["metadata"]["namespace"] = "a/b";
  EXPECT_EQ(PodError(pod),
            std::string("metadata.namespace: Invalid value: \"a/b\": ") + kLabelMessage);
  pod["metadata"]["namespace"] = "tekton-ci";
  EXPECT_TRUE(ParsePod(pod));
}

}  // namespace
}  // namespace podstep::podsim
