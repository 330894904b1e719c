#include "sip/stream_connection.h"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "util/log.h"

namespace sipref::sip {

using boost::system::error_code;
namespace asio = boost::asio;

StreamConnection::StreamConnection(ConnectionOwner& owner, Socket socket, asio::ssl::context* tls,
                                   Flow flow, StreamOptions options)
    : owner_(&owner),
      socket_(std::move(socket)),
      flow_(std::move(flow)),
      options_(options),
      framer_(options.limits),
      idle_timer_(socket_.get_executor()) {
  if (tls) tls_ = std::make_unique<asio::ssl::stream<Socket&>>(socket_, *tls);
}

void StreamConnection::start_accepted() {
  if (!tls_) return on_ready({});
  state_ = State::handshaking;
  tls_->async_handshake(asio::ssl::stream_base::server,
                        [self = shared_from_this()](const error_code& ec) { self->on_ready(ec); });
}

void StreamConnection::start_connecting(const asio::ip::tcp::endpoint& to) {
  error_code ec;
  socket_.open(to.protocol(), ec);
  if (!ec && !flow_.local.ip.empty()) {
    auto local_ip = asio::ip::make_address(flow_.local.ip, ec);
    if (!ec) socket_.bind({local_ip, 0}, ec);
  }
  arm_idle_timer();
  auto self = shared_from_this();
  if (ec) {  // reported from the loop, never from inside the caller's send()
    asio::post(socket_.get_executor(), [self, ec] { self->on_connected(ec); });
    return;
  }
  socket_.async_connect(to, [self](const error_code& e) { self->on_connected(e); });
}

void StreamConnection::on_connected(const error_code& ec) {
  if (state_ == State::closed) return;
  if (ec) {
    log::info("", "transport.connect_failed", flow_.remote.to_string() + " " + ec.message());
    return close();
  }
  if (!tls_) return on_ready({});
  state_ = State::handshaking;
  tls_->async_handshake(asio::ssl::stream_base::client,
                        [self = shared_from_this()](const error_code& e) { self->on_ready(e); });
}

void StreamConnection::on_ready(const error_code& ec) {
  if (state_ == State::closed) return;
  if (ec) {
    log::info("", "transport.tls_handshake_failed", flow_.remote.to_string() + " " + ec.message());
    return close();
  }
  state_ = State::open;
  touch();
  error_code ignored;  // whole messages are written at once: Nagle would only add latency
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
  read();
  if (!queue_.empty()) write_next();
}

void StreamConnection::read() {
  auto handler = [self = shared_from_this()](const error_code& ec, std::size_t size) {
    self->on_read(ec, size);
  };
  if (tls_)
    tls_->async_read_some(asio::buffer(read_buffer_), handler);
  else
    socket_.async_read_some(asio::buffer(read_buffer_), handler);
}

void StreamConnection::on_read(const error_code& ec, std::size_t size) {
  if (state_ == State::closed) return;
  if (ec) return close();  // EOF, reset or TLS alert: the peer is gone
  touch();
  std::string_view bytes(read_buffer_.data(), size);
  framer_.feed(bytes);
  unframed_.append(bytes);
  deliver_framed();
  if (state_ == State::open && !closing_) read();
}

void StreamConnection::deliver_framed() {
  while (state_ == State::open && !closing_) {
    auto next = framer_.next();
    if (!next) {
      closing_ = true;  // before the callback, so the 400 it queues is the last write
      owner_->on_stream_framing_error(*this, next.error(), unframed_);
      if (queue_.empty()) close();
      return;
    }
    // The framer consumes from the front, so what it still buffers is a suffix of unframed_.
    unframed_.erase(0, unframed_.size() - framer_.buffered());
    if (!*next) return;
    owner_->on_stream_message(*this, std::move(**next));
  }
}

void StreamConnection::send(std::string bytes, const Flow& requested) {
  if (state_ == State::closed) return owner_->on_stream_send_error(requested);
  queue_.push_back({std::move(bytes), requested});
  touch();
  if (state_ == State::open && queue_.size() == 1) write_next();
}

void StreamConnection::write_next() {
  auto handler = [self = shared_from_this()](const error_code& ec, std::size_t) {
    self->on_written(ec);
  };
  // deque::push_back keeps references valid, so the front's bytes outlive the write.
  auto buffer = asio::buffer(queue_.front().bytes);
  if (tls_)
    asio::async_write(*tls_, buffer, handler);
  else
    asio::async_write(socket_, buffer, handler);
}

void StreamConnection::on_written(const error_code& ec) {
  if (state_ == State::closed) return;
  if (ec) {
    log::info("", "transport.write_failed", flow_.remote.to_string() + " " + ec.message());
    return close();
  }
  queue_.pop_front();
  touch();
  if (!queue_.empty())
    write_next();
  else if (closing_)
    close();
}

void StreamConnection::close_after_writes() {
  closing_ = true;
  if (queue_.empty() || state_ != State::open) close();
}

void StreamConnection::close() {
  if (state_ == State::closed) return;
  state_ = State::closed;
  error_code ignored;
  idle_timer_.cancel();
  socket_.close(ignored);
  auto unsent = std::move(queue_);
  queue_.clear();
  for (const auto& pending : unsent) owner_->on_stream_send_error(pending.requested);
  owner_->on_stream_closed(*this);
}

void StreamConnection::detach() {
  state_ = State::closed;
  error_code ignored;
  idle_timer_.cancel();
  socket_.close(ignored);
  queue_.clear();
}

void StreamConnection::arm_idle_timer() {
  if (!options_.idle_timeout) return;
  idle_timer_.expires_at(last_used_ + *options_.idle_timeout);
  idle_timer_.async_wait([self = shared_from_this()](const error_code& ec) {
    if (ec || self->state_ == State::closed) return;
    bool idle =
        self->queue_.empty() && Clock::now() >= self->last_used_ + *self->options_.idle_timeout;
    if (!idle) return self->arm_idle_timer();  // used since: wait for the rest
    log::debug("", "transport.idle_close", self->flow_.remote.to_string());
    self->close();
  });
}

}  // namespace sipref::sip
