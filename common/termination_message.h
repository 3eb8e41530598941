#pragma once
// The container's termination message (CONTRACT.md §6): a JSON array of
// {"key","value","type"} the controller parses, appended to what earlier
// writers left, optionally compressed, never longer than 4096 bytes.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace podstep {

enum class ResultType : int {
  kUnspecified = 0,
  kTaskRun = 1,
  kInternal = 3,
  kStep = 4,
  kStepArtifacts = 5,
  kTaskRunArtifacts = 6,
};

struct RunResult {
  std::string key;
  std::string value;
  ResultType type = ResultType::kUnspecified;
  bool operator==(const RunResult&) const = default;
};

inline constexpr std::size_t kMaxTerminationMessageBytes = 4096;
inline constexpr std::string_view kMessageTooLong =
    "Termination message is above max allowed size 4096, caused by large task result.";
inline constexpr std::string_view kCompressedPrefix = "tknz:";

/// Go's json.Marshal of []RunResult, byte for byte (`type` omitted when 0).
std::string MarshalRunResults(const std::vector<RunResult>& results);

/// Parses a plain or `tknz:` message; nullopt when it is not a valid one.
std::optional<std::vector<RunResult>> ParseTerminationMessage(std::string_view content);

/// "tknz:" + unpadded standard base64 of the raw DEFLATE of `json`.
std::string CompressTerminationMessage(std::string_view json);

/// What the file must hold after appending `entries` to its old content
/// `existing` ("" when absent; unparsable old content is dropped). Fails with
/// exactly kMessageTooLong when the result exceeds 4096 bytes.
Result<std::string> BuildTerminationMessage(std::string_view existing,
                                            const std::vector<RunResult>& entries, bool compress);

/// Reads the file, builds the new message and writes it in place (the file
/// may be a bind mount the kubelet reads: never replaced by rename).
Status WriteTerminationMessage(const std::string& path, const std::vector<RunResult>& entries,
                               bool compress);

}  // namespace podstep
