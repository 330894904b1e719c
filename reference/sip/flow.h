// Where a SIP message came from or goes to: transport kind plus local and remote addresses.
// A plain value shared by the transport, transaction and dialog layers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sipref::sip {

enum class TransportKind { udp, tcp, tls };

struct Address {
  std::string ip;  // textual IPv4 or IPv6 (without brackets)
  std::uint16_t port = 0;
  bool operator==(const Address&) const = default;
  std::string to_string() const;  // "ip:port", IPv6 bracketed
};

struct Flow {
  TransportKind transport = TransportKind::udp;
  Address local;                 // the socket (edge) this flow uses on our side
  Address remote;                // the peer's transport address
  std::uint64_t connection = 0;  // stream transports: the connection it arrived on (0 = any/new)
  bool operator==(const Flow&) const = default;
};

std::string_view to_string(TransportKind kind);  // "UDP", "TCP", "TLS" (as in Via)
bool is_reliable(TransportKind kind);
std::uint16_t default_port(TransportKind kind);  // 5060, or 5061 for TLS

}  // namespace sipref::sip
