// probe_options: a minimal SIP UDP client, enough for readiness checks. It retransmits like a
// non-INVITE client transaction (T1 = 500 ms doubling, capped at T2 = 4 s) until a final response
// with its own Call-ID arrives or the deadline passes.
#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/system/system_error.hpp>
#include <chrono>
#include <cstdio>
#include <optional>
#include <random>

#include "target/managed.h"

namespace sipconform {

namespace asio = boost::asio;
using udp = asio::ip::udp;
using Clock = std::chrono::steady_clock;

namespace {

std::string random_token(std::size_t length) {
  static thread_local std::mt19937_64 engine{std::random_device{}()};
  static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string token;
  for (std::size_t i = 0; i < length; ++i) token += alphabet[engine() % (sizeof alphabet - 1)];
  return token;
}

std::string options_request(const std::string& host, std::uint16_t port, const udp::endpoint& local,
                            const std::string& call_id) {
  auto target = host + ":" + std::to_string(port);
  auto self = local.address().to_string() + ":" + std::to_string(local.port());
  return "OPTIONS sip:" + target +
         " SIP/2.0\r\n"
         "Via: SIP/2.0/UDP " +
         self + ";branch=z9hG4bK" + random_token(16) +
         ";rport\r\n"
         "Max-Forwards: 70\r\n"
         "From: <sip:sipconform@" +
         local.address().to_string() + ">;tag=" + random_token(10) +
         "\r\n"
         "To: <sip:" +
         target +
         ">\r\n"
         "Call-ID: " +
         call_id +
         "\r\n"
         "CSeq: 1 OPTIONS\r\n"
         "Contact: <sip:sipconform@" +
         self +
         ">\r\n"
         "Accept: application/sdp\r\n"
         "User-Agent: sipconform\r\n"
         "Content-Length: 0\r\n\r\n";
}

// The status code of a response to our request, or nullopt for anything else.
std::optional<int> status_of(std::string_view response, const std::string& call_id) {
  if (!response.starts_with("SIP/2.0 ") || response.size() < 11) return std::nullopt;
  if (response.find(call_id) == std::string_view::npos)
    return std::nullopt;  // a random token: no header parsing
  int status = 0;
  for (char c : response.substr(8, 3)) {
    if (c < '0' || c > '9') return std::nullopt;
    status = status * 10 + (c - '0');
  }
  return status;
}

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", seconds);
  return text;
}

udp::endpoint resolve(asio::io_context& io, const std::string& host, std::uint16_t port) {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (!ec) return {address, port};
  udp::resolver resolver(io);
  return *resolver.resolve(udp::v4(), host, std::to_string(port)).begin();
}

}  // namespace

Result<int> probe_options(const std::string& host, std::uint16_t port, double timeout_s) {
  auto where = host + ":" + std::to_string(port);
  try {
    asio::io_context io;
    udp::socket socket(io);
    socket.open(udp::v4());
    socket.connect(resolve(io, host, port));  // connected: an ICMP refusal comes back as an error
    auto call_id = random_token(20) + "@sipconform";
    auto request = options_request(host, port, socket.local_endpoint(), call_id);
    auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                       std::chrono::duration<double>(timeout_s));
    auto interval = std::chrono::milliseconds(500);
    auto next_send = Clock::now();
    std::array<char, 65536> buffer{};
    while (Clock::now() < deadline) {
      if (Clock::now() >= next_send) {
        boost::system::error_code ec;
        socket.send(asio::buffer(request), 0, ec);
        if (ec) return fail("OPTIONS to " + where + ": " + ec.message());
        next_send = Clock::now() + interval;
        interval = std::min(interval * 2, std::chrono::milliseconds(4000));
      }
      std::optional<boost::system::error_code> done;
      std::size_t size = 0;
      socket.async_receive(asio::buffer(buffer),
                           [&](const boost::system::error_code& ec, std::size_t n) {
                             done = ec;
                             size = n;
                           });
      io.restart();
      io.run_until(std::min(next_send, deadline));
      if (!done) {  // nothing yet: cancel and collect the aborted (or just completed) receive
        socket.cancel();
        io.restart();
        io.run();
      }
      if (*done == asio::error::operation_aborted) continue;
      if (*done) return fail("OPTIONS to " + where + ": " + done->message());
      if (auto status = status_of(std::string_view(buffer.data(), size), call_id);
          status && *status >= 200)
        return *status;
    }
    return fail("no final response to OPTIONS from " + where + " within " +
                seconds_text(timeout_s) + " s");
  } catch (const boost::system::system_error& e) {
    return fail("OPTIONS to " + where + ": " + e.what());
  }
}

}  // namespace sipconform
