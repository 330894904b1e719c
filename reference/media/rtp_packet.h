// Just enough of RTP (RFC 3550 §5.1) and of RFC 4733 telephone-event payloads for the relay to
// recognise DTMF. The relay forwards packets unchanged (dtmf_sender.h writes sendDigits' own).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace sipref::media {

struct RtpHeader {
  std::uint8_t payload_type = 0;
  bool marker = false;
  std::uint16_t sequence = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t ssrc = 0;
  std::size_t payload_offset = 0;  // after the CSRC list and any header extension
};

// nullopt when the datagram is not RTP version 2 or is shorter than its header says.
std::optional<RtpHeader> parse_rtp(std::span<const std::uint8_t> packet);

// RFC 4733 §2.3: event, E bit, volume, duration.
struct TelephoneEvent {
  std::uint8_t event = 0;  // 0-9 digits, 10 '*', 11 '#', 12-15 A-D
  bool end = false;
  std::uint16_t duration = 0;
};

std::optional<TelephoneEvent> parse_telephone_event(std::span<const std::uint8_t> payload);

// The DTMF key of an event code ('*' for 10), or '\0' for codes that are not keys.
char dtmf_key(std::uint8_t event);

}  // namespace sipref::media
