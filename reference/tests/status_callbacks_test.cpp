// Status callbacks of dialled legs (sip.status-callback, sip.status-callback.params,
// sip.never-queued): the events sent, their parameters, their order and the invalid URL alert.
#include "call/status_callbacks.h"

#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <string>
#include <vector>

namespace sipref::call {
namespace {

using namespace std::chrono_literals;
using twiml::CallEvent;

// Keeps every request "in flight" until the test completes it, as the webhook pool would.
struct FakeSender {
  std::vector<webhook::Request> sent;
  std::deque<webhook::WebhookClient::Done> pending;

  StatusCallbacks::Send send() {
    return [this](webhook::Request request, webhook::WebhookClient::Done done) {
      sent.push_back(std::move(request));
      pending.push_back(std::move(done));
    };
  }
  void complete_all() {
    while (!pending.empty()) {
      auto done = std::move(pending.front());
      pending.pop_front();
      webhook::Response ok;
      ok.outcome = webhook::Outcome::ok;
      done(ok);
    }
  }
};

std::string param(const webhook::Request& r, std::string_view name) {
  return std::string(r.params.find(name).value_or("<absent>"));
}

class StatusCallbacksTest : public ::testing::Test {
 protected:
  StatusCallbacksTest() {
    account_.sid = "AC00000000000000000000000000000001";
    account_.auth_token = "token";
    session_.call_sid = "CAparent";
    session_.account = &account_;
    session_.document_url = "http://app.example.com/c/tok/voice";
    child_.id = 7;
    child_.call_sid = "CAchild";
    child_.invite = sip::Message::request("INVITE", "sip:bob@10.0.0.2:5070");
    child_.invite.add("From", "<sip:alice@127.0.1.1>;tag=x");
    child_.invite.add("To", "<sip:bob@10.0.0.2:5070>");
  }

  twiml::StatusCallback callback(std::string url, std::vector<CallEvent> events = {}) {
    twiml::StatusCallback cb;
    cb.url = std::move(url);
    cb.events = std::move(events);
    return cb;
  }

  std::vector<std::string> statuses() const {
    std::vector<std::string> out;
    for (const auto& r : sender_.sent) out.push_back(param(r, "CallStatus"));
    return out;
  }

