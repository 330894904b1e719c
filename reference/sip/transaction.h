// RFC 3261 §17 client and server transactions (INVITE and non-INVITE) with RFC 6026's
// Accepted states. I/O-free: messages and timer ticks in, messages out through MessageSink.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "sip/flow.h"
#include "sip/message.h"
#include "sip/timers.h"
#include "util/error.h"

namespace sipref::sip {

using TransactionId = std::uint64_t;  // 0 means "no transaction"

struct TransactionTimers {
  Duration t1{500};
  Duration t2{4000};
  Duration t4{5000};
  Duration d{32000};  // timer D on unreliable transports (§17.1.1.2: at least 32 s, not 64*T1)
};

enum class TransactionFailure {
  timeout,          // timer B or F fired: the TU treats it as a 408 (§8.1.3.1)
  transport_error,  // the transport reported the destination unreachable: treat as 503
  no_ack,           // server INVITE: timer H fired, the ACK for our final non-2xx never came
};

// The layer below: sends a message on a flow. For responses the transport picks the destination
// from the top Via (§18.2.2, RFC 3581) or the flow's connection.
class MessageSink {
 public:
  virtual ~MessageSink() = default;
  virtual void send(const Message& message, const Flow& flow) = 0;
};

// The layer above (dialog / UA core).
class TransactionUser {
 public:
  virtual ~TransactionUser() = default;
  // A request that created a server transaction `server`. INVITE server transactions have
  // already sent 100 Trying. CANCEL arrives here too (its own non-INVITE transaction); use
  // TransactionLayer::find_cancelled_invite to find the INVITE it targets.
  // An ACK that matches no transaction (the ACK for a 2xx, §17.2.3) arrives with server == 0.
  virtual void on_request(TransactionId server, const Message& request, const Flow& from) = 0;
  // A response for client transaction `client`: provisionals, the final response, and (INVITE,
  // Accepted state) retransmitted 2xx, which the dialog layer must ACK again.
  virtual void on_response(TransactionId client, const Message& response, const Flow& from) = 0;
  // A response that matches no transaction (e.g. a 2xx retransmitted after Accepted ended).
  virtual void on_stray_response(const Message& response, const Flow& from) = 0;
  virtual void on_failure(TransactionId id, TransactionFailure why) = 0;
};

class TransactionLayer {
 public:
  TransactionLayer(Timers& timers, MessageSink& sink, TransactionUser& user,
                   TransactionTimers config = {});
  ~TransactionLayer();
  TransactionLayer(const TransactionLayer&) = delete;
  TransactionLayer& operator=(const TransactionLayer&) = delete;

  // Starts a client transaction. Adds the top Via "SIP/2.0/<T> <local ip:port>;rport;branch=
  // z9hG4bK<random>" for flow.local. ACK must not be sent this way (see send_stateless): an ACK
  // given here is sent statelessly and 0 returned.
  TransactionId send_request(Message request, const Flow& to);
  // Sends outside any transaction with a fresh Via (the ACK for a 2xx, §13.2.2.4).
  void send_stateless(Message request, const Flow& to);
  // CANCEL for a pending client INVITE (§9.1): same Request-URI, Call-ID, From, To, CSeq
  // number and top Via; sent once a provisional response has arrived (deferred until then).
  // Returns the CANCEL's own client transaction id, or 0 when the INVITE is no longer pending.
  // The id is reserved while the CANCEL waits; if the INVITE ends first (final response, timer
  // B, transport error) the CANCEL is never sent and that id sees no callbacks. Calling it again
  // returns the same id. Once sent, the INVITE transaction gives up 64*T1 later (timeout)
  // if no final response has arrived.
  TransactionId cancel(TransactionId invite_client);
  // Sends a response in server transaction `server` (its flow is the request's). Errors when the
  // transaction is gone or already final; a 2xx to INVITE may be sent again while the
  // transaction is Accepted (RFC 6026 §7.1: the TU's own 2xx retransmissions).
  Result<void> respond(TransactionId server, Message response);
  // The INVITE server transaction a received CANCEL targets (§9.2), or 0. It is found in any
  // state: respond() failing on it tells the TU the INVITE already has its final response.
  TransactionId find_cancelled_invite(const Message& cancel) const;
  // How many messages timers A, E and G have sent again so far.
  std::uint64_t retransmissions() const;

  // From the transport: a parsed message and the flow it came on.
  void receive(const Message& message, const Flow& from);
  // From the transport: sending on this flow failed (connection refused, ICMP ...). Flows match
  // on transport, local and remote address, and connection unless either side's is 0. Every
  // transaction on it ends; those whose TU still waits (client before its final response,
  // server before the TU's final response) get on_failure(transport_error) (§17.1.4, §17.2.4).
  void on_transport_error(const Flow& flow);

  // The request a transaction was created for (e.g. to build a response), or nullptr.
  const Message* request_of(TransactionId id) const;
  std::size_t live_transactions() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A new "z9hG4bK…" branch, unique in this process.
std::string make_branch();
// A random token for tags and Call-IDs (hex, `length` characters).
std::string random_token(std::size_t length = 16);

}  // namespace sipref::sip
