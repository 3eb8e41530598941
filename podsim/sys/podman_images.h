#pragma once
// The real Podman: runs the `podman` command (posix_spawnp through PATH,
// with the caller's environment, so CONTAINERS_STORAGE_CONF and friends
// apply) and reads its output. A missing podman is an image that does not
// exist; nothing is ever pulled.

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "common/sys/unique_fd.h"
#include "podsim/local_images.h"

namespace podstep::podsim {

// Images are mounted only once podsim is in its own mount namespace (which
// RealPodRuntime makes): the mount is then podsim's and its containers',
// never the host's, and ends with podsim even when it is killed.
class PodmanCli : public Podman {
 public:
  /// Each podman command is killed after `limit`.
  explicit PodmanCli(std::chrono::milliseconds limit = std::chrono::seconds(120));
  /// Kills and reaps the lookups still running.
  ~PodmanCli() override;
  PodmanCli(const PodmanCli&) = delete;
  PodmanCli& operator=(const PodmanCli&) = delete;
  void Prefetch(const std::vector<std::string>& images) override;
  bool Exists(const std::string& image) override;
  Result<std::string> Inspect(const std::string& image) override;
  Result<std::string> Mount(const std::string& image) override;
  void Unmount(const std::string& image) override;

 private:
  // A `podman image exists` started by Prefetch.
  struct Lookup {
    pid_t pid;
    UniqueFd pid_fd;
  };
  std::chrono::milliseconds limit_;
  ino_t start_mount_ns_;  // the mount namespace podsim started in
  std::map<std::string, Lookup> lookups_;
};

struct CommandOutput {
  int exit_code = 0;
  std::string out;
  std::string err;
};

/// Runs `argv` (argv[0] through PATH) with stdin from /dev/null, no signal
/// blocked, and our environment; its stdout and stderr (each kept to 1 MiB).
/// Fails when it cannot start ("exec: \"podman\": executable file not found
/// in $PATH") or outlives `limit` (then it is killed).
Result<CommandOutput> CaptureCommand(const std::vector<std::string>& argv,
                                     std::chrono::milliseconds limit);

}  // namespace podstep::podsim
