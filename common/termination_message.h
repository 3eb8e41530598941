#pragma once
// The container's termination message (CONTRACT.md §6): a JSON array of
// {"key","value","type"} the controller parses, appended to what earlier
// writers left, optionally compressed, never longer than 4096 bytes.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace podstep {

/// The `type` of an entry, as the controller interprets it.
enum class ResultType : int {
  kUnspecified = 0,
  kTaskRun = 1,
  kInternal = 3,
  kStep = 4,
  kStepArtifacts = 5,
  kTaskRunArtifacts = 6,
};

/// Go's result.UnknownResultType: what an old message's unknown string type decodes to.
inline constexpr ResultType kUnknownResultType = static_cast<ResultType>(10);

/// One entry of the message (Go's result.RunResult without the unused resourceName).
struct RunResult {
  std::string key;
  std::string value;
  ResultType type = ResultType::kUnspecified;
  bool operator==(const RunResult&) const = default;
};

/// The most the kubelet reads of one container's message.
inline constexpr std::size_t kMaxTerminationMessageBytes = 4096;
/// The reference's exact error text for an oversize message; users grep for it.
inline constexpr std::string_view kMessageTooLong =
    "Termination message is above max allowed size 4096, caused by large task result.";
/// Marks a compressed message.
inline constexpr std::string_view kCompressedPrefix = "tknz:";
/// Decompressed old messages are cut at this size (a decompression-bomb guard).
inline constexpr std::size_t kMaxDecompressedBytes = 128 * 1024;

/// Go's json.Marshal of []RunResult, byte for byte: fields `key`, `value`,
/// then `type` only when non-zero; an empty list is "[]". Never fails.
std::string MarshalRunResults(const std::vector<RunResult>& results);

/// Decodes a message as Go's json.Unmarshal into []RunResult would: `tknz:`
/// + unpadded base64 of raw DEFLATE (cut at kMaxDecompressedBytes), or plain
/// JSON; `null` and whitespace-only content give an empty list; a `null`
/// element gives an empty entry; keys match case-insensitively; `type` may be
/// an integer or one of the legacy names ("TaskRunResult", …, others →
/// kUnknownResultType). nullopt when Go would fail: bad base64 or DEFLATE,
/// invalid JSON, not an array, a field of the wrong type — and, unlike Go,
/// a `type` outside the range of int32.
std::optional<std::vector<RunResult>> ParseTerminationMessage(std::string_view content);

/// "tknz:" + unpadded standard base64 of the raw DEFLATE (zlib level 9) of
/// `json`; "" in the never-seen case that zlib fails.
std::string CompressTerminationMessage(std::string_view json);

/// Pure: what the file must hold after appending `entries` to its old content
/// `existing` ("" when absent): the old entries when they parse, else none
/// (unparsable old content is replaced entirely), then `entries`, marshalled;
/// with `compress`, the compressed form when strictly shorter. Fails with
/// Error{0, kMessageTooLong} when the result exceeds 4096 bytes.
Result<std::string> BuildTerminationMessage(std::string_view existing,
                                            const std::vector<RunResult>& entries, bool compress);

}  // namespace podstep
