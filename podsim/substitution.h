#pragma once
// `$(…)` references, the one scanner podsim has for them: Tekton's
// substitution (pkg/substitution: the controller replaces `$(params.x)`,
// `$(context.taskRun.name)`, … before it builds the Pod), the references its
// webhook finds to reject unknown ones, and the kubelet's own `$(VAR)`
// expansion of command, args and env. Pure.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace podstep::podsim {

using StringReplacements = std::map<std::string, std::string, std::less<>>;
using ArrayReplacements = std::map<std::string, std::vector<std::string>, std::less<>>;

/// The index of the `)` that closes a reference opened by the `$(` at
/// `open`: the first `)` after it, as every pattern of Tekton's and the
/// kubelet's expansion reads it; npos when there is none.
size_t ReferenceEnd(std::string_view text, size_t open);

/// Tekton's substitution.ApplyReplacements: each `$(key)` whose key is in
/// `replacements` becomes its value, in one left-to-right pass (a value is
/// never scanned again). Other `$(…)` stay as written, and references
/// nested inside them are still replaced: `$(cat $(results.r.path))`.
std::string ApplyReplacements(std::string_view text, const StringReplacements& replacements);

/// Tekton's substitution.ApplyArrayReplacements: `text` that is exactly
/// `$(k)` or `$(k[*])` for a key of `arrays` becomes that array's items;
/// any other text becomes one item, ApplyReplacements(text, strings).
std::vector<std::string> ApplyArrayReplacements(std::string_view text,
                                                const StringReplacements& strings,
                                                const ArrayReplacements& arrays);

/// One reference to a prefix, as Tekton's braceMatchingRegex matches it:
/// `$(<prefix>.<name>)`, `$(<prefix>["<name>"])` or `$(<prefix>['<name>'])`.
struct VariableReference {
  std::string_view whole;  ///< "$(params.a[*])"
  std::string_view name;   ///< "a[*]": all between the prefix and the closing `)`
  bool dot_notation = false;
};

/// Every reference to `prefix` (e.g. "params", "context.taskRun",
/// "params.obj") in `text`, left to right, not overlapping. A name never
/// spans a newline (Go's `.` does not match one); a dot-notation name ends
/// at the first `)`, a bracketed one at the first `"])` / `'])`.
std::vector<VariableReference> FindVariableReferences(std::string_view text,
                                                      std::string_view prefix);

/// `text` with every `[i]` and `[*]` removed (substitution.TrimArrayIndex).
std::string TrimArrayIndex(std::string_view text);

/// The kubelet's expansion of command, args and env values
/// (k8s.io/kubernetes/third_party/forked/golang/expansion): `$(NAME)` becomes
/// `lookup(NAME)` when that has a value, else stays as written; `$$` becomes
/// `$`; an unclosed `$(` stays. Never fails.
std::string ExpandKubeletReferences(
    std::string_view text,
    const std::function<std::optional<std::string>(std::string_view)>& lookup);

}  // namespace podstep::podsim
