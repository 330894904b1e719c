#include "util/deviations.h"

#include <bitset>

namespace sipref {
namespace {

std::bitset<64> enabled;

}  // namespace

const std::vector<DeviationInfo>& all_deviations() {
  using D = Deviation;
  static const std::vector<DeviationInfo> table = {
      {D::uri_limit_off_by_one, "uri-limit-off-by-one", {"sip.uri.length"}, "a 255-character URI part is dialled"},
      {D::headers_not_decoded, "headers-not-decoded", {"sip.headers.custom"}, "X- header values keep their %-escapes"},
      {D::edge_ignored, "edge-ignored", {"sip.edge", "sip.edge.source"}, ";edge= does not pick the edge"},
      {D::region_ignored, "region-ignored", {"sip.region", "sip.edge.source"}, ";region= does not pick the edge"},
      {D::tls_default_port_5060, "tls-default-port-5060", {"sip.transport"}, ";transport=tls without a port goes to 5060"},
      {D::eleven_nouns_accepted, "eleven-nouns-accepted", {"multi.limit"}, "11 nouns in one <Dial> are dialled"},
      {D::sequential_as_simultaneous, "sequential-as-simultaneous", {"multi.sequential"}, "sequential=\"true\" rings every noun at once"},
      {D::losers_not_cancelled, "losers-not-cancelled", {"multi.simultaneous", "multi.mix", "multi.client"}, "the first answer does not CANCEL the other legs"},
      {D::registered_edge_honoured, "registered-edge-honoured", {"sip.edge.registered", "inbound.register"}, "a registered contact is dialled from the noun's edge"},
      {D::sequence_number_from_one, "sequence-number-from-one", {"sip.status-callback.params", "sip.status-callback", "multi.per-noun-callbacks"}, "status callbacks count SequenceNumber from 1"},
      {D::signature_unsorted, "signature-unsorted", {"webhook.signature", "sip.screening"}, "X-Twilio-Signature over the POST parameters unsorted"},
      {D::uui_reported_back, "uui-reported-back", {"sip.headers.uui-not-returned", "sip.answer.params", "sip.screening"}, "a response's User-to-User is reported as SipHeader_"},
      {D::no_timeout_buffer, "no-timeout-buffer", {"dial.timeout", "multi.sequential"}, "<Dial timeout> without the 5 s buffer"},
      {D::pause_never_answers, "pause-never-answers", {"twiml.pause", "twiml.answer"}, "<Pause> does not answer the call"},
      {D::callerid_not_validated, "callerid-not-validated", {"dial.callerid"}, "an invalid callerId becomes the From user"},
      {D::duration_missing, "duration-missing", {"dial.action.params", "dial.time-limit"}, "DialCallDuration is left out after a bridge"},
      {D::answer_headers_from_bye, "answer-headers-from-bye", {"sip.answer.params", "sip.action.params"}, "SipHeader_ from the final message, not the 200"},
      {D::no_parent_call_sid, "no-parent-call-sid", {"sip.status-callback.params", "sip.screening", "app.dial", "refer.either-leg"}, "status callbacks without ParentCallSid"},
      {D::timestamp_iso8601, "timestamp-iso8601", {"sip.status-callback.params"}, "status callback Timestamp in ISO 8601, not RFC 2822"},
      {D::identity_headers_missing, "identity-headers-missing", {"sip.headers.identity"}, "no X-Twilio-CallSid on the INVITE"},
      {D::other_headers_sent, "other-headers-sent", {"sip.headers.other"}, "a non-X header from the URI is sent"},
      {D::x_twilio_headers_sent, "x-twilio-headers-sent", {"sip.headers.invalid"}, "an X-Twilio-* header from the URI is sent"},
      {D::headers_limit_off_by_one, "headers-limit-off-by-one", {"sip.headers.length"}, "a 1024-character headers part is dialled"},
      {D::answer_on_bridge_ignored, "answer-on-bridge-ignored", {"dial.answer-on-bridge", "sip.screening"}, "the caller is answered when <Dial> starts"},
      {D::fallback_ignored, "fallback-ignored", {"webhook.fallback"}, "the voice fallback URL is never requested"},
      {D::ip_acl_ignored, "ip-acl-ignored", {"inbound.ip-acl"}, "a domain's IP access list admits everyone"},
      {D::expiry_not_clamped, "expiry-not-clamped", {"inbound.register"}, "REGISTER expiry above 3600 s is granted"},
      {D::auth_answered_twice, "auth-answered-twice", {"sip.auth"}, "a second digest challenge is answered again"},
      {D::time_limit_ignored, "time-limit-ignored", {"dial.time-limit"}, "timeLimit never ends the bridge"},
      {D::screening_skipped, "screening-skipped", {"sip.screening", "sip.answer.params"}, "<Sip url> is not requested; the leg is bridged at once"},
  };
  return table;
}

std::optional<Deviation> deviation_named(std::string_view name) {
  for (const auto& info : all_deviations())
    if (info.name == name) return info.deviation;
  return std::nullopt;
}

void enable_deviation(Deviation deviation) { enabled.set(static_cast<std::size_t>(deviation)); }
void clear_deviations() { enabled.reset(); }
bool deviates(Deviation deviation) { return enabled.test(static_cast<std::size_t>(deviation)); }

}  // namespace sipref
