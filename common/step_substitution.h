#pragma once
// Runtime substitution of `$(steps.<step>.results.<name>…)` and
// `$(steps.<step>.outputs|inputs.<name>)` (CONTRACT.md §7): the values come
// from earlier steps' files under /tekton/steps, read through a callback.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace podstep {

/// Reads a whole file; nullopt when it does not exist.
using FileReader = std::function<Result<std::optional<std::string>>(const std::string& path)>;

/// A Tekton result value as parsed from a result file.
struct ResultValue {
  enum Type { kString, kArray, kObject } type = kString;
  std::string string_value;
  std::vector<std::string> array_value;
  std::vector<std::pair<std::string, std::string>> object_value;
};

/// Go's ParamValue.UnmarshalJSON: a JSON array of strings, an object of
/// strings, a JSON string literal (decoded), else the raw bytes as a string.
ResultValue ParseResultValue(const std::string& content);

class StepSubstitution {
 public:
  StepSubstitution(std::string steps_dir, FileReader read)
      : steps_dir_(std::move(steps_dir)), read_(std::move(read)) {}

  /// Replaces every result reference in `text` by its string value.
  Result<std::string> ReplaceResults(const std::string& text);
  /// Replaces result references in each arg; an arg that is exactly a
  /// `[*]` reference expands into the array's elements.
  Result<std::vector<std::string>> ReplaceResultsInArgs(const std::vector<std::string>& args);
  /// Replaces every artifact reference by the JSON of the artifact's values.
  Result<std::string> ReplaceArtifacts(const std::string& text);

 private:
  struct Replacement {
    std::string text;
    std::optional<std::vector<std::string>> array;  // set for `[*]`
  };
  Result<Replacement> ResolveResult(const std::string& reference);
  Result<std::string> ResolveArtifact(const std::string& step, const std::string& kind,
                                      const std::string& name);

  std::string steps_dir_;
  FileReader read_;
};

/// Non-overlapping matches of Go's `\$\(steps\..*?\.results\..*?\)`, in order.
std::vector<std::string> FindResultReferences(const std::string& text);

}  // namespace podstep
