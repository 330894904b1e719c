#include "media/relay_table.h"

namespace sipref::media {

RelayTable::Endpoint* RelayTable::find(EndpointId id) {
  auto it = endpoints_.find(id);
  return it == endpoints_.end() ? nullptr : &it->second;
}

const RelayTable::Endpoint* RelayTable::find(EndpointId id) const {
  auto it = endpoints_.find(id);
  return it == endpoints_.end() ? nullptr : &it->second;
}

void RelayTable::add(EndpointId id) {
  endpoints_.try_emplace(id);
}

void RelayTable::remove(EndpointId id) {
  unpair(id);
  endpoints_.erase(id);
}

void RelayTable::set_remote(EndpointId id, const Address& rtp,
                            std::optional<std::uint8_t> telephone_event) {
  Endpoint* e = find(id);
  if (!e) return;
  if (e->signalled != rtp) e->latched = {};  // a new offer/answer: learn the source again
  e->signalled = rtp;
  if (!telephone_event)
    e->dtmf.reset();
  else if (!e->dtmf)
    e->dtmf.emplace(*telephone_event);
}

void RelayTable::pair(EndpointId a, EndpointId b) {
  Endpoint* ea = find(a);
  Endpoint* eb = find(b);
  if (!ea || !eb || a == b) return;
  if (ea->peer == b) return;
  unpair(a);
  unpair(b);
  ea->peer = b;
  eb->peer = a;
}

void RelayTable::unpair(EndpointId id) {
  Endpoint* e = find(id);
  if (!e || !e->peer) return;
  if (Endpoint* other = find(*e->peer); other && other->peer == id) other->peer.reset();
  e->peer.reset();
}

std::optional<EndpointId> RelayTable::peer(EndpointId id) const {
  const Endpoint* e = find(id);
  return e ? e->peer : std::nullopt;
}

std::optional<Address> RelayTable::destination(EndpointId id, Channel channel) const {
  const Endpoint* e = find(id);
  if (!e) return std::nullopt;
  const auto index = static_cast<std::size_t>(channel);
  if (e->latched[index]) return e->latched[index];
  if (!e->signalled) return std::nullopt;
  Address to = *e->signalled;
  if (channel == Channel::rtcp) to.port(static_cast<unsigned short>(to.port() + 1));
  return to;
}

void RelayTable::on_packet(EndpointId id, Channel channel, const Address& from,
                           std::span<const std::uint8_t> packet) {
  Endpoint* e = find(id);
  if (!e) return;
  // Latch once per offer/answer: a NATed party is reached where it sends from, and a stray
  // sender later cannot steal the stream.
  auto& latched = e->latched[static_cast<std::size_t>(channel)];
  if (!latched) latched = from;
  if (channel == Channel::rtp && e->dtmf && dtmf_handler_) {
    if (auto event = e->dtmf->on_packet(packet)) dtmf_handler_(id, *event);
    e = find(id);  // the handler may have closed endpoints
    if (!e) return;
  }
  if (!e->peer) return;
  if (auto to = destination(*e->peer, channel)) sender_.send(*e->peer, channel, *to, packet);
}

}  // namespace sipref::media
