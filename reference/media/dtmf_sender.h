// The RFC 4733 packets that play a `sendDigits` string on a leg: what to send and when, as plain
// values, so the engine only schedules them and the packet layout is unit-tested.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace sipref::media {

struct TimedPacket {
  std::chrono::milliseconds at;     // after the first packet
  std::vector<std::uint8_t> bytes;  // a whole RTP datagram
};

// Per digit: an event packet every 50 ms for 100 ms (the first with the marker bit), then the
// end packet three times (RFC 4733 §2.5.1.4), then 50 ms of silence; `w` waits 500 ms, `W` 1 s
// (the provider's sendDigits pauses). nullopt for any other character.
std::optional<std::vector<TimedPacket>> dtmf_packets(std::string_view digits, std::uint8_t payload_type,
                                                     std::uint32_t ssrc);

// The RFC 4733 event code of a key ('*' is 10), or nullopt.
std::optional<std::uint8_t> dtmf_event(char key);

}  // namespace sipref::media
