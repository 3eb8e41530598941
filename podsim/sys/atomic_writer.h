#pragma once
// The kubelet's AtomicWriter layout for API-data volumes (downwardAPI,
// configMap, secret, projected): the files live in a hidden timestamped
// directory `..<timestamp>`, a `..data` symlink points at it, and each
// top-level entry is a symlink `name -> ..data/name`. An update writes a new
// timestamped directory, points a `..data_tmp` symlink at it, renames that
// over `..data` (the one atomic step readers observe), then removes the old
// directory and the top-level links no longer in the payload.

#include <map>
#include <string>

#include "common/error.h"
#include "podsim/volume_sources.h"

namespace podstep::podsim {

/// Writes `files` (relative path → content and mode) into `dir` with the
/// layout above; the first call creates it, later calls update it
/// atomically. Errors name the path: "write volume '/x': symlink: …".
Status WriteAtomicVolume(const std::string& dir, const VolumeFiles& files);

/// The same with every file 0644.
Status WriteAtomicVolume(const std::string& dir, const std::map<std::string, std::string>& files);

}  // namespace podstep::podsim
