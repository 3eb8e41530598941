#include "podsim/volume_sources.h"

#include <array>

#include "podsim/json_fields.h"
#include "podsim/json_lists.h"

namespace podstep::podsim {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 8> kHostPathTypes = {
    "",       "DirectoryOrCreate", "Directory",  "FileOrCreate", "File",
    "Socket", "CharDevice",        "BlockDevice"};

// What the user can do about a missing ConfigMap or Secret.
std::string NotFound(ConfigKind kind, const std::string& name) {
  std::string lower = kind == ConfigKind::kConfigMap ? "configmap" : "secret";
  return lower + " \"" + name + "\" not found: add a " + ConfigKindName(kind) +
         " document named \"" + name + "\" to the file or to --from-dir";
}

// The kubelet's file mode rule: 0 to 0777. YAML's 0644 arrives octal.
Result<std::optional<int>> Mode(const json& object, const char* key, const std::string& path) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::optional<int>();
  if (!it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() > 0777) {
    return Fail(path + "." + key + ": must be a number between 0 and 0777 (octal), both inclusive");
  }
  return std::optional<int>(it->get<int>());
}

// A file name inside an API-data volume: a local path not starting with ".."
// (the atomic writer's own entries start so).
Status CheckVolumePath(const std::string& file, const std::string& where) {
  if (!IsLocalPath(file) || file.starts_with("..")) {
    return Fail(where + ": must be a relative path without .. (got \"" + file + "\")");
  }
  return {};
}

Status CheckList(const json& object, const char* key, const std::string& path) {
  auto it = object.find(key);
  if (it != object.end() && !it->is_null() && !it->is_array()) {
    return Fail(path + "." + key + ": must be a list");
  }
  return {};
}

Result<std::vector<KeyToPath>> ParseItems(const json& source, const std::string& path) {
  if (auto ok = CheckList(source, "items", path); !ok) return Fail(ok.error());
  std::vector<KeyToPath> items;
  const json& list = ListOrEmpty(source, "items");
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string ipath = Index(path + ".items", i);
    if (auto ok = CheckFields(list[i], ipath, {"key", "path", "mode"}); !ok)
      return Fail(ok.error());
    KeyToPath item;
    auto key = StringField(list[i], "key", ipath, true);
    if (!key) return Fail(key.error());
    auto file = StringField(list[i], "path", ipath, true);
    if (!file) return Fail(file.error());
    if (auto ok = CheckVolumePath(*file, ipath + ".path"); !ok) return Fail(ok.error());
    auto mode = Mode(list[i], "mode", ipath);
    if (!mode) return Fail(mode.error());
    items.push_back({*key, *file, *mode});
  }
  return items;
}

Result<Projection> ParseConfig(const json& source, Projection::Kind kind, const char* name_key,
                               const std::string& path, bool with_default_mode) {
  std::initializer_list<std::string_view> with_mode = {name_key, "items", "optional",
                                                       "defaultMode"};
  std::initializer_list<std::string_view> without_mode = {name_key, "items", "optional"};
  if (auto ok = CheckFields(source, path, with_default_mode ? with_mode : without_mode); !ok) {
    return Fail(ok.error());
  }
  Projection p;
  p.kind = kind;
  auto name = StringField(source, name_key, path, true);
  if (!name) return Fail(name.error());
  p.name = *name;
  auto optional = BoolField(source, "optional", path, false);
  if (!optional) return Fail(optional.error());
  p.optional = *optional;
  auto items = ParseItems(source, path);
  if (!items) return Fail(items.error());
  p.items = std::move(*items);
  return p;
}

Result<std::string> FieldRef(const json& ref, const std::string& path) {
  if (auto ok = CheckFields(ref, path, {"fieldPath", "apiVersion"}); !ok) return Fail(ok.error());
  return StringField(ref, "fieldPath", path, true);
}

Result<Projection> ParseDownward(const json& source, const std::string& path,
                                 bool with_default_mode) {
  std::initializer_list<std::string_view> with_mode = {"items", "defaultMode"};
  std::initializer_list<std::string_view> without_mode = {"items"};
  if (auto ok = CheckFields(source, path, with_default_mode ? with_mode : without_mode); !ok) {
    return Fail(ok.error());
  }
  if (auto ok = CheckList(source, "items", path); !ok) return Fail(ok.error());
  Projection p;
  p.kind = Projection::kDownwardApi;
  const json& list = ListOrEmpty(source, "items");
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string ipath = Index(path + ".items", i);
    if (auto ok = CheckFields(list[i], ipath, {"path", "fieldRef", "mode"}); !ok) {
      return Fail(ok.error());
    }
    auto file = StringField(list[i], "path", ipath, true);
    if (!file) return Fail(file.error());
    if (auto ok = CheckVolumePath(*file, ipath + ".path"); !ok) return Fail(ok.error());
    if (!list[i].contains("fieldRef")) return Fail(ipath + ".fieldRef: required");
    auto field = FieldRef(list[i]["fieldRef"], ipath + ".fieldRef");
    if (!field) return Fail(field.error());
    auto mode = Mode(list[i], "mode", ipath);
    if (!mode) return Fail(mode.error());
    p.fields.push_back({*file, *field, *mode});
  }
  return p;
}

