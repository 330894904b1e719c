// Engine: <Dial> — starting child legs, the first answer wins and is bridged, the others are
// cancelled; the dial ends when the bridge ends or every leg failed, then the TwiML goes on.
#include <algorithm>
#include <cctype>

#include "call/engine.h"
#include "util/deviations.h"
#include "sip/digest.h"
#include "sip/headers.h"
#include "sip/response.h"
#include "sip/uri.h"
#include "util/log.h"
#include "webhook/url.h"

namespace sipref::call {

std::string_view to_string(DialStatus status) {
  switch (status) {
    case DialStatus::completed: return "completed";
    case DialStatus::busy: return "busy";
    case DialStatus::no_answer: return "no-answer";
    case DialStatus::failed: return "failed";
    case DialStatus::canceled: return "canceled";
  }
  return "failed";
}

DialStatus dial_status_for(int sip_status) {
  if (sip_status >= 200 && sip_status < 300) return DialStatus::completed;
  switch (sip_status) {
    case 486: case 600: return DialStatus::busy;
    case 408: case 480: case 487: case 603: return DialStatus::no_answer;
    default: return DialStatus::failed;
  }
}

namespace {
// [dial.callerid]: for SIP, any alphanumeric string, optionally with + - _ . and no whitespace.
bool valid_sip_caller_id(std::string_view id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '_' || c == '.';
  });
}
}  // namespace

void Engine::start_dial(Session& s, twiml::Dial dial) {
  Leg& in = *leg(s.inbound);
  if (dial.caller_id && !valid_sip_caller_id(*dial.caller_id) && !deviates(Deviation::callerid_not_validated)) {
    raise(s, {13214, "invalid callerId '" + *dial.caller_id + "': the caller's own is used"});
    dial.caller_id.reset();
  }
  if (!dial.answer_on_bridge.value || deviates(Deviation::answer_on_bridge_ignored))
    answer(in, local_sdp_for(in, s.edge, in.remote_sdp));
  s.dial = DialRun{};
  s.dial->verb = std::move(dial);
  const auto& nouns = s.dial->verb.nouns;
  if (auto refused = refuse_nouns(nouns, s.account->enhanced_sip)) {
    raise(s, *refused);
    return finish_dial(s, DialStatus::failed, 0);
  }
  s.dial->fork.emplace(nouns.size(), s.dial->verb.sequential.value);
  dial_step(s, s.dial->fork->first_step());
}

// Dials the nouns of one step (all of them, or the next one when sequential), then lets the
// fork decide: ring with a timeout, or move on / finish when no leg is alive.
void Engine::dial_step(Session& s, const std::vector<std::size_t>& nouns) {
  for (std::size_t index : nouns) {
    if (!s.dial || s.dial->status) return;
    dial_noun(s, s.dial->verb.nouns[index]);
  }
  if (s.dial && !s.dial->status) apply(s, s.dial->fork->step_started());
}

void Engine::dial_noun(Session& s, const twiml::Noun& noun) {
  NounPlan plan;
  if (const auto* sip_noun = std::get_if<twiml::Sip>(&noun)) {
    plan = plan_sip(*sip_noun, edge_names_);
    if (!plan.legs.empty())
      if (auto aor = registered_aor(plan.legs.front().request_uri)) plan = plan_registered(std::move(plan), registered_contacts(*aor));
  } else if (const auto* client = std::get_if<twiml::Client>(&noun)) {
    plan = plan_client(*client, client_contacts(*s.account, client->identity));
  } else if (const auto* number = std::get_if<twiml::Number>(&noun)) {
    plan = plan_number(*number, config_.pstn_gateway);
  } else if (const auto* application = std::get_if<twiml::Application>(&noun)) {
    return dial_application(s, *application);  // no SIP leg: a TwiML App's call [app.dial]
  } else {
    plan.alerts.push_back({12200, "<" + std::string(twiml::name_of(noun)) + "> is not dialled by this build: skipped"});
  }
  for (const auto& alert : plan.alerts) raise(s, alert);
  if (plan.fail_status)
    fail_leg_unstarted(s, *plan.fail_status, std::string(twiml::name_of(noun)), std::holds_alternative<twiml::Sip>(noun));
  for (const auto& leg_plan : plan.legs) start_leg(s, leg_plan);
}

