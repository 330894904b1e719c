// The SIP transport layer (RFC 3261 §18, RFC 3581): UDP, TCP and TLS sockets per edge address on
// one Boost.Asio event loop; it parses what arrives and routes what the layers above send.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include "sip/flow.h"
#include "sip/message.h"
#include "sip/parser.h"
#include "sip/tls_context.h"
#include "sip/transaction.h"
#include "util/error.h"

namespace boost::asio {
class io_context;
}

namespace sipref::sip {

struct TransportSettings {
  ParseLimits limits;
  // Connections we opened close after this long without traffic; ones peers opened stay until
  // the peer closes them (it may be a UA behind NAT that needs them for requests to it).
  std::chrono::milliseconds idle_timeout{32000};
  int udp_buffer_bytes = 4 * 1024 * 1024;  // SO_RCVBUF/SO_SNDBUF; the kernel caps it at rmem_max
};

// Running totals for /metrics.
struct TransportCounters {
  std::uint64_t received = 0;     // messages parsed and delivered
  std::uint64_t sent = 0;         // messages handed to a socket
  std::uint64_t malformed = 0;    // unparseable messages or unframeable streams
  std::uint64_t discarded = 0;    // responses whose top Via is not ours (§18.1.2)
  std::uint64_t send_errors = 0;  // sends reported to the error handler
};

class Transport final : public MessageSink {
 public:
  using MessageHandler = std::function<void(Message, Flow)>;
  using ErrorHandler = std::function<void(const Flow&)>;

  explicit Transport(boost::asio::io_context& io, TransportSettings settings = {});
  ~Transport() override;
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Where received messages go (requests with §18.2.1 Via fixes applied).
  void on_message(MessageHandler handler);
  // Called (from the loop, never inside send()) with the flow given to send() when it failed.
  void on_send_error(ErrorHandler handler);
  // Called for every message handed to a socket (for operations metrics).
  void on_sent(std::function<void(const Message&)> observer);

  // Loads the TLS identity; needed before listen(tls) and before sending over TLS.
  Result<void> use_tls(const TlsSettings& settings);
  // Binds a socket (set) for `kind` at `address`; port 0 picks one. Returns the bound address.
  Result<Address> listen(TransportKind kind, const Address& address);

  // Requests go to flow.remote from flow.local; responses follow the top Via (§18.2.2, RFC
  // 3581) or, on streams, the connection the request came on (flow.connection).
  void send(const Message& message, const Flow& flow) override;

  const TransportCounters& counters() const;
  std::size_t connection_count() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;  // shared so pending I/O handlers can see (weak_ptr) it is gone
};

// §18.2.1 and RFC 3581 §4: adds received=<source ip> to the top Via when its host differs from
// the source (or rport was asked for) and fills an empty rport with the source port. Errors when
// the request has no usable top Via.
Result<void> stamp_received(Message& request, const Address& source);

// Where a response goes by its top Via (§18.2.2): received (else the sent-by host) and, on UDP,
// rport (else the sent-by port, else the transport's default port).
Result<Address> response_destination(const Message& response, TransportKind kind);

}  // namespace sipref::sip
