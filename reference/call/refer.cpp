// Engine: inbound REFER on a bridged leg (catalogue section 6). This build answers every case the
// catalogue refuses; performing the transfer (202, referUrl, NOTIFY) is not implemented yet.
#include "call/engine.h"
#include "sip/response.h"
#include "util/log.h"

namespace sipref::call {
namespace {

constexpr std::size_t kMaxReferTo = 256;  // [refer.refer-to.length], seed 001

}  // namespace

void Engine::on_refer(sip::TransactionId server, const sip::Message& refer, Leg& l) {
  const auto refer_to = refer.all("Refer-To");
  if (refer_to.size() != 1) {  // RFC 3515 §2.4.1: exactly one Refer-To
    respond_with_warning(server, refer, 400, l.flow.local.ip, "a REFER needs exactly one Refer-To header");
    return;
  }
  // Counted as received after the colon: angle brackets and parameters included.
  if (refer_to.front().size() > kMaxReferTo) {
    log::info(l.call_sid, "refer-refused", "Refer-To of " + std::to_string(refer_to.front().size()) + " characters");
    respond_with_warning(server, refer, 400, l.flow.local.ip,
                         "Refer-To is " + std::to_string(refer_to.front().size()) +
                             " characters; at most 256 are supported");
    return;
  }
  Session* s = session(l.session_sid);
  if (!s || !s->account->enhanced_sip) {  // [refer.enhanced-off]
    log::info(l.call_sid, "refer-refused", "enhanced SIP features are off");
    respond(server, refer, 403);
    return;
  }
  const Leg* winner = s->dial ? leg(s->dial->winner) : nullptr;
  const Leg* in = leg(s->inbound);
  const bool bridged = winner && in && winner->state == LegState::confirmed &&
                       (in->state == LegState::confirmed || in->state == LegState::answering) &&
                       !s->dial->status && (l.id == winner->id || l.id == in->id);
  if (!bridged) {  // [refer.timing]: before the bridge or after it ended
    log::info(l.call_sid, "refer-refused", "no bridge on this leg");
    respond(server, refer, 403);
    return;
  }
  if (!s->dial->verb.refer_url) {  // [refer.no-refer-url]: the call goes on as it was
    raise(*s, {13802, "REFER received but the <Dial> has no referUrl: the call is re-established"});
    respond(server, refer, 403);
    return;
  }
  log::warn(l.call_sid, "refer-not-implemented", "transfer to " + std::string(refer_to.front()));
  respond(server, refer, 501);
}

}  // namespace sipref::call
