// Engine: the <Refer> verb [refer.outbound]: a REFER on the inbound SIP leg, its answer and the
// NOTIFYs that follow, then the action request (or the next verb).
#include "call/engine.h"
#include "call/refer_messages.h"
#include "sip/response.h"
#include "util/log.h"
#include "webhook/url.h"

namespace sipref::call {
namespace {

// How long the last NOTIFY may take after the 202: RFC 3261 Timer B's 64*T1, fixed (REF).
constexpr auto kNotifyWait = std::chrono::seconds(32);

// REF: ReferCallStatus, like DialCallStatus, from the REFER's answer and the last NOTIFY:
// in-progress once the target answered [Refer doc example], busy/no-answer/failed otherwise.
std::string refer_call_status(int refer_status, int notify_status) {
  if (refer_status / 100 != 2) return "failed";
  if (notify_status / 100 == 2) return "in-progress";
  if (notify_status < 200) return "failed";  // no final NOTIFY came
  return std::string(to_string(dial_status_for(notify_status)));
}

}  // namespace

void Engine::start_refer_verb(Session& s, const twiml::Refer& verb) {
  Leg* in = leg(s.inbound);
  // A TwiML App's call runs on its connecting call's leg but is not a SIP call itself [app.dial].
  if (s.application || !in || !in->dialog || in->state == LegState::ended || in->state == LegState::ending) {
    raise(s, {13801, "<Refer> is allowed on SIP call legs only"});
    return run(s);
  }
  if (in->state == LegState::offered) answer(*in, local_sdp_for(*in, s.edge, in->remote_sdp));
  s.refer_verb = ReferVerbRun{verb, 0, 0, 0};
  auto refer = in->dialog->make_request("REFER");
  refer.add("Refer-To", refer_to_for(verb.sip));
  refer.add("Referred-By", "<" + in->local_contact + ">");
  log::info(s.call_sid, "refer-sent", verb.sip);
  auto id = transactions_.send_request(std::move(refer), flow_to(in->dialog->next_hop(), in->edge));
  refer_transactions_[id] = in->id;
}

void Engine::on_refer_verb_response(Leg& l, const sip::Message& response) {
  Session* s = session(l.session_sid);
  if (!s || !s->refer_verb || response.status() < 200) return;
  s->refer_verb->refer_status = response.status();
  log::info(l.call_sid, "refer-answered", std::to_string(response.status()));
  if (response.status() / 100 != 2) return finish_refer_verb(*s);
  s->refer_verb->timer = timers_.start(kNotifyWait, [this, sid = s->call_sid] {
    Session* live = session(sid);
    if (!live || !live->refer_verb) return;
    live->refer_verb->timer = 0;
    log::info(sid, "refer-notify-timeout", "");
    finish_refer_verb(*live);
  });
}

bool Engine::on_refer_verb_notify(Leg& l, const sip::Message& notify) {
  Session* s = session(l.session_sid);
  if (!s || !s->refer_verb || l.id != s->inbound) return false;
  auto status = sipfrag_status(notify.body());
  if (status) s->refer_verb->notify_status = *status;
  log::info(l.call_sid, "notify-received", status ? std::to_string(*status) : "no sipfrag status");
  const auto state = notify.header("Subscription-State").value_or("");
  if (state.starts_with("terminated") || (status && *status >= 200)) {
    if (s->refer_verb->timer) timers_.stop(std::exchange(s->refer_verb->timer, 0));
    finish_refer_verb(*s);
  }
  return true;
}

// [refer.outbound]: the leg hung up while the <Refer> waited. The action still hears how far the
// transfer got (the provider's example: canceled/202/180); its TwiML is not run, the call is over.
void Engine::refer_verb_caller_left(Session& s) {
  if (!s.refer_verb) return;
  if (s.refer_verb->timer) timers_.stop(std::exchange(s.refer_verb->timer, 0));
  s.refer_verb->caller_left = true;
  finish_refer_verb(s);
}

// [refer.outbound]: the action request, or the next verb (a last <Refer> ends the call).
void Engine::finish_refer_verb(Session& s) {
  if (!s.refer_verb || s.over) return;
  ReferVerbRun run_ = std::move(*s.refer_verb);
  s.refer_verb.reset();
  if (!run_.verb.action && run_.caller_left) return;
  if (!run_.verb.action) return run(s);
  auto url = webhook::resolve_in_document(s.document_url, *run_.verb.action);
  if (!url) {
    raise(s, {11100, "invalid <Refer action> URL '" + *run_.verb.action + "'"});
    return run(s);
  }
  webhook::Params params = voice_params(s);
  params.add("ReferCallStatus", run_.caller_left ? "canceled" : refer_call_status(run_.refer_status, run_.notify_status));
  if (run_.refer_status) params.add("ReferSipResponseCode", std::to_string(run_.refer_status));
  if (run_.notify_status) params.add("NotifySipResponseCode", std::to_string(run_.notify_status));
  fetch_twiml(s, url->to_string(), run_.verb.method.value, std::move(params));
}

}  // namespace sipref::call
