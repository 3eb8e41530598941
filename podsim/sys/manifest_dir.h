#pragma once
// `--from-dir DIR`: the manifests of a directory, as `kubectl apply -f DIR`
// reads them (its *.yaml, *.yml and *.json files, not recursively, in name
// order).

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "podsim/config_objects.h"

namespace podstep::podsim {

struct ManifestFile {
  std::string path;
  std::vector<nlohmann::json> documents;
};

/// Every manifest file of `dir`, parsed. Fails on an unreadable directory
/// ("--from-dir /x: open: no such file or directory") or a file that does
/// not parse (the manifest reader's error, naming the file).
Result<std::vector<ManifestFile>> LoadManifestDir(const std::string& dir);

/// The references of a run: the ConfigMaps and Secrets of `documents` (the
/// manifest file, named `file` in errors) and of every `--from-dir`
/// directory; the directories' other documents that a run may refer to
/// (Tasks, StepActions; not TaskRuns or Pods, which are never run from
/// there) are appended to `documents`.
Result<ConfigObjects> LoadReferences(const std::string& file,
                                     std::vector<nlohmann::json>& documents,
                                     const std::vector<std::string>& from_dirs);

}  // namespace podstep::podsim
