#pragma once
// Reading the manifests podsim runs: a file of JSON (what `kubectl get -o
// json` prints, a single object or a `List`) or YAML (one or more documents),
// as nlohmann::json values. The reader is the first thing hostile input
// meets: every input ends, in time and memory bounded by the limits below,
// with objects or a one-line error — never a crash, a hang or an
// out-of-memory.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace podstep::podsim {

/// The largest manifest file (or stdin) podsim reads.
inline constexpr size_t kMaxManifestBytes = 16 << 20;
/// The deepest nesting of lists and maps in a document (aliases included).
/// Real manifests nest less than 20 deep; the bound keeps every recursive
/// walk of the values (copies, comparisons, printing) far from the stack's end.
inline constexpr size_t kMaxManifestDepth = 100;
/// The most values (scalars, lists, maps) a file may produce, counting every
/// copy an alias makes and each anchored value podsim keeps for its aliases:
/// "billion laughs" documents are small on disk, not in memory.
inline constexpr size_t kMaxManifestNodes = 1'000'000;
/// The most bytes of strings (keys and values, alias copies included) a file
/// may produce: an alias of a long string costs its length.
inline constexpr size_t kMaxManifestTextBytes = 64 << 20;

/// Parses `text` as JSON when it starts (after blanks and a UTF-8 byte order
/// mark) with `{` or `[`, otherwise as YAML. Every document becomes one
/// value; a `kind: List` (or a top-level list) contributes its items; empty
/// documents are skipped. YAML plain scalars become numbers, booleans or null
/// as in YAML 1.2's core schema (a number out of range stays a string, as do
/// `.inf` and `.nan`, which JSON cannot hold); quoted ones stay strings; map
/// keys are the keys' text.
///
/// Refused (errors read "parse <what>: [line L, column C: ]<cause>"): text
/// that is not UTF-8 or holds control characters other than tab, CR and LF
/// (NUL bytes: a binary file); more than kMaxManifestBytes; a document or list
/// item that is not a map; a key given twice in one map (as kubectl refuses
/// YAML, and the API server's strict field validation JSON); a map key that
/// is a list or map; nesting deeper than kMaxManifestDepth; more than
/// kMaxManifestNodes values or kMaxManifestTextBytes of strings; an alias
/// inside its own anchor; a JSON number out of a double's range.
Result<std::vector<nlohmann::json>> ParseManifests(std::string_view text, std::string_view what);

/// Reads the file and parses it with ParseManifests ("-" reads stdin). Only
/// a regular file (or stdin) of at most kMaxManifestBytes is read.
Result<std::vector<nlohmann::json>> LoadManifests(const std::string& path);

}  // namespace podstep::podsim
