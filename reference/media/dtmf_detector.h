// Turns the RFC 4733 packets of one RTP stream into one report per key press. Every packet of an
// event carries the event's start timestamp (§2.5.1.2), and the end packet is sent three times:
// a press is reported on its first packet seen, and later packets with that timestamp are not.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace sipref::media {

class DtmfDetector {
 public:
  explicit DtmfDetector(std::uint8_t payload_type) : payload_type_(payload_type) {}

  // The event code when `packet` starts a new event; nullopt for other payload types, repeats,
  // end retransmissions and anything malformed.
  std::optional<std::uint8_t> on_packet(std::span<const std::uint8_t> packet);

 private:
  struct Seen {
    std::uint32_t ssrc;
    std::uint32_t timestamp;
  };
  std::uint8_t payload_type_;
  std::optional<Seen> last_;
};

}  // namespace sipref::media
