#pragma once
// CEL for step `when` expressions (`cel:` field). By the time the entrypoint
// sees them Tekton has substituted every variable, so they are closed
// expressions over literals: `'$(params.branch)' == 'main'` arrives as
// `'main' == 'main'`. The reference compiles them with cel-go's
// `cel.NewEnv()` (parse, then type-check) and evaluates them; this is a
// subset with the same results and the same compile errors: literals, lists,
// maps, all operators, size, contains, startsWith, endsWith, matches, type
// conversions, dyn and type. Macros (`has`, `exists`, ...), bytes,
// timestamps and durations fail with "unsupported CEL construct: ...".

#include <string>
#include <string_view>

#include "common/error.h"

namespace podstep {

/// Evaluates `expression`, which must yield a bool. Fails with a compile
/// error as cel-go words it ("ERROR: <input>:1:3: found no matching overload
/// for '_+_' applied to '(int, double)'", "ERROR: <input>:1:1: Syntax error:
/// ..."), an evaluation error ("division by zero", "no such key: k"),
/// "unsupported CEL construct: ...", or exactly "the CEL expression <expr> is
/// not evaluated to a boolean".
Result<bool> EvaluateCelCondition(std::string_view expression);

/// Evaluates `expression` to a value of any type, rendered for tests:
/// `true`, `3`, `3u`, `1.5`, `"s"`, `[1, 2]`, `{"k": 1}`, `null`, `int`.
/// Fails as EvaluateCelCondition does, except that any type is accepted.
Result<std::string> EvaluateCelToString(std::string_view expression);

/// CEL's `matches`: true when RE2 `pattern` matches anywhere in `text`, as Go's
/// regexp.MatchString. Supports literals, `.`, classes (`[a-z]`, `[^…]`,
/// `[[:alpha:]]`, `\d \w \s` and negations), `* + ? {n} {n,} {n,m}` (greedy
/// or lazy), `^ $ \A \z \b \B`, groups (`(…)`, `(?:…)`, `(?P<name>…)`),
/// alternation, `\Q…\E` and the flags `(?i)` (ASCII case folding), `(?m)`,
/// `(?s)`. Fails with Go's message for an invalid pattern ("error parsing
/// regexp: missing closing ): `(`") and "unsupported CEL construct: ..." for
/// Unicode classes (`\pL`).
Result<bool> RegexSearch(std::string_view pattern, std::string_view text);

}  // namespace podstep
