#include "podsim/controller.h"

#include <algorithm>

#include "common/deadline.h"

namespace podstep::podsim {

TektonController::TektonController(ControllerOptions options, SteadyClock::time_point pod_start)
    : options_(options) {
  if (options_.deadline) deadline_ = DeadlineAfter<SteadyClock>(pod_start, *options_.deadline);
}

void TektonController::MainContainersStarted(SteadyClock::time_point now) {
  if (options_.tekton && options_.cancel_after) {
    cancel_at_ = DeadlineAfter<SteadyClock>(now, *options_.cancel_after);
    // --cancel-after 0: at once.
    if (!cancel_at_ && options_.cancel_after->count() <= 0) cancel_at_ = now;
  }
}

std::optional<SteadyClock::time_point> TektonController::NextTimer() const {
  if (verdict_given_) return std::nullopt;
  if (cancel_at_ && (!deadline_ || *cancel_at_ < *deadline_)) return cancel_at_;
  return deadline_;
}

ControllerActions TektonController::Reconcile(const PodView& pod, SteadyClock::time_point now) {
  ControllerActions actions;
  if (verdict_given_) return actions;
  auto verdict = [&] {
    verdict_given_ = true;
    actions.verdict = true;
    return actions;
  };
  if (deadline_ && now >= *deadline_) {
    timed_out_ = true;
    actions.delete_pod = true;
    return verdict();
  }
  if (pod.init_failed) return verdict();
  if (!pod.main_started) return actions;

  const auto& all = pod.containers;
  const bool any_step = std::any_of(all.begin(), all.end(), [](auto& c) { return c.is_step; });
  if (!options_.tekton || !any_step) {
    if (std::all_of(all.begin(), all.end(), [](auto& c) { return c.done; })) return verdict();
    return actions;
  }
  // Tekton's SidecarsReady: a sidecar that ended, however, no longer holds
  // the steps back.
  const bool sidecars_ready = std::all_of(all.begin(), all.end(), [](auto& c) {
    return c.is_step || (c.running && c.ready) || c.done;
  });
  if (sidecars_ready && !ready_set_) {
    ready_set_ = true;
    actions.annotations.emplace_back(kReadyAnnotation, "READY");
  }
  const bool steps_done =
      std::all_of(all.begin(), all.end(), [](auto& c) { return !c.is_step || c.done; });
  if (cancel_at_ && now >= *cancel_at_) {
    cancel_at_.reset();
    if (!steps_done) {
      cancelled_ = true;
      actions.annotations.emplace_back(kCancelAnnotation, "CANCEL");
    }
  }
  if (steps_done) {
    actions.stop_sidecars = true;
    return verdict();
  }
  return actions;
}

}  // namespace podstep::podsim
