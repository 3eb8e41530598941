#include "podsim/manifest.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <optional>
#include <sstream>

#include "common/go_json.h"
#include "common/sys/file_util.h"

namespace podstep::podsim {
namespace {

using nlohmann::json;

/// Why the input is refused; the message is the cause, with its position
/// when known. Thrown from inside the parsers' callbacks to stop them.
struct BadManifest {
  std::string message;
};

std::string Position(int line, int column) {
  return "line " + std::to_string(line + 1) + ", column " + std::to_string(column + 1) + ": ";
}

/// At most `max` bytes of `text`, cut between UTF-8 sequences.
std::string_view Prefix(std::string_view text, size_t max) {
  if (text.size() <= max) return text;
  while (max > 0 && (static_cast<unsigned char>(text[max]) & 0xC0) == 0x80) --max;
  return text.substr(0, max);
}

/// `text` quoted as JSON (one line whatever it holds), "…" after it when cut.
std::string Quote(std::string_view text) {
  const std::string_view shown = Prefix(text, 64);
  return json(std::string(shown)).dump(-1, ' ', false, json::error_handler_t::replace) +
         (shown.size() < text.size() ? "…" : "");
}

bool IsUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    const size_t n = ValidUtf8SequenceLength(text.substr(i));
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// UTF-8 without control characters but tab, LF and CR: what YAML allows in a
// stream, and JSON outside strings. A NUL byte is a binary file.
Status CheckText(std::string_view text) {
  auto at = [&](size_t offset) {
    const size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
    const size_t column =
        line_start == std::string_view::npos || offset == 0 ? offset : offset - line_start - 1;
    const auto line = std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n');
    return Position(static_cast<int>(line), static_cast<int>(column));
  };
  auto hex = [](unsigned char byte) {
    char out[8];
    std::snprintf(out, sizeof out, "0x%02x", byte);
    return std::string(out);
  };
  for (size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r') {
      return Fail(at(i) + (byte == 0 ? "a NUL byte: this is not a text file"
                                     : "control character " + hex(byte) + ": manifests are text"));
    }
    if (byte < 0x80) {
      ++i;
      continue;
    }
    const size_t n = ValidUtf8SequenceLength(text.substr(i));
    if (n == 0) {
      return Fail(at(i) + "invalid UTF-8 (byte " + hex(byte) + "): manifests are UTF-8 text");
    }
    i += n;
  }
  return {};
}

bool AllOf(std::string_view text, std::string_view digits) {
  return !text.empty() && text.find_first_not_of(digits) == std::string_view::npos;
}
bool AllDigits(std::string_view text) { return AllOf(text, "0123456789"); }

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

// YAML 1.2 core schema resolution of a plain scalar. A number out of range
// stays text (stoll and stod refuse it); so do .inf and .nan.
json PlainScalar(const std::string& text) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    return nullptr;
  }
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  try {
    // Kubernetes reads YAML 1.1 (sigs.k8s.io/yaml): a file mode written
    // 0644 means octal, as 0o644 does in YAML 1.2.
    if (text.size() > 1 && text[0] == '0' && AllOf(std::string_view(text).substr(1), "01234567")) {
      return std::stoll(text.substr(1), 0, 8);
    }
    if (IsCoreInt(text)) return std::stoll(text);
    // 0o[0-7]+ and 0x[0-9a-fA-F]+
    const std::string_view digits = std::string_view(text).substr(std::min<size_t>(2, text.size()));
    if (text.starts_with("0o") && AllOf(digits, "01234567"))
      return std::stoll(text.substr(2), 0, 8);
    if (text.starts_with("0x") && AllOf(digits, "0123456789abcdefABCDEF")) {
      return std::stoll(text.substr(2), 0, 16);
    }
    if (IsCoreFloat(text)) return std::stod(text);
  } catch (const std::exception&) {
    return text;
  }
  return text;
}

const char* TypeName(const json& value) {
  switch (value.type()) {
    case json::value_t::object:
      return "a map";
    case json::value_t::array:
      return "a list";
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::null:
      return "null";
    default:
      return "a number";
  }
}

/// What a value costs: the values it holds (itself included), the bytes of
/// its strings and keys, and its nesting (a scalar 0, `[1]` 1).
struct Weight {
  size_t nodes = 0;
  size_t text = 0;
  size_t height = 0;
};

