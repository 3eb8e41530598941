#pragma once
// The ConfigMaps and Secrets a pod's volumes and env can reference, read from
// Kubernetes documents (the manifest file itself, or `--from-dir`) the way
// the API server stores them: a ConfigMap's `data` (strings) and
// `binaryData` (base64), a Secret's `data` (base64) with `stringData` laid
// over it. Namespaces are not modelled: a name is looked up across all
// documents. Pure.

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/error.h"

namespace podstep::podsim {

enum class ConfigKind { kConfigMap, kSecret };

/// "ConfigMap" or "Secret", as Kubernetes spells the kind.
const char* ConfigKindName(ConfigKind kind);

struct ConfigObject {
  ConfigKind kind = ConfigKind::kConfigMap;
  std::string name;
  /// Key → decoded bytes.
  std::map<std::string, std::string> data;
};

class ConfigObjects {
 public:
  /// Adds every ConfigMap and Secret of `documents` (other kinds are
  /// skipped); `origin` names where they came from in errors. Fails on a
  /// malformed one ("ConfigMap \"c\" in f.yaml: data.k: must be a string")
  /// or a second object of the same kind and name.
  Status Add(const std::vector<nlohmann::json>& documents, const std::string& origin);

  /// The object, or nullptr.
  [[nodiscard]] const ConfigObject* Find(ConfigKind kind, const std::string& name) const;

 private:
  std::map<std::pair<ConfigKind, std::string>, ConfigObject> objects_;
  std::map<std::pair<ConfigKind, std::string>, std::string> origins_;
};

/// Kubernetes' rule for a ConfigMap or Secret key (IsConfigMapKey): 1-253
/// characters of [-._a-zA-Z0-9], not "." nor "..".
bool IsConfigKey(const std::string& key);

}  // namespace podstep::podsim
