#pragma once
// The documents podsim was given (one file, several files, --from-dir),
// looked up as the controller looks up what a TaskRun refers to: a Task,
// a StepAction, a ServiceAccount and its Secrets, by kind and name.

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

namespace podstep::podsim {

class Documents {
 public:
  explicit Documents(std::vector<nlohmann::json> all) : all_(std::move(all)) {}

  /// The first document of `kind` named `name` (metadata.name), or null.
  const nlohmann::json* Find(std::string_view kind, std::string_view name) const;

  /// Every document, in the order given.
  const std::vector<nlohmann::json>& all() const { return all_; }

 private:
  std::vector<nlohmann::json> all_;
};

/// The `kind` of a document ("" when it has none or it is not a string).
std::string KindOf(const nlohmann::json& document);

/// metadata.name of a document ("" when it has none).
std::string NameOf(const nlohmann::json& document);

}  // namespace podstep::podsim
