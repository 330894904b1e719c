// One SIP leg of a call: our side of one INVITE dialog, either the inbound caller (we are UAS)
// or a party we dialled (we are UAC). Its state machine lives in Engine (engine.cpp).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sip/dialog.h"
#include "sip/flow.h"
#include "sip/invite_2xx_retransmitter.h"
#include "sip/message.h"
#include "sip/timers.h"
#include "sip/transaction.h"
#include "twiml/document.h"
#include "util/http_method.h"

namespace sipref::call {

using LegId = std::uint64_t;

enum class LegState {
  offered,     // UAS: INVITE received, only provisional responses sent
  answering,   // UAS: 2xx sent, its ACK not yet received
  calling,     // UAC: INVITE sent, no response yet
  proceeding,  // UAC: a provisional response received
  cancelling,  // UAC: CANCEL sent (or queued until a provisional arrives)
  confirmed,   // 2xx exchanged and ACKed: media can flow, BYE can be sent
  ending,      // we sent BYE and wait for its response
  ended,       // nothing more will be sent or accepted on this leg
};
std::string_view to_string(LegState state);

struct Leg {
  LegId id = 0;
  std::string call_sid;    // CA…: the parent call's SID for the inbound leg, the child's otherwise
  std::string session_sid; // the parent call this leg belongs to
  bool inbound = false;    // we are UAS
  LegState state = LegState::offered;
  std::string edge;        // the edge its SIP and media use
  sip::Flow flow;          // the first hop towards the peer
  sip::Message invite;     // the INVITE received (UAS) or sent (UAC)
  sip::TransactionId invite_transaction = 0;
  std::string local_tag;
  std::string local_contact;
  std::optional<sip::Dialog> dialog;
  std::unique_ptr<sip::Invite2xxRetransmitter> ok_resender;  // UAS: our 2xx until its ACK
  bool bye_after_ack = false;  // UAS: we hung up before the ACK came; the BYE waits for it
  std::string bye_reason;      // the BYE's Reason header value, if any
  std::string local_sdp;   // what we offered/answered on this leg (our media address)
  std::string remote_sdp;  // what the peer offered/answered
  // Anchored media: the relay endpoint (RTP/RTCP ports on the edge's media address) this leg's
  // SDP names; 0 until its SDP is made. Released when the leg ends.
  std::uint64_t media_endpoint = 0;
  std::uint16_t media_port = 0;
  bool media_failed = false;  // no relay port was free: the leg cannot be offered or answered
  bool early_media = false;   // UAS: a 183 with our SDP went out; the 200 repeats that SDP
  int final_status = 0;    // the final response to the INVITE, sent (UAS) or received (UAC); 0 while pending
  std::vector<sip::Header> answer_x_headers;  // X- headers of the 2xx [sip.answer.params]
  std::vector<sip::Header> final_x_headers;   // X- headers of the final message [sip.action.params]
  // Dialled legs: what the <Dial> noun asked for.
  bool sip_noun = false;   // dialled for a <Sip>: the action request gets DialSip* [sip.action.params]
  std::optional<std::pair<std::string, std::string>> credentials;  // <Sip username password>
  bool auth_retried = false;  // a digest challenge is answered once [sip.auth]
  std::optional<std::string> send_digits;    // <Number sendDigits> [multi.number]
  std::optional<std::string> screening_url;  // <Sip url>, as written [sip.screening]
  HttpMethod screening_method = HttpMethod::post;
  // A stand-in for a TwiML App's call in the <Dial> that connected it (application.cpp): no SIP;
  // its CallSid is the App's call's, and the App's <Hangup>/<Reject> parameters come back here.
  bool application = false;
  std::vector<twiml::Parameter> return_params;  // [app.return-params]
  sip::Clock::time_point created_at{};
  // It ended because its caller or the REST API cancelled it: the Calls resource says canceled.
  bool canceled = false;
  std::optional<sip::Clock::time_point> answered_at;
  std::optional<sip::Clock::time_point> ended_at;
  bool answered() const {
    return state == LegState::answering || state == LegState::confirmed || state == LegState::ending;
  }
};

// Methods sipref accepts in a dialog, for Allow headers (OPTIONS, 405, INVITE, 200).
inline constexpr std::string_view kAllowedMethods = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, REFER, NOTIFY";

// The X- headers of a message, as the provider reports them back (never User-to-User or other
// non-X headers [sip.headers.uui-not-returned]).
std::vector<sip::Header> x_headers_of(const sip::Message& message);

}  // namespace sipref::call
