#include "common/error.h"

namespace podstep {

Error Error::Wrap(std::string_view context) const {
  return Error{sys_errno, std::string(context) + ": " + message};
}

Error ErrnoError(std::string_view what, int err) {
  return Error{err, std::string(what) + ": " + GoErrnoText(err)};
}

Error ErrnoError(std::string_view what) { return ErrnoError(what, errno); }

}  // namespace podstep
