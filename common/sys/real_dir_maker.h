#pragma once
// The real DirMaker of workingdirinit.

#include "common/sys/file_util.h"
#include "common/working_dir_init.h"

namespace podstep {

/// Go's os.MkdirAll(path, 0755), as the reference calls it.
class RealDirMaker : public DirMaker {
 public:
  Status MakeDirs(const std::string& path) override { return podstep::MakeDirs(path, 0755); }
};

}  // namespace podstep
