#pragma once
// Step `when` expressions passed as -when_expressions JSON (CONTRACT.md §7).

#include <string>
#include <vector>

#include "common/error.h"

namespace podstep {

struct WhenExpression {
  std::string input;
  std::string op;  // "in" or "notin"
  std::vector<std::string> values;
  std::string cel;
};

/// Parses `[{"input":..,"operator":..,"values":[..],"cel":..}]`; fails on
/// anything else (the reference died with log.Fatal there).
Result<std::vector<WhenExpression>> ParseWhenExpressions(const std::string& json);

/// True when every expression allows execution. An unknown operator forbids
/// it, as in the reference; a `cel` expression must evaluate to a bool.
Result<bool> EvaluateWhenExpressions(const std::vector<WhenExpression>& expressions);

}  // namespace podstep
