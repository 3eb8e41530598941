#pragma once
// The fixture of the podsim end-to-end tests: runs the real `podsim` binary
// (which runs the real entrypoint and nop in namespaced containers) on a
// manifest written to a temporary directory, and reads back the TaskRun
// status (`--output json`) and the containers' logs (`--logs DIR`). Each
// e2e test file adds its own TEST_Fs on PodsimTest. Needs root.

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "process/process_support.h"

namespace podstep::test {

using nlohmann::json;

inline std::string PodsimBin() { return PODSTEP_PODSIM_BIN; }

/// The nop image holds nothing but /ko-app/nop: a dynamically linked nop
/// (sanitizer builds) cannot run there.
inline bool NopIsStatic() { return ReadFileOr(NopBin()).find("ld-linux") == std::string::npos; }

struct PodsimRun {
  std::optional<ExitStatus> status;
  std::string out;
  std::string err;
  json result;  ///< stdout parsed as JSON (null when it is not JSON)

  /// The step with this container name ("step-x"), or null.
  json Step(const std::string& container) const {
    if (!result.is_object() || !result.contains("steps")) return nullptr;
    for (const json& s : result["steps"]) {
      if (s.value("container", "") == container) return s;
    }
    return nullptr;
  }
  json Condition() const {
    if (!result.is_object() || !result.contains("conditions")) return json::object();
    return result["conditions"][0];
  }
  std::string Result(const std::string& name) const {
    if (!result.is_object() || !result.contains("results")) return "<none>";
    for (const json& r : result["results"]) {
      if (r.value("name", "") == name)
        return r["value"].is_string() ? r["value"].get<std::string>() : r["value"].dump();
    }
    return "<none>";
  }
};

class PodsimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "podsim needs root here";
  }

  /// Writes `manifest` to a file and runs `podsim <command> [flags] FILE`.
  PodsimRun Podsim(const std::string& command, const std::string& manifest,
                   std::vector<std::string> flags = {},
                   milliseconds deadline = milliseconds(30'000)) {
    const std::string file = dir_ / "manifest.yaml";
    WriteFile(file, manifest);
    std::vector<std::string> argv = {PodsimBin(), command};
    argv.insert(argv.end(), flags.begin(), flags.end());
    argv.push_back(file);
    std::vector<std::string> env = {"PATH=/usr/local/bin:/usr/bin:/bin", "TMPDIR=" + dir_.path()};
    env.insert(env.end(), extra_env_.begin(), extra_env_.end());
    std::string error;
    Process p = Process::Spawn(
        {argv, env, dir_ / "podsim.out", dir_ / "podsim.err", "", dir_.path()}, &error);
    EXPECT_TRUE(p.valid()) << error;
    PodsimRun run;
    run.status = p.WaitFor(deadline);
    run.out = ReadFileOr(dir_ / "podsim.out");
    run.err = ReadFileOr(dir_ / "podsim.err");
    run.result = json::parse(run.out, nullptr, false);
    if (run.result.is_discarded()) run.result = nullptr;
    return run;
  }

  /// `podsim run --output json --logs <dir>/logs [flags]`.
  PodsimRun Run(const std::string& manifest, std::vector<std::string> flags = {}) {
    flags.insert(flags.begin(), {"--output", "json", "--logs", Logs()});
    return Podsim("run", manifest, flags);
  }

  std::string Logs() const { return dir_ / "logs"; }
  std::string Log(const std::string& container) const {
    return ReadFileOr(Logs() + "/" + container + ".log");
  }

  TempDir dir_;
  /// More "NAME=value" entries for podsim's environment (e.g. a private
  /// CONTAINERS_STORAGE_CONF).
  std::vector<std::string> extra_env_;
};

inline std::string Task(const std::string& spec) {
  return "apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: t\nspec:\n" + spec;
}

}  // namespace podstep::test
