// RTP header parsing (RFC 3550 §5.1) and RFC 4733 key presses: one report per event however many
// packets carry it, including the three end retransmissions.
#include <gtest/gtest.h>

#include "media/dtmf_detector.h"
#include "media/rtp_packet.h"
#include "rtp_test_packets.h"

namespace sipref::media {
namespace {

using test::dtmf_packet;
using test::key_press;
using test::rtp_packet;

TEST(RtpPacket, ReadsTheFixedHeader) {
  auto packet = rtp_packet(8, 513, 0x01020304, 0xa1b2c3d4, {1, 2, 3}, true);
  auto header = parse_rtp(packet);
  ASSERT_TRUE(header);
  EXPECT_EQ(header->payload_type, 8);
  EXPECT_TRUE(header->marker);
  EXPECT_EQ(header->sequence, 513);
  EXPECT_EQ(header->timestamp, 0x01020304u);
  EXPECT_EQ(header->ssrc, 0xa1b2c3d4u);
  EXPECT_EQ(header->payload_offset, 12u);
}

TEST(RtpPacket, SkipsCsrcsAndTheHeaderExtension) {
  auto packet = rtp_packet(
      0, 1, 0, 0, {/*csrc*/ 0, 0, 0, 1, /*ext*/ 0xbe, 0xde, 0, 1, 9, 9, 9, 9, /*payload*/ 7});
  packet[0] = 0x80 | 0x10 | 1;  // X bit, one CSRC
  auto header = parse_rtp(packet);
  ASSERT_TRUE(header);
  EXPECT_EQ(header->payload_offset, 12u + 4 + 8);
  packet.resize(20);  // the extension cut short
  EXPECT_FALSE(parse_rtp(packet));
}

TEST(RtpPacket, RefusesWhatIsNotRtpVersion2) {
  auto packet = rtp_packet(0, 1, 0, 0, {});
  packet[0] = 0x40;
  EXPECT_FALSE(parse_rtp(packet));
  EXPECT_FALSE(parse_rtp(std::vector<std::uint8_t>{0x80, 0, 0}));
}

TEST(TelephoneEvent, ReadsEventEndBitAndDuration) {
  auto packet = dtmf_packet(101, 2, 100, 10, true, 800);
  auto header = parse_rtp(packet);
  ASSERT_TRUE(header);
  auto event = parse_telephone_event(std::span(packet).subspan(header->payload_offset));
  ASSERT_TRUE(event);
  EXPECT_EQ(event->event, 10);
  EXPECT_TRUE(event->end);
  EXPECT_EQ(event->duration, 800);
  EXPECT_EQ(dtmf_key(10), '*');
  EXPECT_EQ(dtmf_key(11), '#');
  EXPECT_EQ(dtmf_key(5), '5');
  EXPECT_EQ(dtmf_key(16), '\0');
}

TEST(DtmfDetector, OnePressIsReportedOnceAcrossItsPacketsAndEndRetransmissions) {
  DtmfDetector detector(101);
  int reports = 0;
  for (const auto& packet : key_press(101, 1, 85760, 10)) {
    auto event = detector.on_packet(packet);
    if (event) {
      ++reports;
      EXPECT_EQ(*event, 10);
    }
  }
  EXPECT_EQ(reports, 1);
}

TEST(DtmfDetector, APressSeenOnlyByItsEndPacketsIsReportedOnce) {
  DtmfDetector detector(101);
  EXPECT_EQ(detector.on_packet(dtmf_packet(101, 7, 500, 10, true, 960)),
            std::optional<std::uint8_t>(10));
  EXPECT_FALSE(detector.on_packet(dtmf_packet(101, 8, 500, 10, true, 960)));
  EXPECT_FALSE(detector.on_packet(dtmf_packet(101, 9, 500, 10, true, 960)));
}

TEST(DtmfDetector, TheSameKeyPressedTwiceIsTwoReports) {
  DtmfDetector detector(101);
  int reports = 0;
  for (const auto& packet : key_press(101, 1, 1000, 10))
    reports += detector.on_packet(packet).has_value();
  for (const auto& packet : key_press(101, 20, 3000, 10))
    reports += detector.on_packet(packet).has_value();
  EXPECT_EQ(reports, 2);
}

TEST(DtmfDetector, IgnoresOtherPayloadTypes) {
  DtmfDetector detector(96);
  for (const auto& packet : key_press(101, 1, 1000, 10)) EXPECT_FALSE(detector.on_packet(packet));
  EXPECT_FALSE(detector.on_packet(rtp_packet(0, 1, 0, 1, {0xff, 0xff})));
}

}  // namespace
}  // namespace sipref::media
