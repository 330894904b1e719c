// Deliberate, named mistakes sipref can be told to make (config `deviations:`), existing only so
// that `sipconform selftest` can prove each one is caught by the cases of the behaviours it breaks.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace sipref {

enum class Deviation {
  uri_limit_off_by_one,        // a 255-character URI part is dialled
  headers_not_decoded,         // X- header values keep their %-escapes
  edge_ignored,                // ;edge= does not pick the edge
  region_ignored,              // ;region= does not pick the edge
  tls_default_port_5060,       // ;transport=tls without a port goes to 5060
  eleven_nouns_accepted,       // 11 nouns are dialled
  sequential_as_simultaneous,  // sequential="true" rings every noun at once
  losers_not_cancelled,        // the first answer does not CANCEL the other legs
  registered_edge_honoured,    // a registered contact is dialled from the noun's edge
  sequence_number_from_one,    // status callbacks count SequenceNumber from 1
  signature_unsorted,          // X-Twilio-Signature over the POST parameters as sent, not sorted
  uui_reported_back,           // User-to-User of a response is reported as SipHeader_
  no_timeout_buffer,           // <Dial timeout> without the provider's 5 s buffer
  pause_never_answers,         // <Pause> as the first verb does not answer the call
  callerid_not_validated,      // an invalid callerId is used as the From user
  duration_missing,            // DialCallDuration is left out after a bridge
  answer_headers_from_bye,     // SipHeader_ taken from the final message instead of the 200
  no_parent_call_sid,          // status callbacks without ParentCallSid
  timestamp_iso8601,           // status callback Timestamp not RFC 2822
  identity_headers_missing,    // no X-Twilio-CallSid on the INVITE
  other_headers_sent,          // a non-X header from the URI is sent
  x_twilio_headers_sent,       // an X-Twilio-* header from the URI is sent
  headers_limit_off_by_one,    // a 1024-character headers part is dialled
  answer_on_bridge_ignored,    // the caller is answered when <Dial> starts even with answerOnBridge
  fallback_ignored,            // the voice fallback URL is never requested
  ip_acl_ignored,              // a domain's IP access list admits everyone
  expiry_not_clamped,          // REGISTER expiry above 3600 s is granted as asked
  auth_answered_twice,         // a second digest challenge is answered again
  time_limit_ignored,          // timeLimit never ends the bridge
  screening_skipped,           // <Sip url> is not requested; the leg is bridged at once
};

struct DeviationInfo {
  Deviation deviation;
  std::string_view name;                     // as written in the config, e.g. "edge-ignored"
  std::vector<std::string_view> behaviours;  // catalogue IDs it breaks
  std::string_view what;                     // one line for --list-deviations
};

const std::vector<DeviationInfo>& all_deviations();
std::optional<Deviation> deviation_named(std::string_view name);

// Set once at start-up from the config; read anywhere. Never touched in production configs.
void enable_deviation(Deviation deviation);
void clear_deviations();  // for tests
bool deviates(Deviation deviation);

}  // namespace sipref
