// The media relay: per leg one RTP and one RTCP socket on its edge's media address, served on
// the SIP event loop (no threads of its own); paired endpoints forward each other's packets.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "media/port_pool.h"
#include "media/relay_table.h"
#include "util/error.h"

namespace boost::asio {
class io_context;
}

namespace sipref::media {

class Relay final : private PacketSender {
 public:
  Relay(boost::asio::io_context& io, PortPool pool);
  ~Relay() override;
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  struct Opened {
    EndpointId id = 0;
    std::uint16_t port = 0;  // the RTP port; RTCP is the one above
  };
  // Binds a port pair of the pool on `address`. Fails when the pool is exhausted or no pair
  // could be bound (a port held by another program is skipped).
  Result<Opened> open(const std::string& address);
  // Closes the sockets and returns the pair to the pool; its peer is left unpaired.
  void close(EndpointId id);

  void set_remote(EndpointId id, const Address& rtp, std::optional<std::uint8_t> telephone_event) {
    table_.set_remote(id, rtp, telephone_event);
  }
  void pair(EndpointId a, EndpointId b) { table_.pair(a, b); }
  void unpair(EndpointId id) { table_.unpair(id); }
  std::optional<EndpointId> peer(EndpointId id) const { return table_.peer(id); }
  void on_dtmf(RelayTable::DtmfHandler handler) { table_.on_dtmf(std::move(handler)); }
  // Sends a packet of our own (sendDigits) from `from`'s RTP socket to its party; false when the
  // party's address is not known yet.
  bool inject(EndpointId from, std::span<const std::uint8_t> packet) {
    auto to = table_.destination(from, Channel::rtp);
    if (to) send(from, Channel::rtp, *to, packet);
    return to.has_value();
  }

  std::size_t open_endpoints() const { return sockets_.size(); }

 private:
  struct Sockets;
  void send(EndpointId from, Channel channel, const Address& to,
            std::span<const std::uint8_t> packet) override;
  void receive(const std::shared_ptr<Sockets>& sockets, Channel channel);

  boost::asio::io_context& io_;
  PortPool pool_;
  RelayTable table_{*this};
  std::unordered_map<EndpointId, std::shared_ptr<Sockets>> sockets_;
  std::array<std::uint8_t, 2048> receive_buffer_{};  // every socket's packets are read into it in turn
  EndpointId next_id_ = 1;
};

}  // namespace sipref::media
