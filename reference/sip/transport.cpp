#include "sip/transport.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>

#include "sip/headers.h"
#include "sip/response.h"
#include "sip/stream_connection.h"
#include "util/log.h"

namespace sipref::sip {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;
using boost::system::error_code;

std::string unbracket(std::string_view host) {
  if (host.size() > 1 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  return std::string(host);
}

std::optional<asio::ip::address> parse_ip(const std::string& text) {
  error_code ec;
  auto ip = asio::ip::make_address(text, ec);
  if (ec) return std::nullopt;
  return ip;
}

// Compares addresses, not spellings ("::1" equals "0::1"); a host name equals no address.
bool same_ip(const std::string& a, const std::string& b) {
  auto x = parse_ip(a), y = parse_ip(b);
  return x && y && *x == *y;
}

template <class Endpoint>
Address to_address(const Endpoint& endpoint) {
  return {endpoint.address().to_string(), endpoint.port()};
}

std::string peer(const Flow& flow) {
  return std::string(to_string(flow.transport)) + " " + flow.remote.to_string();
}

bool is_keepalive(std::string_view bytes) {
  return bytes.find_first_not_of("\r\n ") == std::string_view::npos;
}

bool is_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// Whether the last word of the first line, a request line's SIP-Version (§7.1), is well formed
// ("SIP" "/" 1*DIGIT "." 1*DIGIT) but not 2.0: that earns a 505, any other shape ("SIP/2") a 400.
bool unsupported_version(std::string_view bytes) {
  bytes.remove_prefix(std::min(bytes.find_first_not_of("\r\n"), bytes.size()));  // §7.5
  std::string_view line = bytes.substr(0, bytes.find_first_of("\r\n"));
  line = line.substr(0, line.find_last_not_of(" \t") + 1);
  std::string_view version = line.substr(line.find_last_of(" \t") + 1);
  if (version.size() < 4 || !iequals(version.substr(0, 4), "SIP/") || iequals(version, "SIP/2.0"))
    return false;
  std::string_view numbers = version.substr(4);
  std::size_t dot = numbers.find('.');
  return dot != std::string_view::npos && is_digits(numbers.substr(0, dot)) &&
         is_digits(numbers.substr(dot + 1));
}

// What went wrong, made safe for a quoted-string.
std::string warning_text(std::string_view why) {
  std::string text(why.substr(0, 200));
  for (char& c : text) {  // bytes of the offending input may be quoted in the error
    auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\' || byte < 0x20 || byte >= 0x7f) c = ' ';
  }
  return text;
}

// What a refused request earns: 513 when over a size limit (§21.4.11), 505 for a well-formed
// SIP-Version other than 2.0 (§21.5.6), else 400 (§21.4.1), whose reason phrase then names the
// header-count limit if that was the rule broken. Limit refusals have their own log event, so
// an operator can tell an attack on the limits from a broken peer.
struct ErrorAnswer {
  int status;
  std::string reason;  // empty: the standard phrase
  const char* event;
};

ErrorAnswer error_answer(const ParseError& error, std::string_view bytes,
                         const ParseLimits& limits) {
  switch (error.refusal) {
    case Refusal::too_large:
      return {513, "", "transport.over_limit"};
    case Refusal::too_many_headers:
      return {
          400,
          "Bad Request (more than " + std::to_string(limits.max_header_count) + " header fields)",
          "transport.over_limit"};
    case Refusal::malformed:
      break;
  }
  return {unsupported_version(bytes) ? 505 : 400, "", "transport.malformed"};
}

// §8.2.6: the headers a response needs, copied from what could be salvaged.
Message error_response(const Message& request, const ErrorAnswer& answer, std::string_view why,
                       const Address& us) {
  Message response = make_response(request, answer.status, answer.reason, random_token());
  response.add("Warning", "399 " + us.to_string() + " \"" + warning_text(why) + "\"");
  return response;
}

struct UdpEndpoint {
  explicit UdpEndpoint(asio::io_context& io) : socket(io) {}
  udp::socket socket;
  Address local;
  udp::endpoint sender;
  std::array<char, 65536> buffer{};  // the largest datagram
};

struct Listener {
  Listener(asio::io_context& io, TransportKind kind) : acceptor(io), kind(kind) {}
  tcp::acceptor acceptor;
  TransportKind kind;
  Address local;
};

}  // namespace

Result<void> stamp_received(Message& request, const Address& source) {
  auto top = request.header("Via");
  if (!top) return fail("request has no Via header");
  auto via = parse_via(*top);
  if (!via) return fail("top Via: " + via.error().message);
  auto rport = via->params.get("rport");
  bool rport_asked = rport && rport->empty();
  // RFC 3581 §4: with rport asked for, received is added even when it equals the sent-by host.
  if (!rport_asked && same_ip(unbracket(via->host), source.ip)) return {};
  if (rport_asked) via->params.set("rport", std::to_string(source.port));
  via->params.set("received", source.ip);
  request.replace_first("Via", via->to_string());
  return {};
}

Result<Address> response_destination(const Message& response, TransportKind kind) {
  auto top = response.header("Via");
  if (!top) return fail("response has no Via header");
  auto via = parse_via(*top);
  if (!via) return fail("top Via: " + via.error().message);
  Address to;
  auto received = via->params.get("received");
  to.ip = unbracket(received && !received->empty() ? *received : via->host);
  to.port = via->port.value_or(default_port(kind));
  // RFC 3581 §4: on UDP the port the request came from; streams use the sent-by port (§18.2.2).
  auto rport = via->params.get("rport");
  if (kind == TransportKind::udp && rport && !rport->empty()) {
    std::uint16_t port = 0;
    auto [end, ec] = std::from_chars(rport->data(), rport->data() + rport->size(), port);
    if (ec != std::errc{} || end != rport->data() + rport->size() || port == 0)
      return fail("top Via: bad rport '" + *rport + "'");
    to.port = port;
  }
  return to;
}

struct Transport::Impl final : ConnectionOwner, std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& io, TransportSettings settings) : io(io), settings(settings) {}

  asio::io_context& io;
  TransportSettings settings;
  MessageHandler message_handler;
  ErrorHandler error_handler;
  std::function<void(const Message&)> sent_observer;
  std::unique_ptr<TlsContexts> tls;
  std::vector<std::unique_ptr<UdpEndpoint>> udp_endpoints;
  std::vector<std::unique_ptr<Listener>> listeners;
  std::unordered_map<std::uint64_t, std::shared_ptr<StreamConnection>> connections;
  std::unordered_map<std::string, std::uint64_t> by_route;  // reusable connection per route
  std::uint64_t next_connection = 1;
  TransportCounters counters;

  void shutdown();
  Result<Address> listen_udp(const udp::endpoint& at);
  Result<Address> listen_stream(TransportKind kind, const tcp::endpoint& at);
  void receive_udp(UdpEndpoint& endpoint);
  void on_datagram(UdpEndpoint& endpoint, const error_code& ec, std::size_t size);
  void accept(Listener& listener);
  void adopt(Listener& listener, tcp::socket socket);
  void receive(std::string_view bytes, const Flow& flow);
  void deliver(Message message, const Flow& flow);
  void reject(std::string_view bytes, const Flow& flow, const ParseError& error);
  bool sent_by_us(const Message& response, const Flow& flow) const;
  void send(const Message& message, const Flow& flow);
  void send_udp(std::string bytes, const Flow& flow, const Address& to);
  void send_stream(std::string bytes, const Flow& flow, const Address& to);
  std::shared_ptr<StreamConnection> connect(const Flow& flow, const Address& to);
  void report_error(const Flow& flow);

  static std::string route(TransportKind kind, const Address& local, const Address& remote) {
    return std::string(to_string(kind)) + " " + local.to_string() + " " + remote.to_string();
  }

  void on_stream_message(StreamConnection& from, std::string bytes) override {
    receive(bytes, from.flow());
  }
  void on_stream_framing_error(StreamConnection& from, const ParseError& error,
                               std::string_view unframed) override {
    reject(unframed, from.flow(), ParseError(Error{"framing: " + error.message}, error.refusal));
  }
  void on_stream_send_error(const Flow& flow) override { report_error(flow); }
  void on_stream_closed(StreamConnection& connection) override;
};