// The AOR when `request_uri` names a user of one of our domains that takes registrations.
std::optional<std::string> Engine::registered_aor(const std::string& request_uri) const {
  auto uri = sip::parse_uri(request_uri);
  if (!uri || uri->user.empty()) return std::nullopt;
  const config::Domain* domain = config_.find_domain(uri->host);
  if (!domain || !domain->registration) return std::nullopt;
  return make_aor(uri->user, domain->name);
}

// REF: a client identity is a user registered in any of the account's registration domains.
std::vector<Registration> Engine::client_contacts(const config::Account& account, const std::string& identity) const {
  std::vector<Registration> contacts;
  for (const auto& domain : config_.domains)
    if (domain.registration && domain.account == account.sid)
      for (auto& contact : registered_contacts(make_aor(identity, domain.name))) contacts.push_back(std::move(contact));
  return contacts;
}

// Performs what the fork decided, in its order.
void Engine::apply(Session& s, DialFork::Next next) {
  if (!s.dial) return;
  for (LegId id : next.cancel)
    if (Leg* l = leg(id)) cancel(*l);
  for (LegId id : next.hang_up)
    if (Leg* l = leg(id)) {
      log::info(l->call_sid, "late-answer", "hanging up the losing leg");
      hang_up(*l);
    }
  if (next.bridge)
    if (Leg* winner = leg(next.bridge)) on_child_answered(s, *winner);
  if (!next.start.empty() || next.arm_timer || next.finished)
    if (s.dial->timeout_timer) timers_.stop(std::exchange(s.dial->timeout_timer, 0));
  if (!next.start.empty()) return dial_step(s, next.start);
  if (next.arm_timer) {
    const auto buffer = deviates(Deviation::no_timeout_buffer) ? std::chrono::seconds(0) : config_.timers.dial_buffer;
    const auto ring_for = std::chrono::seconds(s.dial->verb.timeout.value) + buffer;
    s.dial->timeout_timer = timers_.start(std::chrono::duration_cast<Duration>(ring_for),
                                          [this, sid = s.call_sid] { on_dial_timeout(sid); });
  }
  if (next.finished) {
    const Leg* reported = leg(*next.finished);
    // A leg whose 200 crossed our CANCEL was not answered for the caller: no-answer.
    const DialStatus status = !reported                   ? DialStatus::failed
                              : reported->final_status / 100 == 2 ? DialStatus::no_answer
                                                                  : dial_status_for(reported->final_status);
    finish_dial(s, status, *next.finished);
  }
}

// A leg of `s` towards plan's target: From names `caller_user` at the edge it leaves from, the
// identity headers name the account and the leg's CallSid [sip.headers.twilio].
sip::Message Engine::make_invite(const Session& s, const Leg& l, const LegPlan& plan, const std::string& caller_user) const {
  const config::Edge* edge = config_.find_edge(plan.edge);
  auto invite = sip::Message::request("INVITE", plan.request_uri);
  invite.add("From", "<sip:" + caller_user + "@" + (edge ? edge->address : "127.0.0.1") + ">;tag=" + l.local_tag);
  invite.add("To", "<" + (plan.to_uri.empty() ? plan.request_uri : plan.to_uri) + ">");
  invite.add("Call-ID", sip::random_token(24) + "@" + (edge ? edge->address : "sipref"));
  invite.add("CSeq", "1 INVITE");
  invite.add("Contact", "<" + l.local_contact + ">");
  invite.add("Max-Forwards", "70");
  invite.add("Allow", std::string(kAllowedMethods));
  for (const auto& header : plan.headers) invite.add(header.name, header.value);
  invite.add("X-Twilio-ApiVersion", "2010-04-01");
  invite.add("X-Twilio-AccountSid", s.account->sid);
  if (!deviates(Deviation::identity_headers_missing)) invite.add("X-Twilio-CallSid", l.call_sid);
  if (!l.local_sdp.empty()) {
    invite.add("Content-Type", "application/sdp");
    invite.set_body(l.local_sdp);
  }
  return invite;
}

