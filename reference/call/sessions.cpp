// Engine: how a parent call starts (an INVITE to one of our domains), what its voice request
// carries, and how it ends and is cleaned up.
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "call/engine.h"
#include "sip/headers.h"
#include "sip/response.h"
#include "sip/uri.h"
#include "util/log.h"

namespace sipref::call {
namespace {

}  // namespace

std::string new_sid(std::string_view prefix) { return std::string(prefix) + sip::random_token(32); }

Session* Engine::session(const std::string& call_sid) {
  auto it = sessions_.find(call_sid);
  return it == sessions_.end() ? nullptr : it->second.get();
}

void Engine::on_new_invite(sip::TransactionId server, const sip::Message& invite, const sip::Flow& from) {
  auto request_uri = sip::parse_uri(invite.request_uri());
  const config::Domain* domain = request_uri ? config_.find_domain(request_uri->host) : nullptr;
  const config::Account* account = domain ? config_.find_account(domain->account) : nullptr;
  if (!domain || !account) {
    log::info("", "inbound-refused", "no domain for " + invite.request_uri() + ": 404");
    respond(server, invite, 404);
    return;
  }
  auto username = admit_invite(server, invite, from, *domain);  // answered when refused
  if (!username) return;
  // Overload and shutdown: RFC 3261 §21.5.4 — 503 with Retry-After tells the caller to come back.
  if (auto refused = overload_.refuse_new_call(sessions_.size(), timers_.now())) {
    log::warn("", "inbound-refused", refused->why + ": 503");
    auto busy = sip::make_response(invite, 503, {}, sip::random_token(10));
    busy.add("Retry-After", std::to_string(refused->retry_after_s));
    (void)transactions_.respond(server, std::move(busy));
    return;
  }
  auto owned = new_session(*account);
  Session& s = *owned;
  s.domain = domain;
  s.sip_username = std::move(*username);
  s.edge = config_.listen;
  for (const auto& edge : config_.edges)
    if (edge.address == from.local.ip) s.edge = edge.name;
  s.from = sip::uri_of_name_addr(invite.header("From").value_or(""));
  s.to = sip::uri_of_name_addr(invite.header("To").value_or(""));

  Leg& in = new_leg(s, true);
  in.call_sid = s.call_sid;
  in.edge = s.edge;
  in.flow = from;
  in.invite = invite;
  in.invite_transaction = server;
  in.local_contact = contact_for(s.edge, from.transport);
  in.remote_sdp = invite.body();
  auto dialog = sip::Dialog::create_uas(invite, in.local_tag, in.local_contact);
  if (!dialog) {
    log::info("", "inbound-refused", dialog.error().message + ": 400");
    legs_.erase(in.id);
    respond(server, invite, 400, "Bad Request");
    return;
  }
  in.dialog = std::move(*dialog);
  dialogs_.insert(in.dialog->id(), in.id);
  server_invites_[server] = in.id;
  s.inbound = in.id;
  log::info(s.call_sid, "inbound-call", s.from + " -> " + s.to + " via " + s.edge);
  sessions_.emplace(s.call_sid, std::move(owned));

  send_provisional(in, 180);
  s.voice_fetch = true;
  fetch_twiml(s, domain->voice.url, domain->voice.method, voice_params(s));
}

std::unique_ptr<Session> Engine::new_session(const config::Account& account) const {
  auto s = std::make_unique<Session>();
  s->call_sid = new_sid("CA");
  s->started_at = timers_.now();
  s->created_wall = std::chrono::system_clock::now();
  s->account = &account;
  return s;
}

// What every voice request of an inbound call carries [webhook.params.standard].
webhook::Params standard_call_params(const Session& s, bool answered) {
  webhook::Params p;
  p.add("CallSid", s.call_sid);
  p.add("AccountSid", s.account->sid);
  p.add("From", s.from);
  p.add("To", s.to);
  p.add("Caller", s.from);
  p.add("Called", s.to);
  p.add("CallStatus", answered ? "in-progress" : "ringing");
  p.add("ApiVersion", "2010-04-01");
  p.add("Direction", s.direction);
  return p;
}

// The voice request's parameters [webhook.params.standard, webhook.params.sip-inbound].
webhook::Params Engine::voice_params(const Session& s) const {
  if (s.application) return application_params(s);  // no SIP leg of its own [app.dial]
  const Leg& in = *legs_.at(s.inbound);
  webhook::Params p = standard_call_params(s, in.answered());
  if (s.domain) {
    p.add("SipDomain", s.domain->name);
    p.add("SipDomainSid", s.domain->sid);
  }
  p.add("SipCallId", std::string(in.invite.header("Call-ID").value_or("")));
  p.add("SipSourceIp", in.flow.remote.ip);
  if (!s.sip_username.empty()) p.add("SipUsername", s.sip_username);  // [inbound.credentials]
  for (const auto& h : x_headers_of(in.invite)) p.add("SipHeader_" + h.name, h.value);
  if (auto uui = in.invite.header("User-to-User")) p.add("SipHeader_User-to-User", std::string(*uui));
  return p;
}

// Ends the parent call: every child leg is hung up or cancelled; the inbound leg gets BYE, or
// `unanswered_status` when it was never answered.
void Engine::end_session(Session& s, int unanswered_status) {
  if (s.application) return end_application(s, unanswered_status);  // the caller is not its own
  s.over = true;
  if (s.dial) stop_dial_timers(*s.dial);
  if (s.dial)
    for (LegId id : s.dial->legs)
      if (Leg* child = leg(id)) hang_up(*child);
  if (Leg* in = leg(s.inbound)) {
    if (in->state == LegState::offered) reject(*in, unanswered_status);
    else hang_up(*in);
  }
  maybe_destroy(s);
}

void Engine::fail_session(Session& s, const Alert& alert) {
  if (s.application) return end_application(s, 500);  // the connecting call goes on [app.*]
  Leg* in = leg(s.inbound);
  if (in && in->state == LegState::offered) {
    reject(*in, 500, std::to_string(alert.code) + " " + alert.message);
  } else if (in) {
    hang_up(*in, "SIP;cause=500;text=\"" + std::to_string(alert.code) + "\"");
  }
  end_session(s);
}

// A session goes once its inbound leg and every child leg have ended and no fetch is in
// flight. Destruction is posted so that no caller up the stack holds a dangling reference.
void Engine::maybe_destroy(Session& s) {
  auto all_ended = [&] {
    // An App's call shares its connecting call's caller leg: it goes once it is over instead.
    Leg* in = leg(s.inbound);
    if (s.application ? !s.over : in && in->state != LegState::ended) return false;
    for (LegId id : s.legs)
      if (Leg* l = leg(id); l && l->state != LegState::ended) return false;
    return !s.fetching;
  };
  if (!all_ended()) return;
  s.over = true;
  boost::asio::post(io_, [this, sid = s.call_sid] {
    auto it = sessions_.find(sid);
    if (it == sessions_.end()) return;
    Session& gone = *it->second;
    if (const Leg* in = leg(gone.inbound); in && !gone.application) count_call_ended(*in);
    for (auto& record : records_of(gone)) history_.add(std::move(record));  // [api.calls.fetch-list]
    for (LegId id : gone.legs) legs_.erase(id);
    if (gone.dial) stop_dial_timers(*gone.dial);
    log::info(sid, "call-ended", "");
    sessions_.erase(it);
    check_drained();
  });
}

// [limits]: draining refuses new calls (overload_) and waits for the live ones, for at most
// limits.drain; then it ends them (BYE, CANCEL, 480) and waits at most 5 s more for that.
void Engine::drain(std::function<void()> drained) {
  overload_.start_draining();
  drained_ = std::move(drained);
  log::info("", "draining", std::to_string(sessions_.size()) + " call(s) live, at most " +
                                std::to_string(config_.limits.drain.count()) + " s");
  timers_.start(std::chrono::duration_cast<Duration>(config_.limits.drain), [this] {
    if (!drained_) return;
    log::warn("", "drain-timeout", "ending " + std::to_string(sessions_.size()) + " call(s)");
    std::vector<std::string> live;
    for (const auto& [sid, s] : sessions_) live.push_back(sid);
    for (const auto& sid : live)
      if (Session* s = session(sid); s && !s->over) end_session(*s);
    // A peer that never answers our BYE must not hold the process for a transaction timeout.
    timers_.start(std::chrono::seconds(5), [this] {
      if (drained_) std::exchange(drained_, nullptr)();
    });
  });
  check_drained();
}

void Engine::check_drained() {
  if (drained_ && sessions_.empty()) std::exchange(drained_, nullptr)();
}

}  // namespace sipref::call
