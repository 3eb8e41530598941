// ConfigMap/Secret documents, the volume sources and env references that
// use them, and the hostPath rules — all pure.

#include "podsim/volume_sources.h"

#include <gtest/gtest.h>

#include "podsim/config_objects.h"
#include "podsim/manifest.h"

namespace podstep::podsim {
namespace {

using nlohmann::json;

ConfigObjects Objects(const std::string& yaml) {
  auto docs = ParseManifests(yaml, "t.yaml");
  EXPECT_TRUE(docs) << docs.error().message;
  ConfigObjects objects;
  auto ok = objects.Add(*docs, "t.yaml");
  EXPECT_TRUE(ok) << ok.error().message;
  return objects;
}

const char* kObjects = R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
data:
  a.txt: alpha
  b: beta
binaryData:
  bin: AAEC
---
apiVersion: v1
kind: Secret
metadata: {name: s}
type: Opaque
data:
  user: YWRtaW4=
  pass: b2xk
stringData:
  pass: new
---
apiVersion: tekton.dev/v1
kind: Task
metadata: {name: ignored}
)";

Result<VolumeSource> Parse(const std::string& yaml) {
  auto docs = ParseManifests(yaml, "v.yaml");
  EXPECT_TRUE(docs) << docs.error().message;
  return ParseVolumeSource(docs->front(), "spec.volumes[0]");
}

std::string ParseError(const std::string& yaml) {
  auto v = Parse(yaml);
  return v ? "<parsed>" : v.error().message;
}

Result<std::string> NoFields(const std::string& field) { return "field:" + field; }

TEST(PodsimConfigObjects, DecodesDataBinaryDataAndStringData) {
  ConfigObjects objects = Objects(kObjects);
  const ConfigObject* cm = objects.Find(ConfigKind::kConfigMap, "cm");
  ASSERT_NE(cm, nullptr);
  EXPECT_EQ(cm->data, (std::map<std::string, std::string>{
                          {"a.txt", "alpha"}, {"b", "beta"}, {"bin", std::string("\0\1\2", 3)}}));
  const ConfigObject* s = objects.Find(ConfigKind::kSecret, "s");
  ASSERT_NE(s, nullptr);
  // stringData wins over data, as the API server merges them.
  EXPECT_EQ(s->data, (std::map<std::string, std::string>{{"user", "admin"}, {"pass", "new"}}));
  EXPECT_EQ(objects.Find(ConfigKind::kSecret, "cm"), nullptr);
  EXPECT_EQ(objects.Find(ConfigKind::kConfigMap, "ignored"), nullptr);
}

TEST(PodsimConfigObjects, RefusesMalformedObjects) {
  struct Case {
    std::string yaml;
    std::string error;
  } cases[] = {
      {"kind: ConfigMap\nmetadata: {name: c}\ndata: {n: 1}\n",
       "t.yaml: ConfigMap \"c\": data.n: must be a string (quote the value)"},
      {"kind: ConfigMap\nmetadata: {name: c}\ndata: {'a b': x}\n",
       "t.yaml: ConfigMap \"c\": data.a b: a key must consist of alphanumeric characters, '-', "
       "'_' or '.'"},
      {"kind: ConfigMap\nmetadata: {name: c}\ndata: {k: x}\nbinaryData: {k: eA==}\n",
       "t.yaml: ConfigMap \"c\": binaryData.k: duplicate of a key in data"},
      {"kind: Secret\nmetadata: {name: s}\ndata: {k: '!!'}\n",
       "t.yaml: Secret \"s\": data.k: not base64: illegal base64 data at input byte 0"},
      {"kind: Secret\nmetadata: {}\n", "t.yaml: Secret: metadata.name: required"},
      {"kind: Secret\nmetadata: {name: s}\n---\nkind: Secret\nmetadata: {name: s}\n",
       "Secret \"s\" is defined in t.yaml and again in t.yaml: keep one"},
  };
  for (const Case& c : cases) {
    auto docs = ParseManifests(c.yaml, "t.yaml");
    ASSERT_TRUE(docs) << c.yaml;
    ConfigObjects objects;
    auto ok = objects.Add(*docs, "t.yaml");
    ASSERT_FALSE(ok) << c.yaml;
    EXPECT_EQ(ok.error().message, c.error);
  }
}

TEST(PodsimConfigObjects, ConfigKeyRule) {
  EXPECT_TRUE(IsConfigKey("a.b-c_D9"));
  EXPECT_TRUE(IsConfigKey(".hidden"));
  for (const char* bad : {"", ".", "..", "a/b", "a b", "ü"}) EXPECT_FALSE(IsConfigKey(bad)) << bad;
  EXPECT_FALSE(IsConfigKey(std::string(254, 'a')));
}

TEST(PodsimVolumeSources, ParsesEveryKind) {
  auto empty = Parse("name: v\nemptyDir: {medium: Memory, sizeLimit: 1Gi}\n");
  ASSERT_TRUE(empty) << empty.error().message;
  EXPECT_EQ(empty->kind, VolumeSource::kEmptyDir);
  EXPECT_TRUE(empty->memory);
  auto bare = Parse("name: v\n");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->kind, VolumeSource::kEmptyDir);

