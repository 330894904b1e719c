// What each <Dial> noun dials, as plain values: the legs to start (Request-URI, edge, headers,
// credentials) or why none. Pure functions, so the noun rules are unit-tested without sockets.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "call/registrar.h"
#include "call/sip_target.h"
#include "config/config.h"
#include "sip/flow.h"
#include "sip/message.h"
#include "twiml/document.h"
#include "util/alert.h"

namespace sipref::call {

struct LegPlan {
  std::string request_uri;            // as sent: no headers part, no edge/region parameters
  std::string to_uri;                 // the To header's URI when not the Request-URI (the AOR
                                      // of a registered contact)
  std::string edge;                   // the edge the INVITE leaves from
  std::vector<sip::Header> headers;   // extra headers for the INVITE, values decoded
  std::optional<sip::Flow> flow;      // a registered contact's TCP/TLS flow; else from the URI
  const twiml::StatusCallback* status_callback = nullptr;  // the noun's; outlives the plan
  std::optional<std::pair<std::string, std::string>> credentials;  // username, password
  bool sip_noun = false;              // a <Sip> leg: DialSip* parameters are reported
  std::optional<std::string> send_digits;    // <Number sendDigits>: played once it answers
  std::optional<std::string> screening_url;  // TwiML run on the leg once it answers
  HttpMethod screening_method = HttpMethod::post;
};

struct NounPlan {
  std::vector<LegPlan> legs;       // empty: nothing is dialled for the noun
  std::vector<Alert> alerts;       // raised whether or not something is dialled
  std::optional<int> fail_status;  // the noun counts as a leg that failed with this SIP status
};

inline constexpr std::size_t kMaxDialNouns = 10;  // [multi.limit]

// Why a <Dial>'s nouns are refused as a whole (13250), or nullopt: more than ten nouns
// [multi.limit], a <Sip> with any other noun while enhanced SIP features are off
// [sip.enhanced-off], or an <Application> with any other noun [app.no-simultaneous].
std::optional<Alert> refuse_nouns(const std::vector<twiml::Noun>& nouns, bool enhanced_sip);

// A <Number>'s text as E.164: visual separators (space - . ( )) are dropped; `+` and 1-15 digits
// stay as written; ten bare digits are a North American number (+1 added), as the provider
// assumes for its US accounts; anything else is nullopt.
std::optional<std::string> to_e164(std::string_view text);

NounPlan plan_sip(const twiml::Sip& noun, const EdgeNames& edges);
// [sip.edge.registered, inbound.register]: a <Sip> plan for a user of one of our registration
// domains rings every live contact instead, each from the edge (and over the flow) it
// registered through; edge/region are ignored. No contact: the noun fails with 480.
NounPlan plan_registered(NounPlan sip_plan, const std::vector<Registration>& contacts);
// [multi.client]: every contact registered for the identity, with each <Parameter> as an
// X-Param-<name> header; none: the leg fails with 480.
NounPlan plan_client(const twiml::Client& noun, const std::vector<Registration>& contacts);
// [multi.number]: sip:<E.164>@gateway over UDP; 13224 when the number is not valid or no
// gateway is configured.
NounPlan plan_number(const twiml::Number& noun, const std::optional<config::PstnGateway>& gateway);

}  // namespace sipref::call
