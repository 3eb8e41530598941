#pragma once
// The Pod the Tekton controller creates for a Task spec whose `$(…)`
// references it has already replaced and whose workspaces it has mounted
// (pkg/pod: Builder.Build, orderContainers, convertScripts, workingDirInit):
// the `prepare`, `place-scripts` and `working-dir-initializer` init
// containers, each step wrapped by
// /tekton/bin/entrypoint with its flags in the controller's order, the
// sidecars, the internal volumes and mounts, the credentials, and the
// TaskRun's podTemplate. Pure (the ImageStore is asked, not a registry).

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "common/error.h"
#include "podsim/creds_init.h"
#include "podsim/image_store.h"

namespace podstep::podsim {

/// What the Pod takes from its TaskRun.
struct PodSettings {
  std::string run_name;
  std::string namespace_name = "default";
  std::string uid;
  nlohmann::json labels = nlohmann::json::object();       ///< the Pod's, complete
  nlohmann::json annotations = nlohmann::json::object();  ///< the TaskRun's
  nlohmann::json pod_template = nlohmann::json::object();
  std::string service_account;
  Credentials credentials;
  /// The TaskRun's timeout; 0 is none (activeDeadlineSeconds is then the maximum).
  std::chrono::nanoseconds timeout = std::chrono::hours(1);
};

/// The Pod for `spec`. A step without command nor script takes its
/// image's entrypoint from `images` (passed as TEKTON_PLATFORM_COMMANDS, as
/// the controller does after asking the registry); an image `images` does
/// not know is an error naming the step and `--image-command`. Two volumes
/// of one name are Tekton's error (`multiple volumes with same name "v"`).
Result<nlohmann::json> BuildPod(const nlohmann::json& spec, const PodSettings& settings,
                                ImageStore& images);

}  // namespace podstep::podsim
