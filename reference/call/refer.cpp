// Engine: inbound REFER on a bridged leg (catalogue section 6): the refusals, then the blind
// transfer — 202, NOTIFYs, the referUrl request and its TwiML — as the Transfer machine says.
#include <algorithm>

#include "call/engine.h"
#include "call/refer_messages.h"
#include "sip/response.h"
#include "twiml/parser.h"
#include "util/log.h"
#include "webhook/url.h"

namespace sipref::call {
namespace {

constexpr std::size_t kMaxReferTo = 256;  // [refer.refer-to.length], seed 001

bool alive(const Leg* l) {
  return l && (l->state == LegState::confirmed || l->state == LegState::answering);
}

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
  // [refer.not-conference-queue-app, app.no-refer]: a call joined to a TwiML App is not
  // transferred. REF: 603 Decline.
  if (s->application_connected()) {
    log::info(l.call_sid, "refer-refused", "the call is connected to an <Application>");
    respond(server, refer, 603);
    return;
  }
  Leg* winner = s->dial ? leg(s->dial->winner) : nullptr;
  Leg* in = leg(s->inbound);
  const bool bridged = winner && in && winner->state == LegState::confirmed && alive(in) &&
                       s->dial->bridged && !s->dial->status && (l.id == winner->id || l.id == in->id);
  // [refer.timing]: before the bridge or after it ended; REF: also while a transfer runs.
  if (!bridged || s->transfer) {
    log::info(l.call_sid, "refer-refused", s->transfer ? "a transfer is in progress" : "no bridge on this leg");
    respond(server, refer, 403);
    return;
  }
  if (!s->dial->verb.refer_url) {  // [refer.no-refer-url]: the call goes on as it was
    raise(*s, {13802, "REFER received but the <Dial> has no referUrl: the call is re-established"});
    respond(server, refer, 403);
    return;
  }
  start_transfer(server, refer, *s, l, l.id == winner->id ? *in : *winner, std::string(refer_to.front()));
}

// [refer.accept, refer.target-param, refer.notify]: 202, then NOTIFY 100 as the request starts.
void Engine::start_transfer(sip::TransactionId server, const sip::Message& refer, Session& s,
                            Leg& transferor, Leg& transferee, const std::string& refer_to) {
  const bool subscription = !refer_sub_false(refer);
  s.transfer = TransferRun{Transfer(s.dial->verb.answer_on_bridge.value, subscription), transferor.id,
                           transferee.id, refer_to, std::nullopt, std::nullopt, {}};
  auto accepted = sip::make_response(refer, 202, {}, sip::random_token(10));
  if (!subscription) accepted.add("Refer-Sub", "false");
  (void)transactions_.respond(server, std::move(accepted));
  log::info(transferor.call_sid, "refer-accepted", refer_to + " for " + transferee.call_sid);

  auto url = webhook::resolve_in_document(s.document_url, *s.dial->verb.refer_url);
  perform(s, s.transfer->machine.started());
  if (!url) {
    raise(s, {11100, "invalid referUrl '" + *s.dial->verb.refer_url + "'"});
    return perform(s, s.transfer->machine.fetch_failed());
  }
  webhook::Request request;
  request.method = s.dial->verb.refer_method.value;
  request.url = url->to_string();
  request.params = refer_params(s, transferee);
  request.auth_token = s.account->auth_token;
  request.call_sid = transferee.call_sid;
  log::info(transferee.call_sid, "webhook", std::string(to_string(request.method)) + " " + request.url + " (referUrl)");
  s.fetching = true;
  webhooks_->fetch(std::move(request), [this, sid = s.call_sid](webhook::Response response) {
    on_refer_twiml(sid, std::move(response));
  });
}

// [refer.request-identity]: the transferee's own call; [refer.target-param] the Refer-To value.
webhook::Params Engine::refer_params(const Session& s, const Leg& transferee) const {
  webhook::Params p;
  if (transferee.id == s.inbound) {
    p = voice_params(s);
  } else {  // the dialled leg: a child call of the session (REF: From is the caller's)
    p.add("CallSid", transferee.call_sid);
    p.add("AccountSid", s.account->sid);
    p.add("From", s.from);
    p.add("To", transferee.invite.request_uri());
    p.add("Caller", s.from);
    p.add("Called", transferee.invite.request_uri());
    p.add("CallStatus", "in-progress");
    p.add("ApiVersion", "2010-04-01");
    p.add("Direction", "outbound-dial");
    p.add("ParentCallSid", s.call_sid);
    p.add("SipCallId", std::string(transferee.invite.header("Call-ID").value_or("")));
  }
  p.add("ReferTransferTarget", s.transfer->refer_to);
  return p;
}

void Engine::on_refer_twiml(const std::string& call_sid, webhook::Response response) {
  Session* s = session(call_sid);
  if (!s) return;
  s->fetching = false;
  if (s->over || !s->transfer) return maybe_destroy(*s);
  const AlertRequest request{response.url, response.method, response.status};
  if (!response.ok()) {
    raise(*s, {response.alert, "referUrl " + response.url + " failed: " + response.detail, request});
    return perform(*s, s->transfer->machine.fetch_failed());
  }
  auto document = twiml::parse_twiml(response.body);
  if (!document) {
    document.error().request = request;
    raise(*s, document.error());
    return perform(*s, s->transfer->machine.fetch_failed());
  }
  for (auto& warning : document->warnings) {
    warning.request = request;
    raise(*s, warning);
  }
  s->transfer->fetched = std::move(*document);
  s->transfer->fetched_url = response.url;
  perform(*s, s->transfer->machine.fetched());
}

// The machine's commands, in its order. The transfer is forgotten once the machine is done.
void Engine::perform(Session& s, Transfer::Next next) {
  if (!s.transfer) return;
  const LegId transferor = s.transfer->transferor;
  if (next.notify)
    if (Leg* l = leg(transferor)) send_refer_notify(*l, *next.notify);
  if (next.hang_up_transferor)
    if (Leg* l = leg(transferor)) hang_up(*l);
  if (next.run_twiml) return run_refer_twiml(s);
  if (next.reconnect) reconnect_transferee(s);
  if (next.end_call) {
    s.transfer.reset();
    return end_session(s);
  }
  if (s.transfer && s.transfer->machine.state() == Transfer::State::done) s.transfer.reset();
}

// In the REFER's dialog (RFC 3515 §2.4.4); its answer changes nothing, so it is not tracked.
void Engine::send_refer_notify(Leg& l, int status) {
  if (!alive(&l) || !l.dialog) {
    log::info(l.call_sid, "notify-skipped", "the transferor's dialog has ended");
    return;
  }
  auto notify = l.dialog->make_request("NOTIFY");
  make_refer_notify(notify, status);
  log::info(l.call_sid, "notify-sent", sipfrag_for(status).substr(0, sipfrag_for(status).size() - 2));
  (void)transactions_.send_request(std::move(notify), flow_to(l.dialog->next_hop(), l.edge));
}

// [refer.twiml]: the fetched TwiML runs for the transferee. Without answerOnBridge the original
// <Dial> is over (REF: its action is never requested: the referUrl TwiML replaced the rest of the
// call's TwiML); with it, the state is saved to go back to [refer.aob-true.no-answer].
void Engine::run_refer_twiml(Session& s) {
  TransferRun& t = *s.transfer;
  const bool keep = t.machine.state() != Transfer::State::done;
  if (keep) {
    t.saved = TransferRun::Saved{s.program, s.next_verb, s.document_url, s.inbound, std::nullopt};
  } else if (s.dial) {
    stop_dial_timers(*s.dial);
    s.dial->status = DialStatus::completed;
  }
  // The TwiML runs on the transferee [refer.request-identity]: when it is the dialled leg, it
  // becomes the session's TwiML leg and the caller is tracked with the dial's legs.
  if (t.transferee != s.inbound) {
    if (s.dial && std::ranges::find(s.dial->legs, s.inbound) == s.dial->legs.end()) s.dial->legs.push_back(s.inbound);
    s.inbound = t.transferee;
  }
  s.program = std::move(*t.fetched);
  s.next_verb = 0;
  s.document_url = t.fetched_url;
  t.fetched.reset();
  log::info(s.call_sid, "refer-twiml", keep ? "running; the transferor stays" : "running; the transferor left");
  if (!keep) s.transfer.reset();
  run(s);
}

// [refer.aob-true.no-answer, refer.aob-true.unreachable]: the call goes back to what it did
// before the REFER, the transferee bridged to the transferor again.
void Engine::reconnect_transferee(Session& s) {
  TransferRun& t = *s.transfer;
  if (t.saved) {
    if (s.dial && t.saved->dial) stop_dial_timers(*s.dial);
    s.program = std::move(t.saved->program);
    s.next_verb = t.saved->next_verb;
    s.document_url = std::move(t.saved->document_url);
    s.inbound = t.saved->inbound;
    if (t.saved->dial) s.dial = std::move(t.saved->dial);
  }
  Leg* transferee = leg(t.transferee);
  Leg* transferor = leg(t.transferor);
  s.transfer.reset();
  if (!alive(transferor) || !alive(transferee)) {  // REF: nobody to go back to: the call ends
    log::info(s.call_sid, "refer-reconnect-failed", "a party has left");
    return end_session(s);
  }
  media_bridge(*transferee, *transferor);
  // The bridge's timeLimit goes on with the time it had left [dial.time-limit].
  if (s.dial && s.dial->bridged && !s.dial->status)
    if (const Leg* winner = leg(s.dial->winner); winner && winner->answered_at)
      arm_time_limit(s, std::chrono::duration_cast<Duration>(std::chrono::seconds(s.dial->verb.time_limit.value) -
                                                             (timers_.now() - *winner->answered_at)));
  log::info(s.call_sid, "refer-reconnected", transferee->call_sid + " with " + transferor->call_sid);
}

// A <Dial> of the referUrl TwiML replaces the session's DialRun; the original is saved (its
// timeLimit stopped while the transfer is tried; re-armed with the time left on re-connect).
void Engine::transfer_dial_starting(Session& s) {
  if (!s.transfer || !s.transfer->saved || !s.dial) return;
  if (!s.transfer->saved->dial) {
    stop_dial_timers(*s.dial);
    s.transfer->saved->dial = std::move(s.dial);
    s.dial.reset();
  }
  perform(s, s.transfer->machine.dial_started());
}

// The transferor stays one of the session's legs while the new dial rings, so that ending the
// call or the transferee hanging up ends it too.
void Engine::transfer_dial_started(Session& s) {
  if (!s.transfer || !s.dial) return;
  const LegId transferor = s.transfer->transferor;
  if (alive(leg(transferor)) && std::ranges::find(s.dial->legs, transferor) == s.dial->legs.end())
    s.dial->legs.push_back(transferor);
}

void Engine::transfer_bridged(Session& s) {
  if (!s.transfer || s.transfer->machine.state() != Transfer::State::dialling) return;
  log::info(s.call_sid, "refer-target-answered", "");
  perform(s, s.transfer->machine.target_bridged());
}

bool Engine::transfer_dial_ended(Session& s, LegId reported) {
  if (!s.transfer || !s.dial || s.dial->status) return false;
  TransferRun& t = *s.transfer;
  if (t.machine.state() == Transfer::State::dialling && t.saved && t.saved->dial) {
    const Leg* r = leg(reported);
    s.dial->status = DialStatus::failed;  // this dial is over; its action is not requested
    stop_dial_timers(*s.dial);
    log::info(s.call_sid, "refer-target-failed", std::to_string(r ? r->final_status : 0));
    perform(s, t.machine.dial_failed(r ? r->final_status : 0));
    return true;
  }
  // REF: the transferor hung up while the referUrl request or TwiML ran: the original dial ends
  // without its action, and the transferee carries on with the referUrl TwiML.
  if (reported == t.transferor && !s.over) {
    s.dial->status = DialStatus::completed;
    stop_dial_timers(*s.dial);
    perform(s, t.machine.transferor_leaving());
    return true;
  }
  return false;
}

bool Engine::transfer_twiml_ended(Session& s) {
  if (!s.transfer || s.transfer->machine.state() == Transfer::State::fetching) return false;
  perform(s, s.transfer->machine.twiml_ended());
  return true;
}

void Engine::transfer_leg_leaving(Leg& l) {
  Session* s = session(l.session_sid);
  if (!s || !s->transfer || s->transfer->transferor != l.id) return;
  if (s->transfer->machine.final_notified()) return;  // the machine is hanging it up itself
  perform(*s, s->transfer->machine.transferor_leaving());
}

}  // namespace sipref::call
