// The inbound REFER transfer machine: seed 001's answerOnBridge table cell by cell, the NOTIFY
// sequence (100 first, one terminating NOTIFY before any BYE) and Refer-Sub: false [refer.*].
#include "call/transfer.h"

#include <gtest/gtest.h>

namespace sipref::call {
namespace {

using State = Transfer::State;

TEST(Transfer, StartNotifiesTrying) {
  Transfer t(false, true);
  auto next = t.started();
  EXPECT_EQ(next.notify, 100);
  EXPECT_FALSE(next.hang_up_transferor);
  EXPECT_EQ(t.state(), State::fetching);
}

TEST(Transfer, AobFalseWebhookFetchedNotifiesOkThenHangsUpTransferorAndRunsTwiml) {
  Transfer t(false, true);
  t.started();
  auto next = t.fetched();
  EXPECT_EQ(next.notify, 200);
  EXPECT_TRUE(next.hang_up_transferor);
  EXPECT_TRUE(next.run_twiml);
  EXPECT_FALSE(next.reconnect);
  EXPECT_EQ(t.state(), State::done);
  EXPECT_TRUE(t.final_notified());
}

TEST(Transfer, AobFalseAfterTheFetchTheTargetsOutcomeChangesNothing) {
  Transfer t(false, true);
  t.started();
  t.fetched();
  auto no_answer = t.dial_failed(487);
  EXPECT_FALSE(no_answer.notify);
  EXPECT_FALSE(no_answer.reconnect);  // the transferor is gone: no way back
  EXPECT_FALSE(t.target_bridged().hang_up_transferor);
}

TEST(Transfer, AobFalseUnreachableNotifies503HangsUpTransferorAndEndsTheCall) {
  Transfer t(false, true);
  t.started();
  auto next = t.fetch_failed();
  EXPECT_EQ(next.notify, 503);
  EXPECT_TRUE(next.hang_up_transferor);
  EXPECT_TRUE(next.end_call);
  EXPECT_FALSE(next.run_twiml);
  EXPECT_EQ(t.state(), State::done);
}

TEST(Transfer, AobTrueWebhookKeepsTheTransferor) {
  Transfer t(true, true);
  t.started();
  auto next = t.fetched();
  EXPECT_FALSE(next.notify);
  EXPECT_FALSE(next.hang_up_transferor);
  EXPECT_TRUE(next.run_twiml);
  EXPECT_EQ(t.state(), State::running);
}

TEST(Transfer, AobTrueTargetAnswersNotifiesOkThenHangsUpTransferor) {
  Transfer t(true, true);
  t.started();
  t.fetched();
  t.dial_started();
  EXPECT_EQ(t.state(), State::dialling);
  auto next = t.target_bridged();
  EXPECT_EQ(next.notify, 200);
  EXPECT_TRUE(next.hang_up_transferor);
  EXPECT_FALSE(next.reconnect);
  EXPECT_EQ(t.state(), State::done);
}

TEST(Transfer, AobTrueNoAnswerReportsTheTargetsStatusAndReconnects) {
  Transfer t(true, true);
  t.started();
  t.fetched();
  t.dial_started();
  auto next = t.dial_failed(486);
  EXPECT_EQ(next.notify, 486);
  EXPECT_TRUE(next.reconnect);
  EXPECT_FALSE(next.hang_up_transferor);
  EXPECT_FALSE(next.end_call);
}

TEST(Transfer, AobTrueDialWithNoFinalResponseReports408) {
  Transfer t(true, true);
  t.started();
  t.fetched();
  t.dial_started();
  EXPECT_EQ(t.dial_failed(0).notify, 408);
}

TEST(Transfer, AobTrueUnreachableNotifies503AndLeavesTheBridge) {
  Transfer t(true, true);
  t.started();
  auto next = t.fetch_failed();
  EXPECT_EQ(next.notify, 503);
  EXPECT_FALSE(next.hang_up_transferor);
  EXPECT_FALSE(next.end_call);
  EXPECT_FALSE(next.reconnect);  // nothing changed: the bridge simply stays
  EXPECT_EQ(t.state(), State::done);
}

TEST(Transfer, AobTrueTwimlEndingWithoutADialReconnectsWith603) {
  Transfer t(true, true);
  t.started();
  t.fetched();
  auto next = t.twiml_ended();
  EXPECT_EQ(next.notify, kReferDeclined);
  EXPECT_TRUE(next.reconnect);
}

TEST(Transfer, TransferorHungUpForAnotherReasonGetsTheLastNotifyFirstOnce) {
  Transfer t(true, true);
  t.started();
  t.fetched();
  auto next = t.transferor_leaving();
  EXPECT_EQ(next.notify, kReferAbandoned);
  EXPECT_EQ(t.state(), State::done);
  EXPECT_FALSE(t.transferor_leaving().notify);  // only one terminating NOTIFY
  EXPECT_FALSE(t.twiml_ended().reconnect);
}

TEST(Transfer, TransferorLeavingWhileFetchingTurnsAnswerOnBridgeOff) {
  Transfer t(true, true);
  t.started();
  EXPECT_EQ(t.transferor_leaving().notify, kReferAbandoned);
  EXPECT_FALSE(t.answer_on_bridge());
  auto next = t.fetched();  // the referUrl TwiML still takes the transferee
  EXPECT_TRUE(next.run_twiml);
  EXPECT_FALSE(next.notify);
  EXPECT_EQ(t.state(), State::done);
}

TEST(Transfer, ReferSubFalseSendsNoNotifyButActsTheSame) {
  Transfer t(false, false);
  EXPECT_FALSE(t.started().notify);
  auto next = t.fetched();
  EXPECT_FALSE(next.notify);
  EXPECT_TRUE(next.hang_up_transferor);
  EXPECT_TRUE(next.run_twiml);
}

TEST(Transfer, EventsOutOfOrderDoNothing) {
  Transfer t(true, true);
  EXPECT_FALSE(t.target_bridged().hang_up_transferor);  // no dial yet
  EXPECT_FALSE(t.dial_failed(486).reconnect);
  t.started();
  t.fetched();
  EXPECT_FALSE(t.fetched().run_twiml);  // a second fetch result is ignored
  EXPECT_FALSE(t.fetch_failed().notify);
}

}  // namespace
}  // namespace sipref::call
