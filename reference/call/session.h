// The parent call: the inbound leg, the TwiML program it runs (document, program counter) and
// the <Dial> in progress with its child legs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "call/application.h"
#include "call/dial_fork.h"
#include "call/leg.h"
#include "call/rest_model.h"
#include "call/transfer.h"
#include "config/config.h"
#include "sip/timers.h"
#include "twiml/document.h"
#include "util/alert.h"
#include "webhook/params.h"

namespace sipref::call {

// Outcome of one <Dial>, as reported in DialCallStatus.
enum class DialStatus { completed, busy, no_answer, failed, canceled };
std::string_view to_string(DialStatus status);
// The catalogue's dial.status-mapping of a final SIP response code (0: no response, timer B).
DialStatus dial_status_for(int sip_status);

// [sip.screening]: the TwiML of a <Sip url> run on the answered leg before it is bridged.
struct Screening {
  LegId leg = 0;
  twiml::Document program;
  std::size_t next_verb = 0;
  std::string document_url;
  bool fetching = false;
};

struct DialRun {
  twiml::Dial verb;
  std::optional<DialFork> fork;  // which nouns ring when, who wins [multi.*]
  std::vector<LegId> legs;  // every child leg started by this <Dial>, in document order
  LegId winner = 0;         // the first leg to answer
  bool bridged = false;     // the winner was bridged to the caller (after screening, if any)
  std::optional<Screening> screening;
  sip::Timers::Handle timeout_timer = 0;     // the ringing step's timeout + buffer [dial.timeout]
  sip::Timers::Handle time_limit_timer = 0;  // the bridge's timeLimit [dial.time-limit]
  std::optional<DialStatus> status;  // set when the dial has ended
  bool application = false;  // it connected a TwiML App: no SIP leg [app.dial]
};

// [refer.*]: an inbound REFER being carried out on the session's bridge, and (answerOnBridge)
// what the call was doing before the referUrl TwiML took over, to go back to it.
struct TransferRun {
  Transfer machine;
  LegId transferor = 0;  // the leg that sent the REFER (its dialog carries the NOTIFYs)
  LegId transferee = 0;  // the other party of the bridge: the referUrl TwiML runs for it
  std::string refer_to;  // the Refer-To value as received [refer.target-param]
  struct Saved {
    twiml::Document program;
    std::size_t next_verb = 0;
    std::string document_url;
    LegId inbound = 0;
    std::optional<DialRun> dial;  // set once a <Dial> of the referUrl TwiML replaced it
  };
  std::optional<Saved> saved;  // answerOnBridge: from when the referUrl TwiML starts running
  std::optional<twiml::Document> fetched;  // the referUrl TwiML, until it runs
  std::string fetched_url;                 // its base URL
};

// [refer.outbound]: a <Refer> verb waiting for the answer to its REFER, then its last NOTIFY.
struct ReferVerbRun {
  twiml::Refer verb;
  int refer_status = 0;   // the final response to our REFER (0: none, e.g. timeout)
  int notify_status = 0;  // the sipfrag status of the last NOTIFY received (0: none)
  sip::Timers::Handle timer = 0;  // gives up waiting for the final NOTIFY
  bool caller_left = false;  // the leg hung up first: ReferCallStatus canceled
};

// [api.calls.create]: a call the REST API placed. Its first leg is one we dial (UAC); once it
// answers, the entry's TwiML runs on it as on an inbound caller's leg.
struct ApiCall {
  OutboundCall request;
  config::VoiceWebhook entry;         // Url/Method/FallbackUrl, or the ApplicationSid's voice URL
  std::optional<std::string> twiml;   // inline TwiML instead of the entry's URL
  sip::Timers::Handle ring_timer = 0; // Timeout: how long the callee may ring
};

struct Session {
  std::string call_sid;
  sip::Clock::time_point started_at;  // the INVITE's arrival, for post-dial delay
  bool dialled = false;               // a first child INVITE was sent (post-dial delay observed)
  const config::Account* account = nullptr;
  const config::Domain* domain = nullptr;
  std::string edge;  // the edge the call arrived on (and in-dialog requests leave from)
  std::string sip_username;  // digest username the caller authenticated with [inbound.credentials]
  // The leg the TwiML runs on: the inbound caller (UAS), the callee of a REST call (UAC), or
  // after a transfer the transferee.
  LegId inbound = 0;
  // Every leg created for this call, the transferor of a finished transfer included: the call
  // ends only once each has, so a leg still waiting for its BYE's answer keeps its callbacks.
  std::vector<LegId> legs;
  std::string from;  // the From and To the voice request reported
  std::string to;
  std::string direction = "inbound";  // or outbound-api [webhook.params.standard]
  WallTime created_wall;              // the Calls resource's date_created [api.calls.fetch-list]
  std::optional<ApiCall> api;         // placed by the REST API [api.calls.create]

  twiml::Document program;
  std::size_t next_verb = 0;
  std::string document_url;  // base URL for the document's relative URLs
  bool fetching = false;     // a TwiML fetch is in flight
  // Bumped when the REST API redirects the call: timers and fetches of older TwiML are ignored.
  std::uint64_t program_epoch = 0;
  // Only the voice URL has a fallback [webhook.fallback]; while the fallback is fetched,
  // voice_failure is what the call fails with if it gives no TwiML either.
  bool voice_fetch = false;  // the fetch in flight is the voice URL's
  std::optional<Alert> voice_failure;
  std::optional<DialRun> dial;
  bool over = false;         // the parent call has ended; no more verbs run
  // Set when this session is a TwiML App's call connected by another call's <Dial><Application>
  // (application.cpp): its inbound leg is that call's caller, which it does not own.
  std::optional<ApplicationCall> application;
  // [app.no-refer]: the call is connected to a TwiML App, or is such an App's call; a REFER on it
  // is refused as refer.not-conference-queue-app says.
  bool application_connected() const {
    return application.has_value() || (dial && !dial->status && dial->application);
  }
  std::optional<TransferRun> transfer;  // [refer.*] (refer.cpp)
  std::optional<ReferVerbRun> refer_verb;  // [refer.outbound] (refer_verb.cpp)
};

// CallSid, AccountSid, From, To, Caller, Called, CallStatus, ApiVersion, Direction of a
// parent call's voice requests [webhook.params.standard] (sessions.cpp).
webhook::Params standard_call_params(const Session& session, bool answered);

}  // namespace sipref::call
