// -when_expressions (common/when_expressions.h): any JSON, or not JSON,
// parses or fails without a crash; what parses serializes and parses back
// the same; without CEL the verdict is "every input in/notin its values".

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/when_expressions.h"
#include "test/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(podstep::fuzz::AsText(data, size));
  auto parsed = podstep::ParseWhenExpressions(input);
  if (!parsed) {
    FUZZ_CHECK(!parsed.error().message.empty(), input);
    return 0;
  }
  nlohmann::json array = nlohmann::json::array();
  bool has_cel = false;
  bool want = true;
  for (const auto& e : *parsed) {
    array.push_back({{"input", e.input}, {"operator", e.op}, {"values", e.values}, {"cel", e.cel}});
    has_cel = has_cel || !e.cel.empty();
    const bool found = std::ranges::find(e.values, e.input) != e.values.end();
    want = want && ((e.op == "in" && found) || (e.op == "notin" && !found));
  }
  const std::string json = array.dump();
  auto again = podstep::ParseWhenExpressions(json);
  FUZZ_CHECK(again.has_value() && again->size() == parsed->size(), json);
  for (size_t i = 0; i < parsed->size(); ++i) {
    const auto &a = (*parsed)[i], &b = (*again)[i];
    FUZZ_CHECK(a.input == b.input && a.op == b.op && a.values == b.values && a.cel == b.cel, json);
  }
  auto allowed = podstep::EvaluateWhenExpressions(*parsed);
  if (!has_cel) FUZZ_CHECK(allowed.has_value() && *allowed == want, json);
  return 0;
}