Result<std::vector<Projection>> ParseProjectedSources(const json& projected,
                                                      const std::string& path) {
  if (auto ok = CheckList(projected, "sources", path); !ok) return Fail(ok.error());
  std::vector<Projection> out;
  const json& sources = ListOrEmpty(projected, "sources");
  for (size_t i = 0; i < sources.size(); ++i) {
    const std::string spath = Index(path + ".sources", i);
    if (!sources[i].is_object() || sources[i].size() != 1) {
      return Fail(spath + ": must hold exactly one of configMap, secret, downwardAPI");
    }
    const std::string key = sources[i].begin().key();
    const json& value = sources[i].front();
    const std::string kpath = spath + "." + key;
    Result<Projection> p = Fail("");
    if (key == "configMap") {
      p = ParseConfig(value, Projection::kConfigMap, "name", kpath, false);
    } else if (key == "secret") {
      p = ParseConfig(value, Projection::kSecret, "name", kpath, false);
    } else if (key == "downwardAPI") {
      p = ParseDownward(value, kpath, false);
    } else if (key == "serviceAccountToken" || key == "clusterTrustBundle") {
      return Fail("unsupported field " + kpath +
                  " (podsim has no API server to issue it; projected sources: configMap, secret, "
                  "downwardAPI)");
    } else {
      return Fail("unsupported field " + kpath +
                  " (projected sources: configMap, secret, downwardAPI)");
    }
    if (!p) return Fail(p.error());
    out.push_back(std::move(*p));
  }
  return out;
}

Result<VolumeSource> ParseHostPath(const json& source, const std::string& path) {
  if (auto ok = CheckFields(source, path, {"path", "type"}); !ok) return Fail(ok.error());
  VolumeSource v;
  v.kind = VolumeSource::kHostPath;
  auto host = StringField(source, "path", path, true);
  if (!host) return Fail(host.error());
  if ((*host)[0] != '/' || host->find("/../") != std::string::npos || host->ends_with("/..")) {
    return Fail(path + ".path: must be an absolute path without ..");
  }
  v.host_path = *host;
  auto type = StringField(source, "type", path, false);
  if (!type) return Fail(type.error());
  if (std::find(kHostPathTypes.begin(), kHostPathTypes.end(), *type) == kHostPathTypes.end()) {
    return Fail(path + ".type: unsupported value \"" + *type +
                "\" (DirectoryOrCreate, Directory, FileOrCreate, File, Socket, CharDevice, "
                "BlockDevice)");
  }
  v.host_path_type = *type;
  return v;
}

Status AddConfigFiles(const Projection& p, int default_mode, const ConfigObjects& objects,
                      VolumeFiles& files) {
  const ConfigKind kind =
      p.kind == Projection::kSecret ? ConfigKind::kSecret : ConfigKind::kConfigMap;
  const ConfigObject* object = objects.Find(kind, p.name);
  if (object == nullptr) {
    if (p.optional) return {};
    return Fail(NotFound(kind, p.name) + ", or mark the volume optional: true");
  }
  if (p.items.empty()) {
    for (const auto& [key, value] : object->data) files[key] = {value, default_mode};
    return {};
  }
  for (const KeyToPath& item : p.items) {
    auto it = object->data.find(item.key);
    if (it == object->data.end()) {
      if (p.optional) continue;
      return Fail(std::string(kind == ConfigKind::kConfigMap ? "configmap" : "secret") +
                  " references non-existent config key: " + item.key + " (" + ConfigKindName(kind) +
                  " \"" + p.name + "\")");
    }
    files[item.path] = {it->second, item.mode.value_or(default_mode)};
  }
  return {};
}

}  // namespace

