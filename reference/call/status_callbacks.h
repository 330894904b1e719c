// Status callbacks of dialled legs [sip.status-callback, sip.status-callback.params]: a request
// per subscribed event of a leg, sent in firing order; the call never waits for them.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <expected>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "call/leg.h"
#include "call/session.h"
#include "sip/timers.h"
#include "twiml/document.h"
#include "util/alert.h"
#include "webhook/client.h"
#include "webhook/params.h"

namespace sipref::call {

// Timestamp's form: RFC 2822 in UTC, English names whatever the locale ("Tue, 24 Nov 2026
// 04:31:02 +0000").
std::string rfc2822_utc(std::chrono::system_clock::time_point when);

// The provider refuses a statusCallback whose host is not a DNS name (letters, digits, inner
// hyphens: "bad_host" is refused), an IPv4 address or a bracketed IPv6 literal.
bool valid_callback_host(std::string_view host);

// The parameters of a dialled leg's own voice request, without CallStatus: the leg's SID, the
// parent's as ParentCallSid, and the From/To of the INVITE that created the leg. For the leg of
// a REST call (its CallSid is the session's): the call's From/To and Direction, no parent.
webhook::Params dialled_leg_params(const Session& session, const Leg& child);

class StatusCallbacks {
 public:
  using Send = std::function<void(webhook::Request, webhook::WebhookClient::Done)>;
  using WallClock = std::function<std::chrono::system_clock::time_point()>;

  // `send` queues a request and later calls its Done on the engine's loop (WebhookClient::fetch).
  explicit StatusCallbacks(
      Send send, WallClock wall_clock = [] { return std::chrono::system_clock::now(); });

  // The leg's INVITE has been sent: subscribes it to its noun's callbacks and fires `initiated`
  // (never `queued` [sip.never-queued]). An unusable URL is the 11100 alert to raise; the leg
  // then gets no callbacks at all.
  std::expected<void, Alert> leg_started(const Session& session, const Leg& child,
                                         const twiml::StatusCallback& callback);
  void leg_ringing(LegId leg);   // a 180/183; only the first counts
  void leg_answered(LegId leg);  // the 2xx
  // The terminal event: CallStatus from how the leg ended, CallDuration when it was answered.
  void leg_ended(const Leg& leg, sip::Clock::time_point now);

  std::size_t watched_legs() const { return watches_.size(); }

 private:
  struct Watch {
    webhook::Request base;  // URL, method, token and the leg's voice-request params
    std::vector<twiml::CallEvent> events;
    int last_rank = -1;     // the last event reached (sent or not): events never go backwards
    int next_sequence = 0;  // SequenceNumber counts the requests actually sent
    std::deque<webhook::Request> waiting;
    bool sending = false;
    bool ended = false;
  };

  void fire(LegId leg, twiml::CallEvent event, std::string_view call_status,
            const webhook::Params& extra);
  void send_next(LegId leg);
  void on_sent(LegId leg, const webhook::Response& response);

  Send send_;
  WallClock wall_clock_;
  std::unordered_map<LegId, Watch> watches_;
};

}  // namespace sipref::call
