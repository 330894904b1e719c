// The <Dial> fork policy: simultaneous and sequential ringing, the first answer wins, losers are
// cancelled or hung up, and the dial reports the last leg that failed [multi.*].
#include "call/dial_fork.h"

#include <gtest/gtest.h>

namespace sipref::call {
namespace {

using Ids = std::vector<DialFork::LegId>;
using Nouns = std::vector<std::size_t>;

TEST(DialFork, SimultaneousStartsEveryNounAndTheFirstAnswerWins) {
  DialFork fork(3, false);
  EXPECT_EQ(fork.first_step(), (Nouns{0, 1, 2}));
  fork.add_leg(1);
  fork.add_leg(2);
  fork.add_leg(3);
  EXPECT_TRUE(fork.step_started().arm_timer);
  auto next = fork.answered(2);
  EXPECT_EQ(next.bridge, 2u);
  EXPECT_EQ(next.cancel, (Ids{1, 3}));
  EXPECT_EQ(fork.winner(), 2u);
  // The cancelled legs' 487s change nothing; a late 200 from one of them is hung up.
  EXPECT_FALSE(fork.failed(1).finished);
  auto late = fork.answered(3);
  EXPECT_EQ(late.hang_up, (Ids{3}));
  EXPECT_EQ(late.bridge, 0u);
  EXPECT_FALSE(late.finished);
}

TEST(DialFork, SimultaneousFinishesWhenEveryLegFailedReportingTheLast) {
  DialFork fork(2, false);
  fork.first_step();
  fork.add_leg(7);
  fork.add_leg(8);
  fork.step_started();
  EXPECT_FALSE(fork.failed(8).finished);
  auto next = fork.failed(7);
  ASSERT_TRUE(next.finished);
  EXPECT_EQ(*next.finished, 7u);
  EXPECT_TRUE(fork.over());
}

TEST(DialFork, SequentialTriesOneNounAtATimeInOrder) {
  DialFork fork(3, true);
  EXPECT_EQ(fork.first_step(), (Nouns{0}));
  fork.add_leg(1);
  EXPECT_TRUE(fork.step_started().arm_timer);
  auto next = fork.failed(1);  // busy: the next noun
  EXPECT_EQ(next.start, (Nouns{1}));
  EXPECT_FALSE(next.finished);
  fork.add_leg(2);
  EXPECT_TRUE(fork.step_started().arm_timer);
  next = fork.answered(2);
  EXPECT_EQ(next.bridge, 2u);
  EXPECT_TRUE(next.cancel.empty());
  EXPECT_TRUE(next.start.empty());
}

TEST(DialFork, SequentialTimeoutCancelsOnlyTheRingingLegThenMovesOn) {
  DialFork fork(2, true);
  fork.first_step();
  fork.add_leg(1);
  fork.step_started();
  auto next = fork.timed_out();
  EXPECT_EQ(next.cancel, (Ids{1}));
  EXPECT_TRUE(next.start.empty());
  next = fork.failed(1);  // its 487
  EXPECT_EQ(next.start, (Nouns{1}));
}

TEST(DialFork, SequentialWhereEveryLegFailsReportsTheLastTried) {
  DialFork fork(2, true);
  fork.first_step();
  fork.add_leg(1);
  fork.step_started();
  fork.failed(1);
  fork.add_leg(2);
  fork.step_started();
  auto next = fork.failed(2);
  ASSERT_TRUE(next.finished);
  EXPECT_EQ(*next.finished, 2u);
}

TEST(DialFork, ANounThatDialsNothingIsSkipped) {
  DialFork fork(3, true);
  fork.first_step();  // noun 0 dials nothing (an invalid URI)
  auto next = fork.step_started();
  EXPECT_EQ(next.start, (Nouns{1}));
  fork.add_leg(5);
  EXPECT_FALSE(fork.failed(5).start.size());  // still starting: the step decides
  next = fork.step_started();                 // noun 1's only leg failed at once
  EXPECT_EQ(next.start, (Nouns{2}));
  next = fork.step_started();  // noun 2 dialled nothing either
  ASSERT_TRUE(next.finished);
  EXPECT_EQ(*next.finished, 5u);
}

TEST(DialFork, NoLegAtAllFinishesReportingNone) {
  DialFork fork(1, false);
  fork.first_step();
  auto next = fork.step_started();
  ASSERT_TRUE(next.finished);
  EXPECT_EQ(*next.finished, 0u);
}

TEST(DialFork, AnAnswerCrossingTheTimeoutCancelIsHungUpAndEndsTheStep) {
  DialFork fork(1, false);
  fork.first_step();
  fork.add_leg(1);
  fork.step_started();
  fork.timed_out();
  auto next = fork.answered(1);  // its 200 crossed our CANCEL
  EXPECT_EQ(next.hang_up, (Ids{1}));
  EXPECT_EQ(next.bridge, 0u);
  ASSERT_TRUE(next.finished);
  EXPECT_EQ(*next.finished, 1u);
}

}  // namespace
}  // namespace sipref::call
