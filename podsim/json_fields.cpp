#include "podsim/json_fields.h"

#include <algorithm>

namespace podstep::podsim {

using nlohmann::json;

std::string FieldPath(const std::string& path, const std::string& field) {
  return path.empty() ? field : path + "." + field;
}

std::string Index(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

Status CheckFields(const json& object, const std::string& path,
                   std::initializer_list<std::string_view> known) {
  if (!object.is_object()) return Fail(path + ": must be an object");
  for (const auto& [key, value] : object.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return Fail("unsupported field " + path + "." + key);
    }
  }
  return {};
}

Result<std::string> StringField(const json& object, const char* key, const std::string& path,
                                bool required) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    if (required) return Fail(path + "." + key + ": required");
    return std::string();
  }
  if (!it->is_string()) return Fail(path + "." + key + ": must be a string");
  return it->get<std::string>();
}

Result<bool> BoolField(const json& object, const char* key, const std::string& path,
                       bool fallback) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) return Fail(path + "." + key + ": must be true or false");
  return it->get<bool>();
}

Result<std::optional<int64_t>> IntField(const json& object, const char* key,
                                        const std::string& path, int64_t min, int64_t max) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::optional<int64_t>();
  if (!it->is_number_integer()) return Fail(path + "." + key + ": must be an integer");
  const int64_t value = it->get<int64_t>();
  if (value < min || value > max) {
    return Fail(path + "." + key + ": must be between " + std::to_string(min) + " and " +
                std::to_string(max));
  }
  return value;
}

}  // namespace podstep::podsim
