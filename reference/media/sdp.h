// Minimal SDP (RFC 4566) handling for anchored media: each leg sees our media address and a
// relay port of its own, never the other leg's; codecs and attributes pass through unchanged.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/error.h"

namespace sipref::media {

struct SdpEndpoint {
  std::string address;  // c= address (IPv4)
  std::uint16_t audio_port = 0;
};

// Reads the session- or media-level connection address and the first audio m= port.
Result<SdpEndpoint> read_audio_endpoint(std::string_view sdp);

// A copy of `sdp` with its o= and c= addresses set to `ours.address` and the first audio m=
// port set to `ours.audio_port`. Line endings are normalised to CRLF.
Result<std::string> rewrite_sdp(std::string_view sdp, const SdpEndpoint& ours);

// An offer for a call that starts on our side (a REST call): PCMU, PCMA and telephone-event,
// its addresses to be set by rewrite_sdp.
std::string default_audio_offer();

// The RTP payload type that an a=rtpmap line maps to telephone-event/8000 (RFC 4733 §7.1.1).
std::optional<std::uint8_t> telephone_event_payload_type(std::string_view sdp);

}  // namespace sipref::media
