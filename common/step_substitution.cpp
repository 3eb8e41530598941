#include "common/step_substitution.h"

#include <nlohmann/json.hpp>

#include "common/file_names.h"
#include "common/step.h"

namespace podstep {
namespace {

constexpr std::string_view kResultPrefix = "$(steps.";
constexpr std::string_view kResultsPart = ".results.";

void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

std::vector<std::string> Split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t at; (at = text.find(separator, start)) != std::string::npos; start = at + 1) {
    parts.push_back(text.substr(start, at - start));
  }
  parts.push_back(text.substr(start));
  return parts;
}

struct ArtifactReference {
  std::string whole, step, kind, name;
};

// Go's `\$\(steps\.([^.]+)\.(?:inputs|outputs)\.([^.)]+)\)`.
std::vector<ArtifactReference> FindArtifactReferences(const std::string& text) {
  std::vector<ArtifactReference> found;
  for (size_t at = text.find(kResultPrefix); at != std::string::npos;
       at = text.find(kResultPrefix, at + 1)) {
    size_t step_start = at + kResultPrefix.size();
    size_t step_end = text.find('.', step_start);
    if (step_end == std::string::npos || step_end == step_start) continue;
    std::string kind;
    for (const char* candidate : {"inputs", "outputs"}) {
      if (text.compare(step_end + 1, std::strlen(candidate), candidate) == 0 &&
          text.size() > step_end + 1 + std::strlen(candidate) &&
          text[step_end + 1 + std::strlen(candidate)] == '.') {
        kind = candidate;
      }
    }
    if (kind.empty()) continue;
    size_t name_start = step_end + kind.size() + 2;
    size_t name_end = text.find_first_of(".)", name_start);
    if (name_end == std::string::npos || name_end == name_start || text[name_end] != ')') continue;
    found.push_back({text.substr(at, name_end + 1 - at),
                     text.substr(step_start, step_end - step_start), kind,
                     text.substr(name_start, name_end - name_start)});
    at = name_end;
  }
  return found;
}

}  // namespace

std::vector<std::string> FindResultReferences(const std::string& text) {
  std::vector<std::string> found;
  size_t at = text.find(kResultPrefix);
  while (at != std::string::npos) {
    // `.` in a Go regexp does not match a newline.
    size_t line_end = text.find('\n', at);
    size_t results = text.find(kResultsPart, at + kResultPrefix.size());
    size_t close = results == std::string::npos ? std::string::npos
                                                : text.find(')', results + kResultsPart.size());
    if (close != std::string::npos && (line_end == std::string::npos || close < line_end)) {
      found.push_back(text.substr(at, close + 1 - at));
      at = text.find(kResultPrefix, close + 1);
    } else {
      at = text.find(kResultPrefix, at + 1);
    }
  }
  return found;
}

ResultValue ParseResultValue(const std::string& content) {
  ResultValue value;
  if (!content.empty() && (content[0] == '[' || content[0] == '{' || content[0] == '"')) {
    try {
      auto json = nlohmann::json::parse(content);
      if (json.is_array()) {
        value.array_value = json.get<std::vector<std::string>>();
        value.type = ResultValue::kArray;
        return value;
      }
      if (json.is_object()) {
        for (const auto& [key, item] : json.items()) {
          value.object_value.emplace_back(key, item.get<std::string>());
        }
        value.type = ResultValue::kObject;
        return value;
      }
      if (json.is_string()) {
        value.string_value = json.get<std::string>();
        return value;
      }
    } catch (const std::exception&) {
      value = ResultValue{};
    }
  }
  value.string_value = content;
  return value;
}

