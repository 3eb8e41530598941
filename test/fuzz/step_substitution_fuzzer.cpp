// Step results (common/step_substitution.h). Input: the text to substitute,
// a newline, then the content of every result file (and provenance.json).
// Result values round-trip through JSON; references are found in order,
// never overlapping, within one line; text without references is unchanged.

#include <nlohmann/json.hpp>

#include "common/step_substitution.h"
#include "test/fuzz/fuzz_support.h"

namespace {

void CheckResultValue(const std::string& content) {
  using podstep::ResultValue;
  const ResultValue value = podstep::ParseResultValue(content);
  if (value.type == ResultValue::kArray) {
    const std::string json = nlohmann::json(value.array_value).dump();
    const ResultValue again = podstep::ParseResultValue(json);
    FUZZ_CHECK(again.type == ResultValue::kArray && again.array_value == value.array_value, json);
  } else if (value.type == ResultValue::kObject) {
    nlohmann::json object = nlohmann::json::object();
    for (const auto& [key, item] : value.object_value) object[key] = item;
    FUZZ_CHECK(object.size() == value.object_value.size(), content);
    const std::string json = object.dump();
    const ResultValue again = podstep::ParseResultValue(json);
    FUZZ_CHECK(again.type == ResultValue::kObject && again.object_value == value.object_value,
               json);
  } else if (value.string_value != content) {
    // A JSON string literal, decoded.
    FUZZ_CHECK(content.starts_with('"'), content);
    const std::string json = nlohmann::json(value.string_value).dump();
    FUZZ_CHECK(podstep::ParseResultValue(json).string_value == value.string_value, json);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = podstep::fuzz::AsText(data, size);
  const size_t newline = input.find('\n');
  const std::string text(input.substr(0, newline));
  const std::string content(newline == std::string_view::npos ? "" : input.substr(newline + 1));
  CheckResultValue(content);

  size_t after = 0;
  const std::vector<std::string> references = podstep::FindResultReferences(text);
  for (const std::string& reference : references) {
    const size_t at = text.find(reference, after);
    FUZZ_CHECK(at != std::string::npos, text + " | " + reference);
    FUZZ_CHECK(reference.starts_with("$(steps.") && reference.ends_with(")") &&
                   reference.find(".results.") != std::string::npos &&
                   reference.find('\n') == std::string::npos,
               reference);
    after = at + reference.size();
  }

  int reads = 0;
  podstep::StepSubstitution substitution(
      "/steps", [&](const std::string& path) -> podstep::Result<std::optional<std::string>> {
        ++reads;
        FUZZ_CHECK(path.starts_with("/steps/step-"), path);
        FUZZ_CHECK(path.find("/../") == std::string::npos, path);
        if (path.ends_with("/missing")) return std::optional<std::string>();
        return std::optional<std::string>(content);
      });
  auto replaced = substitution.ReplaceResults(text);
  auto args = substitution.ReplaceResultsInArgs({text, "plain"});
  auto artifacts = substitution.ReplaceArtifacts(text);
  if (references.empty()) {
    FUZZ_CHECK(replaced.has_value() && *replaced == text, text);
    FUZZ_CHECK(args.has_value() && *args == std::vector<std::string>({text, "plain"}), text);
  }
  if (text.find("$(") == std::string::npos) {
    FUZZ_CHECK(reads == 0, text);
    FUZZ_CHECK(artifacts.has_value() && *artifacts == text, text);
  }
  return 0;
}
