// base64 (common/base64.h): decoding never crashes and fails only with Go's
// message; encode → decode is the identity in both modes.

#include "common/base64.h"
#include "test/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using podstep::Base64Decode;
  using podstep::Base64Encode;
  const std::string_view input = podstep::fuzz::AsText(data, size);
  for (bool padded : {true, false}) {
    if (auto decoded = Base64Decode(input, padded); !decoded) {
      FUZZ_CHECK(decoded.error().message.starts_with("illegal base64 data at input byte "),
                 decoded.error().message);
    } else {
      FUZZ_CHECK(decoded->size() <= input.size() * 3 / 4, std::string(input));
    }
    const std::string encoded = Base64Encode(input, padded);
    FUZZ_CHECK(!padded || encoded.size() % 4 == 0, encoded);
    auto round_trip = Base64Decode(encoded, padded);
    FUZZ_CHECK(round_trip.has_value(), encoded + ": " + round_trip.error().message);
    FUZZ_CHECK(*round_trip == input, encoded);
    // Without '=' and a multiple of 4 long, both modes read the same.
    auto other = Base64Decode(encoded, !padded);
    const bool same = encoded.find('=') == std::string::npos && encoded.size() % 4 == 0;
    FUZZ_CHECK(other.has_value() == same, encoded);
    FUZZ_CHECK(!same || *other == input, encoded);
  }
  return 0;
}
