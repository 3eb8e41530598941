// The termination message (common/termination_message.h): any old content,
// plain or `tknz:`, parses without a crash; what parses marshals and parses
// back to the same entries, compressed too; a built message never exceeds
// 4096 bytes and reads back as the old entries plus the new ones.

#include "common/base64.h"
#include "common/termination_message.h"
#include "test/fuzz/fuzz_support.h"

namespace {

using podstep::RunResult;

std::string Describe(const std::vector<RunResult>& entries) {
  std::string text;
  for (const auto& e : entries) {
    text += "{" + e.key + "|" + e.value + "|" + std::to_string(static_cast<int>(e.type)) + "} ";
  }
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using podstep::ParseTerminationMessage;
  const std::string_view input = podstep::fuzz::AsText(data, size);

  // 1. The input as an old message, and as the payload of a compressed one.
  auto parsed = ParseTerminationMessage(input);
  const std::string as_compressed =
      std::string(podstep::kCompressedPrefix) + podstep::Base64Encode(input, false);
  (void)ParseTerminationMessage(as_compressed);
  if (parsed) {
    const std::string json = podstep::MarshalRunResults(*parsed);
    auto again = ParseTerminationMessage(json);
    FUZZ_CHECK(again.has_value(), json);
    FUZZ_CHECK(*again == *parsed, json + " vs " + Describe(*again));
  }
  // DEFLATE at level 9 costs ~1 ms under ASan: compress one input in four.
  const bool compress_this = size % 4 == 0;
  if (parsed && compress_this) {
    const std::string json = podstep::MarshalRunResults(*parsed);
    const std::string compressed = podstep::CompressTerminationMessage(json);
    FUZZ_CHECK(compressed.starts_with(podstep::kCompressedPrefix), json);
    if (json.size() <= podstep::kMaxDecompressedBytes) {
      auto inflated = ParseTerminationMessage(compressed);
      FUZZ_CHECK(inflated.has_value() && *inflated == *parsed, json);
    }
  }

  // 2. New entries cut from the input appended to it as old content.
  std::vector<RunResult> entries;
  const std::vector<std::string> parts = podstep::fuzz::SplitInput(input, '\n');
  for (size_t i = 0; i + 1 < parts.size() && entries.size() < 8; i += 2) {
    entries.push_back(
        {parts[i], parts[i + 1], static_cast<podstep::ResultType>(parts[i].size() % 7)});
  }
  for (bool compress : {false, true}) {
    if (compress && !compress_this) continue;
    auto built = podstep::BuildTerminationMessage(input, entries, compress);
    if (!built) {
      FUZZ_CHECK(built.error().message == podstep::kMessageTooLong, built.error().message);
      continue;
    }
    FUZZ_CHECK(built->size() <= podstep::kMaxTerminationMessageBytes, *built);
    auto read = ParseTerminationMessage(*built);
    FUZZ_CHECK(read.has_value(), *built);
    std::vector<RunResult> want = parsed.value_or(std::vector<RunResult>{});
    // What is written is what Go would read: invalid UTF-8 as U+FFFD.
    auto normalized = ParseTerminationMessage(podstep::MarshalRunResults(entries));
    FUZZ_CHECK(normalized.has_value(), Describe(entries));
    want.insert(want.end(), normalized->begin(), normalized->end());
    FUZZ_CHECK(*read == want, *built);
  }
  return 0;
}
