#include "common/termination_message.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <nlohmann/json.hpp>

#include "common/base64.h"
#include "common/go_json.h"
#include "common/sys/file_util.h"
#include "common/sys/unique_fd.h"

namespace podstep {
namespace {

// Decompression-bomb guard, as the reference.
constexpr size_t kMaxDecompressedBytes = 128 * 1024;

std::optional<std::string> Inflate(std::string_view deflated) {
  z_stream stream{};
  if (inflateInit2(&stream, -15) != Z_OK) return std::nullopt;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(deflated.data()));
  stream.avail_in = static_cast<uInt>(deflated.size());
  std::string out;
  char buffer[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    rc = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - stream.avail_out);
    if (out.size() > kMaxDecompressedBytes) rc = Z_DATA_ERROR;
    if (rc == Z_BUF_ERROR && stream.avail_in == 0) rc = Z_DATA_ERROR;  // truncated input
  }
  inflateEnd(&stream);
  if (rc != Z_STREAM_END) return std::nullopt;
  return out;
}

std::string_view TrimSpace(std::string_view text) {
  const char* kSpace = " \t\r\n\v\f";
  size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(kSpace) - begin + 1);
}

}  // namespace

std::string MarshalRunResults(const std::vector<RunResult>& results) {
  std::string json = "[";
  for (const auto& result : results) {
    if (json.size() > 1) json += ',';
    json += "{\"key\":";
    AppendGoJsonString(json, result.key);
    json += ",\"value\":";
    AppendGoJsonString(json, result.value);
    if (result.type != ResultType::kUnspecified) {
      json += ",\"type\":" + std::to_string(static_cast<int>(result.type));
    }
    json += '}';
  }
  return json + "]";
}

std::optional<std::vector<RunResult>> ParseTerminationMessage(std::string_view content) {
  std::string json(content);
  if (content.starts_with(kCompressedPrefix)) {
    auto deflated = Base64Decode(content.substr(kCompressedPrefix.size()), /*padded=*/false);
    if (!deflated) return std::nullopt;
    auto inflated = Inflate(*deflated);
    if (!inflated) return std::nullopt;
    json = std::move(*inflated);
  }
  try {
    auto parsed = nlohmann::json::parse(json);
    std::vector<RunResult> results;
    if (parsed.is_null()) return results;  // Go: null unmarshals to an empty slice
    if (!parsed.is_array()) return std::nullopt;
    for (const auto& item : parsed) {
      if (!item.is_object()) return std::nullopt;
      RunResult result;
      result.key = item.value("key", "");
      result.value = item.value("value", "");
      result.type = static_cast<ResultType>(item.value("type", 0));
      results.push_back(std::move(result));
    }
    return results;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string CompressTerminationMessage(std::string_view json) {
  z_stream stream{};
  deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
  std::string deflated(deflateBound(&stream, static_cast<uLong>(json.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(json.data()));
  stream.avail_in = static_cast<uInt>(json.size());
  stream.next_out = reinterpret_cast<Bytef*>(deflated.data());
  stream.avail_out = static_cast<uInt>(deflated.size());
  deflate(&stream, Z_FINISH);
  deflated.resize(stream.total_out);
  deflateEnd(&stream);
  return std::string(kCompressedPrefix) + Base64Encode(deflated, /*padded=*/false);
}

Result<std::string> BuildTerminationMessage(std::string_view existing,
                                            const std::vector<RunResult>& entries, bool compress) {
  std::vector<RunResult> all;
  if (!TrimSpace(existing).empty()) {
    if (auto old = ParseTerminationMessage(existing)) all = std::move(*old);
  }
  all.insert(all.end(), entries.begin(), entries.end());
  std::string message = MarshalRunResults(all);
  if (compress) {
    std::string compressed = CompressTerminationMessage(message);
    if (compressed.size() < message.size()) message = std::move(compressed);
  }
  if (message.size() > kMaxTerminationMessageBytes) return Fail(std::string(kMessageTooLong));
  return message;
}

Status WriteTerminationMessage(const std::string& path, const std::vector<RunResult>& entries,
                               bool compress) {
  auto existing = ReadFileIfExists(path);
  if (!existing) return Fail(existing.error());
  auto message = BuildTerminationMessage(existing->value_or(""), entries, compress);
  if (!message) return Fail(message.error());
  // The kubelet reads the file after the container exits, from the same page
  // cache: no fsync, which would cost milliseconds on every step.
  UniqueFd fd(RetryEintr(
      [&] { return ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666); }));
  if (!fd.valid()) return Fail(ErrnoError("open " + path));
  if (!WriteAll(fd.get(), *message)) return Fail(ErrnoError("write " + path));
  return {};
}

}  // namespace podstep
