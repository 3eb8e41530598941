#include "common/termination_message.h"

#include <zlib.h>

#include <charconv>
#include <climits>

#include "common/base64.h"
#include "common/go_json.h"

namespace podstep {
namespace {

// Raw DEFLATE (RFC 1951), cut at kMaxDecompressedBytes like the reference's
// io.LimitReader: reaching the cap is not an error, a corrupt or truncated
// stream is. Bytes after the final block are ignored, as Go's flate reader does.
std::optional<std::string> Inflate(std::string_view deflated) {
  if (deflated.size() > UINT_MAX) return std::nullopt;
  z_stream stream{};
  if (inflateInit2(&stream, -15) != Z_OK) return std::nullopt;
  std::string out(kMaxDecompressedBytes, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(deflated.data()));
  stream.avail_in = static_cast<uInt>(deflated.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int rc = Z_OK;
  while (rc == Z_OK && stream.avail_out > 0) rc = inflate(&stream, Z_NO_FLUSH);
  const bool complete = rc == Z_STREAM_END || stream.avail_out == 0;
  out.resize(stream.total_out);
  inflateEnd(&stream);
  if (!complete) return std::nullopt;
  return out;
}

// Go matches JSON names to struct fields case-insensitively with Unicode
// simple folding; the only non-ASCII runes that fold onto the ASCII letters of
// our field names are KELVIN SIGN (k) and LATIN SMALL LETTER LONG S (s).
std::string FoldName(std::string_view name) {
  std::string folded;
  for (size_t i = 0; i < name.size(); ++i) {
    if (name.substr(i, 3) == "\xE2\x84\xAA") {
      folded += 'K';
      i += 2;
    } else if (name.substr(i, 2) == "\xC5\xBF") {
      folded += 'S';
      i += 1;
    } else {
      const char c = name[i];
      folded += c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    }
  }
  return folded;
}

// A Go string field: `null` leaves it as it was.
bool DecodeStringField(GoJsonReader& reader, std::string& field) {
  if (reader.ConsumeLiteral("null")) return true;
  auto text = reader.ReadString();
  if (!text) return false;
  field = std::move(*text);
  return true;
}

// Go's result.ResultType.UnmarshalJSON: an integer (null is 0), else a legacy name.
bool DecodeType(GoJsonReader& reader, ResultType& type) {
  if (reader.ConsumeLiteral("null")) {
    type = ResultType::kUnspecified;
    return true;
  }
  if (reader.Peek() == '"') {
    auto name = reader.ReadString();
    if (!name) return false;
    if (*name == "TaskRunResult") {
      type = ResultType::kTaskRun;
    } else if (*name == "InternalTektonResult") {
      type = ResultType::kInternal;
    } else if (*name == "StepResult") {
      type = ResultType::kStep;
    } else if (*name == "StepArtifactsResult") {
      type = ResultType::kStepArtifacts;
    } else if (*name == "TaskRunArtifactsResult") {
      type = ResultType::kTaskRunArtifacts;
    } else {
      type = kUnknownResultType;
    }
    return true;
  }
  auto number = reader.ReadNumber();
  if (!number) return false;
  // Go rejects fractions and exponents for an int; from_chars stops at them.
  int value = 0;
  const char* end = number->data() + number->size();
  auto [stop, error] = std::from_chars(number->data(), end, value);
  if (error != std::errc() || stop != end) return false;
  type = static_cast<ResultType>(value);
  return true;
}

// One array element: `null` (an empty entry, as in Go) or an object.
bool DecodeEntry(GoJsonReader& reader, RunResult& entry) {
  if (reader.ConsumeLiteral("null")) return true;
  if (!reader.Consume('{')) return false;
  if (reader.Consume('}')) return true;
  do {
    auto name = reader.ReadString();
    if (!name || !reader.Consume(':')) return false;
    const std::string field = FoldName(*name);
    std::string ignored;
    bool ok = false;
    if (field == "KEY") {
      ok = DecodeStringField(reader, entry.key);
    } else if (field == "VALUE") {
      ok = DecodeStringField(reader, entry.value);
    } else if (field == "RESOURCENAME") {
      ok = DecodeStringField(reader, ignored);  // still must be a string for Go
    } else if (field == "TYPE") {
      ok = DecodeType(reader, entry.type);
    } else {
      ok = reader.SkipValue(/*depth=*/2);
    }
    if (!ok) return false;
  } while (reader.Consume(','));
  return reader.Consume('}');
}

std::optional<std::vector<RunResult>> DecodeRunResults(std::string_view json) {
  GoJsonReader reader(json);
  std::vector<RunResult> results;
  // Go fails on empty input, which drops it: the same as an empty list here.
  if (reader.AtEnd()) return results;
  if (!reader.ConsumeLiteral("null")) {
    if (!reader.Consume('[')) return std::nullopt;
    if (!reader.Consume(']')) {
      do {
        RunResult entry;
        if (!DecodeEntry(reader, entry)) return std::nullopt;
        results.push_back(std::move(entry));
      } while (reader.Consume(','));
      if (!reader.Consume(']')) return std::nullopt;
    }
  }
  if (!reader.AtEnd()) return std::nullopt;
  return results;
}

}  // namespace

std::string MarshalRunResults(const std::vector<RunResult>& results) {
  std::string json = "[";
  for (const RunResult& result : results) {
    if (json.size() > 1) json += ',';
    json += "{\"key\":";
    AppendGoJsonString(json, result.key);
    json += ",\"value\":";
    AppendGoJsonString(json, result.value);
    if (result.type != ResultType::kUnspecified) {
      json += ",\"type\":";
      json += std::to_string(static_cast<int>(result.type));
    }
    json += '}';
  }
  json += ']';
  return json;
}

std::optional<std::vector<RunResult>> ParseTerminationMessage(std::string_view content) {
  if (!content.starts_with(kCompressedPrefix)) return DecodeRunResults(content);
  auto deflated = Base64Decode(content.substr(kCompressedPrefix.size()), /*padded=*/false);
  if (!deflated) return std::nullopt;
  auto json = Inflate(*deflated);
  if (!json) return std::nullopt;
  return DecodeRunResults(*json);
}

std::string CompressTerminationMessage(std::string_view json) {
  if (json.size() > UINT_MAX / 2) return "";
  z_stream stream{};
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return "";
  }
  std::string deflated(deflateBound(&stream, static_cast<uLong>(json.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(json.data()));
  stream.avail_in = static_cast<uInt>(json.size());
  stream.next_out = reinterpret_cast<Bytef*>(deflated.data());
  stream.avail_out = static_cast<uInt>(deflated.size());
  const int rc = deflate(&stream, Z_FINISH);
  deflated.resize(stream.total_out);
  deflateEnd(&stream);
  if (rc != Z_STREAM_END) return "";
  return std::string(kCompressedPrefix) + Base64Encode(deflated, /*padded=*/false);
}

Result<std::string> BuildTerminationMessage(std::string_view existing,
                                            const std::vector<RunResult>& entries, bool compress) {
  std::vector<RunResult> all;
  if (auto old = ParseTerminationMessage(existing)) all = std::move(*old);
  all.insert(all.end(), entries.begin(), entries.end());
  std::string message = MarshalRunResults(all);
  if (compress) {
    std::string compressed = CompressTerminationMessage(message);
    if (!compressed.empty() && compressed.size() < message.size()) message = std::move(compressed);
  }
  if (message.size() > kMaxTerminationMessageBytes) return Fail(std::string(kMessageTooLong));
  return message;
}

}  // namespace podstep
