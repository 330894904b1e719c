// Engine: what is done to one leg (answer, reject, hang up, cancel) and where its messages go.
#include <boost/asio/ip/address.hpp>
#include <netdb.h>

#include "call/engine.h"
#include "sip/response.h"
#include "sip/transport.h"
#include "sip/uri.h"
#include "util/log.h"
#include "util/deviations.h"

namespace sipref::call {

std::string_view to_string(LegState state) {
  switch (state) {
    case LegState::offered: return "offered";
    case LegState::answering: return "answering";
    case LegState::calling: return "calling";
    case LegState::proceeding: return "proceeding";
    case LegState::cancelling: return "cancelling";
    case LegState::confirmed: return "confirmed";
    case LegState::ending: return "ending";
    case LegState::ended: return "ended";
  }
  return "?";
}

std::vector<sip::Header> x_headers_of(const sip::Message& message) {
  std::vector<sip::Header> out;
  for (const auto& h : message.headers())
    if ((h.name.size() > 2 && sip::iequals(h.name.substr(0, 2), "x-")) ||
        (deviates(Deviation::uui_reported_back) && sip::iequals(h.name, "User-to-User")))
      out.push_back(h);
  return out;
}

Leg& Engine::new_leg(Session& session, bool inbound) {
  auto owned = std::make_unique<Leg>();
  Leg& l = *owned;
  l.id = next_leg_id_++;
  l.inbound = inbound;
  l.session_sid = session.call_sid;
  l.state = inbound ? LegState::offered : LegState::calling;
  l.local_tag = sip::random_token(12);
  l.created_at = timers_.now();
  legs_.emplace(l.id, std::move(owned));
  session.legs.push_back(l.id);
  return l;
}

Leg* Engine::leg(LegId id) {
  auto it = legs_.find(id);
  return it == legs_.end() ? nullptr : it->second.get();
}

void Engine::send_provisional(Leg& l, int status) {
  if (l.state != LegState::offered) return;
  auto response = sip::make_response(l.invite, status, {}, l.local_tag);
  response.add("Contact", "<" + l.local_contact + ">");
  (void)transactions_.respond(l.invite_transaction, std::move(response));
}

void Engine::answer(Leg& l, std::string sdp) {
  if (l.state != LegState::offered) return;
  if (l.media_failed) {  // no relay port for its media: refused like an overloaded server
    reject(l, 503, "no free media port");
    if (Session* s = session(l.session_sid)) end_session(*s);
    return;
  }
  if (l.early_media) sdp = l.local_sdp;  // the 200 repeats the 183's SDP (RFC 6337 §3.1.1)
  auto ok = sip::make_response(l.invite, 200, {}, l.local_tag);
  ok.add("Contact", "<" + l.local_contact + ">");
  ok.add("Allow", std::string(kAllowedMethods));
  if (!sdp.empty()) {
    ok.add("Content-Type", "application/sdp");
    ok.set_body(sdp);
  }
  l.local_sdp = std::move(sdp);
  l.state = LegState::answering;
  l.final_status = 200;
  l.answered_at = timers_.now();
  if (l.dialog) l.dialog->confirm();
  (void)transactions_.respond(l.invite_transaction, ok);
  // §13.3.1.4: we, not the transaction, resend the 2xx until the ACK; BYE if it never comes.
  const LegId id = l.id;
  const sip::Flow flow = l.flow;
  l.ok_resender = std::make_unique<sip::Invite2xxRetransmitter>(
      timers_, std::move(ok), [this, flow](const sip::Message& m) { transport_.send(m, flow); },
      [this, id] {
        Leg* gone = leg(id);
        if (!gone) return;
        log::warn(gone->call_sid, "no-ack", "the 2xx was never ACKed: hanging up");
        if (gone->bye_after_ack) return send_bye(*gone);  // §15: the transaction gave up
        gone->state = LegState::confirmed;
        if (Session* s = session(gone->session_sid)) end_session(*s);
      },
      config_.timers.t1, config_.timers.t2);
  l.ok_resender->start();
  log::info(l.call_sid, "answered", l.inbound ? "inbound leg" : "");
}

namespace {
// Warning text is a quoted-string (RFC 3261 §20.43): no quotes, backslashes or control bytes.
std::string warning_text(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 200)) out.push_back(c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20 ? '\'' : c);
  return out;
}

void add_warning(sip::Message& response, const std::string& host, std::string_view text) {
  if (!text.empty()) response.add("Warning", "399 " + host + " \"" + warning_text(text) + "\"");
}
}  // namespace

void Engine::respond_with_warning(sip::TransactionId server, const sip::Message& request, int status,
                                  const std::string& host, std::string_view warning) {
  auto response = sip::make_response(request, status, {}, sip::random_token(10));
  add_warning(response, host, warning);
  (void)transactions_.respond(server, std::move(response));
}

void Engine::reject(Leg& l, int status, std::string_view warning) {
  if (l.state != LegState::offered) return;
  auto response = sip::make_response(l.invite, status, {}, l.local_tag);
  add_warning(response, l.flow.local.ip, warning);
  (void)transactions_.respond(l.invite_transaction, std::move(response));
  l.state = LegState::ended;
  l.final_status = status;
  log::info(l.call_sid, "rejected", std::to_string(status));
  leg_ended(l);
}