void Transport::Impl::shutdown() {
  error_code ignored;
  for (auto& endpoint : udp_endpoints) endpoint->socket.close(ignored);
  for (auto& listener : listeners) listener->acceptor.close(ignored);
  for (auto& [id, connection] : connections) connection->detach();
  connections.clear();
  by_route.clear();
  message_handler = nullptr;
  error_handler = nullptr;
  sent_observer = nullptr;
}

Result<Address> Transport::Impl::listen_udp(const udp::endpoint& at) {
  auto endpoint = std::make_unique<UdpEndpoint>(io);
  error_code ec;
  endpoint->socket.open(at.protocol(), ec);
  if (!ec) endpoint->socket.bind(at, ec);
  if (ec) return fail("listen UDP " + to_address(at).to_string() + ": " + ec.message());
  // Large buffers absorb bursts under load; best effort, the kernel caps them at rmem_max.
  endpoint->socket.set_option(udp::socket::receive_buffer_size(settings.udp_buffer_bytes), ec);
  endpoint->socket.set_option(udp::socket::send_buffer_size(settings.udp_buffer_bytes), ec);
  endpoint->local = to_address(endpoint->socket.local_endpoint(ec));
  log::info("", "transport.listen", "UDP " + endpoint->local.to_string());
  receive_udp(*endpoint);
  udp_endpoints.push_back(std::move(endpoint));
  return udp_endpoints.back()->local;
}

