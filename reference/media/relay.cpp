#include "media/relay.h"

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>

#include "util/log.h"

namespace sipref::media {

namespace asio = boost::asio;
using asio::ip::udp;

// The two sockets of an endpoint. Receive handlers hold it by shared_ptr and check `closed`
// first, so a handler that runs after close() (or after the Relay is gone) touches nothing else.
struct Relay::Sockets {
  Sockets(asio::io_context& io, EndpointId id, PortPair ports)
      : id(id), ports(ports), rtp(io), rtcp(io) {}
  EndpointId id;
  PortPair ports;
  udp::socket rtp;
  udp::socket rtcp;
  bool closed = false;
  udp::socket& socket(Channel channel) { return channel == Channel::rtp ? rtp : rtcp; }
};

namespace {

// Binds both sockets of `ports` on `address`; false (with `why`) when either is taken.
bool bind_pair(udp::socket& rtp, udp::socket& rtcp, const asio::ip::address& address,
               PortPair ports, boost::system::error_code& why) {
  for (auto [socket, port] : {std::pair{&rtp, ports.rtp}, std::pair{&rtcp, ports.rtcp()}}) {
    socket->open(udp::v4(), why);
    if (!why) socket->bind({address, port}, why);
    if (!why) socket->non_blocking(true, why);
    if (why) {
      boost::system::error_code ignored;
      rtp.close(ignored);
      rtcp.close(ignored);
      return false;
    }
  }
  return true;
}

}  // namespace

Relay::Relay(asio::io_context& io, PortPool pool) : io_(io), pool_(std::move(pool)) {}

Relay::~Relay() {
  while (!sockets_.empty()) close(sockets_.begin()->first);
}

Result<Relay::Opened> Relay::open(const std::string& address_text) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address_v4(address_text, ec);
  if (ec) return fail("media: '" + address_text + "' is not an IPv4 address");
  // A pair another program holds is skipped; any other bind error would repeat on every pair.
  constexpr int kAttempts = 16;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    auto ports = pool_.allocate();
    if (!ports) return std::unexpected(ports.error());
    auto sockets = std::make_shared<Sockets>(io_, next_id_, *ports);
    if (!bind_pair(sockets->rtp, sockets->rtcp, address, *ports, ec)) {
      pool_.release(*ports);
      if (ec == asio::error::address_in_use) continue;
      return fail("media: cannot bind " + address_text + ":" + std::to_string(ports->rtp) + ": " +
                  ec.message());
    }
    const EndpointId id = next_id_++;
    sockets_.emplace(id, sockets);
    table_.add(id);
    receive(sockets, Channel::rtp);
    receive(sockets, Channel::rtcp);
    return Opened{id, ports->rtp};
  }
  return fail("media: every port pair tried on " + address_text + " is in use by another program");
}

void Relay::close(EndpointId id) {
  auto it = sockets_.find(id);
  if (it == sockets_.end()) return;
  std::shared_ptr<Sockets> sockets = std::move(it->second);
  sockets_.erase(it);
  table_.remove(id);
  sockets->closed = true;
  boost::system::error_code ignored;
  sockets->rtp.close(ignored);
  sockets->rtcp.close(ignored);
  pool_.release(sockets->ports);
}

// Waits for readability instead of receiving into a buffer per socket: 10,000 bridged calls then
// hold no packet memory of their own, and the loop reads every ready packet into one buffer.
void Relay::receive(const std::shared_ptr<Sockets>& sockets, Channel channel) {
  sockets->socket(channel).async_wait(
      udp::socket::wait_read, [this, sockets, channel](const boost::system::error_code& ec) {
        if (sockets->closed) return;
        if (ec) {
          log::warn("", "media-socket-error", ec.message());
          return;
        }
        // A bounded batch per wake-up, so one flooded socket cannot starve the SIP side.
        constexpr int kBatch = 32;
        for (int i = 0; i < kBatch && !sockets->closed; ++i) {
          Address sender;
          boost::system::error_code read_error;
          std::size_t size = sockets->socket(channel).receive_from(asio::buffer(receive_buffer_), sender, 0,
                                                                   read_error);
          if (read_error == asio::error::would_block || read_error == asio::error::try_again) break;
          // An ICMP port-unreachable for a packet we sent surfaces here as connection_refused on
          // Linux: it says nothing about our socket, so keep reading. Anything else stops it.
          if (read_error == asio::error::connection_refused) continue;
          if (read_error) {
            log::warn("", "media-socket-error", read_error.message());
            return;
          }
          table_.on_packet(sockets->id, channel, sender, std::span(receive_buffer_.data(), size));
        }
        if (!sockets->closed) receive(sockets, channel);
      });
}

void Relay::send(EndpointId from, Channel channel, const Address& to,
                 std::span<const std::uint8_t> packet) {
  auto it = sockets_.find(from);
  if (it == sockets_.end()) return;
  boost::system::error_code ec;  // a full buffer or an unreachable party: media loss, not an error
  it->second->socket(channel).send_to(asio::buffer(packet.data(), packet.size()), to, 0, ec);
}

}  // namespace sipref::media
