#pragma once
// Deadlines that saturate instead of overflowing: `-timeout 2562047h` is a
// valid Go duration, but now + it does not fit in the clock's 64-bit
// nanoseconds and would wrap into the past, firing at once.

#include <chrono>
#include <optional>

namespace podstep {

/// `start + after`; nullopt (no deadline) when `after` is not positive or the
/// sum is not representable on `Clock` — so far away it can never be reached.
template <class Clock>
std::optional<typename Clock::time_point> DeadlineAfter(typename Clock::time_point start,
                                                        std::chrono::nanoseconds after) {
  using Duration = typename Clock::duration;
  if (after <= std::chrono::nanoseconds::zero()) return std::nullopt;
  const Duration room = Clock::time_point::max() - start;
  // Compared as long double (a 64-bit mantissa holds any int64 exactly), so
  // neither side is converted into a unit where it could overflow.
  using Exact = std::chrono::duration<long double>;
  if (Exact(after) >= Exact(room)) return std::nullopt;
  return start + std::chrono::duration_cast<Duration>(after);
}

}  // namespace podstep