/// Builds documents from parse events, YAML's or JSON's, within the limits:
/// nesting, values and string bytes (alias copies and kept anchors count),
/// no key twice in a map. An alias is a copy of its anchor's finished value
/// (an alias inside its own anchor, a cycle in YAML::Node, is an error).
class ValueBuilder {
 public:
  using Anchor = YAML::anchor_t;

  /// Where the next event is (YAML's parser says, JSON's SAX does not).
  void At(const YAML::Mark& mark) { position_ = Position(mark.line, mark.column); }

  void StartDocument() {
    root_ = nullptr;
    stack_.clear();
    anchors_.clear();  // anchors are per document
  }
  /// The last document's value.
  json TakeRoot() { return std::move(root_); }

  /// A scalar; `text` is what it reads as when it is a map key (for a JSON
  /// key or a YAML scalar, its text).
  void Scalar(json value, const std::string& text, Anchor anchor = YAML::NullAnchor) {
    if (value.is_string() && !IsUtf8(value.get_ref<const std::string&>())) {
      Refuse("a string that is not UTF-8 once its escapes are decoded");
    }
    const Weight weight{1, text.size(), 0};
    Charge(weight);
    if (anchor != YAML::NullAnchor) Keep(anchor, {value, text, weight});
    Place(std::move(value), text, weight);
  }

  void Start(json empty, Anchor anchor) {
    if (stack_.size() >= kMaxManifestDepth) {
      Refuse("nesting deeper than " + std::to_string(kMaxManifestDepth) + " levels at " + Path());
    }
    Charge({1, 0, 0});
    stack_.push_back({std::move(empty), anchor, std::nullopt, {1, 0, 1}});
  }

  void End() {
    Open open = std::move(stack_.back());
    stack_.pop_back();
    if (open.anchor != YAML::NullAnchor) Keep(open.anchor, {open.value, std::nullopt, open.weight});
    Place(std::move(open.value), std::nullopt, open.weight);
  }

  void Alias(Anchor anchor) {
    auto found = anchors_.find(anchor);
    if (found == anchors_.end()) Refuse("alias inside its own anchor");
    const Anchored& anchored = found->second;
    if (stack_.size() + anchored.weight.height > kMaxManifestDepth) {
      Refuse("nesting deeper than " + std::to_string(kMaxManifestDepth) +
             " levels through an alias at " + Path());
    }
    Charge(anchored.weight);
    Place(anchored.value, anchored.key, anchored.weight);
  }

  /// Stops the parse with `cause`, at the last position known.
  [[noreturn]] void Refuse(const std::string& cause) const { throw BadManifest{position_ + cause}; }

 private:
  struct Open {
    json value;
    Anchor anchor;
    std::optional<std::string> key;  // a map's key waiting for its value
    Weight weight;
  };
  struct Anchored {
    json value;
    std::optional<std::string> key;  // its text as a map key, for scalars
    Weight weight;
  };

  void Charge(const Weight& weight) {
    nodes_ += weight.nodes;
    text_ += weight.text;
    if (nodes_ > kMaxManifestNodes) {
      Refuse("more than " + std::to_string(kMaxManifestNodes) + " nodes (aliases expanding?)");
    }
    if (text_ > kMaxManifestTextBytes) {
      Refuse("more than " + std::to_string(kMaxManifestTextBytes >> 20) +
             " MiB of strings (aliases expanding?)");
    }
  }

  // The copy kept for later aliases costs what an alias of it would.
  void Keep(Anchor anchor, Anchored anchored) {
    Charge(anchored.weight);
    anchors_[anchor] = std::move(anchored);
  }

  void Place(json value, const std::optional<std::string>& key, const Weight& weight) {
    if (stack_.empty()) {
      root_ = std::move(value);
      return;
    }
    Open& parent = stack_.back();
    parent.weight.nodes += weight.nodes;
    parent.weight.text += weight.text;
    parent.weight.height = std::max(parent.weight.height, weight.height + 1);
    if (parent.value.is_array()) {
      parent.value.push_back(std::move(value));
    } else if (!parent.key) {
      if (!key) Refuse("a map key that is a list or a map, at " + Path());
      if (parent.value.contains(*key)) Refuse("duplicate key " + Quote(*key) + " in " + Path());
      parent.key = *key;
    } else {
      parent.value[*parent.key] = std::move(value);
      parent.key.reset();
    }
  }

