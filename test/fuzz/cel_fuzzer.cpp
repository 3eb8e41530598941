// CEL (common/cel.h): any text evaluates or fails without a crash and in
// bounded time; the two entry points agree on every input.

#include "common/cel.h"
#include "test/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string expression(podstep::fuzz::AsText(data, size));
  auto condition = podstep::EvaluateCelCondition(expression);
  auto rendered = podstep::EvaluateCelToString(expression);
  if (!rendered) {
    FUZZ_CHECK(!condition, expression);
    FUZZ_CHECK(condition.error().message == rendered.error().message, expression);
    FUZZ_CHECK(!rendered.error().message.empty(), expression);
  } else if (*rendered == "true" || *rendered == "false") {
    FUZZ_CHECK(condition.has_value() && *condition == (*rendered == "true"), expression);
  } else {
    FUZZ_CHECK(!condition && condition.error().message == "the CEL expression " + expression +
                                                              " is not evaluated to a boolean",
               expression);
  }
  return 0;
}
