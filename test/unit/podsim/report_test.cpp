// podsim's human-readable report and its log sinks.

#include "podsim/report.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace podstep::podsim {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

ContainerStatus Terminated(std::string name, int exit_code, std::string reason,
                           std::chrono::microseconds took) {
  ContainerStatus c;
  c.name = std::move(name);
  c.started = c.terminated = true;
  c.exit_code = exit_code;
  c.reason = std::move(reason);
  c.started_at = Clock::time_point(1s);
  c.finished_at = c.started_at + took;
  return c;
}

TEST(PodsimReport, TableOfContainersAndResults) {
  PodRun run;
  run.init_containers.push_back(Terminated("prepare", 0, "Completed", 2500us));
  run.containers.push_back(Terminated("step-build", 0, "Completed", 1500ms));
  run.containers.push_back(Terminated("step-test", 0, "Completed", 12ms));
  ContainerStatus sidecar = Terminated("sidecar-db", 0, "Completed", 3s);
  sidecar.replaced_by_nop = true;
  run.containers.push_back(sidecar);
  ContainerStatus broken = Terminated("sidecar-sh", 128, "StartError", 0ms);
  broken.message = "exec: \"sh\":\tnot found\nin the nop image";
  run.containers.push_back(broken);
  ContainerStatus waiting;
  waiting.name = "step-later";
  run.containers.push_back(waiting);
  ContainerStatus running;
  running.name = "step-now";
  running.started = true;
  run.containers.push_back(running);

  json status = {
      {"podName", "demo-pod"},
      {"conditions", {{{"reason", "Failed"}, {"message", "\"step-test\" exited with code 3"}}}},
      {"steps",
       {{{"container", "step-build"},
         {"terminated", {{"exitCode", 0}}},
         {"results", {{{"name", "digest"}, {"value", "sha256:abc"}}}}},
        {{"container", "step-test"},
         {"terminated", {{"exitCode", 3}}},
         {"terminationReason", "Continued"}}}},
      {"sidecars", {{{"container", "sidecar-db"}}}},
      {"results",
       {{{"name", "digest"}, {"value", "sha256:abc"}},
        {{"name", "list"}, {"value", json::array({"a", "b"})}},
        {{"name", "long"}, {"value", std::string(70, 'x')}}}}};

  EXPECT_EQ(FormatReport(run, status, "demo"),
            "TaskRun demo (pod demo-pod): Failed - \"step-test\" exited with code 3\n"
            "\n"
            "CONTAINER   STATE       EXIT  REASON           DURATION  RESULTS\n"
            "prepare     Terminated  0     Completed        2.5ms\n"
            "step-build  Terminated  0     Completed        1.50s     digest=sha256:abc\n"
            "step-test   Terminated  3     Continued        12.0ms\n"
            "sidecar-db  Stopped     0     Completed (nop)  3.00s\n"
            "sidecar-sh  Terminated  128   StartError       -         exec: \"sh\": not found in "
            "the nop image\n"
            "step-later  Waiting     -     -                -\n"
            "step-now    Running     -     -                -\n"
            "\n"
            "RESULT  VALUE\n"
            "digest  sha256:abc\n"
            "list    [\"a\",\"b\"]\n"
            "long    " + std::string(57, 'x') + "...\n");
}

TEST(PodsimReport, PrefixSinkWritesOneLinePerLine) {
  char* buffer = nullptr;
  size_t size = 0;
  std::FILE* stream = ::open_memstream(&buffer, &size);
  ASSERT_NE(stream, nullptr);
  PrefixLogSink sink(stream);
  sink.Line("step-a", "hello");
  sink.Line("sidecar-b", "");
  std::fclose(stream);
  EXPECT_EQ(std::string(buffer, size), "[step-a] hello\n[sidecar-b] \n");
  std::free(buffer);
}

TEST(PodsimReport, DirSinkAppendsPerContainer) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("podsim-report-" + std::to_string(::getpid()));
  {
    DirLogSink sink((dir / "logs").string());
    sink.Line("step-a", "one");
    sink.Line("step-b", "other");
    sink.Line("step-a", "two");
  }
  auto read = [](const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  };
  EXPECT_EQ(read(dir / "logs" / "step-a.log"), "one\ntwo\n");
  EXPECT_EQ(read(dir / "logs" / "step-b.log"), "other\n");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace podstep::podsim