Result<Address> Transport::Impl::listen_stream(TransportKind kind, const tcp::endpoint& at) {
  auto listener = std::make_unique<Listener>(io, kind);
  error_code ec;
  listener->acceptor.open(at.protocol(), ec);
  if (!ec) listener->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) listener->acceptor.bind(at, ec);
  if (!ec) listener->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return fail("listen " + std::string(to_string(kind)) + " " + to_address(at).to_string() + ": " +
                ec.message());
  }
  listener->local = to_address(listener->acceptor.local_endpoint(ec));
  log::info("", "transport.listen",
            std::string(to_string(kind)) + " " + listener->local.to_string());
  accept(*listener);
  listeners.push_back(std::move(listener));
  return listeners.back()->local;
}

void Transport::Impl::receive_udp(UdpEndpoint& endpoint) {
  endpoint.socket.async_receive_from(
      asio::buffer(endpoint.buffer), endpoint.sender,
      [weak = weak_from_this(), &endpoint](const error_code& ec, std::size_t size) {
        if (auto self = weak.lock()) self->on_datagram(endpoint, ec, size);
      });
}

void Transport::Impl::on_datagram(UdpEndpoint& endpoint, const error_code& ec, std::size_t size) {
  if (ec == asio::error::operation_aborted || !endpoint.socket.is_open()) return;
  if (!ec) {
    std::string_view bytes(endpoint.buffer.data(), size);
    if (!is_keepalive(bytes))
      receive(bytes, Flow{TransportKind::udp, endpoint.local, to_address(endpoint.sender), 0});
  }
  // Other errors (e.g. a refusal reported by ICMP) concern one peer: keep serving the rest.
  if (endpoint.socket.is_open()) receive_udp(endpoint);
}

void Transport::Impl::accept(Listener& listener) {
  listener.acceptor.async_accept(
      [weak = weak_from_this(), &listener](const error_code& ec, tcp::socket socket) {
        auto self = weak.lock();
        if (!self || ec == asio::error::operation_aborted || !listener.acceptor.is_open()) return;
        if (ec)
          log::warn("", "transport.accept_failed", listener.local.to_string() + " " + ec.message());
        else
          self->adopt(listener, std::move(socket));
        self->accept(listener);
      });
}

void Transport::Impl::adopt(Listener& listener, tcp::socket socket) {
  error_code ec;
  auto remote = socket.remote_endpoint(ec);
  if (ec) return;  // already reset by the peer
  Flow flow{listener.kind, listener.local, to_address(remote), next_connection++};
  // A wildcard listener reports the address the peer actually reached.
  if (auto ip = parse_ip(flow.local.ip); ip && ip->is_unspecified())
    flow.local.ip = socket.local_endpoint(ec).address().to_string();
  auto* context = listener.kind == TransportKind::tls ? &tls->server : nullptr;
  auto connection = std::make_shared<StreamConnection>(
      *this, std::move(socket), context, flow, StreamOptions{settings.limits, std::nullopt});
  connections.emplace(flow.connection, connection);
  by_route[route(flow.transport, flow.local, flow.remote)] = flow.connection;
  log::debug("", "transport.accepted", peer(flow));
  connection->start_accepted();
}

