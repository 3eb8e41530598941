#pragma once
// The list fields of Tekton documents (steps, env, volumes, …) read and
// grown without repeating "is it there?" at every use, and lists printed as
// Go's %v prints a []string in its error messages.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace podstep::podsim {

/// object[key], or an empty list when absent.
inline const nlohmann::json& ListField(const nlohmann::json& object, const char* key) {
  static const nlohmann::json kEmpty = nlohmann::json::array();
  auto it = object.find(key);
  return it == object.end() ? kEmpty : *it;
}

/// object[key] when it is a list; an empty list when absent or of another
/// type (fields of a Pod whose other types are not refused).
inline const nlohmann::json& ListOrEmpty(const nlohmann::json& object, const char* key) {
  static const nlohmann::json kEmpty = nlohmann::json::array();
  auto it = object.find(key);
  return it == object.end() || !it->is_array() ? kEmpty : *it;
}

/// object[key], made an empty list first when absent.
inline nlohmann::json& GrowList(nlohmann::json& object, const char* key) {
  if (!object.contains(key)) object[key] = nlohmann::json::array();
  return object[key];
}

/// Go's %v of a []string: "[a b]".
inline std::string GoList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? " " : "") + items[i];
  return out + "]";
}

}  // namespace podstep::podsim
