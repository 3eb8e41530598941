#pragma once
// The one place that knows where Tekton mounts things inside a pod. Tests
// point `root` elsewhere (env PODSTEP_TEKTON_ROOT) instead of touching /tekton.

#include <string>

namespace podstep {

/// Environment variable that overrides the `/tekton` root, for tests only.
inline constexpr const char* kTektonRootEnv = "PODSTEP_TEKTON_ROOT";

struct TektonPaths {
  std::string root = "/tekton";

  /// Paths rooted at $PODSTEP_TEKTON_ROOT when set and non-empty, else /tekton.
  static TektonPaths FromEnvironment();

  std::string Termination() const { return root + "/termination"; }
  std::string ResultsDir() const { return root + "/results"; }
  std::string StepsDir() const { return root + "/steps"; }
  std::string RunDir() const { return root + "/run"; }
  std::string DownwardDir() const { return root + "/downward"; }
  std::string CancelFile() const { return DownwardDir() + "/cancel"; }
  std::string ArtifactsDir() const { return root + "/artifacts"; }
  std::string ScriptsDir() const { return root + "/scripts"; }
  std::string CredsDir() const { return root + "/creds"; }
  std::string CredsSecretsDir() const { return root + "/creds-secrets"; }
};

}  // namespace podstep