Result<VolumeSource> ParseVolumeSource(const json& volume, const std::string& path) {
  if (!volume.is_object()) return Fail(path + ": must be an object");
  if (volume.size() > 2) {
    return Fail(path + ": must hold one volume source besides its name");
  }
  VolumeSource v;  // no source at all: the API server defaults to emptyDir
  for (const auto& [key, value] : volume.items()) {
    if (key == "name") continue;
    const std::string kpath = path + "." + key;
    if (key == "emptyDir") {
      if (value.is_null()) continue;
      if (auto ok = CheckFields(value, kpath, {"medium", "sizeLimit"}); !ok)
        return Fail(ok.error());
      auto medium = StringField(value, "medium", kpath, false);
      if (!medium) return Fail(medium.error());
      if (*medium != "" && *medium != "Memory") {
        return Fail(kpath + ".medium: unsupported value \"" + *medium + "\" (\"\" or Memory)");
      }
      v.memory = *medium == "Memory";
      continue;
    }
    if (key == "hostPath") return ParseHostPath(value, kpath);
    Result<std::optional<int>> mode = std::optional<int>();
    if (key == "configMap" || key == "secret") {
      const bool secret = key == "secret";
      v.kind = secret ? VolumeSource::kSecret : VolumeSource::kConfigMap;
      auto p = ParseConfig(value, secret ? Projection::kSecret : Projection::kConfigMap,
                           secret ? "secretName" : "name", kpath, true);
      if (!p) return Fail(p.error());
      v.projections.push_back(std::move(*p));
    } else if (key == "downwardAPI") {
      v.kind = VolumeSource::kDownwardApi;
      auto p = ParseDownward(value, kpath, true);
      if (!p) return Fail(p.error());
      v.projections.push_back(std::move(*p));
    } else if (key == "projected") {
      v.kind = VolumeSource::kProjected;
      if (auto ok = CheckFields(value, kpath, {"sources", "defaultMode"}); !ok) {
        return Fail(ok.error());
      }
      auto sources = ParseProjectedSources(value, kpath);
      if (!sources) return Fail(sources.error());
      v.projections = std::move(*sources);
    } else if (key == "persistentVolumeClaim") {
      return Fail("unsupported field " + kpath +
                  " (podsim has no persistent volumes: bind the workspace to an emptyDir)");
    } else {
      return Fail("unsupported field " + kpath +
                  " (volumes: emptyDir, configMap, secret, downwardAPI, projected, hostPath)");
    }
    mode = Mode(value, "defaultMode", kpath);
    if (!mode) return Fail(mode.error());
    v.default_mode = mode->value_or(kDefaultVolumeFileMode);
  }
  return v;
}

bool IsLocalPath(const std::string& path) {
  if (path.empty() || path[0] == '/') return false;
  for (size_t start = 0; start <= path.size();) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (path.compare(start, end - start, "..") == 0) return false;
    start = end + 1;
  }
  return true;
}

bool IsApiDataVolume(const VolumeSource& source) {
  return source.kind != VolumeSource::kEmptyDir && source.kind != VolumeSource::kHostPath;
}

Result<VolumeFiles> ProjectVolumeFiles(const VolumeSource& source, const ConfigObjects& objects,
                                       const FieldResolver& field) {
  VolumeFiles files;
  for (const Projection& p : source.projections) {
    if (p.kind != Projection::kDownwardApi) {
      if (auto ok = AddConfigFiles(p, source.default_mode, objects, files); !ok) {
        return Fail(ok.error());
      }
      continue;
    }
    for (const FieldFile& f : p.fields) {
      auto value = field(f.field_path);
      if (!value) return Fail(value.error());
      files[f.path] = {*value, f.mode.value_or(source.default_mode)};
    }
  }
  return files;
}

Status CheckHostPathAllowed(const std::string& volume_name, const VolumeSource& source,
                            bool allowed) {
  if (source.kind != VolumeSource::kHostPath || allowed) return {};
  return Fail("volume \"" + volume_name + "\": hostPath " + source.host_path +
              " is refused: it would let the pod change the host; pass --allow-host-path to "
              "mount it");
}

Result<HostPathAction> CheckHostPathType(const std::string& path, const std::string& type,
                                         HostFileKind found) {
  const std::string failed = "hostPath type check failed: " + path + " is not ";
  if (type.empty()) {
    // No check, as the kubelet; the runtime makes a missing path a directory.
    return found == HostFileKind::kMissing ? HostPathAction::kCreateDirectory
                                           : HostPathAction::kUse;
  }
  if (type == "DirectoryOrCreate" && found == HostFileKind::kMissing) {
    return HostPathAction::kCreateDirectory;
  }
  if (type == "FileOrCreate" && found == HostFileKind::kMissing) {
    return HostPathAction::kCreateFile;
  }
  struct Rule {
    std::string_view type;
    HostFileKind kind;
    const char* what;
  };
  static constexpr std::array<Rule, 7> kRules = {{
      {"DirectoryOrCreate", HostFileKind::kDirectory, "a directory"},
      {"Directory", HostFileKind::kDirectory, "a directory"},
      {"FileOrCreate", HostFileKind::kFile, "a file"},
      {"File", HostFileKind::kFile, "a file"},
      {"Socket", HostFileKind::kSocket, "a socket file"},
      {"CharDevice", HostFileKind::kCharDevice, "a character device"},
      {"BlockDevice", HostFileKind::kBlockDevice, "a block device"},
  }};
  for (const Rule& rule : kRules) {
    if (rule.type != type) continue;
    if (found != rule.kind) return Fail(failed + rule.what);
    return HostPathAction::kUse;
  }
  return Fail("hostPath " + path + ": unsupported type \"" + type + "\"");
}

