#include "podsim/tekton_schema.h"

#include <string_view>
#include <vector>

#include "common/go_duration.h"

namespace podstep::podsim {
namespace {

using nlohmann::json;

enum class Kind {
  kString,
  kBool,
  kInt,
  kStrings,    // a list of strings
  kStringMap,  // an object of strings
  kObject,     // an object with `schema`
  kList,       // a list of objects with `schema`
  kMap,        // an object whose values are objects with `schema`
  kDuration,   // a Go duration string (metav1.Duration)
  kAny,        // passed through as written (Kubernetes types podsim does not read)
};

struct Schema;

struct Field {
  std::string_view name;
  Kind kind;
  const Schema* schema = nullptr;
};

struct Schema {
  std::vector<Field> fields;
};

Status CheckObject(json& object, const Schema& schema, const std::string& path);

Status CheckStrings(const json& value, const std::string& path) {
  if (!value.is_array()) return Fail(path + ": must be a list of strings");
  for (size_t i = 0; i < value.size(); ++i) {
    if (!value[i].is_string()) {
      return Fail(path + "[" + std::to_string(i) + "]: must be a string");
    }
  }
  return {};
}

Status CheckStringMap(const json& value, const std::string& path) {
  if (!value.is_object()) return Fail(path + ": must be a map of strings");
  for (const auto& [key, item] : value.items()) {
    if (!item.is_string()) return Fail(path + "." + key + ": must be a string");
  }
  return {};
}

Status CheckValue(json& value, const Field& field, const std::string& path) {
  switch (field.kind) {
    case Kind::kString:
      if (!value.is_string()) return Fail(path + ": must be a string");
      return {};
    case Kind::kBool:
      if (!value.is_boolean()) return Fail(path + ": must be true or false");
      return {};
    case Kind::kInt:
      if (!value.is_number_integer()) return Fail(path + ": must be an integer");
      return {};
    case Kind::kStrings:
      return CheckStrings(value, path);
    case Kind::kStringMap:
      return CheckStringMap(value, path);
    case Kind::kObject:
      return CheckObject(value, *field.schema, path);
    case Kind::kList:
      if (!value.is_array()) return Fail(path + ": must be a list");
      for (size_t i = 0; i < value.size(); ++i) {
        auto ok = CheckObject(value[i], *field.schema, path + "[" + std::to_string(i) + "]");
        if (!ok) return ok;
      }
      return {};
    case Kind::kMap:
      if (!value.is_object()) return Fail(path + ": must be a map");
      for (auto& [key, item] : value.items()) {
        if (auto ok = CheckObject(item, *field.schema, path + "." + key); !ok) return ok;
      }
      return {};
    case Kind::kDuration: {
      if (!value.is_string()) return Fail(path + ": must be a duration string such as 1h30m");
      auto parsed = ParseGoDuration(value.get<std::string>());
      if (!parsed) return Fail(path + ": " + parsed.error().message);
      return {};
    }
    case Kind::kAny:
      return {};
  }
  return {};
}

// Null fields are absent fields to Go's decoder: dropped, so that readers
// never meet a null.
Status CheckObject(json& object, const Schema& schema, const std::string& path) {
  if (!object.is_object()) return Fail(path + ": must be an object");
  for (auto it = object.begin(); it != object.end();) {
    if (it->is_null()) {
      it = object.erase(it);
      continue;
    }
    const Field* field = nullptr;
    for (const Field& f : schema.fields) {
      if (f.name == it.key()) field = &f;
    }
    const std::string field_path = path.empty() ? it.key() : path + "." + it.key();
    if (field == nullptr) {
      return Fail("strict decoding error: unknown field \"" + field_path + "\"");
    }
    if (auto ok = CheckValue(*it, *field, field_path); !ok) return ok;
    ++it;
  }
  return {};
}

// --- Kubernetes types -------------------------------------------------------

const Schema& ObjectMeta() {
  static const Schema s{{{"name", Kind::kString},
                         {"generateName", Kind::kString},
                         {"namespace", Kind::kString},
                         {"uid", Kind::kString},
                         {"labels", Kind::kStringMap},
                         {"annotations", Kind::kStringMap},
                         {"resourceVersion", Kind::kString},
                         {"generation", Kind::kInt},
                         {"creationTimestamp", Kind::kAny},
                         {"deletionTimestamp", Kind::kAny},
                         {"deletionGracePeriodSeconds", Kind::kAny},
                         {"selfLink", Kind::kString},
                         {"ownerReferences", Kind::kAny},
                         {"finalizers", Kind::kStrings},
                         {"managedFields", Kind::kAny}}};
  return s;
}

const Schema& KeyRef() {
  static const Schema s{
      {{"name", Kind::kString}, {"key", Kind::kString}, {"optional", Kind::kBool}}};
  return s;
}

const Schema& EnvVar() {
  static const Schema source{{{"fieldRef", Kind::kAny},
                              {"resourceFieldRef", Kind::kAny},
                              {"configMapKeyRef", Kind::kObject, &KeyRef()},
                              {"secretKeyRef", Kind::kObject, &KeyRef()}}};
  static const Schema s{
      {{"name", Kind::kString}, {"value", Kind::kString}, {"valueFrom", Kind::kObject, &source}}};
  return s;
}

const Schema& NameRef() {
  static const Schema s{{{"name", Kind::kString}, {"optional", Kind::kBool}}};
  return s;
}

const Schema& EnvFrom() {
  static const Schema s{{{"prefix", Kind::kString},
                         {"configMapRef", Kind::kObject, &NameRef()},
                         {"secretRef", Kind::kObject, &NameRef()}}};
  return s;
}

const Schema& VolumeMount() {
  static const Schema s{{{"name", Kind::kString},
                         {"mountPath", Kind::kString},
                         {"subPath", Kind::kString},
                         {"subPathExpr", Kind::kString},
                         {"mountPropagation", Kind::kString},
                         {"readOnly", Kind::kBool},
                         {"recursiveReadOnly", Kind::kString}}};
  return s;
}

const Schema& KeyToPath() {
  static const Schema s{{{"key", Kind::kString}, {"path", Kind::kString}, {"mode", Kind::kInt}}};
  return s;
}

const Schema& ConfigMapSource() {
  static const Schema s{{{"name", Kind::kString},
                         {"items", Kind::kList, &KeyToPath()},
                         {"defaultMode", Kind::kInt},
                         {"optional", Kind::kBool}}};
  return s;
}

const Schema& SecretSource() {
  static const Schema s{{{"secretName", Kind::kString},
                         {"items", Kind::kList, &KeyToPath()},
                         {"defaultMode", Kind::kInt},
                         {"optional", Kind::kBool}}};
  return s;
}

const Schema& ClaimSource() {
  static const Schema s{{{"claimName", Kind::kString}, {"readOnly", Kind::kBool}}};
  return s;
}

const Schema& ProjectedSource() {
  static const Schema projection_config_map{
      {{"name", Kind::kString}, {"items", Kind::kList, &KeyToPath()}, {"optional", Kind::kBool}}};
  static const Schema token{
      {{"audience", Kind::kString}, {"expirationSeconds", Kind::kInt}, {"path", Kind::kString}}};
  static const Schema projection{{{"configMap", Kind::kObject, &projection_config_map},
                                  {"secret", Kind::kObject, &projection_config_map},
                                  {"serviceAccountToken", Kind::kObject, &token},
                                  {"downwardAPI", Kind::kAny},
                                  {"clusterTrustBundle", Kind::kAny}}};
  static const Schema s{{{"sources", Kind::kList, &projection}, {"defaultMode", Kind::kInt}}};
  return s;
}

const Schema& CsiSource() {
  static const Schema s{{{"driver", Kind::kString},
                         {"readOnly", Kind::kBool},
                         {"fsType", Kind::kString},
                         {"volumeAttributes", Kind::kStringMap},
                         {"nodePublishSecretRef", Kind::kObject, &NameRef()}}};
  return s;
}

const Schema& Volume() {
  static const Schema s{{{"name", Kind::kString},
                         {"configMap", Kind::kObject, &ConfigMapSource()},
                         {"secret", Kind::kObject, &SecretSource()},
                         {"persistentVolumeClaim", Kind::kObject, &ClaimSource()},
                         {"projected", Kind::kObject, &ProjectedSource()},
                         {"csi", Kind::kObject, &CsiSource()},
                         {"emptyDir", Kind::kAny},
                         {"hostPath", Kind::kAny},
                         {"downwardAPI", Kind::kAny},
                         {"ephemeral", Kind::kAny},
                         {"image", Kind::kAny},
                         {"nfs", Kind::kAny},
                         {"iscsi", Kind::kAny},
                         {"gitRepo", Kind::kAny},
                         {"glusterfs", Kind::kAny},
                         {"rbd", Kind::kAny},
                         {"cephfs", Kind::kAny},
                         {"flexVolume", Kind::kAny},
                         {"cinder", Kind::kAny},
                         {"flocker", Kind::kAny},
                         {"fc", Kind::kAny},
                         {"azureFile", Kind::kAny},
                         {"azureDisk", Kind::kAny},
                         {"vsphereVolume", Kind::kAny},
                         {"quobyte", Kind::kAny},
                         {"photonPersistentDisk", Kind::kAny},
                         {"portworxVolume", Kind::kAny},
                         {"scaleIO", Kind::kAny},
                         {"storageos", Kind::kAny},
                         {"gcePersistentDisk", Kind::kAny},
                         {"awsElasticBlockStore", Kind::kAny}}};
  return s;
}

// --- Tekton types -----------------------------------------------------------

const Schema& Param() {
  static const Schema s{{{"name", Kind::kString}, {"value", Kind::kAny}}};
  return s;
}

const Schema& PropertySpec() {
  static const Schema s{{{"type", Kind::kString}}};
  return s;
}

const Schema& ParamSpec() {
  static const Schema s{{{"name", Kind::kString},
                         {"type", Kind::kString},
                         {"description", Kind::kString},
                         {"properties", Kind::kMap, &PropertySpec()},
                         {"default", Kind::kAny},
                         {"enum", Kind::kStrings}}};
  return s;
}

const Schema& TaskResult() {
  static const Schema s{{{"name", Kind::kString},
                         {"type", Kind::kString},
                         {"description", Kind::kString},
                         {"properties", Kind::kMap, &PropertySpec()},
                         {"value", Kind::kAny}}};
  return s;
}

const Schema& StepResult() {
  static const Schema s{{{"name", Kind::kString},
                         {"type", Kind::kString},
                         {"description", Kind::kString},
                         {"properties", Kind::kMap, &PropertySpec()}}};
  return s;
}

const Schema& WorkspaceDeclaration() {
  static const Schema s{{{"name", Kind::kString},
                         {"description", Kind::kString},
                         {"mountPath", Kind::kString},
                         {"readOnly", Kind::kBool},
                         {"optional", Kind::kBool}}};
  return s;
}

const Schema& WorkspaceUsage() {
  static const Schema s{{{"name", Kind::kString}, {"mountPath", Kind::kString}}};
  return s;
}

const Schema& WorkspaceBinding() {
  static const Schema s{{{"name", Kind::kString},
                         {"subPath", Kind::kString},
                         {"volumeClaimTemplate", Kind::kAny},
                         {"persistentVolumeClaim", Kind::kObject, &ClaimSource()},
                         {"emptyDir", Kind::kAny},
                         {"configMap", Kind::kObject, &ConfigMapSource()},
                         {"secret", Kind::kObject, &SecretSource()},
                         {"projected", Kind::kObject, &ProjectedSource()},
                         {"csi", Kind::kObject, &CsiSource()}}};
  return s;
}

const Schema& Ref() {
  static const Schema s{
      {{"name", Kind::kString}, {"resolver", Kind::kString}, {"params", Kind::kList, &Param()}}};
  return s;
}

const Schema& OutputConfig() {
  static const Schema s{{{"path", Kind::kString}}};
  return s;
}

const Schema& WhenExpression() {
  static const Schema s{{{"input", Kind::kString},
                         {"operator", Kind::kString},
                         {"values", Kind::kStrings},
                         {"cel", Kind::kString}}};
  return s;
}

// The container fields a Step, a StepTemplate and a Sidecar share.
std::vector<Field> ContainerFields() {
  return {{"image", Kind::kString},
          {"command", Kind::kStrings},
          {"args", Kind::kStrings},
          {"workingDir", Kind::kString},
          {"envFrom", Kind::kList, &EnvFrom()},
          {"env", Kind::kList, &EnvVar()},
          {"computeResources", Kind::kAny},
          {"volumeMounts", Kind::kList, &VolumeMount()},
          {"volumeDevices", Kind::kAny},
          {"imagePullPolicy", Kind::kString},
          {"securityContext", Kind::kAny}};
}

Schema WithContainerFields(std::vector<Field> fields) {
  for (Field f : ContainerFields()) fields.push_back(f);
  return Schema{std::move(fields)};
}

const Schema& Step() {
  static const Schema s = WithContainerFields({{"name", Kind::kString},
                                               {"script", Kind::kString},
                                               {"timeout", Kind::kDuration},
                                               {"workspaces", Kind::kList, &WorkspaceUsage()},
                                               {"onError", Kind::kString},
                                               {"stdoutConfig", Kind::kObject, &OutputConfig()},
                                               {"stderrConfig", Kind::kObject, &OutputConfig()},
                                               {"ref", Kind::kObject, &Ref()},
                                               {"params", Kind::kList, &Param()},
                                               {"results", Kind::kList, &StepResult()},
                                               {"when", Kind::kList, &WhenExpression()},
                                               {"displayName", Kind::kString}});
  return s;
}

const Schema& StepTemplate() {
  static const Schema s = WithContainerFields({});
  return s;
}

const Schema& Sidecar() {
  static const Schema s = WithContainerFields({{"name", Kind::kString},
                                               {"script", Kind::kString},
                                               {"workspaces", Kind::kList, &WorkspaceUsage()},
                                               {"ports", Kind::kAny},
                                               {"livenessProbe", Kind::kAny},
                                               {"readinessProbe", Kind::kAny},
                                               {"startupProbe", Kind::kAny},
                                               {"lifecycle", Kind::kAny},
                                               {"terminationMessagePath", Kind::kString},
                                               {"terminationMessagePolicy", Kind::kString},
                                               {"stdin", Kind::kBool},
                                               {"stdinOnce", Kind::kBool},
                                               {"tty", Kind::kBool}});
  return s;
}

const Schema& TaskSpec() {
  static const Schema s{{{"params", Kind::kList, &ParamSpec()},
                         {"displayName", Kind::kString},
                         {"description", Kind::kString},
                         {"steps", Kind::kList, &Step()},
                         {"volumes", Kind::kList, &Volume()},
                         {"stepTemplate", Kind::kObject, &StepTemplate()},
                         {"sidecars", Kind::kList, &Sidecar()},
                         {"workspaces", Kind::kList, &WorkspaceDeclaration()},
                         {"results", Kind::kList, &TaskResult()}}};
  return s;
}

const Schema& PodTemplate() {
  static const Schema s{{{"nodeSelector", Kind::kStringMap},
                         {"env", Kind::kList, &EnvVar()},
                         {"tolerations", Kind::kAny},
                         {"affinity", Kind::kAny},
                         {"securityContext", Kind::kAny},
                         {"volumes", Kind::kList, &Volume()},
                         {"runtimeClassName", Kind::kString},
                         {"automountServiceAccountToken", Kind::kBool},
                         {"dnsPolicy", Kind::kString},
                         {"dnsConfig", Kind::kAny},
                         {"enableServiceLinks", Kind::kBool},
                         {"priorityClassName", Kind::kString},
                         {"schedulerName", Kind::kString},
                         {"imagePullSecrets", Kind::kAny},
                         {"hostAliases", Kind::kAny},
                         {"hostNetwork", Kind::kBool},
                         {"topologySpreadConstraints", Kind::kAny}}};
  return s;
}

const Schema& TaskRef() {
  static const Schema s{{{"name", Kind::kString},
                         {"kind", Kind::kString},
                         {"apiVersion", Kind::kString},
                         {"resolver", Kind::kString},
                         {"params", Kind::kList, &Param()}}};
  return s;
}

const Schema& TaskRunSpec() {
  static const Schema s{{{"debug", Kind::kAny},
                         {"params", Kind::kList, &Param()},
                         {"serviceAccountName", Kind::kString},
                         {"taskRef", Kind::kObject, &TaskRef()},
                         {"taskSpec", Kind::kObject, &TaskSpec()},
                         {"status", Kind::kString},
                         {"statusMessage", Kind::kString},
                         {"retries", Kind::kInt},
                         {"timeout", Kind::kDuration},
                         {"podTemplate", Kind::kObject, &PodTemplate()},
                         {"workspaces", Kind::kList, &WorkspaceBinding()},
                         {"stepSpecs", Kind::kAny},
                         {"sidecarSpecs", Kind::kAny},
                         {"computeResources", Kind::kAny}}};
  return s;
}

const Schema& StepActionSpec() {
  static const Schema s{{{"image", Kind::kString},
                         {"command", Kind::kStrings},
                         {"args", Kind::kStrings},
                         {"env", Kind::kList, &EnvVar()},
                         {"script", Kind::kString},
                         {"workingDir", Kind::kString},
                         {"params", Kind::kList, &ParamSpec()},
                         {"results", Kind::kList, &StepResult()},
                         {"securityContext", Kind::kAny},
                         {"volumeMounts", Kind::kList, &VolumeMount()}}};
  return s;
}

Schema Document(const Schema& spec, bool with_status) {
  std::vector<Field> fields = {{"apiVersion", Kind::kString},
                               {"kind", Kind::kString},
                               {"metadata", Kind::kObject, &ObjectMeta()},
                               {"spec", Kind::kObject, &spec}};
  if (with_status) fields.push_back({"status", Kind::kAny});
  return Schema{std::move(fields)};
}

}  // namespace

Status CheckTaskRun(nlohmann::json& document) {
  static const Schema s = Document(TaskRunSpec(), true);
  return CheckObject(document, s, "");
}

Status CheckTask(nlohmann::json& document) {
  static const Schema s = Document(TaskSpec(), false);
  return CheckObject(document, s, "");
}

Status CheckStepAction(nlohmann::json& document) {
  static const Schema s = Document(StepActionSpec(), false);
  return CheckObject(document, s, "");
}

Status CheckTaskSpec(nlohmann::json& spec, const std::string& path) {
  return CheckObject(spec, TaskSpec(), path);
}

}  // namespace podstep::podsim
