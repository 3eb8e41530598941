#include "common/artifacts_json.h"

#include <map>
#include <optional>
#include <vector>

#include "common/go_json.h"

namespace podstep {
namespace {

struct ArtifactValue {
  std::map<std::string, std::string> digest;  // Go marshals map keys sorted
  std::string uri;
};
struct Artifact {
  std::string name;
  std::vector<ArtifactValue> values;
  bool build_output = false;
};
struct Artifacts {
  std::vector<Artifact> inputs;
  std::vector<Artifact> outputs;
};

// A decoder over text already known to be valid JSON: only type mismatches
// can fail, each with Go's UnmarshalTypeError text.
class Decoder {
 public:
  explicit Decoder(std::string_view json) : reader_(json) {}

  Status Decode(Artifacts& out) {
    if (reader_.ConsumeLiteral("null")) return {};
    if (reader_.Peek() != '{') {
      return Fail("json: cannot unmarshal " + std::string(GoJsonKindName(reader_.Peek())) +
                  " into Go value of type v1.Artifacts");
    }
    return Object("Artifacts", [&](std::string_view key) -> std::optional<Status> {
      if (GoJsonKeyMatches(key, "inputs")) return List(out.inputs);
      if (GoJsonKeyMatches(key, "outputs")) return List(out.outputs);
      return std::nullopt;
    });
  }

 private:
  Status TypeError(std::string_view go_struct, std::string_view go_type) {
    std::string path;
    for (const auto& field : fields_) path += (path.empty() ? "" : ".") + field;
    return Fail("json: cannot unmarshal " + std::string(GoJsonKindName(reader_.Peek())) +
                " into Go struct field " + std::string(go_struct) + "." + path + " of type " +
                std::string(go_type));
  }

  // Calls `field(key)` for each member; nullopt from it means an unknown
  // member, which Go skips.
  template <class Field>
  Status Object(std::string_view go_struct, Field field) {
    const std::string_view outer = current_struct_;
    reader_.Consume('{');
    bool first = true;
    while (!reader_.Consume('}')) {
      if (!first) reader_.Consume(',');
      first = false;
      std::optional<std::string> key = reader_.ReadString();
      if (!key) return Fail("invalid JSON: syntax error");  // checked first; never trusted
      reader_.Consume(':');
      fields_.push_back(*key);
      current_struct_ = go_struct;
      std::optional<Status> decoded = field(*key);
      fields_.pop_back();
      if (!decoded) {
        reader_.SkipValue(0);
      } else if (!*decoded) {
        return *decoded;
      }
    }
    current_struct_ = outer;
    return {};
  }

  Status String(std::string& out) {
    if (reader_.ConsumeLiteral("null")) return {};
    if (reader_.Peek() != '"') return TypeError(current_struct_, "string");
    std::optional<std::string> text = reader_.ReadString();
    if (!text) return Fail("invalid JSON: syntax error");
    out = std::move(*text);
    return {};
  }

  Status Bool(bool& out) {
    if (reader_.ConsumeLiteral("null")) return {};
    if (reader_.ConsumeLiteral("true")) {
      out = true;
    } else if (reader_.ConsumeLiteral("false")) {
      out = false;
    } else {
      return TypeError(current_struct_, "bool");
    }
    return {};
  }

  // A JSON array of objects into a slice of structs, as encoding/json
  // decodes it: null clears the slice, a null element stays a zero value.
  template <class T, class Field>
  Status ObjectList(std::vector<T>& out, const char* slice_type, const char* struct_name,
                    Field field) {
    if (reader_.ConsumeLiteral("null")) {
      out.clear();
      return {};
    }
    if (reader_.Peek() != '[') return TypeError(current_struct_, std::string("[]") + slice_type);
    out.clear();
    reader_.Consume('[');
    bool first = true;
    while (!reader_.Consume(']')) {
      if (!first) reader_.Consume(',');
      first = false;
      T& element = out.emplace_back();
      if (reader_.ConsumeLiteral("null")) continue;
      if (reader_.Peek() != '{') return TypeError(current_struct_, slice_type);
      auto decoded = Object(struct_name, [&](std::string_view key) { return field(element, key); });
      if (!decoded) return decoded;
    }
    return {};
  }