void Transport::Impl::on_stream_closed(StreamConnection& connection) {
  const Flow& flow = connection.flow();
  log::debug("", "transport.closed", peer(flow));
  auto key = route(flow.transport, flow.local, flow.remote);
  if (auto it = by_route.find(key); it != by_route.end() && it->second == flow.connection)
    by_route.erase(it);
  std::uint64_t id = flow.connection;
  connections.erase(id);  // may destroy `connection`: nothing of it is used after this
}

void Transport::Impl::receive(std::string_view bytes, const Flow& flow) {
  auto parsed = parse_message(bytes, settings.limits);
  if (!parsed) return reject(bytes, flow, parsed.error());
  Message message = std::move(*parsed);
  if (message.is_request()) {
    if (auto stamped = stamp_received(message, flow.remote); !stamped)
      return reject(bytes, flow, stamped.error());
  } else if (!sent_by_us(message, flow)) {
    ++counters.discarded;
    log::info("", "transport.foreign_response", peer(flow) + " " + message.summary());
    return;
  }
  deliver(std::move(message), flow);
}

void Transport::Impl::deliver(Message message, const Flow& flow) {
  ++counters.received;
  if (log::enabled(log::Level::debug))
    log::debug("", "sip.in", peer(flow) + " " + message.summary());
  if (!message_handler) return;
  // One bad message must not stop the loop that serves every other call.
  try {
    message_handler(std::move(message), flow);
  } catch (const std::exception& e) {
    log::error("", "transport.handler_failed", peer(flow) + " " + e.what());
  }
}

// Answers what can be answered (see error_answer); everything else is dropped. One log line each.
void Transport::Impl::reject(std::string_view bytes, const Flow& flow, const ParseError& error) {
  ++counters.malformed;
  auto request = salvage_for_response(bytes);
  bool answer = request && request->method() != "ACK";  // an ACK is never answered (§17.2.1)
  ErrorAnswer reply = error_answer(error, bytes, settings.limits);
  log::warn("", reply.event,
            peer(flow) + " " + error.message +
                (answer ? " -> " + std::to_string(reply.status) : " -> dropped"));
  if (!answer) return;
  (void)stamp_received(*request, flow.remote);  // best effort: the 400 follows the Via
  send(error_response(*request, reply, error.message, flow.local), flow);
}

// §18.1.2: a response whose top Via names another sent-by was not meant for this socket.
bool Transport::Impl::sent_by_us(const Message& response, const Flow& flow) const {
  auto top = response.header("Via");
  if (!top) return false;
  auto via = parse_via(*top);
  if (!via) return false;
  if (via->port.value_or(default_port(flow.transport)) != flow.local.port) return false;
  auto local_ip = parse_ip(flow.local.ip);
  return (local_ip && local_ip->is_unspecified()) || same_ip(unbracket(via->host), flow.local.ip);
}

void Transport::Impl::send(const Message& message, const Flow& flow) {
  if (sent_observer) sent_observer(message);
  std::string bytes = message.serialize();
  if (log::enabled(log::Level::debug))
    log::debug("", "sip.out", std::string(to_string(flow.transport)) + " " + message.summary());
  // Streams: the connection the request came on (or the dialog's) while it is still there.
  if (is_reliable(flow.transport) && flow.connection != 0) {
    if (auto it = connections.find(flow.connection); it != connections.end()) {
      ++counters.sent;
      return it->second->send(std::move(bytes), flow);
    }
  }
  Address to = flow.remote;
  if (message.is_response()) {
    auto by_via = response_destination(message, flow.transport);
    // A Via host name we would have to resolve (no received=) falls back to the packet source.
    if (by_via && parse_ip(by_via->ip)) to = *by_via;
  }
  if (flow.transport == TransportKind::udp)
    send_udp(std::move(bytes), flow, to);
  else
    send_stream(std::move(bytes), flow, to);
}

