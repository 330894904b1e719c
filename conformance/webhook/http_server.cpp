#include "webhook/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace sipconform {
namespace {

int to_ms(time_t sec, time_t usec) {
  return static_cast<int>(sec * 1000 + usec / 1000);
}

bool poll_for(int sock, short events, int timeout_ms) {
  pollfd fd{sock, events, 0};
  int n = 0;
  do {
    n = ::poll(&fd, 1, timeout_ms);
  } while (n < 0 && errno == EINTR);
  return n > 0;
}

void address_of(const sockaddr_storage& addr, std::string& ip, int& port) {
  char text[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    sockaddr_in v4{};
    std::memcpy(&v4, &addr, sizeof v4);
    ::inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
    port = ntohs(v4.sin_port);
  } else if (addr.ss_family == AF_INET6) {
    sockaddr_in6 v6{};
    std::memcpy(&v6, &addr, sizeof v6);
    ::inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
    port = ntohs(v6.sin6_port);
  }
  ip = text;
}

// A buffered socket stream like httplib's own (whose class the packaged header does not expose),
// plus the drop switch.
class ConnectionStream final : public httplib::Stream {
 public:
  ConnectionStream(int sock, int read_timeout_ms, int write_timeout_ms)
      : sock_(sock), read_timeout_ms_(read_timeout_ms), write_timeout_ms_(write_timeout_ms) {}

  bool is_readable() const override { return poll_for(sock_, POLLIN, read_timeout_ms_); }
  bool is_writable() const override {
    return dropped_ || poll_for(sock_, POLLOUT, write_timeout_ms_);
  }
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getpeername(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
      address_of(addr, ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getsockname(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
      address_of(addr, ip, port);
  }
  socket_t socket() const override { return sock_; }

  void drop() { dropped_ = true; }
  bool dropped() const { return dropped_; }
  // Bytes of a pipelined next request are already read into the buffer.
  bool has_buffered() const { return begin_ < end_; }

 private:
  int sock_;
  int read_timeout_ms_;
  int write_timeout_ms_;
  bool dropped_ = false;
  std::array<char, 4096> buffer_{};
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

ssize_t ConnectionStream::read(char* ptr, size_t size) {
  if (begin_ == end_) {
    if (!is_readable()) return -1;
    ssize_t n = 0;
    do {
      n = ::recv(sock_, buffer_.data(), buffer_.size(), 0);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) return n;
    begin_ = 0;
    end_ = static_cast<std::size_t>(n);
  }
  const std::size_t count = std::min(size, end_ - begin_);
  std::memcpy(ptr, buffer_.data() + begin_, count);
  begin_ += count;
  return static_cast<ssize_t>(count);
}

ssize_t ConnectionStream::write(const char* ptr, size_t size) {
  if (dropped_) return static_cast<ssize_t>(size);  // swallowed: the client must see no answer
  if (!is_writable()) return -1;
  ssize_t n = 0;
  do {
    n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  return n;
}

// The connection being served on this thread: handlers run synchronously inside
// process_request, on the thread that owns the socket.
thread_local ConnectionStream* current_stream = nullptr;

}  // namespace

void HttpServer::drop_connection() {
  if (current_stream != nullptr) current_stream->drop();
}

bool HttpServer::wait_for_request(socket_t sock) const {
  // Short slices so that stop() is not held up by an idle kept-alive connection.
  const auto limit =
      std::chrono::steady_clock::now() + std::chrono::seconds(keep_alive_timeout_sec_);
  while (svr_sock_ != INVALID_SOCKET) {
    if (poll_for(sock, POLLIN, 50)) return true;
    if (std::chrono::steady_clock::now() >= limit) return false;
  }
  return false;
}

bool HttpServer::process_and_close_socket(socket_t sock) {
  ConnectionStream stream(sock, to_ms(read_timeout_sec_, read_timeout_usec_),
                          to_ms(write_timeout_sec_, write_timeout_usec_));
  bool ok = false;
  for (std::size_t left = keep_alive_max_count_;
       left > 0 && (stream.has_buffered() || wait_for_request(sock)); --left) {
    bool closed = false;
    current_stream = &stream;
    ok = process_request(stream, left == 1, closed, nullptr);
    current_stream = nullptr;
    if (!ok || closed || stream.dropped()) break;
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ok;
}

}  // namespace sipconform