  Status List(std::vector<Artifact>& out) {
    return ObjectList(out, "v1.Artifact", "Artifact",
                      [&](Artifact& artifact, std::string_view key) -> std::optional<Status> {
                        if (GoJsonKeyMatches(key, "name")) return String(artifact.name);
                        if (GoJsonKeyMatches(key, "values")) return Values(artifact.values);
                        if (GoJsonKeyMatches(key, "buildOutput")) return Bool(artifact.build_output);
                        return std::nullopt;
                      });
  }

  Status Values(std::vector<ArtifactValue>& out) {
    return ObjectList(out, "v1.ArtifactValue", "ArtifactValue",
                      [&](ArtifactValue& value, std::string_view key) -> std::optional<Status> {
                        if (GoJsonKeyMatches(key, "uri")) return String(value.uri);
                        if (GoJsonKeyMatches(key, "digest")) return Digest(value.digest);
                        return std::nullopt;
                      });
  }

  Status Digest(std::map<std::string, std::string>& out) {
    if (reader_.ConsumeLiteral("null")) {
      out.clear();
      return {};
    }
    if (reader_.Peek() != '{') return TypeError(current_struct_, "map[v1.Algorithm]string");
    // Go decodes into the existing map: a repeated "digest" adds entries.
    reader_.Consume('{');
    bool first = true;
    while (!reader_.Consume('}')) {
      if (!first) reader_.Consume(',');
      first = false;
      std::optional<std::string> algorithm = reader_.ReadString();
      if (!algorithm) return Fail("invalid JSON: syntax error");
      reader_.Consume(':');
      std::string hex;
      if (auto decoded = String(hex); !decoded) return decoded;
      out[*algorithm] = std::move(hex);
    }
    return {};
  }

  GoJsonReader reader_;
  std::vector<std::string> fields_;
  std::string_view current_struct_;
};

void AppendArtifacts(std::string& out, std::string_view key, const std::vector<Artifact>& list,
                     bool& need_comma) {
  if (list.empty()) return;
  if (need_comma) out += ',';
  need_comma = true;
  AppendGoJsonString(out, key);
  out += ":[";
  for (size_t i = 0; i < list.size(); ++i) {
    const Artifact& artifact = list[i];
    if (i > 0) out += ',';
    out += '{';
    bool comma = false;
    if (!artifact.name.empty()) {
      out += "\"name\":";
      AppendGoJsonString(out, artifact.name);
      comma = true;
    }
    if (!artifact.values.empty()) {
      out += comma ? ",\"values\":[" : "\"values\":[";
      comma = true;
      for (size_t j = 0; j < artifact.values.size(); ++j) {
        const ArtifactValue& value = artifact.values[j];
        if (j > 0) out += ',';
        out += '{';
        bool value_comma = false;
        if (!value.digest.empty()) {
          out += "\"digest\":{";
          bool digest_comma = false;
          for (const auto& [algorithm, hex] : value.digest) {
            if (digest_comma) out += ',';
            digest_comma = true;
            AppendGoJsonString(out, algorithm);
            out += ':';
            AppendGoJsonString(out, hex);
          }
          out += '}';
          value_comma = true;
        }
        if (!value.uri.empty()) {
          out += value_comma ? ",\"uri\":" : "\"uri\":";
          AppendGoJsonString(out, value.uri);
        }
        out += '}';
      }
      out += ']';
    }
    if (artifact.build_output) out += comma ? ",\"buildOutput\":true" : "\"buildOutput\":true";
    out += '}';
  }
  out += ']';
}

}  // namespace

Result<std::string> NormalizeArtifactsJson(std::string_view json) {
  GoJsonReader check(json);
  if (check.AtEnd()) return Fail("unexpected end of JSON input");
  if (!check.SkipValue(0) || !check.AtEnd()) return Fail("invalid JSON: syntax error");
  Artifacts artifacts;
  if (auto decoded = Decoder(json).Decode(artifacts); !decoded) return Fail(decoded.error());
  std::string out = "{";
  bool comma = false;
  AppendArtifacts(out, "inputs", artifacts.inputs, comma);
  AppendArtifacts(out, "outputs", artifacts.outputs, comma);
  out += '}';
  return out;
}

}  // namespace podstep
