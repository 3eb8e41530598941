#pragma once
// The ImageStore podsim runs with: what the user says on the command line
// first (`--image NAME=ROOTFS_DIR`, `--image-command IMAGE=CMD`), then the
// local podman storage (`podman image exists`, `image inspect` for the
// config, `image mount` for the root file system). Nothing is ever pulled.
// Podman is behind an interface so the policy is tested with a fake.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "podsim/image_store.h"

namespace podstep::podsim {

/// The podman operations podsim uses. Abstract so tests can fake it.
class Podman {
 public:
  virtual ~Podman() = default;
  /// Starts the lookups of these images in the background; a later
  /// Exists of one of them waits for its own.
  virtual void Prefetch(const std::vector<std::string>& /*images*/) {}
  /// Whether local storage has the image (false when podman is missing).
  virtual bool Exists(const std::string& image) = 0;
  /// The `podman image inspect` JSON of the image.
  virtual Result<std::string> Inspect(const std::string& image) = 0;
  /// Mounts the image's root file system (read-only use); its directory.
  /// Fails with sys_errno EAGAIN when it may not mount yet (podsim is not in
  /// its own mount namespace): the caller asks again later.
  virtual Result<std::string> Mount(const std::string& image) = 0;
  /// Undoes one Mount.
  virtual void Unmount(const std::string& image) = 0;
};

/// `--image NAME=ROOTFS_DIR` and `--image-command IMAGE=CMD`, by image name.
struct ImageFlags {
  std::map<std::string, std::string> rootfs;
  std::map<std::string, std::vector<std::string>> command;
};

/// The image config of `podman image inspect` output (a JSON list of one):
/// Config.Entrypoint, Cmd, Env, WorkingDir, User.
Result<ImageConfig> ParseImageInspect(const std::string& json);

/// A reference reduced to compare with another: "busybox",
/// "docker.io/library/busybox" and "busybox:latest" all read
/// "docker.io/library/busybox:latest"; a digest is kept as is.
std::string NormalizeImageName(const std::string& image);

class LocalImages : public ImageStore {
 public:
  /// `podman` may be null (no podman lookups).
  LocalImages(ImageFlags flags, std::unique_ptr<Podman> podman);
  /// Unmounts every image it mounted.
  ~LocalImages() override;
  LocalImages(const LocalImages&) = delete;
  LocalImages& operator=(const LocalImages&) = delete;

  /// Starts looking these images up while podsim goes on (podman takes
  /// tens of milliseconds per call): the pod's init containers run meanwhile.
  void Prefetch(const std::vector<std::string>& images);

  /// Looked up once per image; the rootfs of a podman image is mounted on
  /// the first use that Podman::Mount allows. A podman failure leaves what
  /// is known (the command) and a note.
  std::optional<ImageConfig> Find(const std::string& image) override;

  /// What went wrong with podman since the last call ("podman image mount
  /// x: …"), each said once.
  std::vector<std::string> TakeNotes();

 private:
  ImageFlags flags_;
  std::unique_ptr<Podman> podman_;
  struct Entry {
    std::optional<ImageConfig> config;
    bool mount_pending = false;  // in podman, its rootfs not mounted yet
  };
  Entry LookUp(const std::string& image);
  void Mount(const std::string& image, Entry& entry);

  std::map<std::string, Entry> cache_;
  std::vector<std::string> mounted_;
  std::vector<std::string> notes_;
};

}  // namespace podstep::podsim
