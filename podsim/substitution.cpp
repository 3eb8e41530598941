#include "podsim/substitution.h"

namespace podstep::podsim {
namespace {

// The name of a bracketed reference `$(<prefix>[q<name>q])` starting at
// `from`: up to the first `q])`, on one line.
std::optional<size_t> BracketedNameEnd(std::string_view text, size_t from, char quote) {
  const std::string closer = {quote, ']', ')'};
  const size_t close = text.find(closer, from);
  if (close == std::string_view::npos) return std::nullopt;
  if (text.substr(from, close - from).find('\n') != std::string_view::npos) return std::nullopt;
  return close;
}

// The reference to `prefix` whose `$(` is at `open`, if one starts there.
std::optional<VariableReference> ReferenceAt(std::string_view text, size_t open,
                                             std::string_view prefix) {
  const size_t after = open + 2 + prefix.size();
  if (text.substr(open + 2, prefix.size()) != prefix || after >= text.size()) return std::nullopt;
  if (text[after] == '.') {
    const size_t close = ReferenceEnd(text, open);
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view name = text.substr(after + 1, close - after - 1);
    if (name.find('\n') != std::string_view::npos) return std::nullopt;
    return VariableReference{text.substr(open, close + 1 - open), name, true};
  }
  if (text[after] != '[' || after + 1 >= text.size()) return std::nullopt;
  const char quote = text[after + 1];
  if (quote != '"' && quote != '\'') return std::nullopt;
  auto close = BracketedNameEnd(text, after + 2, quote);
  if (!close) return std::nullopt;
  return VariableReference{text.substr(open, *close + 3 - open),
                           text.substr(after + 2, *close - after - 2), false};
}

}  // namespace

size_t ReferenceEnd(std::string_view text, size_t open) { return text.find(')', open + 2); }

std::string ApplyReplacements(std::string_view text, const StringReplacements& replacements) {
  std::string out;
  size_t pos = 0;
  for (size_t open = text.find("$("); open != std::string_view::npos; open = text.find("$(", pos)) {
    const size_t close = ReferenceEnd(text, open);
    if (close == std::string_view::npos) break;
    auto it = replacements.find(text.substr(open + 2, close - open - 2));
    if (it == replacements.end()) {
      // Not a key: a reference may still start inside it.
      out.append(text, pos, open + 1 - pos);
      pos = open + 1;
      continue;
    }
    out.append(text, pos, open - pos);
    out += it->second;
    pos = close + 1;
  }
  out.append(text, pos);
  return out;
}

std::vector<std::string> ApplyArrayReplacements(std::string_view text,
                                                const StringReplacements& strings,
                                                const ArrayReplacements& arrays) {
  if (text.starts_with("$(") && text.ends_with(")")) {
    std::string_view key = text.substr(2, text.size() - 3);
    if (key.ends_with("[*]") && !arrays.contains(key)) key.remove_suffix(3);
    if (auto it = arrays.find(key); it != arrays.end()) return it->second;
  }
  return {ApplyReplacements(text, strings)};
}

std::vector<VariableReference> FindVariableReferences(std::string_view text,
                                                      std::string_view prefix) {
  std::vector<VariableReference> out;
  size_t pos = 0;
  for (size_t open = text.find("$("); open != std::string_view::npos; open = text.find("$(", pos)) {
    if (auto ref = ReferenceAt(text, open, prefix)) {
      out.push_back(*ref);
      pos = open + ref->whole.size();
    } else {
      pos = open + 1;
    }
  }
  return out;
}

std::string TrimArrayIndex(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '[') {
      size_t j = i + 1;
      while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
      if (j < text.size() && text[j] == '*') ++j;
      if (j < text.size() && text[j] == ']') {
        i = j;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

std::string ExpandKubeletReferences(
    std::string_view text,
    const std::function<std::optional<std::string>(std::string_view)>& lookup) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 == text.size()) {
      out += text[i];
    } else if (text[i + 1] == '$') {
      out += '$';
      ++i;
    } else if (const size_t close = ReferenceEnd(text, i);
               text[i + 1] == '(' && close != std::string_view::npos) {
      const std::string_view name = text.substr(i + 2, close - i - 2);
      const std::optional<std::string> value = lookup(name);
      out += value ? std::string_view(*value) : text.substr(i, close + 1 - i);
      i = close;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace podstep::podsim