void Engine::hang_up(Leg& l, std::string_view reason) {
  if (l.application) return drop_application(l);  // no SIP: the App's call stops [app.dial]
  switch (l.state) {
    case LegState::offered: return reject(l, 480);
    case LegState::calling:
    case LegState::proceeding: return cancel(l);
    case LegState::answering:
    case LegState::confirmed: {
      transfer_leg_leaving(l);  // [refer.notify]: the last NOTIFY precedes the transferor's BYE
      if (!l.dialog) break;
      if (!l.ended_at) l.ended_at = timers_.now();
      l.state = LegState::ending;
      l.bye_reason = std::string(reason);
      // RFC 3261 §15: no BYE before the ACK of our 2xx; on_ack (or the 2xx giving up) sends it.
      if (l.ok_resender && l.ok_resender->active()) {
        l.bye_after_ack = true;
        log::info(l.call_sid, "bye-deferred", "until the ACK of our 200");
        return;
      }
      return send_bye(l);
    }
    case LegState::cancelling:
    case LegState::ending:
    case LegState::ended: return;
  }
  l.state = LegState::ended;
  leg_ended(l);
}

void Engine::send_bye(Leg& l) {
  l.bye_after_ack = false;
  if (l.ok_resender) l.ok_resender->stop();
  auto bye = l.dialog->make_request("BYE");
  if (!l.bye_reason.empty()) bye.add("Reason", l.bye_reason);
  auto id = transactions_.send_request(std::move(bye), flow_to(l.dialog->next_hop(), l.edge));
  client_transactions_[id] = l.id;
  log::info(l.call_sid, "bye-sent", "");
}

void Engine::cancel(Leg& l) {
  if (l.application) return drop_application(l);
  if (l.state != LegState::calling && l.state != LegState::proceeding) return;
  transactions_.cancel(l.invite_transaction);  // its 487 arrives as the INVITE's final response
  l.state = LegState::cancelling;
  log::info(l.call_sid, "cancel-sent", "");
}

void Engine::leg_ended(Leg& l) {
  if (!l.ended_at) l.ended_at = timers_.now();
  media_release(l);
  if (l.dialog) dialogs_.erase(l.dialog->id());
  if (l.inbound) server_invites_.erase(l.invite_transaction);
  if (!l.inbound) status_callbacks_.leg_ended(l, timers_.now());  // [sip.status-callback]
  std::string session_sid = l.session_sid;
  if (Session* s = session(session_sid)) maybe_destroy(*s);
}

// Where a request to `uri` goes first, leaving from `edge`'s socket for that transport.
sip::Flow Engine::flow_to(std::string_view uri_text, const std::string& edge_name) const {
  sip::Flow flow;
  const config::Edge* edge = config_.find_edge(edge_name);
  auto uri = sip::parse_uri(uri_text);
  if (!uri || !edge) return flow;  // an unroutable flow: the send fails and the transaction too
  if (auto t = uri->parameter("transport")) {
    if (sip::iequals(*t, "tcp")) flow.transport = sip::TransportKind::tcp;
    if (sip::iequals(*t, "tls")) flow.transport = sip::TransportKind::tls;
  }
  if (uri->scheme == "sips") flow.transport = sip::TransportKind::tls;
  std::string host = uri->parameter("maddr").value_or(uri->host);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  if (ec) {  // a name: resolve it (the reference keeps this synchronous and simple)
    addrinfo hints{};
    hints.ai_family = AF_INET;
    addrinfo* found = nullptr;
    if (getaddrinfo(host.c_str(), nullptr, &hints, &found) == 0 && found) {
      char text[64] = {};
      getnameinfo(found->ai_addr, found->ai_addrlen, text, sizeof text, nullptr, 0, NI_NUMERICHOST);
      host = text;
      freeaddrinfo(found);
    }
  }
  const bool tls_5060 = flow.transport == sip::TransportKind::tls && deviates(Deviation::tls_default_port_5060);
  flow.remote = {host, uri->port.value_or(tls_5060 ? std::uint16_t{5060} : sip::default_port(flow.transport))};
  std::uint16_t port = flow.transport == sip::TransportKind::udp   ? edge->udp_port
                       : flow.transport == sip::TransportKind::tcp ? edge->tcp_port
                                                                   : edge->tls_port;
  flow.local = {edge->address, port};
  return flow;
}

std::string Engine::contact_for(const std::string& edge_name, sip::TransportKind kind) const {
  const config::Edge* edge = config_.find_edge(edge_name);
  if (!edge) return "sip:sipref@127.0.0.1";
  switch (kind) {
    case sip::TransportKind::udp: return "sip:" + edge->address + ":" + std::to_string(edge->udp_port);
    case sip::TransportKind::tcp: return "sip:" + edge->address + ":" + std::to_string(edge->tcp_port) + ";transport=tcp";
    case sip::TransportKind::tls: return "sip:" + edge->address + ":" + std::to_string(edge->tls_port) + ";transport=tls";
  }
  return {};
}

}  // namespace sipref::call
