#pragma once
// The namespaces a pod's containers share, as Kubernetes' pause container
// holds them: network (loopback only), UTS (the pod's hostname) and IPC.
// Made once per pod by a short-lived child and kept as nsfs descriptors,
// which each container joins with setns: nothing outlives podsim.

#include <string>

#include "common/error.h"
#include "common/sys/unique_fd.h"

namespace podstep::podsim {

class PodSandbox {
 public:
  /// New IPC namespace; new network (only `lo`, up) and UTS (`hostname`)
  /// namespaces unless `host_network`, as Kubernetes' hostNetwork shares
  /// both with the node.
  static Result<PodSandbox> Create(const std::string& hostname, bool host_network);

  /// nsfs descriptors to setns into; -1 for the host's.
  [[nodiscard]] int net() const { return net_.get(); }
  [[nodiscard]] int uts() const { return uts_.get(); }
  [[nodiscard]] int ipc() const { return ipc_.get(); }

 private:
  PodSandbox() = default;
  UniqueFd net_;
  UniqueFd uts_;
  UniqueFd ipc_;
};

/// When podsim is not root: moves podsim into a new user namespace where
/// its user is root (and no other user exists), so it can make the
/// containers' namespaces. Call while podsim is single-threaded. Fails with
/// what to do when the kernel refuses.
Status EnterUserNamespaceIfUnprivileged();

}  // namespace podstep::podsim
