#pragma once
// Hostile manifests of issue 9, shared by podsim's unit tests (the reader)
// and its e2e tests (the podsim binary): small on disk, each once crashed
// podsim or ate the machine's memory.

#include <string>

namespace podstep::test {

/// "Billion laughs": 10 lines, 377 bytes (the one of issue 9 had 669), 9^10
/// strings once aliases expand.
inline std::string BillionLaughs() {
  std::string laughs =
      "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    laughs += std::string(1, c) + ": &" + c + " [";
    for (int j = 0; j < 9; ++j) laughs += std::string(j ? ",*" : "*") + static_cast<char>(c - 1);
    laughs += "]\n";
  }
  return laughs;
}

/// `{"a":{"a":…1…}}`, `depth` objects deep.
inline std::string DeepJsonObjects(int depth) {
  std::string text;
  for (int i = 0; i < depth; ++i) text += "{\"a\":";
  return text + "1" + std::string(static_cast<size_t>(depth), '}');
}

/// `k:` under `k:` under …, `depth` block mappings deep.
inline std::string DeepYamlBlockMaps(int depth) {
  std::string text;
  for (int i = 0; i < depth; ++i) text += std::string(static_cast<size_t>(i), ' ') + "k:\n";
  return text + std::string(static_cast<size_t>(depth), ' ') + "v\n";
}

}  // namespace podstep::test
