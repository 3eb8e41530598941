#pragma once
// `podsim`'s command line: `run`, `render`, `--help`, `--version`.

#include <string>
#include <vector>

namespace podstep::podsim {

/// Exit codes: the pod succeeded; it failed; bad input or podsim could not run it.
inline constexpr int kExitSucceeded = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

/// Runs podsim with `args` (argv without argv[0]); `self_dir` is the
/// directory of the podsim binary (the default place of entrypoint and nop).
/// Prints to stdout/stderr, returns the exit code. Never throws.
int PodsimMain(const std::vector<std::string>& args, const std::string& self_dir);

/// The usage text.
std::string PodsimUsage();

}  // namespace podstep::podsim