// A new leg with the plan's edge, flow and noun settings, not yet sent.
Leg& Engine::new_outbound_leg(Session& s, const LegPlan& plan) {
  Leg& l = new_leg(s, false);
  l.edge = plan.edge;
  l.flow = plan.flow ? *plan.flow : flow_to(plan.request_uri, plan.edge);
  l.local_contact = contact_for(plan.edge, l.flow.transport);
  l.sip_noun = plan.sip_noun;
  l.credentials = plan.credentials;
  l.screening_url = plan.screening_url;
  l.send_digits = plan.send_digits;
  l.screening_method = plan.screening_method;
  return l;
}

void Engine::send_invite(Leg& l, sip::Message invite) {
  l.invite = invite;
  l.invite_transaction = transactions_.send_request(std::move(invite), l.flow);
  client_transactions_[l.invite_transaction] = l.id;
}

void Engine::start_leg(Session& s, const LegPlan& plan) {
  Leg& in = *leg(s.inbound);
  Leg& child = new_outbound_leg(s, plan);
  child.call_sid = new_sid("CA");
  auto caller = sip::parse_uri(s.from);
  const std::string caller_user = s.dial->verb.caller_id ? *s.dial->verb.caller_id
                                  : caller && !caller->user.empty() ? caller->user
                                                                    : "sipref";
  child.local_sdp = local_sdp_for(child, plan.edge, in.remote_sdp);
  if (child.media_failed) {  // no relay port: the leg fails before its INVITE, like a 503
    legs_.erase(child.id);
    return fail_leg_unstarted(s, 503, "no free media port", plan.sip_noun);
  }
  auto invite = make_invite(s, child, plan, caller_user);
  s.dial->legs.push_back(child.id);
  s.dial->fork->add_leg(child.id);  // before sending: a send error reports back at once
  child.invite = invite;  // the status callback's From/To come from it
  if (plan.status_callback)
    if (auto watched = status_callbacks_.leg_started(s, child, *plan.status_callback); !watched)
      raise(s, watched.error());
  log::info(child.call_sid, "dialling", plan.request_uri + " from " + plan.edge + " for " + s.call_sid);
  send_invite(child, std::move(invite));
  if (!std::exchange(s.dialled, true)) observe_post_dial_delay(s);
}

// A noun that fails without an INVITE (e.g. a <Client> nobody registered for) still counts as a
// leg that was tried, with its own CallSid and status [multi.client].
void Engine::fail_leg_unstarted(Session& s, int status, const std::string& why, bool sip_noun) {
  Leg& child = new_leg(s, false);
  child.call_sid = new_sid("CA");
  child.sip_noun = sip_noun;
  child.final_status = status;
  child.state = LegState::ended;
  child.ended_at = timers_.now();
  s.dial->legs.push_back(child.id);
  s.dial->fork->add_leg(child.id);
  log::info(child.call_sid, "dial-leg-failed", why + ": " + std::to_string(status) + " without an INVITE");
  apply(s, s.dial->fork->failed(child.id));
}

// [sip.auth]: a 401/407 is answered once with the noun's credentials; the leg stays the same
// call (same Call-ID, From tag), with CSeq + 1 in a new INVITE transaction.
bool Engine::retry_with_credentials(Leg& l, const sip::Message& challenge) {
  if (!l.credentials || (l.auth_retried && !deviates(Deviation::auth_answered_twice)) ||
      l.state == LegState::cancelling)
    return false;
  auto retry = sip::make_authorized_retry(l.invite, challenge, l.credentials->first, l.credentials->second,
                                          sip::random_token(16));
  if (!retry) {
    log::warn(l.call_sid, "auth-failed", retry.error().message);
    return false;
  }
  l.auth_retried = true;
  l.invite = *retry;
  l.invite_transaction = transactions_.send_request(std::move(*retry), l.flow);
  client_transactions_[l.invite_transaction] = l.id;
  log::info(l.call_sid, "auth-retry", std::to_string(challenge.status()) + " answered with credentials");
  return true;
}

