#include "podsim/task_params.h"

#include "common/go_quote.h"

namespace podstep::podsim {
namespace {

using nlohmann::json;

// The ways a param is named in a reference (apply.go's paramPatterns).
std::vector<std::string> Patterns(const std::string& name) {
  return {"params." + name, "params[" + GoQuote(name) + "]", "params['" + name + "']",
          "inputs.params." + name};
}

bool AllStrings(const json& value) {
  for (const json& item : value) {
    if (!item.is_string()) return false;
  }
  return true;
}

// `^\$\([_a-zA-Z0-9.-]+(\[([0-9]+|\*)\])?\)$`: a value that is one reference
// and nothing else (resultref.go's exactVariableSubstitutionFormat).
bool IsExactReference(std::string_view text) {
  if (!text.starts_with("$(") || !text.ends_with(")")) return false;
  std::string_view inner = text.substr(2, text.size() - 3);
  if (inner.ends_with("]")) {
    const size_t open = inner.rfind('[');
    if (open == std::string_view::npos) return false;
    const std::string_view index = inner.substr(open + 1, inner.size() - open - 2);
    if (index != "*" &&
        (index.empty() || index.find_first_not_of("0123456789") != std::string_view::npos)) {
      return false;
    }
    inner = inner.substr(0, open);
  }
  return !inner.empty() && inner.find_first_not_of(
                               "_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
                               "QRSTUVWXYZ0123456789.-") == std::string::npos;
}

void AddValue(const std::string& name, const ParamValue& value, ParamReplacements& r) {
  for (const std::string& pattern : Patterns(name)) {
    if (value.type == "array") {
      for (size_t i = 0; i < value.array_value.size(); ++i) {
        r.strings[pattern + "[" + std::to_string(i) + "]"] = value.array_value[i];
      }
      r.arrays[pattern] = value.array_value;
    } else if (value.type == "object") {
      r.objects[pattern] = value.object_value;
    } else {
      r.strings[pattern] = value.string_value;
    }
  }
  if (value.type == "object") {
    for (const auto& [key, item] : value.object_value)
      r.strings["params." + name + "." + key] = item;
  }
}

// ParamValue.applyOrCorrect: a string that is exactly a reference to an
// array or an object takes that type.
void ApplyToString(ParamValue& value, const ParamReplacements& r) {
  const std::string text = value.string_value;
  if (!IsExactReference(text)) {
    value.string_value = ApplyReplacements(text, r.strings);
    return;
  }
  std::string_view key = std::string_view(text).substr(2, text.size() - 3);
  if (key.ends_with("[*]")) key.remove_suffix(3);
  if (r.strings.contains(key)) value.string_value = ApplyReplacements(text, r.strings);
  if (r.arrays.contains(key)) {
    value = ParamValue{"array", "", ApplyArrayReplacements(text, r.strings, r.arrays), {}};
  }
  if (auto it = r.objects.find(key); it != r.objects.end()) {
    value = ParamValue{"object", "", {}, it->second};
  }
}

}  // namespace

ParamValue ParamValue::FromJson(const json& value) {
  ParamValue out;
  if (value.is_array() && AllStrings(value)) {
    out.type = "array";
    out.array_value = value.get<std::vector<std::string>>();
  } else if (value.is_object() && AllStrings(value)) {
    out.type = "object";
    out.object_value = value.get<std::map<std::string, std::string>>();
  } else if (value.is_string()) {
    out.string_value = value.get<std::string>();
  } else if (!value.is_null()) {
    out.string_value = value.dump();
  }
  return out;
}

json ParamValue::ToJson() const {
  if (type == "array") return array_value;
  if (type == "object") return object_value;
  return string_value;
}

std::vector<ParamSpec> ParseParamSpecs(const json& list) {
  std::vector<ParamSpec> out;
  for (const json& p : list) {
    ParamSpec spec;
    spec.name = p.value("name", "");
    spec.type = p.value("type", "");
    if (p.contains("default")) spec.default_value = ParamValue::FromJson(p["default"]);
    if (p.contains("properties")) {
      spec.properties.emplace();
      for (const auto& [key, property] : p["properties"].items()) {
        (*spec.properties)[key] = property.value("type", "string");
      }
    }
    if (p.contains("enum")) spec.enum_values = p["enum"].get<std::vector<std::string>>();
    if (spec.type.empty()) {
      spec.type = spec.properties      ? "object"
                  : spec.default_value ? spec.default_value->type
                                       : "string";
    }
    out.push_back(std::move(spec));
  }
  return out;
}

std::vector<Param> ParseParams(const json& list) {
  std::vector<Param> out;
  for (const json& p : list) {
    out.push_back({p.value("name", ""), ParamValue::FromJson(p.value("value", json()))});
  }
  return out;
}

ParamReplacements ReplacementsFromDefaults(const std::vector<ParamSpec>& specs) {
  ParamReplacements r;
  for (const ParamSpec& spec : specs) {
    if (spec.default_value) AddValue(spec.name, *spec.default_value, r);
  }
  return r;
}

ParamReplacements ReplacementsFromParams(const std::vector<Param>& params) {
  ParamReplacements r;
  for (const Param& p : params) AddValue(p.name, p.value, r);
  return r;
}

ParamReplacements TaskParameters(const std::vector<ParamSpec>& specs,
                                 const std::vector<Param>& params) {
  ParamReplacements r = ReplacementsFromDefaults(specs);
  ParamReplacements given = ReplacementsFromParams(params);
  for (auto& [key, value] : given.strings) r.strings[key] = value;
  for (auto& [key, value] : given.arrays) r.arrays[key] = value;
  for (auto& [key, value] : given.objects) {
    for (const auto& [field, item] : value) r.objects[key][field] = item;
  }
  return r;
}

void ReplaceParamVariables(std::vector<Param>& params, const ParamReplacements& r) {
  for (Param& p : params) {
    if (p.value.type == "array") {
      std::vector<std::string> items;
      for (const std::string& item : p.value.array_value) {
        for (std::string& out : ApplyArrayReplacements(item, r.strings, r.arrays)) {
          items.push_back(std::move(out));
        }
      }
      p.value.array_value = std::move(items);
    } else if (p.value.type == "object") {
      for (auto& [key, item] : p.value.object_value) item = ApplyReplacements(item, r.strings);
    } else {
      ApplyToString(p.value, r);
    }
  }
}

json ReplaceParamVariables(const json& list, const ParamReplacements& r) {
  std::vector<Param> params = ParseParams(list);
  ReplaceParamVariables(params, r);
  json out = json::array();
  for (const Param& p : params) out.push_back({{"name", p.name}, {"value", p.value.ToJson()}});
  return out;
}

std::vector<std::string> ParamNames(const std::vector<ParamSpec>& specs, const std::string& type) {
  std::vector<std::string> names;
  for (const ParamSpec& spec : specs) {
    if (type.empty() || spec.type == type) names.push_back(spec.name);
  }
  return names;
}

}  // namespace podstep::podsim