  config::Account account_;
  Session session_;
  Leg child_;
  FakeSender sender_;
  StatusCallbacks callbacks_{sender_.send(),
                             [] { return std::chrono::system_clock::time_point(1795494662s); }};
};

TEST_F(StatusCallbacksTest, EveryEventInFiringOrderOneRequestAtATime) {
  auto all = {CallEvent::initiated, CallEvent::ringing, CallEvent::answered, CallEvent::completed};
  ASSERT_TRUE(callbacks_.leg_started(session_, child_, callback("/status", all)));
  callbacks_.leg_ringing(child_.id);
  callbacks_.leg_ringing(child_.id);  // a second 180 is not a second event
  child_.answered_at = sip::Clock::time_point(10s);
  callbacks_.leg_answered(child_.id);
  child_.final_status = 200;
  child_.ended_at = sip::Clock::time_point(17s);
  callbacks_.leg_ended(child_, sip::Clock::time_point(20s));
  ASSERT_EQ(sender_.sent.size(), 1u);  // the others wait for the first to finish
  while (!sender_.pending.empty()) sender_.complete_all();
  ASSERT_EQ(statuses(),
            (std::vector<std::string>{"initiated", "ringing", "in-progress", "completed"}));
  for (std::size_t i = 0; i < sender_.sent.size(); ++i) {
    const auto& r = sender_.sent[i];
    EXPECT_EQ(param(r, "SequenceNumber"), std::to_string(i));
    EXPECT_EQ(r.url, "http://app.example.com/status");
    EXPECT_EQ(r.method, HttpMethod::post);
    EXPECT_FALSE(r.expect_twiml);
    EXPECT_EQ(param(r, "CallSid"), "CAchild");
    EXPECT_EQ(param(r, "ParentCallSid"), "CAparent");
    EXPECT_EQ(param(r, "Direction"), "outbound-dial");
    EXPECT_EQ(param(r, "From"), "sip:alice@127.0.1.1");
    EXPECT_EQ(param(r, "To"), "sip:bob@10.0.0.2:5070");
    EXPECT_EQ(param(r, "CallbackSource"), "call-progress-events");
    EXPECT_EQ(param(r, "Timestamp"), "Tue, 24 Nov 2026 04:31:02 +0000");
  }
  EXPECT_EQ(param(sender_.sent[2], "CallDuration"), "<absent>");
  EXPECT_EQ(param(sender_.sent[3], "CallDuration"), "7");
  EXPECT_EQ(param(sender_.sent[3], "SipResponseCode"), "200");
  EXPECT_EQ(param(sender_.sent[2], "SipResponseCode"), "<absent>");
  EXPECT_EQ(callbacks_.watched_legs(), 0u);
}

TEST_F(StatusCallbacksTest, NoEventsMeansCompletedOnlyWithSequenceZero) {
  ASSERT_TRUE(callbacks_.leg_started(session_, child_, callback("https://x.example/s#rc=0")));
  callbacks_.leg_ringing(child_.id);
  callbacks_.leg_answered(child_.id);
  child_.final_status = 486;
  callbacks_.leg_ended(child_, sip::Clock::time_point(1s));
  sender_.complete_all();
  ASSERT_EQ(statuses(), std::vector<std::string>{"busy"});
  EXPECT_EQ(param(sender_.sent[0], "SequenceNumber"), "0");
  EXPECT_EQ(param(sender_.sent[0], "SipResponseCode"), "486");
  EXPECT_EQ(param(sender_.sent[0], "CallDuration"), "<absent>");
  EXPECT_EQ(sender_.sent[0].url, "https://x.example/s#rc=0");
}

TEST_F(StatusCallbacksTest, TerminalStatusFollowsTheDialStatusMapping) {
  const std::vector<std::pair<int, std::string>> cases = {
      {600, "busy"},      {408, "no-answer"}, {480, "no-answer"}, {487, "no-answer"},
      {603, "no-answer"}, {404, "failed"},    {503, "failed"}};
  for (const auto& [code, status] : cases) {
    Leg leg;
    leg.id = static_cast<LegId>(100 + code);
    leg.call_sid = "CA" + std::to_string(code);
    leg.final_status = code;
    ASSERT_TRUE(callbacks_.leg_started(session_, leg, callback("/s")));
    callbacks_.leg_ended(leg, sip::Clock::time_point(1s));
    sender_.complete_all();
    EXPECT_EQ(param(sender_.sent.back(), "CallStatus"), status) << code;
  }
}

TEST_F(StatusCallbacksTest, GetAndEventsOutOfOrderNeverGoBackwards) {
  auto cb = callback("/s", {CallEvent::ringing, CallEvent::answered});
  cb.method = HttpMethod::get;
  ASSERT_TRUE(callbacks_.leg_started(session_, child_, cb));
  callbacks_.leg_answered(child_.id);
  callbacks_.leg_ringing(child_.id);  // a 180 overtaken by the 200
  sender_.complete_all();
  ASSERT_EQ(statuses(), std::vector<std::string>{"in-progress"});
  EXPECT_EQ(sender_.sent[0].method, HttpMethod::get);
  EXPECT_EQ(param(sender_.sent[0], "SequenceNumber"), "0");
}

TEST_F(StatusCallbacksTest, InvalidHostIsAlert11100AndNoCallbacks) {
  auto started = callbacks_.leg_started(session_, child_, callback("http://bad_host.example/x"));
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, 11100);
  callbacks_.leg_ended(child_, sip::Clock::time_point(1s));
  EXPECT_TRUE(sender_.sent.empty());
  EXPECT_EQ(callbacks_.watched_legs(), 0u);
}

TEST_F(StatusCallbacksTest, NoStatusCallbackSendsNothing) {
  twiml::StatusCallback none;
  none.events = {CallEvent::initiated};
  ASSERT_TRUE(callbacks_.leg_started(session_, child_, none));
  EXPECT_TRUE(sender_.sent.empty());
}

TEST(StatusCallbackHost, DnsNamesAndAddressesOnly) {
  EXPECT_TRUE(valid_callback_host("example.com"));
  EXPECT_TRUE(valid_callback_host("a-b.example.com."));
  EXPECT_TRUE(valid_callback_host("127.0.0.1"));
  EXPECT_TRUE(valid_callback_host("[::1]"));
  EXPECT_FALSE(valid_callback_host("bad_host.example"));
  EXPECT_FALSE(valid_callback_host("-a.example"));
  EXPECT_FALSE(valid_callback_host("a..example"));
  EXPECT_FALSE(valid_callback_host(""));
  EXPECT_FALSE(valid_callback_host(std::string(64, 'a') + ".example"));
}

TEST(StatusCallbackTimestamp, Rfc2822InUtc) {
  EXPECT_EQ(rfc2822_utc(std::chrono::system_clock::time_point(1795494662s)),
            "Tue, 24 Nov 2026 04:31:02 +0000");
  EXPECT_EQ(rfc2822_utc(std::chrono::system_clock::time_point(0s)),
            "Thu, 01 Jan 1970 00:00:00 +0000");
}

}  // namespace
}  // namespace sipref::call
