// The Pod fields real Tasks use, as ParsePod reads them (volume sources,
// subPath, env from ConfigMaps and Secrets, envFrom, readinessProbe, image),
// and the environment BuildContainerEnv makes of them.

#include <gtest/gtest.h>

#include "podsim/container_env.h"
#include "podsim/manifest.h"
#include "podsim/pod_spec.h"

namespace podstep::podsim {
namespace {

using nlohmann::json;

json PodYaml(const std::string& yaml) {
  auto docs = ParseManifests(yaml, "pod.yaml");
  EXPECT_TRUE(docs) << docs.error().message;
  return docs->front();
}

const char* kPod = R"yaml(
apiVersion: v1
kind: Pod
metadata: {name: p, annotations: {a: b}}
spec:
  containers:
  - name: step-a
    image: localhost/tiny
    command: [sh]
    env:
    - {name: FROM_CM, valueFrom: {configMapKeyRef: {name: cm, key: k}}}
    - {name: FROM_SECRET, valueFrom: {secretKeyRef: {name: s, key: k, optional: true}}}
    - {name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
    - {name: BOTH, value: "$(FROM_CM)-$(POD)-$(LATER)-$$(FROM_CM)"}
    - {name: LATER, value: x}
    - {name: k, value: overrides-envFrom}
    envFrom:
    - configMapRef: {name: cm}
    volumeMounts:
    - {name: cfg, mountPath: /cfg}
    - {name: work, mountPath: /work/sub, subPath: a/b}
  - name: sidecar-db
    image: postgres
    ports: [{containerPort: 5432}]
    readinessProbe:
      tcpSocket: {port: 5432}
      periodSeconds: 1
  volumes:
  - name: cfg
    configMap: {name: cm, items: [{key: k, path: key.txt}]}
  - name: work
    emptyDir: {}
  - name: info
    projected:
      sources:
      - downwardAPI: {items: [{path: ann, fieldRef: {fieldPath: "metadata.annotations['a']"}}]}
  - name: host
    hostPath: {path: /srv}
)yaml";

TEST(PodsimPodFeatures, ParsesVolumesEnvProbesAndImages) {
  auto pod = ParsePod(PodYaml(kPod));
  ASSERT_TRUE(pod) << pod.error().message;
  const Container& step = pod->containers[0];
  EXPECT_EQ(step.image, "localhost/tiny");
  ASSERT_TRUE(step.env[0].key_ref);
  EXPECT_EQ(step.env[0].key_ref->kind, ConfigKind::kConfigMap);
  EXPECT_EQ(step.env[1].key_ref->kind, ConfigKind::kSecret);
  EXPECT_TRUE(step.env[1].key_ref->optional);
  EXPECT_EQ(step.env[2].field_path, "metadata.name");
  ASSERT_EQ(step.env_from.size(), 1u);
  EXPECT_EQ(step.volume_mounts[1].sub_path, "a/b");
  EXPECT_FALSE(step.readiness_probe);
  const Container& sidecar = pod->containers[1];
  ASSERT_TRUE(sidecar.readiness_probe);
  EXPECT_EQ(sidecar.readiness_probe->kind, Probe::kTcpSocket);
  EXPECT_EQ(sidecar.readiness_probe->period, std::chrono::seconds(1));
  ASSERT_EQ(pod->volumes.size(), 4u);
  EXPECT_EQ(pod->volumes[0].source.kind, VolumeSource::kConfigMap);
  EXPECT_EQ(pod->volumes[2].source.kind, VolumeSource::kProjected);
  EXPECT_EQ(pod->volumes[3].source.kind, VolumeSource::kHostPath);
}

TEST(PodsimPodFeatures, RefusesBadReferences) {
  json pod = PodYaml(kPod);
  pod["spec"]["containers"][0]["env"][0]["valueFrom"]["fieldRef"] = {
      {"fieldPath", "metadata.name"}};
  EXPECT_EQ(ParsePod(pod).error().message,
            "spec.containers[0].env[0].valueFrom: must hold exactly one of fieldRef, "
            "configMapKeyRef, secretKeyRef");
  pod = PodYaml(kPod);
  pod["spec"]["containers"][0]["volumeMounts"][1]["subPath"] = "../up";
  EXPECT_EQ(ParsePod(pod).error().message,
            "spec.containers[0].volumeMounts[1].subPath: must be a relative path without ..");
  pod = PodYaml(kPod);
  pod["spec"]["volumes"][2]["projected"]["sources"][0]["downwardAPI"]["items"][0]["fieldRef"]
     ["fieldPath"] = "spec.nodeName";
  EXPECT_EQ(ParsePod(pod).error().message, "volume info: unsupported fieldPath \"spec.nodeName\"");
  pod = PodYaml(kPod);
  pod["spec"]["containers"][1]["readinessProbe"] = {{"grpc", {{"port", 1}}}};
  EXPECT_EQ(ParsePod(pod).error().message,
            "unsupported field spec.containers[1].readinessProbe.grpc (readiness probes: exec, "
            "tcpSocket, httpGet)");
}

ConfigObjects Objects() {
  auto docs = ParseManifests(
      "kind: ConfigMap\nmetadata: {name: cm}\ndata: {k: cm-value, other: o, 9bad: x}\n", "t");
  ConfigObjects objects;
  EXPECT_TRUE(objects.Add(*docs, "t"));
  return objects;
}

Result<std::string> Field(const std::string& path) { return "pod-" + path.substr(9); }

TEST(PodsimPodFeatures, EnvironmentAsTheKubeletBuildsIt) {
  auto pod = ParsePod(PodYaml(kPod));
  ASSERT_TRUE(pod) << pod.error().message;
  auto env =
      BuildContainerEnv(pod->containers[0], {"PATH=/img/bin", "k=from-image"}, Field, Objects());
  ASSERT_TRUE(env) << env.error().message;
  EXPECT_EQ(env->vars, (std::vector<std::pair<std::string, std::string>>{
                           {"PATH", "/img/bin"},
                           {"k", "overrides-envFrom"},
                           {"other", "o"},
                           {"FROM_CM", "cm-value"},
                           {"POD", "pod-name"},
                           // $(LATER) is defined after BOTH: left as written; $$ escapes.
                           {"BOTH", "cm-value-pod-name-$(LATER)-$(FROM_CM)"},
                           {"LATER", "x"},
                       }));
  EXPECT_EQ(env->skipped, std::vector<std::string>{"9bad"});
  EXPECT_FALSE(env->expansion.contains("PATH"));
  EXPECT_TRUE(env->Has("PATH"));
  EXPECT_FALSE(env->Has("FROM_SECRET"));  // optional, and the Secret is missing

  Container missing = pod->containers[0];
  missing.env[0].key_ref->key = "nope";
  auto failed = BuildContainerEnv(missing, {}, Field, Objects());
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message, "env FROM_CM: couldn't find key nope in ConfigMap cm");
}

}  // namespace
}  // namespace podstep::podsim

