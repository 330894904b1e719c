// Engine: <Dial> — starting child legs, the first answer wins and is bridged, the others are
// cancelled; the dial ends when the bridge ends or every leg failed, then the TwiML goes on.
#include <algorithm>
#include <cctype>

#include "call/engine.h"
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
  if (dial.caller_id && !valid_sip_caller_id(*dial.caller_id)) {
    raise(s, {13214, "invalid callerId '" + *dial.caller_id + "': the caller's own is used"});
    dial.caller_id.reset();
  }
  if (!dial.answer_on_bridge.value) answer(in, local_sdp_for(in, s.edge, in.remote_sdp));
  s.dial = DialRun{};
  s.dial->verb = std::move(dial);
  for (const auto& noun : s.dial->verb.nouns) {
    if (const auto* sip_noun = std::get_if<twiml::Sip>(&noun)) {
      auto resolved = resolve_sip_target(sip_noun->uri, edge_names_);
      for (const auto& alert : resolved.alerts) raise(s, alert);
      if (resolved.target) start_sip_leg(s, *sip_noun, *resolved.target);
    } else {
      raise(s, {12200, "<" + std::string(twiml::name_of(noun)) + "> is not dialled by this build: skipped"});
    }
  }
  if (s.dial->legs.empty()) return finish_dial(s, DialStatus::failed, 0);
  const auto ring_for = std::chrono::seconds(s.dial->verb.timeout.value) + config_.timers.dial_buffer;
  s.dial->timeout_timer = timers_.start(std::chrono::duration_cast<Duration>(ring_for),
                                        [this, sid = s.call_sid] { on_dial_timeout(sid); });
}

void Engine::start_sip_leg(Session& s, const twiml::Sip& noun, const SipTarget& target) {
  Leg& in = *leg(s.inbound);
  Leg& child = new_leg(s, false);
  child.call_sid = new_sid("CA");
  child.edge = target.edge;
  const std::string request_uri = target.request_uri.to_string_without_headers();
  child.flow = flow_to(request_uri, target.edge);
  child.local_contact = contact_for(target.edge, target.transport);
  const config::Edge* edge = config_.find_edge(target.edge);
  auto caller = sip::parse_uri(s.from);
  const std::string caller_user = s.dial->verb.caller_id ? *s.dial->verb.caller_id
                                  : caller && !caller->user.empty() ? caller->user
                                                                    : "sipref";

  auto invite = sip::Message::request("INVITE", request_uri);
  invite.add("From", "<sip:" + caller_user + "@" + (edge ? edge->address : "127.0.0.1") + ">;tag=" + child.local_tag);
  invite.add("To", "<" + request_uri + ">");
  invite.add("Call-ID", sip::random_token(24) + "@" + (edge ? edge->address : "sipref"));
  invite.add("CSeq", "1 INVITE");
  invite.add("Contact", "<" + child.local_contact + ">");
  invite.add("Max-Forwards", "70");
  invite.add("Allow", std::string(kAllowedMethods));
  for (const auto& header : target.headers) invite.add(header.name, header.value);
  invite.add("X-Twilio-ApiVersion", "2010-04-01");
  invite.add("X-Twilio-AccountSid", s.account->sid);
  invite.add("X-Twilio-CallSid", child.call_sid);
  child.local_sdp = local_sdp_for(child, target.edge, in.remote_sdp);
  if (!child.local_sdp.empty()) {
    invite.add("Content-Type", "application/sdp");
    invite.set_body(child.local_sdp);
  }
  child.invite = invite;
  child.invite_transaction = transactions_.send_request(std::move(invite), child.flow);
  client_transactions_[child.invite_transaction] = child.id;
  s.dial->legs.push_back(child.id);
  if (auto watched = status_callbacks_.leg_started(s, child, noun.status_callback); !watched)
    raise(s, watched.error());
  log::info(child.call_sid, "dialling", request_uri + " from " + target.edge + " for " + s.call_sid);
}

