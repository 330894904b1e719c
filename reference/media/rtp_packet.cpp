#include "media/rtp_packet.h"

namespace sipref::media {
namespace {

std::uint16_t be16(std::span<const std::uint8_t> p, std::size_t at) {
  return static_cast<std::uint16_t>(p[at] << 8 | p[at + 1]);
}

std::uint32_t be32(std::span<const std::uint8_t> p, std::size_t at) {
  return static_cast<std::uint32_t>(be16(p, at)) << 16 | be16(p, at + 2);
}

}  // namespace

std::optional<RtpHeader> parse_rtp(std::span<const std::uint8_t> packet) {
  constexpr std::size_t kFixed = 12;
  if (packet.size() < kFixed || (packet[0] >> 6) != 2) return std::nullopt;
  RtpHeader header;
  header.marker = (packet[1] & 0x80) != 0;
  header.payload_type = packet[1] & 0x7f;
  header.sequence = be16(packet, 2);
  header.timestamp = be32(packet, 4);
  header.ssrc = be32(packet, 8);
  std::size_t offset = kFixed + 4 * static_cast<std::size_t>(packet[0] & 0x0f);
  if ((packet[0] & 0x10) != 0) {  // header extension: 4 bytes, then `length` 32-bit words
    if (packet.size() < offset + 4) return std::nullopt;
    offset += 4 + 4 * static_cast<std::size_t>(be16(packet, offset + 2));
  }
  if (packet.size() < offset) return std::nullopt;
  header.payload_offset = offset;
  return header;
}

std::optional<TelephoneEvent> parse_telephone_event(std::span<const std::uint8_t> payload) {
  if (payload.size() < 4) return std::nullopt;
  TelephoneEvent event;
  event.event = payload[0];
  event.end = (payload[1] & 0x80) != 0;
  event.duration = be16(payload, 2);
  return event;
}

char dtmf_key(std::uint8_t event) {
  static constexpr char kKeys[] = "0123456789*#ABCD";
  return event < 16 ? kKeys[event] : '\0';
}

}  // namespace sipref::media