// --- env ---

bool IsEnvVarName(const std::string& name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '.' || c == '_';
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

Result<KeyRef> ParseKeyRef(const json& ref, ConfigKind kind, const std::string& path) {
  if (auto ok = CheckFields(ref, path, {"name", "key", "optional"}); !ok) return Fail(ok.error());
  KeyRef out;
  out.kind = kind;
  auto name = StringField(ref, "name", path, true);
  if (!name) return Fail(name.error());
  auto key = StringField(ref, "key", path, true);
  if (!key) return Fail(key.error());
  if (!IsConfigKey(*key)) {
    return Fail(path + ".key: a key must consist of alphanumeric characters, '-', '_' or '.'");
  }
  auto optional = BoolField(ref, "optional", path, false);
  if (!optional) return Fail(optional.error());
  out.name = *name;
  out.key = *key;
  out.optional = *optional;
  return out;
}

Result<std::vector<EnvFromSource>> ParseEnvFrom(const json& list, const std::string& path) {
  std::vector<EnvFromSource> out;
  if (list.is_null()) return out;
  if (!list.is_array()) return Fail(path + ": must be a list");
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string epath = Index(path, i);
    if (auto ok = CheckFields(list[i], epath, {"prefix", "configMapRef", "secretRef"}); !ok) {
      return Fail(ok.error());
    }
    const bool has_map = list[i].contains("configMapRef");
    if (has_map == list[i].contains("secretRef")) {
      return Fail(epath + ": must hold exactly one of configMapRef, secretRef");
    }
    EnvFromSource source;
    source.kind = has_map ? ConfigKind::kConfigMap : ConfigKind::kSecret;
    const std::string rpath = epath + (has_map ? ".configMapRef" : ".secretRef");
    const json& ref = list[i][has_map ? "configMapRef" : "secretRef"];
    if (auto ok = CheckFields(ref, rpath, {"name", "optional"}); !ok) return Fail(ok.error());
    auto name = StringField(ref, "name", rpath, true);
    if (!name) return Fail(name.error());
    auto optional = BoolField(ref, "optional", rpath, false);
    if (!optional) return Fail(optional.error());
    auto prefix = StringField(list[i], "prefix", epath, false);
    if (!prefix) return Fail(prefix.error());
    if (!prefix->empty() && !IsEnvVarName(*prefix)) {
      return Fail(epath +
                  ".prefix: a valid environment variable name must consist of "
                  "alphabetic characters, digits, '_', '-', or '.', and must not start "
                  "with a digit");
    }
    source.name = *name;
    source.optional = *optional;
    source.prefix = *prefix;
    out.push_back(std::move(source));
  }
  return out;
}

Result<std::optional<std::string>> ResolveKeyRef(const KeyRef& ref, const ConfigObjects& objects) {
  const ConfigObject* object = objects.Find(ref.kind, ref.name);
  if (object == nullptr) {
    if (ref.optional) return std::optional<std::string>();
    return Fail(NotFound(ref.kind, ref.name) + ", or mark the reference optional: true");
  }
  auto it = object->data.find(ref.key);
  if (it == object->data.end()) {
    if (ref.optional) return std::optional<std::string>();
    return Fail("couldn't find key " + ref.key + " in " + ConfigKindName(ref.kind) + " " +
                ref.name);
  }
  return std::optional<std::string>(it->second);
}

Result<EnvFromResult> ResolveEnvFrom(const std::vector<EnvFromSource>& sources,
                                     const ConfigObjects& objects) {
  EnvFromResult out;
  for (const EnvFromSource& source : sources) {
    const ConfigObject* object = objects.Find(source.kind, source.name);
    if (object == nullptr) {
      if (source.optional) continue;
      return Fail(NotFound(source.kind, source.name) +
                  ", or mark the envFrom entry optional: true");
    }
    for (const auto& [key, value] : object->data) {
      const std::string name = source.prefix + key;
      if (!IsEnvVarName(name)) {
        out.skipped.push_back(name);
        continue;
      }
      out.vars.emplace_back(name, value);
    }
  }
  return out;
}

}  // namespace podstep::podsim
