// The relay's decisions, without sockets: which endpoint forwards to which (pairing), and where
// each endpoint's remote party really is (symmetric latching, RFC 4961). Relay runs it on UDP.
#pragma once

#include <array>
#include <boost/asio/ip/udp.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <unordered_map>

#include "media/dtmf_detector.h"

namespace sipref::media {

using EndpointId = std::uint64_t;
using Address = boost::asio::ip::udp::endpoint;

enum class Channel { rtp = 0, rtcp = 1 };

// Sends `packet` from endpoint `from`'s socket of `channel` to `to`.
class PacketSender {
 public:
  virtual ~PacketSender() = default;
  virtual void send(EndpointId from, Channel channel, const Address& to,
                    std::span<const std::uint8_t> packet) = 0;
};

class RelayTable {
 public:
  // An RFC 4733 event code received on an endpoint (once per key press).
  using DtmfHandler = std::function<void(EndpointId, std::uint8_t event)>;

  explicit RelayTable(PacketSender& sender) : sender_(sender) {}

  void add(EndpointId id);
  void remove(EndpointId id);  // unpairs it first

  // Where the endpoint's party said (SDP c=/m=) it receives RTP; RTCP goes to the port above.
  // A changed address forgets what was latched. `telephone_event` is its RFC 4733 payload type.
  void set_remote(EndpointId id, const Address& rtp, std::optional<std::uint8_t> telephone_event);

  // From now on packets received on `a` are sent from `b` to b's party, and back. Either one's
  // previous partner is left unpaired. No signalling is involved (no re-INVITE).
  void pair(EndpointId a, EndpointId b);
  void unpair(EndpointId id);
  std::optional<EndpointId> peer(EndpointId id) const;

  // A datagram arrived on `id`'s `channel` socket from `from`.
  void on_packet(EndpointId id, Channel channel, const Address& from,
                 std::span<const std::uint8_t> packet);

  // Where packets for `id`'s party go on `channel`: the latched source, else the SDP's address.
  std::optional<Address> destination(EndpointId id, Channel channel) const;

  void on_dtmf(DtmfHandler handler) { dtmf_handler_ = std::move(handler); }

 private:
  struct Endpoint {
    std::optional<Address> signalled;               // RTP address from the SDP
    std::array<std::optional<Address>, 2> latched;  // per channel: where packets really come from
    std::optional<EndpointId> peer;
    std::optional<DtmfDetector> dtmf;
  };
  Endpoint* find(EndpointId id);
  const Endpoint* find(EndpointId id) const;

  PacketSender& sender_;
  std::unordered_map<EndpointId, Endpoint> endpoints_;
  DtmfHandler dtmf_handler_;
};

}  // namespace sipref::media
