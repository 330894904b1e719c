// Test helper: builds RTP packets (RFC 3550) and RFC 4733 telephone-event payloads byte by byte.
// Only the media tests include it.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <vector>

namespace sipref::media::test {

inline std::vector<std::uint8_t> rtp_packet(std::uint8_t payload_type, std::uint16_t sequence,
                                            std::uint32_t timestamp, std::uint32_t ssrc,
                                            std::initializer_list<std::uint8_t> payload,
                                            bool marker = false) {
  std::vector<std::uint8_t> p{0x80, static_cast<std::uint8_t>((marker ? 0x80 : 0) | payload_type),
                              static_cast<std::uint8_t>(sequence >> 8),
                              static_cast<std::uint8_t>(sequence)};
  for (int shift = 24; shift >= 0; shift -= 8)
    p.push_back(static_cast<std::uint8_t>(timestamp >> shift));
  for (int shift = 24; shift >= 0; shift -= 8)
    p.push_back(static_cast<std::uint8_t>(ssrc >> shift));
  p.insert(p.end(), payload);
  return p;
}

// One telephone-event packet: `event` (10 = '*'), the E bit, a duration in timestamp units.
inline std::vector<std::uint8_t> dtmf_packet(std::uint8_t payload_type, std::uint16_t sequence,
                                             std::uint32_t timestamp, std::uint8_t event, bool end,
                                             std::uint16_t duration, std::uint32_t ssrc = 0x1234) {
  return rtp_packet(payload_type, sequence, timestamp, ssrc,
                    {event, static_cast<std::uint8_t>((end ? 0x80 : 0) | 10),
                     static_cast<std::uint8_t>(duration >> 8), static_cast<std::uint8_t>(duration)},
                    /*marker=*/sequence == 1);
}

// The packets of one key press as RFC 4733 §2.5.1 sends them: a start, updates, and the end
// packet three times, all with the event's start timestamp.
inline std::vector<std::vector<std::uint8_t>> key_press(std::uint8_t payload_type,
                                                        std::uint16_t first_sequence,
                                                        std::uint32_t timestamp,
                                                        std::uint8_t event) {
  std::vector<std::vector<std::uint8_t>> packets;
  std::uint16_t seq = first_sequence;
  for (std::uint16_t duration = 160; duration <= 800; duration += 160)
    packets.push_back(dtmf_packet(payload_type, seq++, timestamp, event, false, duration));
  for (int i = 0; i < 3; ++i)
    packets.push_back(dtmf_packet(payload_type, seq++, timestamp, event, true, 960));
  return packets;
}

}  // namespace sipref::media::test
