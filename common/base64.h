#pragma once
// Standard-alphabet base64 with Go's encoding/base64 semantics: the
// compressed termination message (unpadded) and `decode-script` (padded,
// newlines ignored) must accept exactly what the reference accepts.

#include <string>
#include <string_view>

#include "common/error.h"

namespace podstep {

/// Encodes `bytes` with the standard alphabet (A-Z a-z 0-9 + /), as Go's
/// StdEncoding (`padded`: '=' up to a multiple of 4) or RawStdEncoding. Never fails.
std::string Base64Encode(std::string_view bytes, bool padded);

/// Decodes like Go's StdEncoding (`padded`) or RawStdEncoding DecodeString:
/// '\r' and '\n' are skipped anywhere; padding is required when `padded` and
/// forbidden otherwise; non-zero trailing bits are accepted (Go's non-strict
/// mode). Anything else fails with exactly Go's message
/// "illegal base64 data at input byte N", N being the offset Go reports.
Result<std::string> Base64Decode(std::string_view text, bool padded);

}  // namespace podstep
