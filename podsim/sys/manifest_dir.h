#pragma once
// `--from-dir DIR`: the manifests of a directory, as `kubectl apply -f DIR`
// reads them (its *.yaml, *.yml and *.json files, not recursively, in name
// order).

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"

namespace podstep::podsim {

struct ManifestFile {
  std::string path;
  std::vector<nlohmann::json> documents;
};

/// Every manifest file of `dir`, parsed. Fails on an unreadable directory
/// ("--from-dir /x: open: no such file or directory") or a file that does
/// not parse (the manifest reader's error, naming the file).
Result<std::vector<ManifestFile>> LoadManifestDir(const std::string& dir);

}  // namespace podstep::podsim
