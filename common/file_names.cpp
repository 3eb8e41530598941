#include "common/file_names.h"

namespace podstep {

Status ValidateFileName(std::string_view kind, const std::string& name) {
  if (name.empty()) return {};
  if (name.find('/') != std::string::npos || name == "." || name == "..") {
    return Fail("refusing " + std::string(kind) + " name \"" + name +
                "\": a name must not contain '/' or be '.' or '..'");
  }
  return {};
}

}  // namespace podstep
