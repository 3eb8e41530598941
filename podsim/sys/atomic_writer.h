#pragma once
// The kubelet's AtomicWriter layout for Downward-API volumes: the files live
// in a hidden timestamped directory `..<timestamp>`, a `..data` symlink points
// at it, and each file is a symlink `name -> ..data/name`. An update writes a
// new timestamped directory, points a `..data_tmp` symlink at it, renames
// that over `..data` (the one atomic step readers observe), then removes the
// old directory.

#include <map>
#include <string>

#include "common/error.h"

namespace podstep::podsim {

/// Writes `files` (name → content) into `dir` with the layout above; the
/// first call creates it, later calls update it atomically. Errors name the
/// path: "write downward volume '/x': symlink: …".
Status WriteAtomicVolume(const std::string& dir, const std::map<std::string, std::string>& files);

}  // namespace podstep::podsim