  auto cm = Parse(
      "name: v\nconfigMap:\n  name: cm\n  defaultMode: 0400\n  optional: true\n  items:\n"
      "  - {key: a.txt, path: sub/a, mode: 0755}\n");
  ASSERT_TRUE(cm) << cm.error().message;
  EXPECT_EQ(cm->kind, VolumeSource::kConfigMap);
  EXPECT_EQ(cm->default_mode, 0400);
  ASSERT_EQ(cm->projections.size(), 1u);
  EXPECT_EQ(cm->projections[0].name, "cm");
  EXPECT_TRUE(cm->projections[0].optional);
  ASSERT_EQ(cm->projections[0].items.size(), 1u);
  EXPECT_EQ(cm->projections[0].items[0].path, "sub/a");
  EXPECT_EQ(cm->projections[0].items[0].mode, 0755);
  EXPECT_TRUE(IsApiDataVolume(*cm));

  auto secret = Parse("name: v\nsecret: {secretName: s}\n");
  ASSERT_TRUE(secret) << secret.error().message;
  EXPECT_EQ(secret->kind, VolumeSource::kSecret);
  EXPECT_EQ(secret->projections[0].kind, Projection::kSecret);
  EXPECT_EQ(secret->default_mode, 0644);

  auto projected = Parse(
      "name: v\nprojected:\n  defaultMode: 0440\n  sources:\n  - configMap: {name: cm}\n"
      "  - secret: {name: s, items: [{key: user, path: u}]}\n"
      "  - downwardAPI: {items: [{path: n, fieldRef: {fieldPath: metadata.name}}]}\n");
  ASSERT_TRUE(projected) << projected.error().message;
  EXPECT_EQ(projected->kind, VolumeSource::kProjected);
  EXPECT_EQ(projected->default_mode, 0440);
  ASSERT_EQ(projected->projections.size(), 3u);
  EXPECT_EQ(projected->projections[2].fields[0].field_path, "metadata.name");

  auto host = Parse("name: v\nhostPath: {path: /srv/data, type: DirectoryOrCreate}\n");
  ASSERT_TRUE(host) << host.error().message;
  EXPECT_EQ(host->kind, VolumeSource::kHostPath);
  EXPECT_EQ(host->host_path, "/srv/data");
  EXPECT_FALSE(IsApiDataVolume(*host));
}

