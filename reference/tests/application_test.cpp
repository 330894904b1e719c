// Application Connect rules [app.*]: who may dial an App, what its request reports, how its
// parameters are named both ways and how an unanswered App ends the connecting <Dial>.
#include <gtest/gtest.h>

#include "call/application.h"
#include "call/session.h"

namespace sipref::call {
namespace {

constexpr const char* kMine = "AC0123456789abcdef0123456789abcdef";
constexpr const char* kOther = "AC0123456789abcdef0123456789abcde0";

config::Application app_of(const char* account, bool is_public) {
  config::Application app;
  app.sid = "AP0123456789abcdef0123456789abcdef";
  app.account = account;
  app.public_application_connect_enabled = is_public;
  return app;
}

// [app.public-flag]: the same account always; another account only when the App is public.
TEST(ApplicationConnect, PublicFlagGovernsOtherAccountsOnly) {
  const auto mine_private = app_of(kMine, false);
  const auto mine_public = app_of(kMine, true);
  const auto other_private = app_of(kOther, false);
  const auto other_public = app_of(kOther, true);
  EXPECT_FALSE(refuse_application(&mine_private, mine_private.sid, kMine));
  EXPECT_FALSE(refuse_application(&mine_public, mine_public.sid, kMine));
  EXPECT_FALSE(refuse_application(&other_public, other_public.sid, kMine));
  auto refused = refuse_application(&other_private, other_private.sid, kMine);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code, 13224);
  EXPECT_EQ(refused->level(), AlertLevel::error);
}

TEST(ApplicationConnect, AnUnknownSidIsRefused) {
  auto refused = refuse_application(nullptr, "AP00000000000000000000000000000000", kMine);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code, 13224);
  EXPECT_NE(refused->message.find("AP00000000000000000000000000000000"), std::string::npos);
}

// [app.params, app.return-params]: Param_ towards the App, ReturnParam_ back, in order.
TEST(ApplicationConnect, ParametersArePrefixedBothWays) {
  const std::vector<twiml::Parameter> params{{"AccountNumber", "12345"}, {"TicketNumber", "9876"}, {"Empty", ""}};
  webhook::Params to_app;
  add_prefixed(to_app, "Param_", params);
  EXPECT_EQ(to_app.find("Param_AccountNumber"), "12345");
  EXPECT_EQ(to_app.find("Param_TicketNumber"), "9876");
  EXPECT_EQ(to_app.find("Param_Empty"), "");
  EXPECT_FALSE(to_app.find("AccountNumber"));
  webhook::Params to_action;
  add_prefixed(to_action, "ReturnParam_", {{"AgentName", "Alice"}, {"AgentName", "Bob"}});
  const auto both = to_action.find_all("ReturnParam_AgentName");
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0], "Alice");
  EXPECT_EQ(both[1], "Bob");
  EXPECT_FALSE(to_action.find("Param_AgentName"));
}

// [app.copy-parent-to, app.customer-id]
TEST(ApplicationConnect, ToAndCustomerId) {
  twiml::Application noun;
  noun.sid = "AP0123456789abcdef0123456789abcdef";
  auto plan = plan_connect(noun, "sip:someone@example.com", kMine);
  EXPECT_EQ(plan.to, noun.sid);
  EXPECT_EQ(plan.customer_id, kMine);  // the sending AccountSid by default
  EXPECT_TRUE(plan.alerts.empty());
  noun.copy_parent_to.value = true;
  noun.customer_id = "CustomerFriendlyName";
  plan = plan_connect(noun, "sip:someone@example.com", kMine);
  EXPECT_EQ(plan.to, "sip:someone@example.com");
  EXPECT_EQ(plan.customer_id, "CustomerFriendlyName");
}

TEST(ApplicationConnect, ALongCustomerIdIsCutTo256WithAWarning) {
  twiml::Application noun;
  noun.customer_id = std::string(256, 'x');
  EXPECT_TRUE(plan_connect(noun, "", kMine).alerts.empty());
  noun.customer_id = std::string(257, 'x');
  auto plan = plan_connect(noun, "", kMine);
  EXPECT_EQ(plan.customer_id, std::string(256, 'x'));
  ASSERT_EQ(plan.alerts.size(), 1u);
  EXPECT_EQ(plan.alerts[0].code, 12200);
}

// [app.reject]: busy for <Reject reason="busy">, no-answer for rejected or no answer, failed
// when the App gave no TwiML.
TEST(ApplicationConnect, UnansweredOutcomes) {
  EXPECT_EQ(dial_status_for(unanswered_application_status(486)), DialStatus::busy);
  EXPECT_EQ(dial_status_for(unanswered_application_status(404)), DialStatus::no_answer);
  EXPECT_EQ(dial_status_for(unanswered_application_status(480)), DialStatus::no_answer);
  EXPECT_EQ(dial_status_for(unanswered_application_status(500)), DialStatus::failed);
}

// [app.no-refer]: the predicate the REFER handling asks.
TEST(ApplicationConnect, ApplicationConnectedSessions) {
  Session plain;
  EXPECT_FALSE(plain.application_connected());
  plain.dial = DialRun{};
  EXPECT_FALSE(plain.application_connected());
  plain.dial->application = true;
  EXPECT_TRUE(plain.application_connected());
  plain.dial->status = DialStatus::completed;
  EXPECT_FALSE(plain.application_connected());  // the dial is over: the call goes on unconnected
  Session app_call;
  app_call.application = ApplicationCall{};
  EXPECT_TRUE(app_call.application_connected());
}

}  // namespace
}  // namespace sipref::call