Result<StepSubstitution::Replacement> StepSubstitution::ResolveResult(
    const std::string& reference) {
  // "$(steps.<step>.results.<name>[i|*])" or "…results.<name>.<key>)"
  std::string inner = reference.substr(2, reference.size() - 3);
  std::vector<std::string> parts = Split(inner, '.');
  if ((parts.size() != 4 && parts.size() != 5) || parts[0] != "steps" || parts[2] != "results") {
    return Fail("invalid step result reference " + reference +
                ": must be of the form \"steps.<stepName>.results.<resultName>\" or "
                "\"steps.<stepName>.results.<objectResultName>.<individualAttribute>\"");
  }
  std::string step = parts[1];
  std::string name = parts[3];
  std::optional<std::string> index;
  if (size_t bracket = name.find('['); bracket != std::string::npos && name.back() == ']') {
    index = name.substr(bracket + 1, name.size() - bracket - 2);
    name = name.substr(0, bracket);
  }
  if (auto valid = ValidateFileName("step", step); !valid || step.empty()) {
    return Fail("invalid step name in " + reference);
  }
  if (auto valid = ValidateFileName("result", name); !valid || name.empty()) {
    return Fail("invalid result name in " + reference);
  }
  std::string path = steps_dir_ + "/step-" + step + "/results/" + name;
  auto content = read_(path);
  if (!content) return Fail(content.error());
  if (!*content) return Fail("open " + path + ": no such file or directory", ENOENT);
  ResultValue value = ParseResultValue(**content);

  Replacement replacement;
  if (parts.size() == 5) {
    for (const auto& [key, item] : value.object_value) {
      if (key == parts[4]) replacement.text = item;
    }
  } else if (index && *index == "*") {
    replacement.array = value.array_value;
  } else if (index) {
    size_t position = 0;
    try {
      position = std::stoul(*index);
    } catch (const std::exception&) {
      return Fail("invalid array index in " + reference);
    }
    if (position >= value.array_value.size()) {
      return Fail("array index " + *index + " out of range in " + reference);
    }
    replacement.text = value.array_value[position];
  } else {
    replacement.text = value.string_value;
  }
  return replacement;
}

Result<std::string> StepSubstitution::ReplaceResults(const std::string& text) {
  std::string replaced = text;
  for (const auto& reference : FindResultReferences(text)) {
    auto resolved = ResolveResult(reference);
    if (!resolved) return Fail(resolved.error());
    ReplaceAll(replaced, reference, resolved->text);
  }
  return replaced;
}

Result<std::vector<std::string>> StepSubstitution::ReplaceResultsInArgs(
    const std::vector<std::string>& args) {
  std::vector<std::string> replaced;
  for (const auto& arg : args) {
    std::string current = arg;
    std::optional<std::vector<std::string>> expansion;
    for (const auto& reference : FindResultReferences(arg)) {
      auto resolved = ResolveResult(reference);
      if (!resolved) {
        return Fail("failed to find replacement for " + reference + " to replace " + arg + ": " +
                    resolved.error().message);
      }
      if (resolved->array && !resolved->array->empty()) {
        if (arg != reference) {
          return Fail(
              "value must be in \"$(steps.<step-name>.results.<result-name>[*])\" format, when "
              "using array results");
        }
        expansion = std::move(resolved->array);
      } else {
        ReplaceAll(current, reference, resolved->text);
      }
    }
    if (expansion) {
      replaced.insert(replaced.end(), expansion->begin(), expansion->end());
    } else {
      replaced.push_back(std::move(current));
    }
  }
  return replaced;
}

Result<std::string> StepSubstitution::ResolveArtifact(const std::string& step,
                                                      const std::string& kind,
                                                      const std::string& name) {
  if (auto valid = ValidateFileName("step", step); !valid) return Fail(valid.error());
  std::string path = steps_dir_ + "/step-" + step + "/artifacts/provenance.json";
  auto content = read_(path);
  if (!content) return Fail(content.error());
  if (!*content) return Fail("open " + path + ": no such file or directory", ENOENT);
  try {
    auto json = nlohmann::json::parse(**content);
    for (const auto& artifact : json.value(kind, nlohmann::json::array())) {
      if (artifact.value("name", "") != name) continue;
      // Go marshals []ArtifactValue: digest (sorted map) then uri, both omitempty.
      nlohmann::json values = nlohmann::json::array();
      for (const auto& item : artifact.value("values", nlohmann::json::array())) {
        nlohmann::json value = nlohmann::json::object();
        if (item.contains("digest") && !item["digest"].empty()) value["digest"] = item["digest"];
        if (!item.value("uri", "").empty()) value["uri"] = item["uri"];
        values.push_back(std::move(value));
      }
      return artifact.contains("values") && !artifact["values"].empty() ? values.dump() : "null";
    }
  } catch (const std::exception& e) {
    return Fail("parse " + path + ": " + e.what());
  }
  return Fail("values for template $(steps." + step + "." + kind + "." + name + ") not found");
}

Result<std::string> StepSubstitution::ReplaceArtifacts(const std::string& text) {
  std::string replaced = text;
  for (const auto& reference : FindArtifactReferences(text)) {
    auto values = ResolveArtifact(reference.step, reference.kind, reference.name);
    if (!values) return Fail(values.error());
    ReplaceAll(replaced, reference.whole, *values);
  }
  return replaced;
}

}  // namespace podstep
