// libFuzzer target for the SDP of anchored media: read_audio_endpoint, rewrite_sdp (what each leg
// of the B2BUA is offered or answered) and telephone_event_payload_type on any body a peer sends.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "media/sdp.h"
#include "sip/uri.h"

namespace {

using namespace sipref::media;

[[noreturn]] void broken(const char* property, std::string_view detail) {
  std::fprintf(stderr, "property violated: %s\n%s\n", property,
               sipref::sip::excerpt(detail).c_str());
  std::abort();
}

// Every line of our SDP ends in CRLF and none is empty (RFC 4566 §5: an empty line is no field).
bool well_framed(std::string_view sdp) {
  if (sdp.empty() || !sdp.ends_with("\r\n")) return false;
  for (std::size_t at = sdp.find('\n'); at != std::string_view::npos; at = sdp.find('\n', at + 1))
    if (at == 0 || sdp[at - 1] != '\r') return false;
  return sdp.find("\r\n\r\n") == std::string_view::npos && !sdp.starts_with("\r\n");
}

void fuzz_sdp(std::string_view sdp) {
  auto remote = read_audio_endpoint(sdp);
  if (remote && remote->address.empty()) broken("a read endpoint has an address", sdp);
  const auto dtmf = telephone_event_payload_type(sdp);
  if (dtmf && *dtmf >= 128) broken("an RTP payload type is below 128", sdp);

  const SdpEndpoint ours{"192.0.2.10", 20002};
  auto rewritten = rewrite_sdp(sdp, ours);
  if (!rewritten) return;
  if (!well_framed(*rewritten))
    broken("rewritten SDP is CRLF-framed without empty lines", *rewritten);
  if (telephone_event_payload_type(*rewritten) != dtmf)
    broken("rewriting keeps the telephone-event payload type", *rewritten);
  auto again = rewrite_sdp(*rewritten, ours);
  if (!again || *again != *rewritten) broken("rewrite_sdp is idempotent", *rewritten);
  // What the other leg reads back from our SDP is our relay, never the peer's address.
  if (remote) {
    auto seen = read_audio_endpoint(*rewritten);
    if (!seen || seen->address != ours.address || seen->audio_port != ours.audio_port)
      broken("the rewritten SDP names our address and port", *rewritten);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz_sdp(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
