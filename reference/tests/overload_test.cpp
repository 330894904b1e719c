// Overload decisions: the max_cps one-second window, max_calls, and draining first.
#include <gtest/gtest.h>

#include "call/overload.h"

namespace sipref::call {
namespace {

using namespace std::chrono_literals;
const sip::Clock::time_point t0{};

TEST(CallRateWindow, AdmitsUpToTheRateWithinOneSecond) {
  CallRateWindow window;
  EXPECT_TRUE(window.admit(t0, 2));
  EXPECT_TRUE(window.admit(t0 + 100ms, 2));
  EXPECT_FALSE(window.admit(t0 + 999ms, 2));  // a refused call does not count
  EXPECT_TRUE(window.admit(t0 + 1000ms, 2));  // the first one left the window
  EXPECT_FALSE(window.admit(t0 + 1050ms, 2));
  EXPECT_TRUE(window.admit(t0 + 1100ms, 2));
}

TEST(Overload, NoLimitsAdmitsEverything) {
  Overload overload(config::Limits{});
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(overload.refuse_new_call(5000, t0));
}

TEST(Overload, MaxCallsAndMaxCpsWithTheirRetryAfter) {
  config::Limits limits;
  limits.max_calls = 2;
  limits.max_cps = 1;
  Overload overload(limits);
  auto full = overload.refuse_new_call(2, t0);
  ASSERT_TRUE(full);
  EXPECT_EQ(full->retry_after_s, 5);
  EXPECT_NE(full->why.find("max_calls 2"), std::string::npos);
  EXPECT_FALSE(overload.refuse_new_call(1, t0));
  auto fast = overload.refuse_new_call(1, t0 + 10ms);
  ASSERT_TRUE(fast);
  EXPECT_EQ(fast->retry_after_s, 1);
  EXPECT_NE(fast->why.find("max_cps 1"), std::string::npos);
}

TEST(Overload, DrainingRefusesEveryNewCall) {
  Overload overload(config::Limits{});
  overload.start_draining();
  auto refused = overload.refuse_new_call(0, t0);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->why, "draining for shutdown");
  EXPECT_TRUE(overload.draining());
}

}  // namespace
}  // namespace sipref::call
