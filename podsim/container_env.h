#pragma once
// A container's environment as the kubelet and the runtime make it (pkg/
// kubelet makeEnvironmentVariables, then the runtime's merge with the
// image): the image's Env first; then `envFrom` sources in order; then
// `env` in order, each plain value `$(VAR)`-expanded against the variables
// the container defined before it (valueFrom values are not expanded); a
// later definition of a name replaces the earlier value in place. And the
// check, before anything runs, that every ConfigMap and Secret a pod
// references (volumes, env, envFrom) resolves. Pure.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "podsim/config_objects.h"
#include "podsim/pod_spec.h"

namespace podstep::podsim {

struct ContainerEnv {
  /// Name → value in order of first definition.
  std::vector<std::pair<std::string, std::string>> vars;
  /// The container's own variables (envFrom and env, not the image's): what
  /// `$(VAR)` in its command, args and working dir may name.
  std::map<std::string, std::string> expansion;
  /// envFrom keys that are not valid variable names, which the kubelet skips.
  std::vector<std::string> skipped;

  /// Whether `name` is set.
  [[nodiscard]] bool Has(const std::string& name) const;
};

/// Builds the environment of `container`. `image_env` holds "NAME=value"
/// entries; `field` resolves Downward-API field paths. Fails like the
/// kubelet's CreateContainerConfigError, naming the variable:
/// `env X: couldn't find key k in ConfigMap c`.
Result<ContainerEnv> BuildContainerEnv(const Container& container,
                                       const std::vector<std::string>& image_env,
                                       const FieldResolver& field, const ConfigObjects& objects);

/// Whether every ConfigMap/Secret reference of `pod` resolves (volumes,
/// env, envFrom; optional ones may be missing) and no hostPath volume is
/// used without `allow_host_path`. Errors name the volume or container:
/// `volume "v": configmap "c" not found: …`, `container step-a: env X: …`.
Status CheckPodReferences(const PodSpec& pod, const ConfigObjects& objects, bool allow_host_path);

}  // namespace podstep::podsim
