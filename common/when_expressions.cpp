#include "common/when_expressions.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/cel.h"

namespace podstep {

Result<std::vector<WhenExpression>> ParseWhenExpressions(const std::string& json) {
  try {
    auto parsed = nlohmann::json::parse(json);
    if (parsed.is_null()) return std::vector<WhenExpression>{};
    if (!parsed.is_array()) return Fail("expected a JSON array of when expressions");
    std::vector<WhenExpression> expressions;
    for (const auto& item : parsed) {
      if (!item.is_object()) return Fail("expected a JSON object for each when expression");
      WhenExpression expression;
      expression.input = item.value("input", "");
      expression.op = item.value("operator", "");
      expression.values = item.value("values", std::vector<std::string>{});
      expression.cel = item.value("cel", "");
      expressions.push_back(std::move(expression));
    }
    return expressions;
  } catch (const std::exception& e) {
    return Fail(e.what());
  }
}

Result<bool> EvaluateWhenExpressions(const std::vector<WhenExpression>& expressions) {
  // CEL expressions first, as the reference: any error fails the step.
  for (const auto& expression : expressions) {
    if (expression.cel.empty()) continue;
    auto allowed = EvaluateCelCondition(expression.cel);
    if (!allowed) return Fail(allowed.error());
    if (!*allowed) return false;
  }
  for (const auto& expression : expressions) {
    if (!expression.cel.empty()) continue;
    bool found = std::ranges::find(expression.values, expression.input) != expression.values.end();
    if (expression.op == "in" && found) continue;
    if (expression.op == "notin" && !found) continue;
    return false;
  }
  return true;
}

}  // namespace podstep
