#include "podsim/pod_spec.h"

#include <algorithm>
#include <array>
#include <set>
#include <string_view>

#include "podsim/json_fields.h"
#include "podsim/json_lists.h"
#include "podsim/names.h"
#include "podsim/substitution.h"

namespace podstep::podsim {
namespace {

using nlohmann::json;

// Pod spec fields a `kubectl get pod -o json` carries that change nothing
// here. (Ignored container fields: image, imagePullPolicy, resources,
// terminationMessagePolicy File, stdin, tty, and securityContext but for
// runAsUser, runAsGroup and runAsNonRoot.)
constexpr std::array<std::string_view, 12> kIgnoredPodSpecFields = {
    "serviceAccountName", "serviceAccount",  "nodeName",         "schedulerName",
    "tolerations",        "priority",        "dnsPolicy",        "enableServiceLinks",
    "preemptionPolicy",   "securityContext", "imagePullSecrets", "automountServiceAccountToken"};

template <size_t N>
bool Contains(const std::array<std::string_view, N>& list, std::string_view key) {
  return std::find(list.begin(), list.end(), key) != list.end();
}


Result<std::map<std::string, std::string>> GetStringMap(const json& object, const char* key,
                                                        const std::string& path) {
  std::map<std::string, std::string> out;
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return out;
  if (!it->is_object()) return Fail(path + "." + key + ": must be a map of strings");
  for (const auto& [k, v] : it->items()) {
    if (!v.is_string()) return Fail(path + "." + key + "." + k + ": must be a string");
    out[k] = v.get<std::string>();
  }
  return out;
}

// `valueFrom`: exactly one of fieldRef, configMapKeyRef, secretKeyRef.
Status ParseValueFrom(const json& value_from, const std::string& path, EnvVar& var) {
  if (auto ok = CheckFields(value_from, path, {"fieldRef", "configMapKeyRef", "secretKeyRef"});
      !ok) {
    return ok;
  }
  if (value_from.size() != 1) {
    return Fail(path + ": must hold exactly one of fieldRef, configMapKeyRef, secretKeyRef");
  }
  for (auto [key, kind] : {std::pair{"configMapKeyRef", ConfigKind::kConfigMap},
                           std::pair{"secretKeyRef", ConfigKind::kSecret}}) {
    if (!value_from.contains(key)) continue;
    auto ref = ParseKeyRef(value_from[key], kind, path + "." + key);
    if (!ref) return Fail(ref.error());
    var.key_ref = std::move(*ref);
    return {};
  }
  const json& ref = value_from["fieldRef"];
  if (auto ok = CheckFields(ref, path + ".fieldRef", {"fieldPath", "apiVersion"}); !ok) {
    return Fail(ok.error());
  }
  auto field = StringField(ref, "fieldPath", path + ".fieldRef", true);
  if (!field) return Fail(field.error());
  var.field_path = *field;
  return {};
}

// runAsUser, runAsGroup and runAsNonRoot of a securityContext; its other
// fields are ignored.
Result<SecurityContext> ParseSecurityContext(const json& object, const char* key,
                                             const std::string& path) {
  SecurityContext sc;
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return sc;
  const std::string spath = path + "." + key;
  if (!it->is_object()) return Fail(spath + ": must be an object");
  for (const char* id : {"runAsUser", "runAsGroup"}) {
    auto value = it->find(id);
    if (value == it->end() || value->is_null()) continue;
    if (!value->is_number_integer() || *value < 0 || *value > 2147483647) {
      return Fail(spath + "." + id + ": must be between 0 and 2147483647, inclusive");
    }
    (std::string_view(id) == "runAsUser" ? sc.run_as_user : sc.run_as_group) = value->get<int64_t>();
  }
  if (auto non_root = it->find("runAsNonRoot"); non_root != it->end() && !non_root->is_null()) {
    if (!non_root->is_boolean()) return Fail(spath + ".runAsNonRoot: must be a boolean");
    sc.run_as_non_root = non_root->get<bool>();
  }
  return sc;
}

Result<Container> ParseContainer(const json& object, const std::string& path) {
  if (auto ok = CheckFields(
          object, path,
          {"name", "command", "args", "env", "workingDir", "volumeMounts", "terminationMessagePath",
           "image", "imagePullPolicy", "resources", "terminationMessagePolicy", "securityContext",
           "stdin", "tty", "envFrom", "readinessProbe", "ports"});
      !ok) {
    return Fail(ok.error());
  }
  Container c;
  auto name = StringField(object, "name", path, true);
  if (!name) return Fail(name.error());
  c.name = *name;
  auto command = GetStrings(object, "command", path);
  if (!command) return Fail(command.error());
  c.command = *command;
  auto args = GetStrings(object, "args", path);
  if (!args) return Fail(args.error());
  c.args = *args;
  auto dir = StringField(object, "workingDir", path, false);
  if (!dir) return Fail(dir.error());
  c.working_dir = *dir;
  auto tpath = StringField(object, "terminationMessagePath", path, false);
  if (!tpath) return Fail(tpath.error());
  if (!tpath->empty()) c.termination_message_path = *tpath;
  auto security = ParseSecurityContext(object, "securityContext", path);
  if (!security) return Fail(security.error());
  c.security_context = *security;
  if (auto policy = object.find("terminationMessagePolicy");
      policy != object.end() && *policy != "File") {
    return Fail("unsupported value " + path + ".terminationMessagePolicy: only File is supported");
  }
  const json& env = ListOrEmpty(object, "env");
  for (size_t i = 0; i < env.size(); ++i) {
    const std::string epath = Index(path + ".env", i);
    if (auto ok = CheckFields(env[i], epath, {"name", "value", "valueFrom"}); !ok) {
      return Fail(ok.error());
    }
    EnvVar var;
    auto ename = StringField(env[i], "name", epath, true);
    if (!ename) return Fail(ename.error());
    var.name = *ename;
    auto value = StringField(env[i], "value", epath, false);
    if (!value) return Fail(value.error());
    var.value = *value;
    if (env[i].contains("valueFrom")) {
      if (auto ok = ParseValueFrom(env[i]["valueFrom"], epath + ".valueFrom", var); !ok) {
        return Fail(ok.error());
      }
    }
    c.env.push_back(std::move(var));
  }
  const json& mounts = ListOrEmpty(object, "volumeMounts");
  for (size_t i = 0; i < mounts.size(); ++i) {
    const std::string mpath = Index(path + ".volumeMounts", i);
    if (auto ok = CheckFields(mounts[i], mpath, {"name", "mountPath", "readOnly", "subPath"}); !ok) {
      return Fail(ok.error());
    }
    VolumeMount mount;
    auto mname = StringField(mounts[i], "name", mpath, true);
    if (!mname) return Fail(mname.error());
    auto mount_path = StringField(mounts[i], "mountPath", mpath, true);
    if (!mount_path) return Fail(mount_path.error());
    if (mount_path->empty() || (*mount_path)[0] != '/') {
      return Fail(mpath + ".mountPath: must be an absolute path");
    }
    mount.name = *mname;
    mount.mount_path = *mount_path;
    mount.read_only = mounts[i].value("readOnly", false);
    auto sub_path = StringField(mounts[i], "subPath", mpath, false);
    if (!sub_path) return Fail(sub_path.error());
    if (!sub_path->empty() && !IsLocalPath(*sub_path)) {
      return Fail(mpath + ".subPath: must be a relative path without ..");
    }
    mount.sub_path = *sub_path;
    c.volume_mounts.push_back(std::move(mount));
  }
  auto image = StringField(object, "image", path, false);
  if (!image) return Fail(image.error());
  c.image = *image;
  if (object.contains("envFrom")) {
    auto env_from = ParseEnvFrom(object["envFrom"], path + ".envFrom");
    if (!env_from) return Fail(env_from.error());
    c.env_from = std::move(*env_from);
  }
  if (auto probe = object.find("readinessProbe"); probe != object.end() && !probe->is_null()) {
    auto parsed = ParseProbe(*probe, path + ".readinessProbe");
    if (!parsed) return Fail(parsed.error());
    c.readiness_probe = std::move(*parsed);
  }
  return c;
}

Result<Volume> ParseVolume(const json& object, const std::string& path) {
  Volume v;
  auto name = StringField(object.is_object() ? object : json::object(), "name", path, true);
  if (!name) return Fail(name.error());
  v.name = *name;
  auto source = ParseVolumeSource(object, path);
  if (!source) return Fail(source.error());
  v.source = std::move(*source);
  return v;
}

}  // namespace

Result<std::vector<std::string>> GetStrings(const json& object, const char* key,
                                            const std::string& path) {
  std::vector<std::string> out;
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return out;
  if (!it->is_array()) return Fail(path + "." + key + ": must be a list of strings");
  for (size_t i = 0; i < it->size(); ++i) {
    if (!(*it)[i].is_string()) return Fail(Index(path + "." + key, i) + ": must be a string");
    out.push_back((*it)[i].get<std::string>());
  }
  return out;
}

bool IsStepContainer(const std::string& name) { return name.starts_with("step-"); }

Result<PodSpec> ParsePod(const json& pod) {
  if (!pod.is_object()) return Fail("pod: must be an object");
  if (pod.value("kind", "Pod") != "Pod") {
    return Fail("kind " + pod.value("kind", "") + ": podsim runs a Pod, Task or TaskRun");
  }
  PodSpec spec;
  const json metadata = pod.value("metadata", json::object());
  auto name = StringField(metadata, "name", "metadata", false);
  if (!name) return Fail(name.error());
  if (name->empty()) {
    return Fail(FieldRequired("metadata.name", "name or generateName is required"));
  }
  if (auto ok = ValidateDns1123Subdomain("metadata.name", *name); !ok) return Fail(ok.error());
  spec.name = *name;
  auto ns = StringField(metadata, "namespace", "metadata", false);
  if (!ns) return Fail(ns.error());
  if (!ns->empty()) {
    if (auto ok = ValidateDns1123Label("metadata.namespace", *ns); !ok) return Fail(ok.error());
    spec.namespace_name = *ns;
  }
  auto uid = StringField(metadata, "uid", "metadata", false);
  if (!uid) return Fail(uid.error());
  spec.uid = *uid;
  auto labels = GetStringMap(metadata, "labels", "metadata");
  if (!labels) return Fail(labels.error());
  spec.labels = *labels;
  auto annotations = GetStringMap(metadata, "annotations", "metadata");
  if (!annotations) return Fail(annotations.error());
  spec.annotations = *annotations;

  if (!pod.contains("spec") || !pod["spec"].is_object()) return Fail("spec: required");
  const json& s = pod["spec"];
  for (const auto& [key, value] : s.items()) {
    static const std::set<std::string_view> kKnown = {"containers",
                                                      "initContainers",
                                                      "volumes",
                                                      "restartPolicy",
                                                      "terminationGracePeriodSeconds",
                                                      "activeDeadlineSeconds"};
    if (!kKnown.contains(key) && !Contains(kIgnoredPodSpecFields, key)) {
      return Fail("unsupported field spec." + key);
    }
  }
  auto security = ParseSecurityContext(s, "securityContext", "spec");
  if (!security) return Fail(security.error());
  spec.security_context = *security;
  if (s.value("restartPolicy", "Never") != "Never") {
    return Fail("unsupported value spec.restartPolicy: only Never is supported");
  }
  if (auto grace = s.find("terminationGracePeriodSeconds"); grace != s.end()) {
    if (!grace->is_number_integer() || *grace < 0) {
      return Fail("spec.terminationGracePeriodSeconds: must be a non-negative integer");
    }
    spec.termination_grace_seconds = grace->get<int>();
  }
  if (auto deadline = s.find("activeDeadlineSeconds"); deadline != s.end()) {
    if (!deadline->is_number_integer() || *deadline <= 0) {
      return Fail("spec.activeDeadlineSeconds: must be a positive integer");
    }
    spec.active_deadline_seconds = deadline->get<int>();
  }
  std::set<std::string> names;
  for (const char* list : {"initContainers", "containers"}) {
    const json& containers = ListOrEmpty(s, list);
    for (size_t i = 0; i < containers.size(); ++i) {
      const std::string path = Index(std::string("spec.") + list, i);
      auto c = ParseContainer(containers[i], path);
      if (!c) return Fail(c.error());
      if (auto ok = ValidateDns1123Label(path + ".name", c->name); !ok) return Fail(ok.error());
      if (!names.insert(c->name).second) return Fail(FieldDuplicate(path + ".name", c->name));
      (list[0] == 'i' ? spec.init_containers : spec.containers).push_back(std::move(*c));
    }
  }
  if (spec.containers.empty()) return Fail("spec.containers: required");
  const json& volumes = ListOrEmpty(s, "volumes");
  std::set<std::string> volume_names;
  for (size_t i = 0; i < volumes.size(); ++i) {
    const std::string path = Index("spec.volumes", i);
    auto v = ParseVolume(volumes[i], path);
    if (!v) return Fail(v.error());
    if (auto ok = ValidateDns1123Label(path + ".name", v->name); !ok) return Fail(ok.error());
    if (!volume_names.insert(v->name).second) return Fail(FieldDuplicate(path + ".name", v->name));
    spec.volumes.push_back(std::move(*v));
  }
  for (const auto& [list, path] : {std::pair{&spec.init_containers, "spec.initContainers"},
                                     std::pair{&spec.containers, "spec.containers"}}) {
    for (size_t i = 0; i < list->size(); ++i) {
      const Container& c = (*list)[i];
      for (size_t j = 0; j < c.volume_mounts.size(); ++j) {
        if (!volume_names.contains(c.volume_mounts[j].name)) {
          return Fail(FieldNotFound(Index(Index(path, i) + ".volumeMounts", j) + ".name",
                                    c.volume_mounts[j].name));
        }
      }
      for (const EnvVar& e : c.env) {
        if (e.field_path.empty()) continue;
        if (auto ok = ResolveFieldPath(spec, e.field_path); !ok) {
          return Fail("container " + c.name + ": env " + e.name + ": " + ok.error().message);
        }
      }
    }
  }
  for (const Volume& v : spec.volumes) {
    for (const Projection& p : v.source.projections) {
      for (const FieldFile& f : p.fields) {
        if (auto ok = ResolveFieldPath(spec, f.field_path); !ok) {
          return Fail("volume " + v.name + ": " + ok.error().message);
        }
      }
    }
  }
  return spec;
}

Result<std::string> ResolveFieldPath(const PodSpec& pod, const std::string& field_path) {
  if (field_path == "metadata.name") return pod.name;
  if (field_path == "metadata.namespace") return pod.namespace_name;
  if (field_path == "metadata.uid") return pod.uid;
  for (const auto& [prefix, map] :
       {std::pair<std::string, const std::map<std::string, std::string>*>{"metadata.labels",
                                                                          &pod.labels},
        {"metadata.annotations", &pod.annotations}}) {
    if (field_path == prefix) {
      std::string all;
      for (const auto& [k, v] : *map) all += k + "=" + nlohmann::json(v).dump() + "\n";
      return all;
    }
    const std::string open = prefix + "['";
    if (field_path.starts_with(open) && field_path.ends_with("']") &&
        field_path.size() > open.size() + 2) {
      const std::string key = field_path.substr(open.size(), field_path.size() - open.size() - 2);
      auto it = map->find(key);
      return it == map->end() ? std::string() : it->second;
    }
  }
  return Fail("unsupported fieldPath \"" + field_path + "\"");
}

}  // namespace podstep::podsim

namespace podstep::podsim {

std::string ExpandKubeletVariables(const std::string& text,
                                   const std::map<std::string, std::string>& vars) {
  return ExpandKubeletReferences(text, [&](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  });
}

}  // namespace podstep::podsim