TEST(PodsimVolumeSources, RefusesWhatItCannotDo) {
  EXPECT_EQ(ParseError("name: v\nnfs: {server: x}\n"),
            "unsupported field spec.volumes[0].nfs (volumes: emptyDir, configMap, secret, "
            "downwardAPI, projected, hostPath)");
  EXPECT_EQ(ParseError("name: v\nemptyDir: {medium: HugePages}\n"),
            "spec.volumes[0].emptyDir.medium: unsupported value \"HugePages\" (\"\" or Memory)");
  EXPECT_EQ(ParseError("name: v\nconfigMap: {name: c, items: [{key: k, path: ../x}]}\n"),
            "spec.volumes[0].configMap.items[0].path: must be a relative path without .. (got "
            "\"../x\")");
  EXPECT_EQ(ParseError("name: v\nconfigMap: {name: c, items: [{key: k, path: /x}]}\n"),
            "spec.volumes[0].configMap.items[0].path: must be a relative path without .. (got "
            "\"/x\")");
  EXPECT_EQ(ParseError("name: v\nconfigMap: {name: c, defaultMode: 1000}\n"),
            "spec.volumes[0].configMap.defaultMode: must be a number between 0 and 0777 (octal), "
            "both inclusive");
  EXPECT_EQ(ParseError("name: v\nsecret: {}\n"), "spec.volumes[0].secret.secretName: required");
  EXPECT_EQ(ParseError("name: v\nprojected: {sources: [{serviceAccountToken: {path: t}}]}\n"),
            "unsupported field spec.volumes[0].projected.sources[0].serviceAccountToken (podsim "
            "has no API server to issue it; projected sources: configMap, secret, downwardAPI)");
  EXPECT_EQ(ParseError("name: v\nhostPath: {path: relative}\n"),
            "spec.volumes[0].hostPath.path: must be an absolute path without ..");
  EXPECT_EQ(ParseError("name: v\nhostPath: {path: /x, type: Pipe}\n"),
            "spec.volumes[0].hostPath.type: unsupported value \"Pipe\" (DirectoryOrCreate, "
            "Directory, FileOrCreate, File, Socket, CharDevice, BlockDevice)");
  EXPECT_EQ(ParseError("name: v\nemptyDir: {}\nconfigMap: {name: c}\n"),
            "spec.volumes[0]: must hold one volume source besides its name");
}

TEST(PodsimVolumeSources, ProjectsConfigMapSecretAndFields) {
  ConfigObjects objects = Objects(kObjects);
  auto all = Parse("name: v\nconfigMap: {name: cm}\n");
  auto files = ProjectVolumeFiles(*all, objects, NoFields);
  ASSERT_TRUE(files) << files.error().message;
  EXPECT_EQ(*files, (VolumeFiles{{"a.txt", {"alpha", 0644}},
                                 {"b", {"beta", 0644}},
                                 {"bin", {std::string("\0\1\2", 3), 0644}}}));

  auto items = Parse(
      "name: v\nsecret:\n  secretName: s\n  defaultMode: 0400\n  items:\n"
      "  - {key: user, path: dir/u}\n  - {key: pass, path: p, mode: 0600}\n");
  files = ProjectVolumeFiles(*items, objects, NoFields);
  ASSERT_TRUE(files) << files.error().message;
  EXPECT_EQ(*files, (VolumeFiles{{"dir/u", {"admin", 0400}}, {"p", {"new", 0600}}}));

  auto projected = Parse(
      "name: v\nprojected:\n  sources:\n  - configMap: {name: cm, items: [{key: b, path: b}]}\n"
      "  - downwardAPI: {items: [{path: n, fieldRef: {fieldPath: metadata.name}, mode: 0444}]}\n");
  files = ProjectVolumeFiles(*projected, objects, NoFields);
  ASSERT_TRUE(files) << files.error().message;
  EXPECT_EQ(*files, (VolumeFiles{{"b", {"beta", 0644}}, {"n", {"field:metadata.name", 0444}}}));
}

