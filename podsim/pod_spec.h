#pragma once
// The subset of a Kubernetes Pod that podsim runs, parsed from JSON. Fields
// outside the subset are refused by name, except a few that cannot change
// what the containers do here (images are not pulled, resources are not
// enforced); those are listed in kIgnored* below and the README.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "podsim/probes.h"
#include "podsim/volume_sources.h"

namespace podstep::podsim {

/// The kubelet's default terminationMessagePath.
inline constexpr const char* kDefaultTerminationMessagePath = "/dev/termination-log";

struct EnvVar {
  std::string name;
  std::string value;
  /// `valueFrom.fieldRef.fieldPath`; empty for a plain value.
  std::string field_path;
  /// `valueFrom.configMapKeyRef` or `valueFrom.secretKeyRef`.
  std::optional<KeyRef> key_ref{};
};

struct VolumeMount {
  std::string name;
  std::string mount_path;
  bool read_only = false;
  /// A path inside the volume to mount instead of its root ("" for the root).
  std::string sub_path{};
};

/// The securityContext fields podsim honours (container and pod level; the
/// container's win). Other securityContext fields are ignored.
struct SecurityContext {
  std::optional<int64_t> run_as_user;
  std::optional<int64_t> run_as_group;
  std::optional<bool> run_as_non_root;
};

struct Container {
  std::string name;
  std::vector<std::string> command;
  std::vector<std::string> args;
  std::vector<EnvVar> env;
  std::string working_dir;
  std::vector<VolumeMount> volume_mounts;
  std::string termination_message_path = kDefaultTerminationMessagePath;
  SecurityContext security_context;
  /// The image as written; what podsim knows of it comes from an ImageStore.
  std::string image;
  std::vector<EnvFromSource> env_from;
  std::optional<Probe> readiness_probe;
};

struct Volume {
  std::string name;
  VolumeSource source;
};

struct PodSpec {
  std::string name;
  std::string namespace_name = "default";
  std::string uid;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  std::vector<Container> init_containers;
  std::vector<Container> containers;
  std::vector<Volume> volumes;
  /// spec.terminationGracePeriodSeconds (default 30 as the kubelet).
  int termination_grace_seconds = 30;
  /// spec.activeDeadlineSeconds, when set.
  std::optional<int> active_deadline_seconds;
  SecurityContext security_context;  ///< spec.securityContext
};

/// Parses a Pod object. Errors name the offending field with its JSON path:
/// `unsupported field spec.containers[0].ports`, `spec.containers[1].name: required`.
Result<PodSpec> ParsePod(const nlohmann::json& pod);

/// Value of a Downward-API field path for `pod`: `metadata.name`,
/// `metadata.namespace`, `metadata.uid`, `metadata.labels['k']`,
/// `metadata.annotations['k']` (a missing key gives ""), `metadata.labels`
/// and `metadata.annotations` (all, `k="v"` lines sorted, as the kubelet).
/// Anything else fails with "unsupported fieldPath \"…\"".
Result<std::string> ResolveFieldPath(const PodSpec& pod, const std::string& field_path);

/// True for containers the Tekton controller treats as steps (`step-` prefix).
bool IsStepContainer(const std::string& name);

}  // namespace podstep::podsim

namespace podstep::podsim {

/// `object[key]` as a list of strings (absent or null: empty); errors name
/// `path.key[i]`.
Result<std::vector<std::string>> GetStrings(const nlohmann::json& object, const char* key,
                                            const std::string& path);

/// The kubelet's `$(VAR)` expansion of command, args and env values:
/// `$(NAME)` → the value when `vars` defines NAME, else left as written;
/// `$$` → `$`. Never fails.
std::string ExpandKubeletVariables(const std::string& text,
                                   const std::map<std::string, std::string>& vars);

}  // namespace podstep::podsim
