// podsim's manifest reader (podsim/manifest.h), YAML and JSON. Built
// with libstdc++ (not libc++ like the other targets) so that it links
// Debian's yaml-cpp: see CMakeLists.txt. Any text parses or fails with one
// line "parse <what>: …" and no crash; what parses is a list of maps that
// print as JSON (no string that is not UTF-8) and read back the same.

#include "podsim/manifest.h"
#include "test/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using nlohmann::json;
  const std::string_view input = podstep::fuzz::AsText(data, size);
  auto manifests = podstep::podsim::ParseManifests(input, "fuzz");
  if (!manifests) {
    const std::string& message = manifests.error().message;
    FUZZ_CHECK(message.starts_with("parse fuzz: "), message);
    FUZZ_CHECK(message.find('\n') == std::string::npos, message);
    return 0;
  }
  for (const json& manifest : *manifests) {
    FUZZ_CHECK(manifest.is_object(), manifest.dump());
    if (manifest.value("kind", json()) == "List") continue;
    const std::string text = manifest.dump();
    auto again = podstep::podsim::ParseManifests(text, "fuzz");
    FUZZ_CHECK(again.has_value() && again->size() == 1 && again->front() == manifest, text);
  }
  return 0;
}
