#include "podsim/sys/manifest_dir.h"

#include <algorithm>
#include <filesystem>

#include "podsim/manifest.h"

namespace podstep::podsim {

Result<std::vector<ManifestFile>> LoadManifestDir(const std::string& dir) {
  std::error_code ec;
  std::vector<std::string> paths;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::filesystem::path& path = it->path();
    const std::string ext = path.extension().string();
    if ((ext == ".yaml" || ext == ".yml" || ext == ".json") && it->is_regular_file(ec)) {
      paths.push_back(path.string());
    }
  }
  if (ec) return Fail(ErrnoError("--from-dir " + dir + ": open", ec.value()));
  std::sort(paths.begin(), paths.end());
  std::vector<ManifestFile> files;
  for (const std::string& path : paths) {
    auto documents = LoadManifests(path);
    if (!documents) return Fail(documents.error());
    files.push_back({path, std::move(*documents)});
  }
  return files;
}

Result<ConfigObjects> LoadReferences(const std::string& file,
                                     std::vector<nlohmann::json>& documents,
                                     const std::vector<std::string>& from_dirs) {
  ConfigObjects objects;
  if (auto ok = objects.Add(documents, file); !ok) return Fail(ok.error());
  for (const std::string& dir : from_dirs) {
    auto files = LoadManifestDir(dir);
    if (!files) return Fail(files.error());
    for (ManifestFile& f : *files) {
      if (auto ok = objects.Add(f.documents, f.path); !ok) return Fail(ok.error());
      for (nlohmann::json& document : f.documents) {
        const std::string kind = document.is_object() ? document.value("kind", "") : "";
        if (kind != "TaskRun" && kind != "Pod" && kind != "PipelineRun") {
          documents.push_back(std::move(document));
        }
      }
    }
  }
  return objects;
}

}  // namespace podstep::podsim
