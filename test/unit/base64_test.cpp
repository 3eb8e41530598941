#include "common/base64.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace podstep {
namespace {

struct EncodeCase {
  std::string bytes;
  std::string padded;
  std::string raw;
};

// RFC 4648 section 10, plus both alphabet ends.
TEST(Base64Test, Encode) {
  const std::vector<EncodeCase> cases = {
      {"", "", ""},
      {"f", "Zg==", "Zg"},
      {"fo", "Zm8=", "Zm8"},
      {"foo", "Zm9v", "Zm9v"},
      {"foob", "Zm9vYg==", "Zm9vYg"},
      {"fooba", "Zm9vYmE=", "Zm9vYmE"},
      {"foobar", "Zm9vYmFy", "Zm9vYmFy"},
      {"\xFB\xFF", "+/8=", "+/8"},
      {std::string("\0\0\0", 3), "AAAA", "AAAA"},
  };
  for (const EncodeCase& c : cases) {
    EXPECT_EQ(Base64Encode(c.bytes, /*padded=*/true), c.padded) << c.bytes;
    EXPECT_EQ(Base64Encode(c.bytes, /*padded=*/false), c.raw) << c.bytes;
  }
}

struct DecodeCase {
  std::string text;
  bool padded;
  std::string expected;  // the bytes, or the exact error message
  bool ok;
};

// Expected offsets follow Go's decodeQuantum (encoding/base64), case by case.
TEST(Base64Test, Decode) {
  const std::string kIllegal = "illegal base64 data at input byte ";
  const std::vector<DecodeCase> cases = {
      {"", true, "", true},
      {"", false, "", true},
      {"Zm9vYmFy", true, "foobar", true},
      {"Zm9vYg==", true, "foob", true},
      {"Zm9vYmE=", true, "fooba", true},
      {"Zm9vYg", false, "foob", true},
      {"Zm9vYmE", false, "fooba", true},
      {"+/8=", true, "\xFB\xFF", true},
      {"Zm9v\nYmFy", true, "foobar", true},
      {"\r\nZm\r\n9v\n", true, "foo", true},
      {"Zg=\n=", true, "f", true},
      {"Zg==\n\r\n", true, "f", true},
      {"Zm\n9vYg\n", false, "foob", true},
      {"Zh==", true, "f", true},  // non-zero trailing bits: Go's non-strict mode
      {"Zh", false, "f", true},
      {"Zm9=", true, "fo", true},
      {"\n\n", true, "", true},
      // Padded: missing, misplaced or trailing padding.
      {"Z", true, kIllegal + "0", false},
      {"Zg", true, kIllegal + "0", false},
      {"Zm9", true, kIllegal + "0", false},
      {"Zm9vY", true, kIllegal + "4", false},
      {"Zm9vYg", true, kIllegal + "4", false},
      {"Zg=", true, kIllegal + "3", false},
      {"Zg=\n", true, kIllegal + "4", false},
      {"Zg=a", true, kIllegal + "2", false},
      {"Zg==a", true, kIllegal + "4", false},
      {"Zg==\nZg==", true, kIllegal + "5", false},
      {"Zm8=Zm8=", true, kIllegal + "4", false},
      {"Z===", true, kIllegal + "1", false},
      {"====", true, kIllegal + "0", false},
      {"Zm9v=", true, kIllegal + "4", false},
      {"Zm9v!", true, kIllegal + "4", false},
      {"Zm 9v", true, kIllegal + "2", false},
      {"Zm9v-_", true, kIllegal + "4", false},  // URL alphabet is not standard
      // Unpadded: '=' is just an illegal byte; one leftover character is too few.
      {"Zg==", false, kIllegal + "2", false},
      {"Zm8=", false, kIllegal + "3", false},
      {"Z", false, kIllegal + "0", false},
      {"Zm9vY", false, kIllegal + "4", false},
      {"Zm\n9vY", false, kIllegal + "5", false},
      {"Zm9vY\n", false, kIllegal + "5", false},
      {"Zm9v\x80", false, kIllegal + "4", false},
  };
  for (const DecodeCase& c : cases) {
    auto decoded = Base64Decode(c.text, c.padded);
    ASSERT_EQ(decoded.has_value(), c.ok)
        << testing::PrintToString(c.text) << " padded " << c.padded;
    if (c.ok) {
      EXPECT_EQ(*decoded, c.expected) << testing::PrintToString(c.text);
    } else {
      EXPECT_EQ(decoded.error().message, c.expected) << testing::PrintToString(c.text);
      EXPECT_EQ(decoded.error().sys_errno, 0);
    }
  }
}

TEST(Base64Test, RoundTripRandomBytes) {
  std::mt19937 random(4648);
  for (int round = 0; round < 2000; ++round) {
    std::string bytes(random() % 40, '\0');
    for (char& c : bytes) c = static_cast<char>(random() % 256);
    for (bool padded : {true, false}) {
      const std::string text = Base64Encode(bytes, padded);
      EXPECT_EQ(text.size() % 4 == 0, padded || bytes.size() % 3 == 0);
      auto decoded = Base64Decode(text, padded);
      ASSERT_TRUE(decoded.has_value()) << text;
      EXPECT_EQ(*decoded, bytes);
      // Line breaks anywhere are ignored, as by Go.
      std::string wrapped = text;
      wrapped.insert(random() % (wrapped.size() + 1), "\r\n");
      auto unwrapped = Base64Decode(wrapped, padded);
      ASSERT_TRUE(unwrapped.has_value()) << wrapped;
      EXPECT_EQ(*unwrapped, bytes);
    }
  }
}

}  // namespace
}  // namespace podstep
