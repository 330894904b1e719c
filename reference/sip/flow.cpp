#include "sip/flow.h"

namespace sipref::sip {

std::string Address::to_string() const {
  if (ip.find(':') != std::string::npos) return "[" + ip + "]:" + std::to_string(port);
  return ip + ":" + std::to_string(port);
}

std::string_view to_string(TransportKind kind) {
  switch (kind) {
    case TransportKind::udp: return "UDP";
    case TransportKind::tcp: return "TCP";
    case TransportKind::tls: return "TLS";
  }
  return "UDP";
}

bool is_reliable(TransportKind kind) { return kind != TransportKind::udp; }

std::uint16_t default_port(TransportKind kind) { return kind == TransportKind::tls ? 5061 : 5060; }

}  // namespace sipref::sip
