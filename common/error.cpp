#include "common/error.h"

#include <cstring>

namespace podstep {

Error Error::Wrap(std::string_view context) const {
  return Error{sys_errno, std::string(context) + ": " + message};
}

Error ErrnoError(std::string_view what, int err) {
  return Error{err, std::string(what) + ": " + GoErrnoText(err)};
}

std::string GoErrnoText(int err) {
  std::string text = std::strerror(err);
  if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z')
    text[0] = static_cast<char>(text[0] - 'A' + 'a');
  return text;
}

Error ErrnoError(std::string_view what) { return ErrnoError(what, errno); }

}  // namespace podstep