TEST(PodsimVolumeSources, MissingObjectsAndKeys) {
  ConfigObjects objects = Objects(kObjects);
  auto missing = Parse("name: v\nconfigMap: {name: nope}\n");
  auto files = ProjectVolumeFiles(*missing, objects, NoFields);
  ASSERT_FALSE(files);
  EXPECT_EQ(files.error().message,
            "configmap \"nope\" not found: add a ConfigMap document named \"nope\" to the file or "
            "to --from-dir, or mark the volume optional: true");
  auto optional = Parse("name: v\nsecret: {secretName: nope, optional: true}\n");
  files = ProjectVolumeFiles(*optional, objects, NoFields);
  ASSERT_TRUE(files);
  EXPECT_TRUE(files->empty());

  auto key = Parse("name: v\nsecret: {secretName: s, items: [{key: k, path: k}]}\n");
  files = ProjectVolumeFiles(*key, objects, NoFields);
  ASSERT_FALSE(files);
  EXPECT_EQ(files.error().message, "secret references non-existent config key: k (Secret \"s\")");
  auto optional_key =
      Parse("name: v\nsecret: {secretName: s, optional: true, items: [{key: k, path: k}]}\n");
  files = ProjectVolumeFiles(*optional_key, objects, NoFields);
  ASSERT_TRUE(files);
  EXPECT_TRUE(files->empty());
}

TEST(PodsimVolumeSources, HostPathNeedsTheFlag) {
  auto host = Parse("name: data\nhostPath: {path: /srv/data}\n");
  auto refused = CheckHostPathAllowed("data", *host, false);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message,
            "volume \"data\": hostPath /srv/data is refused: it would let the pod change the "
            "host; pass --allow-host-path to mount it");
  EXPECT_TRUE(CheckHostPathAllowed("data", *host, true));
  auto empty = Parse("name: e\nemptyDir: {}\n");
  EXPECT_TRUE(CheckHostPathAllowed("e", *empty, false));
}

TEST(PodsimVolumeSources, HostPathTypeTable) {
  using K = HostFileKind;
  using A = HostPathAction;
  struct Case {
    const char* type;
    K found;
    std::optional<A> action;  // nullopt: the check fails
    const char* error;
  } cases[] = {
      {"", K::kMissing, A::kCreateDirectory, ""},
      {"", K::kSocket, A::kUse, ""},
      {"DirectoryOrCreate", K::kMissing, A::kCreateDirectory, ""},
      {"DirectoryOrCreate", K::kDirectory, A::kUse, ""},
      {"DirectoryOrCreate", K::kFile, std::nullopt, "is not a directory"},
      {"Directory", K::kMissing, std::nullopt, "is not a directory"},
      {"FileOrCreate", K::kMissing, A::kCreateFile, ""},
      {"FileOrCreate", K::kDirectory, std::nullopt, "is not a file"},
      {"File", K::kFile, A::kUse, ""},
      {"Socket", K::kFile, std::nullopt, "is not a socket file"},
      {"CharDevice", K::kCharDevice, A::kUse, ""},
      {"BlockDevice", K::kCharDevice, std::nullopt, "is not a block device"},
  };
  for (const Case& c : cases) {
    auto action = CheckHostPathType("/p", c.type, c.found);
    if (c.action) {
      ASSERT_TRUE(action) << c.type << ": " << action.error().message;
      EXPECT_EQ(*action, *c.action) << c.type;
    } else {
      ASSERT_FALSE(action) << c.type;
      EXPECT_EQ(action.error().message, std::string("hostPath type check failed: /p ") + c.error);
    }
  }
}

TEST(PodsimEnvFrom, ParsesKeyRefsAndEnvFrom) {
  auto ref = ParseKeyRef(json{{"name", "cm"}, {"key", "a.txt"}, {"optional", true}},
                         ConfigKind::kConfigMap, "env[0].valueFrom.configMapKeyRef");
  ASSERT_TRUE(ref) << ref.error().message;
  EXPECT_EQ(ref->name, "cm");
  EXPECT_EQ(ref->key, "a.txt");
  EXPECT_TRUE(ref->optional);
  auto bad = ParseKeyRef(json{{"name", "cm"}}, ConfigKind::kSecret, "p");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "p.key: required");

  auto from = ParseEnvFrom(json::parse(R"([{"configMapRef":{"name":"cm"},"prefix":"CM_"},
                                           {"secretRef":{"name":"s","optional":true}}])"),
                           "c.envFrom");
  ASSERT_TRUE(from) << from.error().message;
  ASSERT_EQ(from->size(), 2u);
  EXPECT_EQ((*from)[0].prefix, "CM_");
  EXPECT_EQ((*from)[1].kind, ConfigKind::kSecret);
  EXPECT_TRUE((*from)[1].optional);
  auto both = ParseEnvFrom(
      json::parse(R"([{"configMapRef":{"name":"a"},"secretRef":{"name":"b"}}])"), "c.envFrom");
  ASSERT_FALSE(both);
  EXPECT_EQ(both.error().message, "c.envFrom[0]: must hold exactly one of configMapRef, secretRef");
  auto prefix = ParseEnvFrom(json::parse(R"([{"configMapRef":{"name":"a"},"prefix":"1X"}])"), "e");
  ASSERT_FALSE(prefix);
}