  // Where the innermost open value is: `spec.steps[0]`, or `the document`.
  std::string Path() const {
    std::string path;
    for (size_t i = 0; i + 1 < stack_.size(); ++i) {
      const Open& parent = stack_[i];
      if (parent.value.is_array()) {
        path += "[" + std::to_string(parent.value.size()) + "]";
      } else if (!parent.key) {
        path += (path.empty() ? "" : ".") + std::string("(a key)");  // refused once it ends
      } else {
        const std::string& key = *parent.key;
        const bool plain = std::all_of(key.begin(), key.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
        });
        path += (path.empty() ? "" : ".") + (plain && !key.empty() ? key : Quote(key));
      }
    }
    if (path.empty()) return "the document";
    const std::string_view shown = Prefix(path, 100);
    return std::string(shown) + (shown.size() < path.size() ? "…" : "");
  }

  json root_;
  std::string position_;
  size_t nodes_ = 0;
  size_t text_ = 0;
  std::vector<Open> stack_;
  std::map<Anchor, Anchored> anchors_;
};

// yaml-cpp's parse events into the builder.
class YamlEvents : public YAML::EventHandler {
 public:
  explicit YamlEvents(ValueBuilder& builder) : builder_(builder) {}

  size_t document_start() const { return document_start_; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    document_start_ = static_cast<size_t>(mark.pos);
    builder_.At(mark);
    builder_.StartDocument();
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    builder_.At(mark);
    builder_.Scalar(nullptr, "null", anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    builder_.At(mark);
    builder_.Alias(anchor);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    builder_.At(mark);
    // yaml-cpp tags plain scalars "?" and quoted or block ones "!".
    builder_.Scalar(tag == "?" ? PlainScalar(value) : json(value), value, anchor);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    builder_.At(mark);
    builder_.Start(json::array(), anchor);
  }
  void OnSequenceEnd() override { builder_.End(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    builder_.At(mark);
    builder_.Start(json::object(), anchor);
  }
  void OnMapEnd() override { builder_.End(); }

 private:
  ValueBuilder& builder_;
  size_t document_start_ = 0;
};

// nlohmann's SAX events (its parser keeps its own stack, never recursing)
// into the builder.
class JsonEvents {
 public:
  explicit JsonEvents(ValueBuilder& builder) : builder_(builder) {}

  const std::string& error() const { return error_; }

  bool null() { return Scalar(nullptr); }
  bool boolean(bool value) { return Scalar(value); }
  bool number_integer(json::number_integer_t value) { return Scalar(value); }
  bool number_unsigned(json::number_unsigned_t value) { return Scalar(value); }
  bool number_float(json::number_float_t value, const json::string_t&) { return Scalar(value); }
  bool string(json::string_t& value) { return Scalar(std::move(value)); }
  bool binary(json::binary_t&) { return false; }  // only in binary formats
  bool start_object(std::size_t) {
    builder_.Start(json::object(), YAML::NullAnchor);
    return true;
  }
  bool key(json::string_t& key) {
    builder_.Scalar(key, key);
    return true;
  }
  bool end_object() {
    builder_.End();
    return true;
  }
  bool start_array(std::size_t) {
    builder_.Start(json::array(), YAML::NullAnchor);
    return true;
  }
  bool end_array() {
    builder_.End();
    return true;
  }
  bool parse_error(std::size_t, const std::string& token, const nlohmann::detail::exception& e) {
    if (e.id == 406) {  // out_of_range: "number overflow parsing '<token>'"
      error_ = "number " + Quote(token) + " is out of range";
      return false;
    }
    // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax
    // error while parsing value - invalid literal; last read: '<token>';
    // expected …": the token, as long as the input, is left out.
    std::string what = e.what();
    if (size_t at = what.find(" at line "); at != std::string::npos) what.erase(0, at + 4);
    if (size_t last = what.find("; last read: "); last != std::string::npos) {
      const size_t expected = what.rfind("; expected ");
      what = what.substr(0, last) +
             (expected != std::string::npos && expected > last ? what.substr(expected) : "");
    }
    error_ = std::move(what);
    return false;
  }

 private:
  bool Scalar(json value) {
    const std::string text = value.is_string() ? value.get<std::string>() : std::string();
    builder_.Scalar(std::move(value), text);
    return true;
  }

  ValueBuilder& builder_;
  std::string error_;
};

// A document's objects into `out`: itself, or the items of a list or a
// `kind: List`; null (an empty document) adds nothing.
Status AddDocument(json document, const std::string& where, std::vector<json>& out) {
  if (document.is_null()) return {};
  json* items = nullptr;
  if (document.is_array()) {
    items = &document;
    // `kind` may be anything in a hostile file: compared, never converted.
  } else if (document.is_object() && document.contains("kind") && document["kind"] == "List" &&
             document.contains("items") && document["items"].is_array()) {
    items = &document["items"];
  }
  if (items == nullptr) {
    if (!document.is_object()) {
      return Fail(where + " is " + TypeName(document) + ", not a map (a Kubernetes object)");
    }
    out.push_back(std::move(document));
    return {};
  }
  for (size_t i = 0; i < items->size(); ++i) {
    json& item = (*items)[i];
    if (!item.is_object()) {
      return Fail(where + ": item " + std::to_string(i) + " is " + TypeName(item) +
                  ", not a map (a Kubernetes object)");
    }
    out.push_back(std::move(item));
  }
  return {};
}

Result<std::vector<json>> ParseJson(std::string_view text) {
  ValueBuilder builder;
  JsonEvents events(builder);
  if (!json::sax_parse(text, &events)) return Fail(events.error());
  std::vector<json> out;
  if (auto ok = AddDocument(builder.TakeRoot(), "the document", out); !ok) return Fail(ok.error());
  return out;
}

Result<std::vector<json>> ParseYaml(std::string_view text) {
  std::istringstream stream{std::string(text)};
  YAML::Parser parser(stream);
  ValueBuilder builder;
  YamlEvents events(builder);
  std::vector<json> out;
  std::optional<size_t> previous_start;
  for (size_t number = 1; parser.HandleNextDocument(events); ++number) {
    // yaml-cpp 0.7 (Debian's) reports a stray token such as ',' as an empty
    // document without consuming it, forever (jbeder/yaml-cpp#1040).
    if (previous_start == events.document_start()) {
      return Fail("no document can be read at byte " + std::to_string(events.document_start()));
    }
    previous_start = events.document_start();
    if (auto ok = AddDocument(builder.TakeRoot(), "document " + std::to_string(number), out); !ok) {
      return Fail(ok.error());
    }
  }
  return out;
}

}  // namespace

Result<std::vector<json>> ParseManifests(std::string_view text, std::string_view what) {
  const std::string context = "parse " + std::string(what) + ": ";
  if (text.size() > kMaxManifestBytes) {
    return Fail(context + "larger than " + std::to_string(kMaxManifestBytes >> 20) +
                " MiB, the most podsim reads");
  }
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a UTF-8 byte order mark
  if (auto ok = CheckText(text); !ok) return Fail(context + ok.error().message);
  try {
    const auto first = text.find_first_not_of(" \t\r\n");
    auto documents = first != std::string_view::npos && (text[first] == '{' || text[first] == '[')
                         ? ParseJson(text)
                         : ParseYaml(text);
    if (!documents) return Fail(context + documents.error().message);
    return documents;
  } catch (const BadManifest& e) {
    return Fail(context + e.message);
  } catch (const YAML::DeepRecursion& e) {
    return Fail(context + Position(e.mark.line, e.mark.column) + "nesting too deep");
  } catch (const YAML::Exception& e) {
    return Fail(context + (e.mark.is_null() ? "" : Position(e.mark.line, e.mark.column)) + e.msg);
  } catch (const std::exception& e) {
    return Fail(context + e.what());
  }
}

Result<std::vector<json>> LoadManifests(const std::string& path) {
  std::string text;
  if (path == "-") {
    char buffer[65536];
    size_t n;
    while (text.size() <= kMaxManifestBytes &&
           (n = std::fread(buffer, 1, sizeof buffer, stdin)) > 0) {
      text.append(buffer, n);
    }
  } else {
    auto content = ReadRegularFileIfExists(path, kMaxManifestBytes);
    if (!content && content.error().sys_errno == EFBIG) {
      return Fail("read " + path + ": larger than " + std::to_string(kMaxManifestBytes >> 20) +
                  " MiB, the most podsim reads");
    }
    if (!content && content.error().message.ends_with("a FIFO, not a regular file")) {
      return Fail(content.error().message + " (to read a pipe, give - and redirect it to stdin)");
    }
    if (!content) return Fail(content.error());
    if (!*content) return Fail("read " + path + ": no such file or directory", ENOENT);
    text = std::move(**content);
  }
  return ParseManifests(text, path == "-" ? "stdin" : path);
}

}  // namespace podstep::podsim
