#pragma once
// What podsim knows of a container image without a registry: the image's
// root file system when the user has it locally (podman storage, or
// `--image NAME=ROOTFS_DIR`), and its Entrypoint/Cmd (from the image config,
// or `--image-command IMAGE=CMD`). The renderer asks it for the command of a
// step that has none; the kubelet asks it for the root a container runs on.

#include <optional>
#include <string>
#include <vector>

namespace podstep::podsim {

struct ImageConfig {
  /// The image config's Entrypoint and Cmd (Docker semantics: the command is
  /// Entrypoint + Cmd; a step's `args` replace Cmd).
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  /// Host directory holding the image's root file system; empty when only
  /// the command is known (the container then runs on the read-only host root).
  std::string rootfs;
  /// The image config's Env ("NAME=value"), WorkingDir and User, when known.
  std::vector<std::string> env;
  std::string working_dir;
  std::string user;
};

class ImageStore {
 public:
  virtual ~ImageStore() = default;
  /// What is known of `image` (as written in the manifest); nullopt when nothing is.
  virtual std::optional<ImageConfig> Find(const std::string& image) = 0;
};

/// Knows no image: every container runs on the read-only host root.
class NoImages : public ImageStore {
 public:
  std::optional<ImageConfig> Find(const std::string&) override { return std::nullopt; }
};

}  // namespace podstep::podsim