// A response to an INVITE we sent (a child leg, or a REST call's own leg).
void Engine::on_invite_response(Leg& l, const sip::Message& response) {
  Session* s = session(l.session_sid);
  const int status = response.status();
  if (status < 200) {
    if (l.state == LegState::calling) l.state = LegState::proceeding;
    if (status == 180 || status == 183) status_callbacks_.leg_ringing(l.id);
    if (s) media_early(*s, l, response);
    return;
  }
  if (status >= 300) {
    if (l.state == LegState::ended) return;
    if ((status == 401 || status == 407) && retry_with_credentials(l, response)) return;
    l.final_status = status;
    l.final_x_headers = x_headers_of(response);
    l.state = LegState::ended;
    log::info(l.call_sid, "dial-leg-failed", std::to_string(status));
    leg_ended(l);
    if (is_api_leg(s, l)) return api_call_unanswered(*s);
    if (s) on_child_failed(*s, l);
    return;
  }
  // 2xx: first copy creates the dialog; every copy is ACKed (§13.2.2.4).
  if (!l.dialog) {
    auto dialog = sip::Dialog::create_uac(l.invite, response);
    if (!dialog) {
      log::warn(l.call_sid, "bad-2xx", dialog.error().message);
      return;
    }
    l.dialog = std::move(*dialog);
    dialogs_.insert(l.dialog->id(), l.id);
  } else {
    (void)l.dialog->on_response(response);
  }
  transactions_.send_stateless(l.dialog->make_ack(response), flow_to(l.dialog->next_hop(), l.edge));
  if (l.final_status != 0) return;  // a retransmission: ACKed again, nothing else changes
  l.final_status = status;
  l.remote_sdp = response.body();
  l.answer_x_headers = x_headers_of(response);
  l.answered_at = timers_.now();
  status_callbacks_.leg_answered(l.id);
  l.state = LegState::confirmed;
  if (is_api_leg(s, l) && !s->over) return api_call_answered(*s);
  if (!s || s->over || !s->dial || !s->dial->fork || s->dial->status) {
    log::info(l.call_sid, "late-answer", "the dial is over: hanging up");
    return hang_up(l);
  }
  apply(*s, s->dial->fork->answered(l.id));
}

void Engine::on_child_answered(Session& s, Leg& child) {
  s.dial->winner = child.id;
  if (child.screening_url && !deviates(Deviation::screening_skipped)) {
    media_unbridge(child);  // early media ends: the caller must not hear the screening
    return start_screening(s, child);
  }
  bridge(s, child);
}

// The caller and the answered leg are connected: the caller is answered if it still rings
// [dial.answer-on-bridge] and the call may last timeLimit [dial.time-limit].
void Engine::bridge(Session& s, Leg& child) {
  s.dial->bridged = true;
  Leg& in = *leg(s.inbound);
  if (in.state == LegState::offered) answer(in, local_sdp_for(in, s.edge, child.remote_sdp));
  media_bridge(in, child);
  if (child.send_digits) send_digits(child, *child.send_digits);
  transfer_bridged(s);  // [refer.aob-true.answer]
  arm_time_limit(s, std::chrono::seconds(s.dial->verb.time_limit.value));
  log::info(s.call_sid, "bridged", child.call_sid);
}

void Engine::arm_time_limit(Session& s, Duration left) {
  if (s.dial->time_limit_timer) timers_.stop(s.dial->time_limit_timer);
  s.dial->time_limit_timer = timers_.start(std::max(left, Duration::zero()), [this, sid = s.call_sid] { on_time_limit(sid); });
}

void Engine::on_child_failed(Session& s, Leg& child) {
  if (!s.dial || s.dial->status || !s.dial->fork) return;
  apply(s, s.dial->fork->failed(child.id));
}

void Engine::on_dial_timeout(const std::string& call_sid) {
  Session* s = session(call_sid);
  if (!s || !s->dial || !s->dial->fork) return;
  s->dial->timeout_timer = 0;
  log::info(call_sid, "dial-timeout", "cancelling pending legs");
  apply(*s, s->dial->fork->timed_out());
}

// [dial.time-limit]: the called party is hung up; the dial completed and the call goes on.
void Engine::on_time_limit(const std::string& call_sid) {
  Session* s = session(call_sid);
  if (!s || !s->dial || s->dial->status) return;
  s->dial->time_limit_timer = 0;
  if (deviates(Deviation::time_limit_ignored)) return;
  end_bridge_from_our_side(*s, "time-limit");
}

