#include "common/tekton_paths.h"

#include <cstdlib>

namespace podstep {

TektonPaths TektonPaths::FromEnvironment() {
  TektonPaths paths;
  if (const char* root = std::getenv(kTektonRootEnv); root != nullptr && *root != '\0') {
    paths.root = root;
  }
  return paths;
}

}  // namespace podstep
