#include "podsim/local_images.h"

#include <nlohmann/json.hpp>

#include "podsim/pod_spec.h"

namespace podstep::podsim {
namespace {

using nlohmann::json;

template <class Value>
const Value* Lookup(const std::map<std::string, Value>& map, const std::string& image) {
  if (auto it = map.find(image); it != map.end()) return &it->second;
  const std::string normalized = NormalizeImageName(image);
  for (const auto& [name, value] : map) {
    if (NormalizeImageName(name) == normalized) return &value;
  }
  return nullptr;
}

}  // namespace

Result<ImageConfig> ParseImageInspect(const std::string& text) {
  const json parsed = json::parse(text, nullptr, false);
  const json* image = &parsed;
  if (parsed.is_array() && parsed.size() == 1) image = &parsed[0];
  if (!image->is_object()) return Fail("podman image inspect: not a JSON object");
  ImageConfig config;
  auto it = image->find("Config");
  if (it == image->end() || it->is_null()) return config;
  if (!it->is_object()) return Fail("podman image inspect: Config: must be an object");
  const json& c = *it;
  for (auto [key, out] : {std::pair{"Entrypoint", &config.entrypoint},
                          std::pair{"Cmd", &config.cmd}, std::pair{"Env", &config.env}}) {
    auto list = GetStrings(c, key, "Config");
    if (!list) return Fail(list.error().Wrap("podman image inspect"));
    *out = std::move(*list);
  }
  for (auto [key, out] :
       {std::pair{"WorkingDir", &config.working_dir}, std::pair{"User", &config.user}}) {
    auto field = c.find(key);
    if (field != c.end() && field->is_string()) *out = field->get<std::string>();
  }
  return config;
}

std::string NormalizeImageName(const std::string& image) {
  std::string domain = "docker.io";
  std::string rest = image;
  const size_t slash = image.find('/');
  if (slash != std::string::npos) {
    const std::string first = image.substr(0, slash);
    if (first.find_first_of(".:") != std::string::npos || first == "localhost") {
      domain = first;
      rest = image.substr(slash + 1);
    }
  }
  if (domain == "docker.io" && rest.find('/') == std::string::npos) rest = "library/" + rest;
  const size_t last_slash = rest.rfind('/');
  const std::string last = last_slash == std::string::npos ? rest : rest.substr(last_slash + 1);
  if (rest.find('@') == std::string::npos && last.find(':') == std::string::npos) {
    rest += ":latest";
  }
  return domain + "/" + rest;
}

LocalImages::LocalImages(ImageFlags flags, std::unique_ptr<Podman> podman)
    : flags_(std::move(flags)), podman_(std::move(podman)) {}

LocalImages::~LocalImages() {
  for (const std::string& image : mounted_) podman_->Unmount(image);
}

void LocalImages::Prefetch(const std::vector<std::string>& images) {
  std::vector<std::string> unknown;
  for (const std::string& image : images) {
    if (!cache_.contains(image)) unknown.push_back(image);
  }
  if (podman_ != nullptr && !unknown.empty()) podman_->Prefetch(unknown);
}

std::optional<ImageConfig> LocalImages::Find(const std::string& image) {
  auto it = cache_.find(image);
  if (it == cache_.end()) it = cache_.emplace(image, LookUp(image)).first;
  Entry& entry = it->second;
  if (entry.mount_pending) Mount(image, entry);
  return entry.config;
}

LocalImages::Entry LocalImages::LookUp(const std::string& image) {
  Entry entry;
  std::optional<ImageConfig>& found = entry.config;
  const std::string* rootfs = Lookup(flags_.rootfs, image);
  const std::vector<std::string>* command = Lookup(flags_.command, image);
  if (podman_ != nullptr && podman_->Exists(image)) {
    auto inspected = podman_->Inspect(image);
    if (inspected) {
      auto config = ParseImageInspect(*inspected);
      if (config) {
        found = std::move(*config);
      } else {
        notes_.push_back(config.error().message + " (image " + image + ")");
      }
    } else {
      notes_.push_back(inspected.error().message);
    }
    if (!found) found.emplace();
    entry.mount_pending = rootfs == nullptr;
  }
  if (rootfs != nullptr) {
    if (!found) found.emplace();
    found->rootfs = *rootfs;
  }
  if (command != nullptr) {
    if (!found) found.emplace();
    found->entrypoint = *command;
    found->cmd.clear();
  }
  return entry;
}

void LocalImages::Mount(const std::string& image, Entry& entry) {
  auto mounted = podman_->Mount(image);
  if (!mounted && mounted.error().sys_errno == EAGAIN) return;  // not yet: tried again later
  entry.mount_pending = false;
  if (!mounted) {
    notes_.push_back(mounted.error().message);
    return;
  }
  mounted_.push_back(image);
  entry.config->rootfs = *mounted;
}

std::vector<std::string> LocalImages::TakeNotes() { return std::exchange(notes_, {}); }

}  // namespace podstep::podsim
