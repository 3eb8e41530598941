#include "common/go_flags.h"

#include <algorithm>

#include "common/go_duration.h"

namespace podstep {

SplitArgs SplitAtDoubleDash(const std::vector<std::string>& args) {
  auto dash = std::find(args.begin(), args.end(), "--");
  if (dash == args.end() || dash == args.begin()) return {args, {}};
  return {{args.begin(), dash}, {dash + 1, args.end()}};
}

std::optional<bool> ParseGoBool(std::string_view text) {
  for (std::string_view yes : {"1", "t", "T", "TRUE", "true", "True"}) {
    if (text == yes) return true;
  }
  for (std::string_view no : {"0", "f", "F", "FALSE", "false", "False"}) {
    if (text == no) return false;
  }
  return std::nullopt;
}

GoFlagSet::Flag& GoFlagSet::Add(std::string name, Flag flag) {
  return flags_.insert_or_assign(std::move(name), std::move(flag)).first->second;
}

void GoFlagSet::AddBool(std::string name, bool* target, std::string usage) {
  *target = false;
  Add(std::move(name), Flag(Kind::kBool, std::move(usage), "false")).boolean = target;
}

void GoFlagSet::AddString(std::string name, std::string* target, std::string default_value,
                          std::string usage) {
  *target = default_value;
  Add(std::move(name), Flag(Kind::kString, std::move(usage), std::move(default_value))).string =
      target;
}

void GoFlagSet::AddDuration(std::string name, std::chrono::nanoseconds* target, std::string usage) {
  *target = std::chrono::nanoseconds(0);
  Add(std::move(name), Flag(Kind::kDuration, std::move(usage), "0s")).duration = target;
}

void GoFlagSet::AddVar(std::string name, std::string usage,
                       std::function<std::optional<std::string>(const std::string&)> set) {
  Add(std::move(name), Flag(Kind::kVar, std::move(usage), "")).set = std::move(set);
}

// Go's FlagSet.parseOne, one argument at a time, setting each value as it is
// parsed (a repeated flag: the last one wins, as in Go).
ParseOutcome GoFlagSet::Parse(const std::vector<std::string>& args) {
  ParseOutcome outcome;
  auto error = [&](std::string message) {
    outcome.status = ParseStatus::kError;
    outcome.error = std::move(message);
    return outcome;
  };
  size_t i = 0;
  while (i < args.size()) {
    const std::string& arg = args[i];
    if (arg.size() < 2 || arg[0] != '-') break;
    size_t dashes = 1;
    if (arg[1] == '-') {
      dashes = 2;
      if (arg.size() == 2) {  // "--" ends the flags and is consumed
        ++i;
        break;
      }
    }
    std::string name = arg.substr(dashes);
    if (name.empty() || name[0] == '-' || name[0] == '=') {
      return error("bad flag syntax: " + arg);
    }
    ++i;
    std::optional<std::string> value;
    if (size_t equals = name.find('='); equals != std::string::npos) {
      value = name.substr(equals + 1);
      name.resize(equals);
    }
    auto found = flags_.find(name);
    if (found == flags_.end()) {
      if (name == "help" || name == "h") {
        outcome.status = ParseStatus::kHelp;
        return outcome;
      }
      return error("flag provided but not defined: -" + name);
    }
    Flag& flag = found->second;
    if (flag.kind == Kind::kBool) {
      std::optional<bool> parsed = value ? ParseGoBool(*value) : std::optional<bool>(true);
      if (!parsed)
        return error("invalid boolean value \"" + *value + "\" for -" + name + ": parse error");
      *flag.boolean = *parsed;
      continue;
    }
    if (!value) {
      if (i == args.size()) return error("flag needs an argument: -" + name);
      value = args[i++];
    }
    switch (flag.kind) {
      case Kind::kDuration: {
        auto parsed = ParseGoDuration(*value);
        if (!parsed) {
          return error("invalid value \"" + *value + "\" for flag -" + name + ": parse error");
        }
        *flag.duration = *parsed;
        break;
      }
      case Kind::kVar:
        if (auto invalid = flag.set(*value)) {
          return error("invalid value \"" + *value + "\" for flag -" + name + ": " + *invalid);
        }
        break;
      case Kind::kString:
        *flag.string = *value;
        break;
      case Kind::kBool:
        break;
    }
  }
  outcome.positional.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
  return outcome;
}

std::string GoFlagSet::Usage() const {
  std::string text = "Usage of " + program_ + ":\n";
  for (const auto& [name, flag] : flags_) {
    std::string line = "  -" + name;
    std::string usage = flag.usage;
    std::string type_name;
    if (size_t open = usage.find('`'); open != std::string::npos) {
      if (size_t close = usage.find('`', open + 1); close != std::string::npos) {
        type_name = usage.substr(open + 1, close - open - 1);
        usage.erase(close, 1);
        usage.erase(open, 1);
      }
    }
    if (type_name.empty()) {
      switch (flag.kind) {
        case Kind::kBool:
          break;
        case Kind::kString:
          type_name = "string";
          break;
        case Kind::kDuration:
          type_name = "duration";
          break;
        case Kind::kVar:
          type_name = "value";
          break;
      }
    }
    if (!type_name.empty()) line += " " + type_name;
    line += line.size() <= 4 ? "\t" : "\n    \t";
    for (char c : usage) line += c == '\n' ? std::string("\n    \t") : std::string(1, c);
    if (flag.kind == Kind::kString && !flag.default_text.empty()) {
      line += " (default \"" + flag.default_text + "\")";
    }
    text += line + "\n";
  }
  return text;
}

}  // namespace podstep
