// Engine: anchored media. Each leg's SDP names a relay port of its own on its edge's media
// address; bridged legs (and a ringing leg with early media) are paired in the relay, so a
// change of bridge never needs a re-INVITE towards the endpoints.
#include <boost/asio/ip/address.hpp>

#include "call/engine.h"
#include "media/sdp.h"
#include "sip/response.h"
#include "util/log.h"

namespace sipref::call {

std::unique_ptr<media::Relay> Engine::make_relay() {
  auto relay = std::make_unique<media::Relay>(
      io_, media::PortPool(config_.media.port_min, config_.media.port_max));
  relay->on_dtmf(
      [this](media::EndpointId endpoint, std::uint8_t event) { on_media_dtmf(endpoint, event); });
  return relay;
}

std::string Engine::local_sdp_for(Leg& l, const std::string& edge_name, std::string_view sdp) {
  const config::Edge* edge = config_.find_edge(edge_name);
  if (!edge || sdp.empty()) return {};
  if (l.media_endpoint == 0) {
    auto opened = relay_->open(edge->media_address);
    l.media_failed = !opened;
    if (!opened) {
      log::warn(l.call_sid, "media-unavailable", opened.error().message);
      return {};
    }
    l.media_endpoint = opened->id;
    l.media_port = opened->port;
    media_legs_[opened->id] = l.id;
    log::info(l.call_sid, "media-open",
              edge->media_address + ":" + std::to_string(opened->port) + " on " + edge_name);
  }
  auto rewritten = media::rewrite_sdp(sdp, {edge->media_address, l.media_port});
  return rewritten ? *rewritten : std::string{};
}

void Engine::send_early_media(Leg& l, const std::string& sdp) {
  if (l.state != LegState::offered || sdp.empty()) return;
  auto response = sip::make_response(l.invite, 183, "Session Progress", l.local_tag);
  response.add("Contact", "<" + l.local_contact + ">");
  response.add("Content-Type", "application/sdp");
  response.set_body(sdp);
  l.local_sdp = sdp;
  l.early_media = true;
  (void)transactions_.respond(l.invite_transaction, std::move(response));
  log::info(l.call_sid, "early-media", "183 with SDP");
}

void Engine::media_remote(Leg& l) {
  if (l.media_endpoint == 0) return;
  auto remote = media::read_audio_endpoint(l.remote_sdp);
  if (!remote) return;  // no usable c=/m=: the relay learns the address from the first packet
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(remote->address, ec);
  if (ec) return;
  // RFC 3264 §5.1: the payload types a party sends are the ones it declared; fall back to ours.
  auto dtmf = media::telephone_event_payload_type(l.remote_sdp);
  if (!dtmf) dtmf = media::telephone_event_payload_type(l.local_sdp);
  relay_->set_remote(l.media_endpoint, {address, remote->audio_port}, dtmf);
}

void Engine::media_bridge(Leg& a, Leg& b) {
  if (a.media_endpoint == 0 || b.media_endpoint == 0) return;
  if (a.state == LegState::ended || b.state == LegState::ended) return;
  media_remote(a);
  media_remote(b);
  if (relay_->peer(a.media_endpoint) == b.media_endpoint) return;
  relay_->pair(a.media_endpoint, b.media_endpoint);
  log::info(a.call_sid, "media-bridged", "with " + b.call_sid);
}

void Engine::media_unbridge(Leg& l) {
  if (l.media_endpoint == 0 || !relay_->peer(l.media_endpoint)) return;
  relay_->unpair(l.media_endpoint);
  log::info(l.call_sid, "media-unbridged", "");
}

void Engine::media_early(Session& s, Leg& child, const sip::Message& provisional) {
  if (provisional.body().empty() || !s.dial || !s.dial->verb.answer_on_bridge.value) return;
  if (s.dial->status || s.dial->winner != 0 || child.state != LegState::proceeding) return;
  Leg* in = leg(s.inbound);
  if (!in || in->state != LegState::offered) return;
  child.remote_sdp = provisional.body();
  const std::string sdp = local_sdp_for(*in, s.edge, child.remote_sdp);
  if (sdp.empty()) return;  // no port (or no SDP from the caller): the caller just rings
  // One 183 is enough: our SDP stays the same whichever ringing leg the caller hears.
  if (!in->early_media) send_early_media(*in, sdp);
  media_bridge(*in, child);
}

void Engine::media_release(Leg& l) {
  if (l.media_endpoint == 0) return;
  relay_->close(l.media_endpoint);
  media_legs_.erase(l.media_endpoint);
  l.media_endpoint = 0;
}

}  // namespace sipref::call
