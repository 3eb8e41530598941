#include "common/podsim/manifest.h"

#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <regex>

#include "common/sys/file_util.h"

namespace podstep::podsim {
namespace {

using nlohmann::json;

// YAML 1.2 core schema resolution of a plain scalar.
json PlainScalar(const std::string& text) {
  static const std::regex kInt("[-+]?[0-9]+");
  static const std::regex kFloat(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    return nullptr;
  }
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  if (std::regex_match(text, kInt)) {
    try {
      return std::stoll(text);
    } catch (const std::exception&) {
      return text;
    }
  }
  if (std::regex_match(text, kFloat)) {
    try {
      return std::stod(text);
    } catch (const std::exception&) {
      return text;
    }
  }
  return text;
}

json ToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Scalar:
      // yaml-cpp tags plain scalars "?" and quoted or block ones "!".
      if (node.Tag() == "?") return PlainScalar(node.Scalar());
      return node.Scalar();
    case YAML::NodeType::Sequence: {
      json array = json::array();
      for (const auto& item : node) array.push_back(ToJson(item));
      return array;
    }
    case YAML::NodeType::Map: {
      json object = json::object();
      for (const auto& item : node) object[item.first.as<std::string>()] = ToJson(item.second);
      return object;
    }
  }
  return nullptr;
}

void AddDocument(json document, std::vector<json>& out) {
  if (document.is_null()) return;
  if (document.is_array()) {
    for (auto& item : document) out.push_back(std::move(item));
    return;
  }
  if (document.is_object() && document.value("kind", "") == "List" && document.contains("items") &&
      document["items"].is_array()) {
    for (auto& item : document["items"]) out.push_back(std::move(item));
    return;
  }
  out.push_back(std::move(document));
}

}  // namespace

Result<std::vector<json>> ParseManifests(std::string_view text, std::string_view what) {
  std::vector<json> out;
  const auto first = text.find_first_not_of(" \t\r\n");
  const std::string context = "parse " + std::string(what);
  if (first != std::string_view::npos && (text[first] == '{' || text[first] == '[')) {
    json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (document.is_discarded()) return Fail(context + ": invalid JSON");
    AddDocument(std::move(document), out);
    return out;
  }
  try {
    for (const YAML::Node& node : YAML::LoadAll(std::string(text))) AddDocument(ToJson(node), out);
  } catch (const YAML::Exception& e) {
    return Fail(context + ": " + e.what());
  } catch (const std::exception& e) {
    return Fail(context + ": " + e.what());
  }
  return out;
}

Result<std::vector<json>> LoadManifests(const std::string& path) {
  std::string text;
  if (path == "-") {
    char buffer[65536];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, stdin)) > 0) text.append(buffer, n);
  } else {
    auto content = ReadFileIfExists(path);
    if (!content) return Fail(content.error().Wrap("read " + path));
    if (!*content) return Fail("read " + path + ": no such file or directory", ENOENT);
    text = std::move(**content);
  }
  return ParseManifests(text, path == "-" ? "stdin" : path);
}

}  // namespace podstep::podsim
