#include "podsim/documents.h"

namespace podstep::podsim {

using nlohmann::json;

std::string KindOf(const json& document) {
  if (!document.is_object()) return "";
  auto it = document.find("kind");
  return it != document.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string NameOf(const json& document) {
  if (!document.is_object() || !document.contains("metadata")) return "";
  const json& metadata = document["metadata"];
  if (!metadata.is_object()) return "";
  auto it = metadata.find("name");
  return it != metadata.end() && it->is_string() ? it->get<std::string>() : "";
}

const json* Documents::Find(std::string_view kind, std::string_view name) const {
  for (const json& d : all_) {
    if (KindOf(d) == kind && NameOf(d) == name) return &d;
  }
  return nullptr;
}

}  // namespace podstep::podsim
