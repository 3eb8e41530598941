#pragma once
// Names that become path components (step names, result names): they are
// checked before anything is read, linked or waited on (CONTRACT.md §11).

#include <string>
#include <string_view>

#include "common/error.h"

namespace podstep {

/// Rejects names that could escape their directory: empty is allowed (the
/// reference skips it), `/`, `.` and `..` are not. `kind` names the name in
/// the error ("refusing result name \"..\": …").
Status ValidateFileName(std::string_view kind, const std::string& name);

}  // namespace podstep
