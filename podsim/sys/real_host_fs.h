#pragma once
// HostFs on the real file system (lstat, readdir, readlink, /proc/self/mountinfo).

#include "podsim/mount_plan.h"

namespace podstep::podsim {

class RealHostFs : public HostFs {
 public:
  std::vector<Entry> List(const std::string& dir) override;
  Type TypeOf(const std::string& path) override;
  std::vector<HostMount> Mounts() override;
};

}  // namespace podstep::podsim
