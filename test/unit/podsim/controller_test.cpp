// The Tekton controller's policy in a TaskRun pod, on a fake steady clock.

#include "podsim/controller.h"

#include <gtest/gtest.h>

namespace podstep::podsim {
namespace {

using namespace std::chrono_literals;

const SteadyClock::time_point kStart(1h);

ContainerView Step(bool running, bool done, int exit_code = 0) {
  return {true, running, done, exit_code};
}
ContainerView Sidecar(bool running, bool done, int exit_code = 0) {
  return {false, running, done, exit_code};
}

PodView Main(std::vector<ContainerView> containers) {
  PodView view;
  view.main_started = true;
  view.containers = std::move(containers);
  return view;
}

using Annotations = std::vector<std::pair<std::string, std::string>>;

TEST(PodsimController, NothingHappensDuringInitContainers) {
  TektonController controller({}, kStart);
  PodView init;
  ControllerActions a = controller.Reconcile(init, kStart + 1s);
  EXPECT_TRUE(a.annotations.empty());
  EXPECT_FALSE(a.verdict);
  EXPECT_EQ(controller.NextTimer(), std::nullopt);
}

TEST(PodsimController, ReadyOnceEverySidecarRunsOrSucceeded) {
  TektonController controller({}, kStart);
  EXPECT_TRUE(controller.Reconcile(Main({Step(false, false), Sidecar(false, false)}), kStart)
                  .annotations.empty());
  const ControllerActions ready = controller.Reconcile(
      Main({Step(false, false), Sidecar(true, false), Sidecar(false, true, 0)}), kStart);
  EXPECT_EQ(ready.annotations, (Annotations{{"tekton.dev/ready", "READY"}}));
  // Once only.
  EXPECT_TRUE(controller.Reconcile(Main({Step(true, false), Sidecar(true, false)}), kStart)
                  .annotations.empty());
}

// As Tekton's SidecarsReady (pkg/pod/status.go): a terminated sidecar counts,
// whatever its exit code; a sidecar neither running nor ended does not.
TEST(PodsimController, AFailedSidecarDoesNotHoldTheStepsBack) {
  TektonController controller({}, kStart);
  EXPECT_TRUE(controller.Reconcile(Main({Step(false, false), Sidecar(false, false)}), kStart)
                  .annotations.empty());
  const auto a = controller.Reconcile(Main({Step(false, false), Sidecar(false, true, 1)}), kStart);
  EXPECT_EQ(a.annotations, (Annotations{{"tekton.dev/ready", "READY"}}));
}

TEST(PodsimController, TheVerdictComesWithTheLastStepAndStopsTheSidecars) {
  TektonController controller({}, kStart);
  auto a = controller.Reconcile(Main({Step(false, true), Step(true, false), Sidecar(true, false)}),
                                kStart + 1s);
  EXPECT_FALSE(a.verdict);
  a = controller.Reconcile(Main({Step(false, true), Step(false, true, 1), Sidecar(true, false)}),
                           kStart + 2s);
  EXPECT_TRUE(a.verdict);
  EXPECT_TRUE(a.stop_sidecars);
  EXPECT_FALSE(a.delete_pod);
  EXPECT_TRUE(controller.verdict_given());
  // Given once; nothing after it.
  a = controller.Reconcile(Main({Step(false, true), Step(false, true), Sidecar(false, true)}),
                           kStart + 3s);
  EXPECT_FALSE(a.verdict);
  EXPECT_FALSE(a.stop_sidecars);
}

TEST(PodsimController, CancelAfterCountsFromTheMainContainersStart) {
  TektonController controller({.tekton = true, .cancel_after = 500ms, .deadline = {}}, kStart);
  controller.MainContainersStarted(kStart + 2s);
  EXPECT_EQ(controller.NextTimer(), kStart + 2500ms);
  auto running = Main({Step(true, false)});
  EXPECT_EQ(controller.Reconcile(running, kStart + 2499ms).annotations,
            (Annotations{{"tekton.dev/ready", "READY"}}));
  EXPECT_FALSE(controller.cancelled());
  const auto a = controller.Reconcile(running, kStart + 2500ms);
  EXPECT_EQ(a.annotations, (Annotations{{"tekton.dev/cancel", "CANCEL"}}));
  EXPECT_TRUE(controller.cancelled());
  EXPECT_EQ(controller.NextTimer(), std::nullopt);
}

TEST(PodsimController, CancelAfterTheStepsIsNoCancel) {
  TektonController controller({.tekton = true, .cancel_after = 1s, .deadline = {}}, kStart);
  controller.MainContainersStarted(kStart);
  const auto a = controller.Reconcile(Main({Step(false, true), Sidecar(true, false)}), kStart + 2s);
  EXPECT_TRUE(a.verdict);
  EXPECT_FALSE(controller.cancelled());
}

TEST(PodsimController, TheDeadlineCountsFromThePodsStart) {
  TektonController controller({.tekton = true, .cancel_after = {}, .deadline = 10s}, kStart);
  EXPECT_EQ(controller.NextTimer(), kStart + 10s);
  PodView init;  // still in the init containers
  EXPECT_FALSE(controller.Reconcile(init, kStart + 9s).verdict);
  const auto a = controller.Reconcile(init, kStart + 10s);
  EXPECT_TRUE(a.verdict);
  EXPECT_TRUE(a.delete_pod);
  EXPECT_FALSE(a.stop_sidecars);
  EXPECT_TRUE(controller.timed_out());
  EXPECT_EQ(controller.NextTimer(), std::nullopt);
}

TEST(PodsimController, AnUnrepresentableDeadlineNeverFires) {
  TektonController controller(
      {.tekton = true, .cancel_after = {}, .deadline = std::chrono::nanoseconds::max()}, kStart);
  EXPECT_EQ(controller.NextTimer(), std::nullopt);
}

TEST(PodsimController, AFailedInitContainerIsTheVerdict) {
  TektonController controller({}, kStart);
  PodView view;
  view.init_failed = true;
  const auto a = controller.Reconcile(view, kStart);
  EXPECT_TRUE(a.verdict);
  EXPECT_FALSE(a.stop_sidecars);
}

TEST(PodsimController, PlainPodsEndWhenEveryContainerIsDone) {
  for (bool tekton : {false, true}) {
    TektonController controller({.tekton = tekton, .cancel_after = 1ms, .deadline = {}}, kStart);
    controller.MainContainersStarted(kStart);
    // No step: no annotation, no cancel; the sidecar-like container counts.
    auto a = controller.Reconcile(Main({Sidecar(false, true), Sidecar(true, false)}), kStart + 1s);
    EXPECT_TRUE(a.annotations.empty());
    EXPECT_FALSE(a.verdict);
    a = controller.Reconcile(Main({Sidecar(false, true), Sidecar(false, true, 2)}), kStart + 2s);
    EXPECT_TRUE(a.verdict);
    EXPECT_FALSE(a.stop_sidecars);
  }
  // Without the controller, step containers are plain containers too.
  TektonController plain({.tekton = false, .cancel_after = {}, .deadline = {}}, kStart);
  const auto a = plain.Reconcile(Main({Step(false, true), Sidecar(true, false)}), kStart);
  EXPECT_FALSE(a.verdict);
  EXPECT_TRUE(a.annotations.empty());
}

}  // namespace
}  // namespace podstep::podsim