// A response to an INVITE we sent (a child leg).
void Engine::on_invite_response(Leg& l, const sip::Message& response) {
  Session* s = session(l.session_sid);
  const int status = response.status();
  if (status < 200) {
    if (l.state == LegState::calling) l.state = LegState::proceeding;
    if (status == 180 || status == 183) status_callbacks_.leg_ringing(l.id);
    return;
  }
  if (status >= 300) {
    if (l.state == LegState::ended) return;
    l.final_status = status;
    l.final_x_headers = x_headers_of(response);
    l.state = LegState::ended;
    log::info(l.call_sid, "dial-leg-failed", std::to_string(status));
    leg_ended(l);
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
  const bool wanted = s && !s->over && s->dial && s->dial->winner == 0 && l.state != LegState::cancelling;
  l.state = LegState::confirmed;
  if (!wanted) {  // a late 200 from a leg that lost (or was cancelled): ACK and BYE it
    log::info(l.call_sid, "late-answer", "hanging up the losing leg");
    hang_up(l);
    return;
  }
  on_child_answered(*s, l, response);
}

void Engine::on_child_answered(Session& s, Leg& child, const sip::Message&) {
  s.dial->winner = child.id;
  if (s.dial->timeout_timer) timers_.stop(std::exchange(s.dial->timeout_timer, 0));
  for (LegId id : s.dial->legs)
    if (Leg* other = leg(id); other && other->id != child.id) cancel(*other);
  Leg& in = *leg(s.inbound);
  if (in.state == LegState::offered) answer(in, local_sdp_for(in, s.edge, child.remote_sdp));
  log::info(s.call_sid, "bridged", child.call_sid);
}

void Engine::on_child_failed(Session& s, Leg& child) {
  if (!s.dial || s.dial->status || s.dial->winner != 0) return;
  for (LegId id : s.dial->legs)
    if (Leg* other = leg(id); other && other->state != LegState::ended) return;
  finish_dial(s, dial_status_for(child.final_status), child.id);
}

void Engine::on_dial_timeout(const std::string& call_sid) {
  Session* s = session(call_sid);
  if (!s || !s->dial) return;
  s->dial->timeout_timer = 0;
  log::info(call_sid, "dial-timeout", "cancelling pending legs");
  for (LegId id : s->dial->legs)
    if (Leg* child = leg(id)) cancel(*child);
}

void Engine::finish_dial(Session& s, DialStatus status, LegId reported) {
  if (!s.dial || s.dial->status) return;
  s.dial->status = status;
  if (s.dial->timeout_timer) timers_.stop(std::exchange(s.dial->timeout_timer, 0));
  log::info(s.call_sid, "dial-ended", std::string(to_string(status)));
  const Leg* in = leg(s.inbound);
  const bool caller_gone = !in || in->state == LegState::ended || in->state == LegState::ending;
  if (const auto& action = s.dial->verb.action) {  // [dial.action]: its TwiML replaces the rest
    auto base = webhook::parse_url(s.document_url);
    auto url = base ? webhook::resolve_url(*base, *action) : base;
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
  const bool bridged = l && l->answered_at.has_value();
  p.add("DialBridged", bridged ? "true" : "false");
  if (!l) return p;
  p.add("DialCallSid", l->call_sid);
  if (bridged) {
    auto end = l->ended_at.value_or(timers_.now());
    p.add("DialCallDuration", std::to_string(std::chrono::duration_cast<std::chrono::seconds>(end - *l->answered_at).count()));
  }
  p.add("DialSipCallId", std::string(l->invite.header("Call-ID").value_or("")));
  if (l->final_status) p.add("DialSipResponseCode", std::to_string(l->final_status));
  for (const auto& h : l->answer_x_headers) p.add("SipHeader_" + h.name, h.value);
  for (const auto& h : l->final_x_headers) p.add("DialSipHeader_" + h.name, h.value);
  return p;
}

// A BYE arrived on `l`: the other side of the bridge goes too, or the dial ends.
void Engine::bridged_leg_hung_up(Session& s, Leg& l) {
  if (l.inbound) {
    if (s.dial && s.dial->timeout_timer) timers_.stop(std::exchange(s.dial->timeout_timer, 0));
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
