#pragma once
// The Pod volume sources podsim supports, and the ConfigMap/Secret references
// of container env, parsed from the Pod's JSON as Kubernetes spells them;
// the files the kubelet would project into each API-data volume; and the
// hostPath rules. Pure: the files are written by sys/atomic_writer, a
// hostPath is checked against the host by sys/host_path.
//
//   emptyDir    medium "" or Memory (both a directory of the pod; sizeLimit
//               is accepted and not enforced)
//   configMap   name, items (key, path, mode), defaultMode, optional
//   secret      secretName, items, defaultMode, optional
//   downwardAPI items (path, fieldRef, mode), defaultMode
//   projected   sources of configMap, secret, downwardAPI; defaultMode
//   hostPath    path, type (only when the user allows host paths)
//   (none)      an emptyDir, as the API server defaults it

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "podsim/config_objects.h"

namespace podstep::podsim {

/// The kubelet's default file mode in API-data volumes.
inline constexpr int kDefaultVolumeFileMode = 0644;

struct KeyToPath {
  std::string key;
  std::string path;
  std::optional<int> mode;
};

/// One file of a downwardAPI volume or projection.
struct FieldFile {
  std::string path;
  std::string field_path;
  std::optional<int> mode;
};

/// A configMap, secret or downwardAPI source, alone or inside `projected`.
struct Projection {
  enum Kind { kConfigMap, kSecret, kDownwardApi };
  Kind kind = kConfigMap;
  std::string name;  ///< the ConfigMap or Secret
  bool optional = false;
  std::vector<KeyToPath> items;   ///< empty: every key, named after it
  std::vector<FieldFile> fields;  ///< kDownwardApi
};

struct VolumeSource {
  enum Kind { kEmptyDir, kDownwardApi, kConfigMap, kSecret, kProjected, kHostPath };
  Kind kind = kEmptyDir;
  bool memory = false;  ///< emptyDir.medium: Memory
  int default_mode = kDefaultVolumeFileMode;
  /// One for configMap, secret and downwardAPI; a projected volume's sources.
  std::vector<Projection> projections;
  std::string host_path;
  std::string host_path_type;  ///< "", DirectoryOrCreate, Directory, FileOrCreate, File, …
};

/// Parses the source of a Pod volume (`volume` is the whole entry, `name`
/// included; `path` is its JSON path, e.g. "spec.volumes[1]"). Errors name
/// the field: "unsupported field spec.volumes[0].nfs (volumes: emptyDir, …)",
/// "spec.volumes[0].configMap.items[0].path: must be a relative path without ..".
Result<VolumeSource> ParseVolumeSource(const nlohmann::json& volume, const std::string& path);

/// A relative path without a ".." element (subPath, items[].path).
bool IsLocalPath(const std::string& path);

/// configMap, secret, downwardAPI and projected volumes: written by the
/// kubelet with its atomic writer, and always mounted read-only.
bool IsApiDataVolume(const VolumeSource& source);

struct VolumeFile {
  std::string content;
  int mode = kDefaultVolumeFileMode;
  bool operator==(const VolumeFile&) const = default;
};
/// Relative path in the volume → file.
using VolumeFiles = std::map<std::string, VolumeFile>;

/// The value of a Downward-API fieldPath for the pod at this moment.
using FieldResolver = std::function<Result<std::string>(const std::string& field_path)>;

/// The files of an API-data volume, as the kubelet projects them: every key
/// (or the listed items) of the ConfigMap/Secret, each downwardAPI field.
/// An optional object that is missing contributes nothing. Fails, as the
/// kubelet's mount does, on a missing required object or listed key:
/// `configmap "c" not found (…)`, `configmap "c" has no key "k" (…)`.
Result<VolumeFiles> ProjectVolumeFiles(const VolumeSource& source, const ConfigObjects& objects,
                                       const FieldResolver& field);

/// hostPath volumes let a pod change the host: refused unless allowed, with
/// "volume \"v\": hostPath /p is refused: …; pass --allow-host-path to mount it".
Status CheckHostPathAllowed(const std::string& volume_name, const VolumeSource& source,
                            bool allowed);

/// What is at a hostPath on the host.
enum class HostFileKind { kMissing, kDirectory, kFile, kSocket, kCharDevice, kBlockDevice, kOther };
enum class HostPathAction { kUse, kCreateDirectory, kCreateFile };

/// The kubelet's hostPath type check: what to do with `path` given what is
/// there, or "hostPath type check failed: /p is not a directory".
Result<HostPathAction> CheckHostPathType(const std::string& path, const std::string& type,
                                         HostFileKind found);

// --- env from ConfigMaps and Secrets ---

/// `valueFrom.configMapKeyRef` / `valueFrom.secretKeyRef`.
struct KeyRef {
  ConfigKind kind = ConfigKind::kConfigMap;
  std::string name;
  std::string key;
  bool optional = false;
};

/// One entry of `envFrom`.
struct EnvFromSource {
  ConfigKind kind = ConfigKind::kConfigMap;
  std::string name;
  std::string prefix;
  bool optional = false;
};

/// Parses a `configMapKeyRef` or `secretKeyRef` object at `path`.
Result<KeyRef> ParseKeyRef(const nlohmann::json& ref, ConfigKind kind, const std::string& path);

/// Parses a container's `envFrom` list at `path` (absent or null: none).
Result<std::vector<EnvFromSource>> ParseEnvFrom(const nlohmann::json& list,
                                                const std::string& path);

/// The value a key reference gives, or nullopt when it is optional and its
/// object or key is missing (the variable is then not set, as the kubelet
/// does). Errors read like the kubelet's: `secret "s" not found (…)`,
/// `couldn't find key k in Secret s (…)`.
Result<std::optional<std::string>> ResolveKeyRef(const KeyRef& ref, const ConfigObjects& objects);

struct EnvFromResult {
  /// Name → value, in the order the kubelet sets them (sources in order,
  /// keys sorted within one).
  std::vector<std::pair<std::string, std::string>> vars;
  /// Keys that are not valid variable names, which the kubelet skips.
  std::vector<std::string> skipped;
};

/// The variables of `envFrom`; a missing non-optional object fails.
Result<EnvFromResult> ResolveEnvFrom(const std::vector<EnvFromSource>& sources,
                                     const ConfigObjects& objects);

/// Kubernetes' C_IDENTIFIER-like rule for env var names: [-._a-zA-Z][-._a-zA-Z0-9]*.
bool IsEnvVarName(const std::string& name);

}  // namespace podstep::podsim
