// The Calls resource's status words for legs and the bounded history of ended calls.
#include <gtest/gtest.h>

#include "call/call_records.h"

namespace sipref::call {
namespace {

Leg leg_in(LegState state, int final_status = 0) {
  Leg l;
  l.state = state;
  l.final_status = final_status;
  return l;
}

TEST(ResourceStatus, RingingAndInProgress) {
  EXPECT_EQ(resource_status(leg_in(LegState::offered), false), "ringing");
  EXPECT_EQ(resource_status(leg_in(LegState::proceeding), true), "ringing");
  EXPECT_EQ(resource_status(leg_in(LegState::confirmed, 200), false), "in-progress");
  EXPECT_EQ(resource_status(leg_in(LegState::ending, 200), true), "in-progress");
}

TEST(ResourceStatus, QueuedOnlyForRestCallsNotYetRinging) {
  EXPECT_EQ(resource_status(leg_in(LegState::calling), true), "queued");
  EXPECT_EQ(resource_status(leg_in(LegState::calling), false), "ringing");  // [sip.never-queued]
}

TEST(ResourceStatus, EndedFromHowItEnded) {
  Leg answered = leg_in(LegState::ended, 200);
  answered.answered_at = sip::Clock::time_point{};
  EXPECT_EQ(resource_status(answered, false), "completed");
  EXPECT_EQ(resource_status(leg_in(LegState::ended, 486), false), "busy");
  EXPECT_EQ(resource_status(leg_in(LegState::ended, 487), true), "no-answer");
  EXPECT_EQ(resource_status(leg_in(LegState::ended, 503), true), "failed");
  EXPECT_EQ(resource_status(leg_in(LegState::ended, 0), true), "failed");
  Leg cancelled = leg_in(LegState::ended, 487);
  cancelled.canceled = true;
  EXPECT_EQ(resource_status(cancelled, true), "canceled");
}

TEST(CallFilterMatch, EveryGivenFilterMustHold) {
  CallRecord r;
  r.to = "sip:a@b";
  r.from = "+15005550006";
  r.status = "completed";
  r.parent_call_sid = "CAparent";
  CallFilter filter;
  EXPECT_TRUE(matches(r, filter));
  filter.to = "sip:a@b";
  filter.status = "completed";
  EXPECT_TRUE(matches(r, filter));
  filter.status = "busy";
  EXPECT_FALSE(matches(r, filter));
  CallFilter by_from;
  by_from.from = "+1";
  EXPECT_FALSE(matches(r, by_from));
  CallFilter by_parent;
  by_parent.parent_call_sid = "CAparent";
  EXPECT_TRUE(matches(r, by_parent));
}

TEST(CallHistoryStore, KeepsTheNewestAndFindsTheLatestCopy) {
  CallHistory history(2);
  auto record = [](std::string sid, std::string status = "") {
    CallRecord r;
    r.sid = std::move(sid);
    r.status = std::move(status);
    return r;
  };
  for (std::string sid : {"CA1", "CA2", "CA3"}) history.add(record(sid));
  EXPECT_EQ(history.find("CA1"), nullptr);  // the oldest went
  ASSERT_NE(history.find("CA3"), nullptr);
  EXPECT_EQ(history.records().size(), 2u);
  history.add(record("CA3", "completed"));
  EXPECT_EQ(history.find("CA3")->status, "completed");
}

}  // namespace
}  // namespace sipref::call
