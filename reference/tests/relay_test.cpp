// The media relay over real UDP sockets on the loopback: a caller's packets reach the callee from
// the callee leg's relay port (anchored media) and back, DTMF is reported, ports are released.
#include "media/relay.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <vector>

#include "rtp_test_packets.h"
#include "run_until.h"

namespace sipref::media {
namespace {

namespace asio = boost::asio;
using asio::ip::udp;
using namespace std::chrono_literals;

// Addresses of this test only (127.0.0.0/8 needs no set-up).
const char* const kMedia = "127.0.12.77";
const char* const kParties = "127.0.12.78";

using sipref::test::run_until;

// A party's RTP socket that records what it receives and from where.
struct Party {
  explicit Party(asio::io_context& io)
      : socket(io, udp::endpoint(asio::ip::make_address(kParties), 0)) {
    read();
  }
  void read() {
    socket.async_receive_from(
        asio::buffer(buffer), sender, [this](boost::system::error_code ec, std::size_t n) {
          if (ec) return;
          received.emplace_back(sender,
                                std::vector<std::uint8_t>(buffer.begin(), buffer.begin() + n));
          read();
        });
  }
  void send(const std::vector<std::uint8_t>& packet, std::uint16_t port) {
    socket.send_to(asio::buffer(packet), udp::endpoint(asio::ip::make_address(kMedia), port));
  }
  udp::socket socket;
  std::array<std::uint8_t, 2048> buffer{};
  udp::endpoint sender;
  std::vector<std::pair<udp::endpoint, std::vector<std::uint8_t>>> received;
};

TEST(Relay, CallerAndCalleeHearEachOtherThroughTheirLegsPorts) {
  asio::io_context io;
  Relay relay(io, PortPool(41000, 41099));
  Party caller(io), callee(io);
  auto in = relay.open(kMedia);
  auto out = relay.open(kMedia);
  ASSERT_TRUE(in && out) << (in ? out.error().message : in.error().message);
  relay.set_remote(in->id, caller.socket.local_endpoint(), 101);
  relay.set_remote(out->id, callee.socket.local_endpoint(), std::nullopt);
  std::vector<std::uint8_t> events;
  relay.on_dtmf([&](EndpointId id, std::uint8_t event) {
    EXPECT_EQ(id, in->id);
    events.push_back(event);
  });
  relay.pair(in->id, out->id);

  auto voice = test::rtp_packet(0, 1, 160, 7, {1, 2, 3});
  caller.send(voice, in->port);
  ASSERT_TRUE(run_until(io, [&] { return !callee.received.empty(); }));
  EXPECT_EQ(callee.received[0].first, udp::endpoint(asio::ip::make_address(kMedia), out->port));
  EXPECT_EQ(callee.received[0].second, voice);

  callee.send(voice, out->port);
  ASSERT_TRUE(run_until(io, [&] { return !caller.received.empty(); }));
  EXPECT_EQ(caller.received[0].first, udp::endpoint(asio::ip::make_address(kMedia), in->port));

  for (const auto& packet : test::key_press(101, 2, 85760, 10)) caller.send(packet, in->port);
  ASSERT_TRUE(run_until(io, [&] { return callee.received.size() == 9; }));
  EXPECT_EQ(events, std::vector<std::uint8_t>{10});
}

TEST(Relay, ClosingReturnsThePortsAndExhaustionIsAnError) {
  asio::io_context io;
  Relay relay(io, PortPool(41100, 41103));
  auto a = relay.open(kMedia);
  auto b = relay.open(kMedia);
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(relay.open(kMedia));
  relay.close(a->id);
  EXPECT_EQ(relay.open_endpoints(), 1u);
  // The closed pair is free for anyone to bind again, and for the relay to hand out.
  udp::socket probe(io, udp::endpoint(asio::ip::make_address(kMedia), a->port));
  probe.close();
  auto c = relay.open(kMedia);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->port, a->port);
}

TEST(Relay, APortHeldByAnotherProgramIsSkipped) {
  asio::io_context io;
  udp::socket squatter(io,
                       udp::endpoint(asio::ip::make_address(kMedia), 41201));  // first pair's RTCP
  Relay relay(io, PortPool(41200, 41203));
  auto opened = relay.open(kMedia);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(opened->port, 41202);
  EXPECT_FALSE(relay.open("not-an-address"));
}

}  // namespace
}  // namespace sipref::media