// We end the bridge (timeLimit, hangupOnStar): the called party gets BYE, the dial completed,
// and the action URL or the next verb takes the caller on.
void Engine::end_bridge_from_our_side(Session& s, std::string_view why) {
  if (!s.dial || s.dial->status || !s.dial->bridged) return;
  Leg* child = leg(s.dial->winner);
  if (!child || !child->answered() || child->state == LegState::ending) return;
  log::info(s.call_sid, std::string(why), "hanging up " + child->call_sid);
  hang_up(*child);
  finish_dial(s, DialStatus::completed, child->id);
}

void Engine::stop_dial_timers(DialRun& dial) {
  if (dial.timeout_timer) timers_.stop(std::exchange(dial.timeout_timer, 0));
  if (dial.time_limit_timer) timers_.stop(std::exchange(dial.time_limit_timer, 0));
}

void Engine::finish_dial(Session& s, DialStatus status, LegId reported) {
  if (!s.dial || s.dial->status) return;
  if (transfer_dial_ended(s, reported)) return;  // [refer.aob-true.no-answer]
  s.dial->status = status;
  stop_dial_timers(*s.dial);
  log::info(s.call_sid, "dial-ended", std::string(to_string(status)));
  const Leg* in = leg(s.inbound);
  const bool caller_gone = !in || in->state == LegState::ended || in->state == LegState::ending;
  if (const auto& action = s.dial->verb.action) {  // [dial.action]: its TwiML replaces the rest
    auto url = webhook::resolve_in_document(s.document_url, *action);
    if (!url) {
      raise(s, {11100, "invalid <Dial action> URL '" + *action + "'"});
    } else {
      fetch_twiml(s, url->to_string(), s.dial->verb.method.value, dial_action_params(s, status, leg(reported)));
      return;
    }
  }
  if (caller_gone) {
    s.over = true;
    return maybe_destroy(s);
  }
  run(s);
}

// [dial.action.params], and for <Sip> legs [sip.action.params] and [sip.answer.params].
webhook::Params Engine::dial_action_params(const Session& s, DialStatus status, const Leg* l) const {
  webhook::Params p = voice_params(s);
  p.add("DialCallStatus", std::string(to_string(status)));
  const bool bridged = l && s.dial && s.dial->bridged && s.dial->winner == l->id;
  p.add("DialBridged", bridged ? "true" : "false");
  if (!l) return p;
  p.add("DialCallSid", l->call_sid);
  if (bridged && !deviates(Deviation::duration_missing)) {
    auto end = l->ended_at.value_or(timers_.now());
    p.add("DialCallDuration", std::to_string(std::chrono::duration_cast<std::chrono::seconds>(end - *l->answered_at).count()));
  }
  add_prefixed(p, "ReturnParam_", l->return_params);  // [app.return-params]
  if (!l->sip_noun) return p;
  if (auto call_id = l->invite.header("Call-ID")) p.add("DialSipCallId", std::string(*call_id));  // none: never sent
  if (l->final_status) p.add("DialSipResponseCode", std::to_string(l->final_status));
  for (const auto& h : deviates(Deviation::answer_headers_from_bye) ? l->final_x_headers : l->answer_x_headers)
    p.add("SipHeader_" + h.name, h.value);
  for (const auto& h : l->final_x_headers) p.add("DialSipHeader_" + h.name, h.value);
  return p;
}

// A BYE arrived on `l`: the other side of the bridge goes too, or the dial ends.
void Engine::bridged_leg_hung_up(Session& s, Leg& l) {
  if (l.id == s.inbound) {  // not l.inbound: after a REFER the TwiML may run on a dialled leg
    refer_verb_caller_left(s);  // [refer.outbound]
    if (s.dial) stop_dial_timers(*s.dial);
    if (s.dial)
      for (LegId id : s.dial->legs)
        if (Leg* child = leg(id)) hang_up(*child);
    // The caller left: the action URL still hears how the dial ended; its TwiML is not run.
    if (s.dial && !s.dial->status) finish_dial(s, s.dial->winner ? DialStatus::completed : DialStatus::canceled, s.dial->winner);
    s.over = true;
    return;
  }
  if (s.dial && s.dial->winner == l.id) finish_dial(s, DialStatus::completed, l.id);
}

}  // namespace sipref::call
