// The relay's decisions without sockets (a recording PacketSender stands in for UDP): pairing,
// re-pairing without signalling, symmetric latching (RFC 4961) and DTMF reports (RFC 4733).
#include "media/relay_table.h"

#include <gtest/gtest.h>

#include <boost/asio/ip/address.hpp>
#include <string>
#include <vector>

#include "rtp_test_packets.h"

namespace sipref::media {
namespace {

Address at(const std::string& ip, unsigned short port) {
  return {boost::asio::ip::make_address(ip), port};
}

struct Sent {
  EndpointId from;
  Channel channel;
  Address to;
  std::vector<std::uint8_t> packet;
};

class Recorder : public PacketSender {
 public:
  void send(EndpointId from, Channel channel, const Address& to,
            std::span<const std::uint8_t> packet) override {
    sent.push_back({from, channel, to, {packet.begin(), packet.end()}});
  }
  std::vector<Sent> sent;
};

class RelayTableTest : public ::testing::Test {
 protected:
  RelayTableTest() {
    for (EndpointId id : {kCaller, kCallee, kOther}) table.add(id);
    table.set_remote(kCaller, at("10.0.0.1", 4000), 101);
    table.set_remote(kCallee, at("10.0.0.2", 5000), std::nullopt);
    table.set_remote(kOther, at("10.0.0.3", 6000), std::nullopt);
  }
  void packet_on(EndpointId id, const Address& from, Channel channel = Channel::rtp) {
    table.on_packet(id, channel, from, voice);
  }

