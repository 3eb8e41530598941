#pragma once
// A CEL subset for step `when` expressions (`cel:` field). By the time the
// entrypoint sees them, Tekton has substituted every variable, so they are
// closed expressions over literals: `'$(params.branch)' == 'main'` arrives as
// `'main' == 'main'`. The reference evaluates them with cel-go.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"

namespace podstep {

/// Evaluates `expression`; it must yield a bool. Failures: a syntax error, an
/// evaluation error (no such overload, division by zero, overflow, an
/// unsupported construct — each named), or exactly "the CEL expression <expr>
/// is not evaluated to a boolean".
Result<bool> EvaluateCelCondition(std::string_view expression);

/// Evaluates `expression` and renders the value (for tests and messages):
/// `true`, `3`, `3u`, `1.5`, `"s"`, `[1, 2]`, `{"k": 1}`, `null`.
Result<std::string> EvaluateCelToString(std::string_view expression);

/// Work allowed for one `matches` by default: well under a second.
inline constexpr uint64_t kRegexMaxSteps = 50'000'000;

/// RE2-style `matches`: true when `pattern` matches anywhere in `text`.
/// Supports literals, `.`, classes `[a-z]` `[^…]`, `\d \w \s` (and negations),
/// `* + ? {n} {n,} {n,m}` (greedy), `^ $`, groups and `|`; bytes, not runes.
/// Linear in the text: at most `max_steps` thread steps (about the program
/// size times the text length). Failures: "invalid regex '<p>': <cause>"
/// (syntax, groups nested over 1 000 deep: "expression nests too deeply", over
/// 20 000 instructions: "expression too large"), or "regex '<p>' is too
/// expensive" when the search needs more than `max_steps`.
Result<bool> RegexSearch(std::string_view pattern, std::string_view text,
                         uint64_t max_steps = kRegexMaxSteps);

}  // namespace podstep
