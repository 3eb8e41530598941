#include "common/deadline.h"

#include <gtest/gtest.h>

#include <chrono>
#include <limits>

namespace podstep {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::hours;
using std::chrono::nanoseconds;

TEST(DeadlineAfterTest, OrdinaryTimeoutIsStartPlusIt) {
  const Clock::time_point start = Clock::now();
  EXPECT_EQ(DeadlineAfter<Clock>(start, std::chrono::seconds(2)), start + std::chrono::seconds(2));
}

TEST(DeadlineAfterTest, ZeroAndNegativeMeanNoDeadline) {
  EXPECT_FALSE(DeadlineAfter<Clock>(Clock::now(), nanoseconds(0)));
  EXPECT_FALSE(DeadlineAfter<Clock>(Clock::now(), nanoseconds(-1)));
}

// `-timeout 2562047h`: now + it overflowed and fired at once.
// (2562047h fits while the clock is under 47 minutes past its epoch, the
// boot on Linux; the largest Go duration never does.)
TEST(DeadlineAfterTest, UnrepresentableDeadlineIsNoDeadline) {
  const Clock::time_point start{hours(1)};
  EXPECT_FALSE(DeadlineAfter<Clock>(start, hours(2562047)));
  EXPECT_FALSE(DeadlineAfter<Clock>(start, nanoseconds::max()));
  EXPECT_FALSE(DeadlineAfter<Clock>(Clock::now(), nanoseconds::max()));
}

TEST(DeadlineAfterTest, LastRepresentableDeadlineIsKept) {
  const Clock::time_point start{};
  const nanoseconds room = Clock::time_point::max() - start;
  EXPECT_EQ(DeadlineAfter<Clock>(start, room - nanoseconds(1)),
            Clock::time_point::max() - nanoseconds(1));
  EXPECT_FALSE(DeadlineAfter<Clock>(start, room));
}

}  // namespace
}  // namespace podstep
