#include "media/dtmf_sender.h"

#include <string_view>

namespace sipref::media {
namespace {

using std::chrono::milliseconds;

constexpr std::uint32_t kSamplesPerMs = 8;  // telephone-event/8000
constexpr int kPacketMs = 50;
constexpr int kToneMs = 100;
constexpr std::uint8_t kVolume = 10;  // -10 dBm0

std::vector<std::uint8_t> packet(std::uint8_t payload_type, bool marker, std::uint16_t sequence,
                                 std::uint32_t timestamp, std::uint32_t ssrc, std::uint8_t event, bool end,
                                 std::uint16_t duration) {
  std::vector<std::uint8_t> out(16);
  out[0] = 0x80;  // version 2, no padding, no extension, no CSRC
  out[1] = static_cast<std::uint8_t>((marker ? 0x80 : 0) | (payload_type & 0x7f));
  out[2] = static_cast<std::uint8_t>(sequence >> 8);
  out[3] = static_cast<std::uint8_t>(sequence);
  for (int i = 0; i < 4; ++i) {
    out[4 + i] = static_cast<std::uint8_t>(timestamp >> (24 - 8 * i));
    out[8 + i] = static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
  }
  out[12] = event;
  out[13] = static_cast<std::uint8_t>((end ? 0x80 : 0) | kVolume);
  out[14] = static_cast<std::uint8_t>(duration >> 8);
  out[15] = static_cast<std::uint8_t>(duration);
  return out;
}

}  // namespace

std::optional<std::uint8_t> dtmf_event(char key) {
  static constexpr std::string_view kKeys = "0123456789*#ABCD";
  auto at = kKeys.find(key);
  if (at == std::string_view::npos) return std::nullopt;
  return static_cast<std::uint8_t>(at);
}

std::optional<std::vector<TimedPacket>> dtmf_packets(std::string_view digits, std::uint8_t payload_type,
                                                     std::uint32_t ssrc) {
  std::vector<TimedPacket> out;
  int now_ms = 0;
  std::uint16_t sequence = static_cast<std::uint16_t>(ssrc);  // any start; RFC 3550 wants it random
  std::uint32_t timestamp = ssrc ^ 0x5a5a5a5au;
  for (char key : digits) {
    if (key == 'w' || key == 'W') {
      now_ms += key == 'w' ? 500 : 1000;
      continue;
    }
    auto event = dtmf_event(key);
    if (!event) return std::nullopt;
    const std::uint32_t event_timestamp = timestamp + static_cast<std::uint32_t>(now_ms) * kSamplesPerMs;
    for (int elapsed = 0; elapsed < kToneMs; elapsed += kPacketMs) {
      const auto duration = static_cast<std::uint16_t>((elapsed + kPacketMs) * kSamplesPerMs);
      out.push_back({milliseconds(now_ms + elapsed),
                     packet(payload_type, elapsed == 0, sequence++, event_timestamp, ssrc, *event, false, duration)});
    }
    const auto total = static_cast<std::uint16_t>(kToneMs * kSamplesPerMs);
    for (int repeat = 0; repeat < 3; ++repeat)  // same timestamp: the receiver counts one key
      out.push_back({milliseconds(now_ms + kToneMs), packet(payload_type, false, sequence++, event_timestamp, ssrc,
                                                          *event, true, total)});
    now_ms += kToneMs + kPacketMs;
  }
  return out;
}

}  // namespace sipref::media
