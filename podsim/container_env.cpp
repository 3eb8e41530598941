#include "podsim/container_env.h"

#include <algorithm>

namespace podstep::podsim {
namespace {

void Set(ContainerEnv& env, const std::string& name, std::string value) {
  auto it = std::find_if(env.vars.begin(), env.vars.end(),
                         [&](const auto& var) { return var.first == name; });
  if (it != env.vars.end()) {
    it->second = std::move(value);
  } else {
    env.vars.emplace_back(name, std::move(value));
  }
}

}  // namespace

bool ContainerEnv::Has(const std::string& name) const {
  return std::any_of(vars.begin(), vars.end(), [&](const auto& var) { return var.first == name; });
}

Result<ContainerEnv> BuildContainerEnv(const Container& container,
                                       const std::vector<std::string>& image_env,
                                       const FieldResolver& field, const ConfigObjects& objects) {
  ContainerEnv env;
  for (const std::string& entry : image_env) {
    const size_t eq = entry.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    Set(env, entry.substr(0, eq), entry.substr(eq + 1));
  }
  auto from = ResolveEnvFrom(container.env_from, objects);
  if (!from) return Fail(from.error().Wrap("envFrom"));
  env.skipped = std::move(from->skipped);
  for (auto& [name, value] : from->vars) {
    env.expansion[name] = value;
    Set(env, name, std::move(value));
  }
  for (const EnvVar& var : container.env) {
    std::string value;
    if (var.key_ref) {
      auto resolved = ResolveKeyRef(*var.key_ref, objects);
      if (!resolved) return Fail(resolved.error().Wrap("env " + var.name));
      // An optional reference to something missing leaves the variable unset.
      if (!*resolved) continue;
      value = std::move(**resolved);
    } else if (!var.field_path.empty()) {
      auto resolved = field(var.field_path);
      if (!resolved) return Fail(resolved.error().Wrap("env " + var.name));
      value = std::move(*resolved);
    } else {
      value = ExpandKubeletVariables(var.value, env.expansion);
    }
    env.expansion[var.name] = value;
    Set(env, var.name, std::move(value));
  }
  return env;
}

Status CheckPodReferences(const PodSpec& pod, const ConfigObjects& objects, bool allow_host_path) {
  const FieldResolver field = [&](const std::string& path) { return ResolveFieldPath(pod, path); };
  for (const Volume& v : pod.volumes) {
    if (auto ok = CheckHostPathAllowed(v.name, v.source, allow_host_path); !ok) return ok;
    if (!IsApiDataVolume(v.source)) continue;
    if (auto files = ProjectVolumeFiles(v.source, objects, field); !files) {
      return Fail(files.error().Wrap("volume \"" + v.name + "\""));
    }
  }
  for (const auto* list : {&pod.init_containers, &pod.containers}) {
    for (const Container& c : *list) {
      if (auto env = BuildContainerEnv(c, {}, field, objects); !env) {
        return Fail(env.error().Wrap("container " + c.name));
      }
    }
  }
  return {};
}

}  // namespace podstep::podsim
