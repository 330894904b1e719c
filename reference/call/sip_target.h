// Turns the text of a <Sip> noun into what the outgoing INVITE needs (catalogue section 4):
// length limits, scheme, transport, edge/region, and the custom headers that may be sent.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sip/flow.h"
#include "sip/message.h"
#include "sip/uri.h"
#include "util/alert.h"

namespace sipref::call {

struct SipTarget {
  sip::Uri request_uri;  // headers, edge and region removed; sips: rewritten to sip:;transport=tls
  sip::TransportKind transport = sip::TransportKind::udp;
  std::string edge;                  // the edge the INVITE leaves from
  std::vector<sip::Header> headers;  // custom headers to put on the INVITE, values decoded
  std::string host;                  // where to send (Request-URI host, brackets removed)
  std::uint16_t port = 5060;         // explicit port, else 5060 (5061 for TLS)
};

struct SipTargetResult {
  std::optional<SipTarget> target;  // nullopt: nothing is dialled for this noun
  std::vector<Alert> alerts;        // warnings raised on the way (dialled or not)
};

struct EdgeNames {
  std::vector<std::string> edges;                  // configured edge names
  std::map<std::string, std::string> regions;      // legacy region -> edge
  std::map<std::string, std::string> aliases;      // alias -> edge (umatilla -> san-jose)
  std::string default_edge = "ashburn";
};

inline constexpr std::size_t kMaxUriPart = 254;      // "under 255 characters"
inline constexpr std::size_t kMaxHeadersPart = 1023;  // "under 1024 characters"

SipTargetResult resolve_sip_target(std::string_view noun_text, const EdgeNames& edges);

// Whether a decoded value can go onto the INVITE as it is: no control byte but HTAB, so no CR or
// LF that would end the header early (32112 when not).
bool valid_header_value(std::string_view value);

}  // namespace sipref::call
