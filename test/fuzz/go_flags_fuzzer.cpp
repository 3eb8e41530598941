// The Go-flag front (common/go_flags.h) over CLI11. The input is an argv,
// NUL-separated. A small model of Go's FlagSet.Parse (last value wins, the
// value text stored verbatim) must agree with what GoFlagSet stores through
// CLI11, whatever bytes a value holds; errors are Go's one-liners.

#include <chrono>
#include <map>
#include <optional>

#include "common/go_duration.h"
#include "common/go_flags.h"
#include "test/fuzz/fuzz_support.h"

namespace {

struct Model {
  podstep::ParseStatus status = podstep::ParseStatus::kOk;
  bool b = false;
  std::string s = "default";
  std::string t;  // last duration text
  std::vector<std::string> v;
  std::vector<std::string> positional;
};

// Go's flag.FlagSet.parseOne loop for flags b (bool), s (string), t
// (duration) and v (a Var rejecting values that contain "bad").
Model Expected(const std::vector<std::string>& args) {
  Model m;
  size_t i = 0;
  auto fail = [&] {
    m.status = podstep::ParseStatus::kError;
    return m;
  };
  while (i < args.size()) {
    const std::string& arg = args[i];
    if (arg.size() < 2 || arg[0] != '-') break;
    const size_t dashes = arg[1] == '-' ? 2 : 1;
    if (arg == "--") {
      ++i;
      break;
    }
    std::string name = arg.substr(dashes);
    if (name.empty() || name[0] == '-' || name[0] == '=') return fail();
    ++i;
    std::optional<std::string> value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    if (name == "b") {
      if (!value) {
        m.b = true;
      } else if (auto parsed = podstep::ParseGoBool(*value)) {
        m.b = *parsed;
      } else {
        return fail();
      }
      continue;
    }
    if (name != "s" && name != "t" && name != "v") {
      if (name == "help" || name == "h") {
        m.status = podstep::ParseStatus::kHelp;
        return m;
      }
      return fail();
    }
    if (!value) {
      if (i == args.size()) return fail();
      value = args[i++];
    }
    if (name == "s") m.s = *value;
    if (name == "t") {
      if (!podstep::ParseGoDuration(*value)) return fail();
      m.t = *value;
    }
    if (name == "v") {
      if (value->find("bad") != std::string::npos) return fail();
      m.v.push_back(*value);
    }
  }
  m.positional.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
  return m;
}

std::string Describe(const std::vector<std::string>& args) {
  std::string text;
  for (const auto& arg : args) text += "[" + arg + "] ";
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<std::string> args =
      podstep::fuzz::SplitInput(podstep::fuzz::AsText(data, size), '\0');

  // SplitAtDoubleDash: the parts join back to the input around one "--".
  const podstep::SplitArgs split = podstep::SplitAtDoubleDash(args);
  std::vector<std::string> joined = split.flag_args;
  if (joined.size() != args.size()) joined.push_back("--");
  joined.insert(joined.end(), split.command_args.begin(), split.command_args.end());
  FUZZ_CHECK(joined == args, Describe(args));

  bool b = true;
  std::string s;
  std::chrono::nanoseconds t{1};
  std::vector<std::string> v;
  podstep::GoFlagSet flags("fuzz");
  flags.AddBool("b", &b, "a bool");
  flags.AddString("s", &s, "default", "a `text`");
  flags.AddDuration("t", &t, "a duration");
  flags.AddVar("v", "repeated", [&v](const std::string& value) -> std::optional<std::string> {
    if (value.find("bad") != std::string::npos) return "contains bad";
    v.push_back(value);
    return std::nullopt;
  });
  const podstep::ParseOutcome outcome = flags.Parse(args);
  const Model want = Expected(args);
  FUZZ_CHECK(outcome.status == want.status, Describe(args) + "-> status " +
                                                std::to_string(static_cast<int>(outcome.status)) +
                                                " " + outcome.error);
  if (outcome.status == podstep::ParseStatus::kError) {
    FUZZ_CHECK(!outcome.error.empty(), Describe(args));
    return 0;
  }
  if (outcome.status != podstep::ParseStatus::kOk) return 0;
  FUZZ_CHECK(b == want.b, Describe(args));
  FUZZ_CHECK(s == want.s, Describe(args) + "-> s=[" + s + "] want [" + want.s + "]");
  const std::chrono::nanoseconds want_t =
      want.t.empty() ? std::chrono::nanoseconds(0) : *podstep::ParseGoDuration(want.t);
  FUZZ_CHECK(t == want_t, Describe(args));
  FUZZ_CHECK(v == want.v, Describe(args));
  FUZZ_CHECK(outcome.positional == want.positional, Describe(args));
  FUZZ_CHECK(flags.Usage().starts_with("Usage of fuzz:\n"), flags.Usage());
  return 0;
}
