#include "podsim/config_objects.h"

#include "common/base64.h"

namespace podstep::podsim {
namespace {

using nlohmann::json;

// One of the object's string maps, each value decoded from base64 when `base64`.
Status ReadMap(const json& object, const char* field, bool base64,
               std::map<std::string, std::string>& out, bool overwrite) {
  auto it = object.find(field);
  if (it == object.end() || it->is_null()) return {};
  if (!it->is_object()) return Fail(std::string(field) + ": must be a map of strings");
  for (const auto& [key, value] : it->items()) {
    const std::string where = std::string(field) + "." + key;
    if (!IsConfigKey(key)) {
      return Fail(where + ": a key must consist of alphanumeric characters, '-', '_' or '.'");
    }
    if (!value.is_string()) return Fail(where + ": must be a string (quote the value)");
    std::string bytes = value.get<std::string>();
    if (base64) {
      auto decoded = Base64Decode(bytes, /*padded=*/true);
      if (!decoded) return Fail(where + ": not base64: " + decoded.error().message);
      bytes = std::move(*decoded);
    }
    if (!overwrite && out.contains(key)) {
      return Fail(where + ": duplicate of a key in data");
    }
    out[key] = std::move(bytes);
  }
  return {};
}

Result<ConfigObject> ParseObject(const json& document, ConfigKind kind) {
  ConfigObject object;
  object.kind = kind;
  const json metadata = document.value("metadata", json::object());
  if (!metadata.is_object() || !metadata.contains("name") || !metadata["name"].is_string() ||
      metadata["name"].get<std::string>().empty()) {
    return Fail(std::string(ConfigKindName(kind)) + ": metadata.name: required");
  }
  object.name = metadata["name"].get<std::string>();
  Status ok;
  if (kind == ConfigKind::kConfigMap) {
    ok = ReadMap(document, "data", false, object.data, false);
    if (ok) ok = ReadMap(document, "binaryData", true, object.data, false);
  } else {
    // The API server merges stringData into data, stringData winning.
    ok = ReadMap(document, "data", true, object.data, false);
    if (ok) ok = ReadMap(document, "stringData", false, object.data, true);
  }
  if (!ok) {
    return Fail(ok.error().Wrap(std::string(ConfigKindName(kind)) + " \"" + object.name + "\""));
  }
  return object;
}

}  // namespace

const char* ConfigKindName(ConfigKind kind) {
  return kind == ConfigKind::kConfigMap ? "ConfigMap" : "Secret";
}

bool IsConfigKey(const std::string& key) {
  if (key.empty() || key.size() > 253 || key == "." || key == "..") return false;
  for (char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

Status ConfigObjects::Add(const std::vector<json>& documents, const std::string& origin) {
  for (const json& document : documents) {
    if (!document.is_object()) continue;
    auto kind_it = document.find("kind");
    if (kind_it == document.end() || !kind_it->is_string()) continue;
    ConfigKind kind;
    if (*kind_it == "ConfigMap") {
      kind = ConfigKind::kConfigMap;
    } else if (*kind_it == "Secret") {
      kind = ConfigKind::kSecret;
    } else {
      continue;
    }
    auto object = ParseObject(document, kind);
    if (!object) return Fail(object.error().Wrap(origin));
    const auto key = std::make_pair(kind, object->name);
    if (auto seen = origins_.find(key); seen != origins_.end()) {
      return Fail(std::string(ConfigKindName(kind)) + " \"" + object->name + "\" is defined in " +
                  seen->second + " and again in " + origin + ": keep one");
    }
    origins_[key] = origin;
    objects_[key] = std::move(*object);
  }
  return {};
}

const ConfigObject* ConfigObjects::Find(ConfigKind kind, const std::string& name) const {
  auto it = objects_.find({kind, name});
  return it == objects_.end() ? nullptr : &it->second;
}

}  // namespace podstep::podsim