void Transport::Impl::send_udp(std::string bytes, const Flow& flow, const Address& to) {
  UdpEndpoint* from = nullptr;
  for (auto& endpoint : udp_endpoints)  // exact edge socket; port 0 means any port on that IP
    if (endpoint->local == flow.local ||
        (flow.local.port == 0 && same_ip(endpoint->local.ip, flow.local.ip)))
      from = endpoint.get();
  auto ip = parse_ip(to.ip);
  if (!from || !ip) {
    log::warn("", "transport.send_failed",
              "UDP " + flow.local.to_string() + " -> " + to.to_string() +
                  (from ? ": destination is not an IP address" : ": no UDP socket at the source"));
    return report_error(flow);
  }
  ++counters.sent;
  auto buffer = std::make_shared<std::string>(std::move(bytes));
  from->socket.async_send_to(
      asio::buffer(*buffer), udp::endpoint(*ip, to.port),
      [weak = weak_from_this(), buffer, flow, to](const error_code& ec, std::size_t) {
        auto self = weak.lock();
        if (!self || !ec || ec == asio::error::operation_aborted) return;
        log::warn("", "transport.send_failed", "UDP " + to.to_string() + ": " + ec.message());
        self->report_error(flow);
      });
}

void Transport::Impl::send_stream(std::string bytes, const Flow& flow, const Address& to) {
  std::shared_ptr<StreamConnection> connection;
  if (auto it = by_route.find(route(flow.transport, flow.local, to)); it != by_route.end()) {
    auto found = connections.find(it->second);
    if (found != connections.end() && found->second->is_open()) connection = found->second;
  }
  if (!connection) connection = connect(flow, to);
  if (!connection) return report_error(flow);
  ++counters.sent;
  connection->send(std::move(bytes), flow);
}

std::shared_ptr<StreamConnection> Transport::Impl::connect(const Flow& flow, const Address& to) {
  auto ip = parse_ip(to.ip);
  std::string failure = !ip ? "destination is not an IP address"
                        : flow.transport == TransportKind::tls && !tls ? "no TLS settings (use_tls)"
                                                                       : "";
  if (!failure.empty()) {
    log::warn("", "transport.send_failed", peer(flow) + " -> " + to.to_string() + ": " + failure);
    return nullptr;
  }
  Flow named{flow.transport, flow.local, to, next_connection++};
  auto* context = flow.transport == TransportKind::tls ? &tls->client : nullptr;
  auto connection =
      std::make_shared<StreamConnection>(*this, tcp::socket(io), context, named,
                                         StreamOptions{settings.limits, settings.idle_timeout});
  connections.emplace(named.connection, connection);
  by_route[route(named.transport, named.local, named.remote)] = named.connection;
  log::debug("", "transport.connecting", peer(named) + " from " + named.local.ip);
  connection->start_connecting(tcp::endpoint(*ip, to.port));
  return connection;
}

void Transport::Impl::report_error(const Flow& flow) {
  ++counters.send_errors;
  // Posted: the layer above may be in the middle of the send() that failed.
  asio::post(io, [weak = weak_from_this(), flow] {
    auto self = weak.lock();
    if (self && self->error_handler) self->error_handler(flow);
  });
}

Transport::Transport(asio::io_context& io, TransportSettings settings)
    : impl_(std::make_shared<Impl>(io, settings)) {}

Transport::~Transport() {
  impl_->shutdown();
}

void Transport::on_message(MessageHandler handler) {
  impl_->message_handler = std::move(handler);
}
void Transport::on_sent(std::function<void(const Message&)> observer) {
  impl_->sent_observer = std::move(observer);
}

void Transport::on_send_error(ErrorHandler handler) {
  impl_->error_handler = std::move(handler);
}

Result<void> Transport::use_tls(const TlsSettings& settings) {
  auto contexts = make_tls_contexts(settings);
  if (!contexts) return fail(contexts.error().message);
  impl_->tls = std::move(*contexts);
  return {};
}

Result<Address> Transport::listen(TransportKind kind, const Address& address) {
  auto ip = parse_ip(address.ip);
  if (!ip) return fail("listen: '" + address.ip + "' is not an IP address");
  if (kind == TransportKind::udp) return impl_->listen_udp({*ip, address.port});
  if (kind == TransportKind::tls && !impl_->tls)
    return fail("listen TLS " + address.to_string() + ": no certificate configured (use_tls)");
  return impl_->listen_stream(kind, {*ip, address.port});
}

void Transport::send(const Message& message, const Flow& flow) {
  impl_->send(message, flow);
}
const TransportCounters& Transport::counters() const {
  return impl_->counters;
}
std::size_t Transport::connection_count() const {
  return impl_->connections.size();
}

}  // namespace sipref::sip
