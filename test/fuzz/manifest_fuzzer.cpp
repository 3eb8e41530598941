// podsim's manifest reader (podsim/manifest.h), YAML and JSON. Built
// with libstdc++ (not libc++ like the other targets) so that it links
// Debian's yaml-cpp: see CMakeLists.txt. Any text parses or fails with
// "parse <what>: …" and no crash; every object read from it, written as
// JSON, reads back the same.

#include "podsim/manifest.h"
#include "test/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using nlohmann::json;
  const std::string_view input = podstep::fuzz::AsText(data, size);
  auto manifests = podstep::podsim::ParseManifests(input, "fuzz");
  if (!manifests) {
    FUZZ_CHECK(manifests.error().message.starts_with("parse fuzz: "), manifests.error().message);
    return 0;
  }
  for (const json& manifest : *manifests) {
    if (!manifest.is_object() || manifest.value("kind", json()) == "List") continue;
    std::string text;
    try {
      text = manifest.dump();
    } catch (const json::type_error&) {
      continue;  // a YAML scalar that is not UTF-8: JSON cannot hold it
    }
    auto again = podstep::podsim::ParseManifests(text, "fuzz");
    FUZZ_CHECK(again.has_value() && again->size() == 1 && again->front() == manifest, text);
  }
  return 0;
}