namespace podstep::podsim {
namespace {

TEST(PodsimPodFeatures, ReferencesAreCheckedBeforeAnythingRuns) {
  json pod = PodYaml(kPod);
  pod["spec"]["volumes"].erase(3);  // the hostPath
  auto parsed = ParsePod(pod);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(CheckPodReferences(*parsed, Objects(), false));
  auto missing = CheckPodReferences(*parsed, ConfigObjects(), false);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message,
            "volume \"cfg\": configmap \"cm\" not found: add a ConfigMap document named \"cm\" to "
            "the file or to --from-dir, or mark the volume optional: true");
  pod["spec"]["volumes"].erase(0);
  pod["spec"]["containers"][0]["volumeMounts"].erase(0);
  parsed = ParsePod(pod);
  ASSERT_TRUE(parsed) << parsed.error().message;
  missing = CheckPodReferences(*parsed, ConfigObjects(), false);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message,
            "container step-a: envFrom: configmap \"cm\" not found: add a ConfigMap document named "
            "\"cm\" to the file or to --from-dir, or mark the envFrom entry optional: true");

  auto with_host = ParsePod(PodYaml(kPod));
  ASSERT_TRUE(with_host);
  auto refused = CheckPodReferences(*with_host, Objects(), false);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message,
            "volume \"host\": hostPath /srv is refused: it would let the pod change the host; "
            "pass --allow-host-path to mount it");
  EXPECT_TRUE(CheckPodReferences(*with_host, Objects(), true));
}

}  // namespace
}  // namespace podstep::podsim
