// The parent call: the inbound leg, the TwiML program it runs (document, program counter) and
// the <Dial> in progress with its child legs.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "call/dial_fork.h"
#include "call/leg.h"
#include "config/config.h"
#include "sip/timers.h"
#include "twiml/document.h"
#include "util/alert.h"

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
};

struct Session {
  std::string call_sid;
  const config::Account* account = nullptr;
  const config::Domain* domain = nullptr;
  std::string edge;  // the edge the call arrived on (and in-dialog requests leave from)
  std::string sip_username;  // digest username the caller authenticated with [inbound.credentials]
  LegId inbound = 0;
  std::string from;  // the From and To the voice request reported
  std::string to;

  twiml::Document program;
  std::size_t next_verb = 0;
  std::string document_url;  // base URL for the document's relative URLs
  bool fetching = false;     // a TwiML fetch is in flight
  // Only the voice URL has a fallback [webhook.fallback]; while the fallback is fetched,
  // voice_failure is what the call fails with if it gives no TwiML either.
  bool voice_fetch = false;  // the fetch in flight is the voice URL's
  std::optional<Alert> voice_failure;
  std::optional<DialRun> dial;
  bool over = false;         // the parent call has ended; no more verbs run
};

}  // namespace sipref::call