TEST(PodsimEnvFrom, ResolvesAsTheKubelet) {
  ConfigObjects objects = Objects(kObjects);
  auto value = ResolveKeyRef({ConfigKind::kSecret, "s", "user", false}, objects);
  ASSERT_TRUE(value);
  EXPECT_EQ(*value, "admin");
  auto optional = ResolveKeyRef({ConfigKind::kSecret, "s", "nope", true}, objects);
  ASSERT_TRUE(optional);
  EXPECT_FALSE(optional->has_value());
  auto missing_key = ResolveKeyRef({ConfigKind::kConfigMap, "cm", "nope", false}, objects);
  ASSERT_FALSE(missing_key);
  EXPECT_EQ(missing_key.error().message, "couldn't find key nope in ConfigMap cm");
  auto missing = ResolveKeyRef({ConfigKind::kSecret, "gone", "k", false}, objects);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message,
            "secret \"gone\" not found: add a Secret document named \"gone\" to the file or to "
            "--from-dir, or mark the reference optional: true");

  auto from = ResolveEnvFrom({{ConfigKind::kConfigMap, "cm", "CM_", false},
                              {ConfigKind::kSecret, "gone", "", true},
                              {ConfigKind::kSecret, "s", "", false}},
                             objects);
  ASSERT_TRUE(from) << from.error().message;
  EXPECT_EQ(from->vars,
            (std::vector<std::pair<std::string, std::string>>{{"CM_a.txt", "alpha"},
                                                              {"CM_b", "beta"},
                                                              {"CM_bin", std::string("\0\1\2", 3)},
                                                              {"pass", "new"},
                                                              {"user", "admin"}}));
  ConfigObjects digits = Objects("kind: ConfigMap\nmetadata: {name: n}\ndata: {1st: x, ok: y}\n");
  auto skipped = ResolveEnvFrom({{ConfigKind::kConfigMap, "n", "", false}}, digits);
  ASSERT_TRUE(skipped);
  EXPECT_EQ(skipped->skipped, std::vector<std::string>{"1st"});
  EXPECT_EQ(skipped->vars, (std::vector<std::pair<std::string, std::string>>{{"ok", "y"}}));
  auto required = ResolveEnvFrom({{ConfigKind::kConfigMap, "gone", "", false}}, objects);
  ASSERT_FALSE(required);
}

TEST(PodsimEnvFrom, EnvVarNameRule) {
  for (const char* good : {"A", "a.b", "_x9", "-dash", "CM_a.txt"}) EXPECT_TRUE(IsEnvVarName(good));
  for (const char* bad : {"", "9a", "a b", "a=b", "ü"}) EXPECT_FALSE(IsEnvVarName(bad)) << bad;
}

TEST(PodsimManifest, LeadingZeroIntegersAreOctalAsKubernetesReadsThem) {
  auto docs = ParseManifests("a: 0644\nb: 0o400\nc: 0\nd: 09\ne: '0644'\n", "t.yaml");
  ASSERT_TRUE(docs);
  EXPECT_EQ(docs->front(), json::parse(R"({"a":420,"b":256,"c":0,"d":9,"e":"0644"})"));
}

}  // namespace
}  // namespace podstep::podsim
