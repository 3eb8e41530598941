#pragma once
// A small Go `flag` package. The controller generates Go syntax (`-name
// value`, `-name=value`, bare booleans, parsing stops at the first non-flag)
// and users grep Go's error texts. (It once stored the values through CLI11,
// whose iostreams pulled the whole C++ locale into every binary: 0.5 MB.)

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace podstep {

struct SplitArgs {
  std::vector<std::string> flag_args;
  std::vector<std::string> command_args;
};

/// The reference's `extractArgs`: split at the first literal "--" whose index
/// is > 0 (a "--" in first position is left to the flag parser).
SplitArgs SplitAtDoubleDash(const std::vector<std::string>& args);

/// Go's strconv.ParseBool.
std::optional<bool> ParseGoBool(std::string_view text);

enum class ParseStatus { kOk, kHelp, kError };

struct ParseOutcome {
  ParseStatus status = ParseStatus::kOk;
  std::string error;  // one line, Go's wording
  std::vector<std::string> positional;
};

class GoFlagSet {
 public:
  explicit GoFlagSet(std::string program_name) : program_(std::move(program_name)) {}

  void AddBool(std::string name, bool* target, std::string usage);
  void AddString(std::string name, std::string* target, std::string default_value,
                 std::string usage);
  /// Go duration syntax; default 0.
  void AddDuration(std::string name, std::chrono::nanoseconds* target, std::string usage);
  /// Go's `FlagSet.Var`: `set` receives each occurrence's value, in order,
  /// as it is parsed; a returned text rejects it and ends the parse with
  /// `invalid value "V" for flag -NAME: TEXT`.
  void AddVar(std::string name, std::string usage,
              std::function<std::optional<std::string>(const std::string&)> set);

  /// Parses like Go's FlagSet.Parse with ContinueOnError; never throws.
  ParseOutcome Parse(const std::vector<std::string>& args);

  /// "Usage of <program>:\n" then Go's PrintDefaults format.
  std::string Usage() const;

 private:
  enum class Kind { kBool, kString, kDuration, kVar };
  struct Flag {
    Flag(Kind kind, std::string usage, std::string default_text)
        : kind(kind), usage(std::move(usage)), default_text(std::move(default_text)) {}
    Kind kind;
    std::string usage;
    std::string default_text;
    bool* boolean = nullptr;                    // kBool
    std::string* string = nullptr;              // kString
    std::chrono::nanoseconds* duration = nullptr;  // kDuration
    std::function<std::optional<std::string>(const std::string&)> set;  // kVar
  };
  Flag& Add(std::string name, Flag flag);

  std::string program_;
  std::map<std::string, Flag> flags_;  // sorted, as Go prints them
};

}  // namespace podstep
