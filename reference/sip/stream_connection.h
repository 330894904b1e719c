// One TCP or TLS connection of the SIP transport: connect or accept, TLS handshake, reads framed
// by Content-Length (§18.3), an ordered write queue, and the idle timer of connections we opened.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>

#include "sip/flow.h"
#include "sip/parser.h"
#include "sip/timers.h"
#include "util/error.h"

namespace sipref::sip {

class StreamConnection;

// What a connection reports to the transport that owns it (always on the event-loop thread).
class ConnectionOwner {
 public:
  virtual ~ConnectionOwner() = default;
  virtual void on_stream_message(StreamConnection& from, std::string bytes) = 0;
  // The stream cannot be framed; `unframed` holds the bytes not yet delimited (for a 400). The
  // connection closes itself once what is queued by then has been written.
  virtual void on_stream_framing_error(StreamConnection& from, const ParseError& error,
                                       std::string_view unframed) = 0;
  // A message queued with send() will never be written; `flow` is the one given to send().
  virtual void on_stream_send_error(const Flow& flow) = 0;
  virtual void on_stream_closed(StreamConnection& connection) = 0;
};

struct StreamOptions {
  ParseLimits limits;
  std::optional<Duration> idle_timeout;  // close after this long without traffic; nullopt: never
};

class StreamConnection : public std::enable_shared_from_this<StreamConnection> {
 public:
  using Socket = boost::asio::ip::tcp::socket;

  // `flow` names the connection: transport, our edge address, the peer, a unique id. `tls` is
  // null for TCP. Callers hold the connection in a shared_ptr.
  StreamConnection(ConnectionOwner& owner, Socket socket, boost::asio::ssl::context* tls, Flow flow,
                   StreamOptions options);

  void start_accepted();  // server-side TLS handshake, then reading
  // Binds to the edge IP (port 0) so the peer sees the edge as source, connects, client handshake.
  void start_connecting(const boost::asio::ip::tcp::endpoint& to);
  // Queues `bytes`; written in order once connected. `requested` is reported back on failure.
  void send(std::string bytes, const Flow& requested);
  void close_after_writes();
  void close();   // reports unsent messages and on_stream_closed, once
  void detach();  // the owner is going away: close without calling it

  bool is_open() const { return state_ != State::closed && !closing_; }
  const Flow& flow() const { return flow_; }

 private:
  enum class State { connecting, handshaking, open, closed };
  struct Pending {
    std::string bytes;
    Flow requested;
  };

  void on_connected(const boost::system::error_code& ec);
  void on_ready(const boost::system::error_code& ec);
  void read();
  void on_read(const boost::system::error_code& ec, std::size_t size);
  void deliver_framed();
  void write_next();
  void on_written(const boost::system::error_code& ec);
  void arm_idle_timer();
  void touch() { last_used_ = Clock::now(); }

  ConnectionOwner* owner_;
  Socket socket_;
  std::unique_ptr<boost::asio::ssl::stream<Socket&>> tls_;
  Flow flow_;
  StreamOptions options_;
  State state_ = State::connecting;
  bool closing_ = false;  // no more reads or new sends; close once the queue is written
  StreamFramer framer_;
  std::string unframed_;  // mirror of the framer's buffer, for salvaging a 400 on framing errors
  std::array<char, 16384> read_buffer_{};
  std::deque<Pending> queue_;  // front is being written while state_ == open
  boost::asio::steady_timer idle_timer_;
  Clock::time_point last_used_ = Clock::now();
};

}  // namespace sipref::sip
