#include "podsim/manifest.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <map>
#include <optional>
#include <sstream>

#include "common/sys/file_util.h"

namespace podstep::podsim {
namespace {

using nlohmann::json;

/// More nodes than this in one manifest file (aliases copy theirs) is an
/// error: "billion laughs" documents stay small on disk.
constexpr size_t kMaxNodes = 1'000'000;

bool AllDigits(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

// YAML 1.2 core schema: [-+]?[0-9]+
bool IsCoreInt(std::string_view text) {
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) text.remove_prefix(1);
  return AllDigits(text);
}

// YAML 1.2 core schema: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
// (by hand: std::regex recurses per character and overflows the stack on
// a long scalar).
bool IsCoreFloat(std::string_view text) {
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) text.remove_prefix(1);
  const size_t exponent = text.find_first_of("eE");
  if (exponent != std::string_view::npos) {
    std::string_view power = text.substr(exponent + 1);
    if (!power.empty() && (power[0] == '-' || power[0] == '+')) power.remove_prefix(1);
    if (!AllDigits(power)) return false;
    text = text.substr(0, exponent);
  }
  const size_t dot = text.find('.');
  if (dot == std::string_view::npos) return AllDigits(text);
  const std::string_view whole = text.substr(0, dot), fraction = text.substr(dot + 1);
  if (whole.empty()) return AllDigits(fraction);
  return AllDigits(whole) && (fraction.empty() || AllDigits(fraction));
}

// YAML 1.2 core schema resolution of a plain scalar.
json PlainScalar(const std::string& text) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    return nullptr;
  }
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  if (IsCoreInt(text)) {
    try {
      return std::stoll(text);
    } catch (const std::exception&) {
      return text;
    }
  }
  if (IsCoreFloat(text)) {
    try {
      return std::stod(text);
    } catch (const std::exception&) {
      return text;
    }
  }
  return text;
}

size_t CountNodes(const json& value) {
  size_t count = 1;
  if (value.is_structured()) {
    for (const auto& item : value) count += CountNodes(item);
  }
  return count;
}

// Builds JSON straight from yaml-cpp's parse events instead of YAML::Node:
// an alias is a copy of its anchor's finished value (an alias inside its own
// anchor, a cycle in YAML::Node, is an error) and the nodes made are
// counted, so neither recursion nor copies are unbounded.
class JsonBuilder : public YAML::EventHandler {
 public:
  /// The last document's value; its start position.
  json TakeRoot() { return std::move(root_); }
  size_t document_start() const { return document_start_; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    document_start_ = static_cast<size_t>(mark.pos);
    root_ = nullptr;
    stack_.clear();
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Add(mark, nullptr, "null", anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto found = anchors_.find(anchor);
    if (found == anchors_.end()) throw YAML::ParserException(mark, "alias inside its own anchor");
    Count(mark, CountNodes(found->second.value) - 1);
    Add(mark, found->second.value, found->second.key, YAML::NullAnchor);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    // yaml-cpp tags plain scalars "?" and quoted or block ones "!".
    Add(mark, tag == "?" ? PlainScalar(value) : json(value), value, anchor);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Count(mark, 1);
    stack_.push_back({json::array(), anchor, std::nullopt});
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Count(mark, 1);
    stack_.push_back({json::object(), anchor, std::nullopt});
  }
  void OnMapEnd() override { Close(); }

 private:
  struct Open {
    json value;
    YAML::anchor_t anchor;
    std::optional<std::string> key;  // a map's key waiting for its value
  };
  struct Anchored {
    json value;
    std::optional<std::string> key;  // its text as a map key, for scalars
  };

  void Count(const YAML::Mark& mark, size_t nodes) {
    nodes_ += nodes;
    if (nodes_ > kMaxNodes) {
      throw YAML::ParserException(
          mark, "more than " + std::to_string(kMaxNodes) + " nodes (aliases expanding?)");
    }
  }

  void Add(const YAML::Mark& mark, json value, std::optional<std::string> key,
           YAML::anchor_t anchor) {
    Count(mark, 1);
    if (anchor != YAML::NullAnchor) anchors_[anchor] = {value, key};
    Place(mark, std::move(value), std::move(key));
  }

  void Close() {
    Open open = std::move(stack_.back());
    stack_.pop_back();
    if (open.anchor != YAML::NullAnchor) anchors_[open.anchor] = {open.value, std::nullopt};
    Place(YAML::Mark(), std::move(open.value), std::nullopt);
  }

  // A map's keys are strings, as YAML::Node::as<std::string>() made them.
  void Place(const YAML::Mark& mark, json value, std::optional<std::string> key) {
    if (stack_.empty()) {
      root_ = std::move(value);
      return;
    }
    Open& parent = stack_.back();
    if (parent.value.is_array()) {
      parent.value.push_back(std::move(value));
    } else if (!parent.key) {
      if (!key) throw YAML::ParserException(mark, "a map key that is not a scalar");
      parent.key = std::move(key);
    } else {
      parent.value[*parent.key] = std::move(value);
      parent.key.reset();
    }
  }

  json root_;
  size_t document_start_ = 0;
  size_t nodes_ = 0;
  std::vector<Open> stack_;
  std::map<YAML::anchor_t, Anchored> anchors_;
};

void AddDocument(json document, std::vector<json>& out) {
  if (document.is_null()) return;
  if (document.is_array()) {
    for (auto& item : document) out.push_back(std::move(item));
    return;
  }
  // `kind` may be anything in a hostile file: compared, never converted.
  if (document.is_object() && document.contains("kind") && document["kind"] == "List" &&
      document.contains("items") && document["items"].is_array()) {
    for (auto& item : document["items"]) out.push_back(std::move(item));
    return;
  }
  out.push_back(std::move(document));
}

}  // namespace

Result<std::vector<json>> ParseManifests(std::string_view text, std::string_view what) {
  std::vector<json> out;
  const auto first = text.find_first_not_of(" \t\r\n");
  const std::string context = "parse " + std::string(what);
  if (first != std::string_view::npos && (text[first] == '{' || text[first] == '[')) {
    json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (document.is_discarded()) return Fail(context + ": invalid JSON");
    AddDocument(std::move(document), out);
    return out;
  }
  try {
    std::istringstream stream{std::string(text)};
    YAML::Parser parser(stream);
    JsonBuilder builder;
    std::optional<size_t> previous_start;
    while (parser.HandleNextDocument(builder)) {
      // yaml-cpp 0.7 (Debian's) reports a stray token such as ',' as an empty
      // document without consuming it, forever (jbeder/yaml-cpp#1040).
      if (previous_start == builder.document_start()) {
        return Fail(context + ": no document can be read at byte " +
                    std::to_string(builder.document_start()));
      }
      previous_start = builder.document_start();
      AddDocument(builder.TakeRoot(), out);
    }
  } catch (const YAML::Exception& e) {
    return Fail(context + ": " + e.what());
  } catch (const std::exception& e) {
    return Fail(context + ": " + e.what());
  }
  return out;
}

Result<std::vector<json>> LoadManifests(const std::string& path) {
  std::string text;
  if (path == "-") {
    char buffer[65536];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, stdin)) > 0) text.append(buffer, n);
  } else {
    auto content = ReadFileIfExists(path);
    if (!content) return Fail(content.error().Wrap("read " + path));
    if (!*content) return Fail("read " + path + ": no such file or directory", ENOENT);
    text = std::move(**content);
  }
  return ParseManifests(text, path == "-" ? "stdin" : path);
}

}  // namespace podstep::podsim