  static constexpr EndpointId kCaller = 1, kCallee = 2, kOther = 3;
  Recorder sender;
  RelayTable table{sender};
  std::vector<std::uint8_t> voice = test::rtp_packet(0, 1, 160, 42, {0xff, 0xfe});
};

TEST_F(RelayTableTest, UnpairedEndpointsForwardNothing) {
  packet_on(kCaller, at("10.0.0.1", 4000));
  EXPECT_TRUE(sender.sent.empty());
}

TEST_F(RelayTableTest, PairedEndpointsForwardBothWaysFromThePeersSocket) {
  table.pair(kCaller, kCallee);
  packet_on(kCaller, at("10.0.0.1", 4000));
  packet_on(kCallee, at("10.0.0.2", 5000));
  ASSERT_EQ(sender.sent.size(), 2u);
  EXPECT_EQ(sender.sent[0].from, kCallee);             // leaves from the callee leg's socket …
  EXPECT_EQ(sender.sent[0].to, at("10.0.0.2", 5000));  // … to the callee's SDP address
  EXPECT_EQ(sender.sent[0].packet, voice);             // unchanged: no transcoding
  EXPECT_EQ(sender.sent[1].from, kCaller);
  EXPECT_EQ(sender.sent[1].to, at("10.0.0.1", 4000));
}

TEST_F(RelayTableTest, RtcpGoesToThePortAboveUntilLatched) {
  table.pair(kCaller, kCallee);
  packet_on(kCaller, at("10.0.0.1", 4001), Channel::rtcp);
  ASSERT_EQ(sender.sent.size(), 1u);
  EXPECT_EQ(sender.sent[0].channel, Channel::rtcp);
  EXPECT_EQ(sender.sent[0].to, at("10.0.0.2", 5001));
}

TEST_F(RelayTableTest, PacketsGoWherethePartyReallySendsFrom) {
  table.pair(kCaller, kCallee);
  packet_on(kCallee, at("192.0.2.7", 31000));  // behind a NAT: not the SDP's address
  packet_on(kCaller, at("10.0.0.1", 4000));
  ASSERT_EQ(sender.sent.size(), 2u);
  EXPECT_EQ(sender.sent[1].to, at("192.0.2.7", 31000));
  EXPECT_EQ(table.destination(kCallee, Channel::rtp), at("192.0.2.7", 31000));
  // RTCP is latched on its own.
  EXPECT_EQ(table.destination(kCallee, Channel::rtcp), at("10.0.0.2", 5001));
}

TEST_F(RelayTableTest, TheLatchHoldsAgainstALaterSource) {
  packet_on(kCallee, at("192.0.2.7", 31000));
  packet_on(kCallee, at("198.51.100.9", 9999));
  EXPECT_EQ(table.destination(kCallee, Channel::rtp), at("192.0.2.7", 31000));
}

TEST_F(RelayTableTest, ANewSdpAddressForgetsTheLatch) {
  packet_on(kCallee, at("192.0.2.7", 31000));
  table.set_remote(kCallee, at("10.0.0.2", 5000), std::nullopt);  // the same: latch kept
  EXPECT_EQ(table.destination(kCallee, Channel::rtp), at("192.0.2.7", 31000));
  table.set_remote(kCallee, at("10.0.0.9", 7000), std::nullopt);
  EXPECT_EQ(table.destination(kCallee, Channel::rtp), at("10.0.0.9", 7000));
}

TEST_F(RelayTableTest, RepairingMovesTheStreamWithoutSignalling) {
  table.pair(kCaller, kCallee);
  table.pair(kCaller, kOther);  // e.g. a transfer: the callee is left alone
  EXPECT_EQ(table.peer(kCaller), kOther);
  EXPECT_EQ(table.peer(kOther), kCaller);
  EXPECT_FALSE(table.peer(kCallee));
  packet_on(kCaller, at("10.0.0.1", 4000));
  packet_on(kCallee, at("10.0.0.2", 5000));  // its partner is gone: dropped
  ASSERT_EQ(sender.sent.size(), 1u);
  EXPECT_EQ(sender.sent[0].from, kOther);
  EXPECT_EQ(sender.sent[0].to, at("10.0.0.3", 6000));
}

TEST_F(RelayTableTest, UnpairAndRemoveStopBothDirections) {
  table.pair(kCaller, kCallee);
  table.unpair(kCallee);
  EXPECT_FALSE(table.peer(kCaller));
  table.pair(kCaller, kCallee);
  table.remove(kCallee);
  EXPECT_FALSE(table.peer(kCaller));
  packet_on(kCaller, at("10.0.0.1", 4000));
  packet_on(kCallee, at("10.0.0.2", 5000));
  EXPECT_TRUE(sender.sent.empty());
}

TEST_F(RelayTableTest, APartyWithoutSdpReceivesNothingUntilItSends) {
  table.add(9);
  table.pair(kCaller, 9);
  packet_on(kCaller, at("10.0.0.1", 4000));
  EXPECT_TRUE(sender.sent.empty());
  packet_on(9, at("10.0.0.8", 8000));
  packet_on(kCaller, at("10.0.0.1", 4000));
  ASSERT_EQ(sender.sent.size(), 2u);
  EXPECT_EQ(sender.sent[1].to, at("10.0.0.8", 8000));
}

TEST_F(RelayTableTest, ReportsEachKeyPressOnceWithItsEndpoint) {
  std::vector<std::pair<EndpointId, std::uint8_t>> reports;
  table.on_dtmf([&](EndpointId id, std::uint8_t event) { reports.emplace_back(id, event); });
  table.pair(kCaller, kCallee);
  for (const auto& packet : test::key_press(101, 1, 85760, 10))
    table.on_packet(kCaller, Channel::rtp, at("10.0.0.1", 4000), packet);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0], std::make_pair(kCaller, std::uint8_t{10}));
  EXPECT_EQ(sender.sent.size(), 8u);  // the events are relayed too
}

TEST_F(RelayTableTest, NoReportsWithoutANegotiatedTelephoneEvent) {
  int reports = 0;
  table.on_dtmf([&](EndpointId, std::uint8_t) { ++reports; });
  for (const auto& packet : test::key_press(101, 1, 85760, 10))
    table.on_packet(kCallee, Channel::rtp, at("10.0.0.2", 5000), packet);
  for (const auto& packet : test::key_press(101, 1, 85760, 10))  // RTCP is never DTMF
    table.on_packet(kCaller, Channel::rtcp, at("10.0.0.1", 4001), packet);
  EXPECT_EQ(reports, 0);
}

TEST_F(RelayTableTest, AHandlerMayCloseTheEndpointItHearsFrom) {
  table.on_dtmf([&](EndpointId id, std::uint8_t) { table.remove(id); });
  table.pair(kCaller, kCallee);
  for (const auto& packet : test::key_press(101, 1, 85760, 10))
    table.on_packet(kCaller, Channel::rtp, at("10.0.0.1", 4000), packet);
  EXPECT_TRUE(sender.sent.empty());
  EXPECT_FALSE(table.peer(kCallee));
}

}  // namespace
}  // namespace sipref::media
