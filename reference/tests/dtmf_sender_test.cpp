// sendDigits as RFC 4733 packets: layout, timing, the end packets, pauses, bad characters.
#include "media/dtmf_sender.h"

#include <gtest/gtest.h>

#include "media/rtp_packet.h"

namespace sipref::media {
namespace {

TEST(DtmfSender, OneDigitIsTwoTonePacketsAndThreeEndPackets) {
  auto packets = dtmf_packets("5", 101, 0x11223344);
  ASSERT_TRUE(packets);
  ASSERT_EQ(packets->size(), 5u);
  auto first = parse_rtp((*packets)[0].bytes);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->payload_type, 101);
  EXPECT_TRUE(first->marker);
  EXPECT_EQ(first->ssrc, 0x11223344u);
  auto event = parse_telephone_event(std::span((*packets)[0].bytes).subspan(first->payload_offset));
  ASSERT_TRUE(event);
  EXPECT_EQ(event->event, 5);
  EXPECT_FALSE(event->end);
  EXPECT_EQ((*packets)[1].at, std::chrono::milliseconds(50));
  for (std::size_t i = 2; i < 5; ++i) {
    auto header = parse_rtp((*packets)[i].bytes);
    auto end = parse_telephone_event(std::span((*packets)[i].bytes).subspan(header->payload_offset));
    EXPECT_TRUE(end->end);
    EXPECT_EQ(end->duration, 800);
    EXPECT_EQ(header->timestamp, first->timestamp) << "one event, one timestamp";
    EXPECT_FALSE(header->marker);
  }
  EXPECT_EQ(parse_rtp((*packets)[4].bytes)->sequence, static_cast<std::uint16_t>(first->sequence + 4));
}

TEST(DtmfSender, PausesAndKeysInOrder) {
  auto packets = dtmf_packets("1w*W#", 96, 7);
  ASSERT_TRUE(packets);
  ASSERT_EQ(packets->size(), 15u);
  EXPECT_EQ((*packets)[5].at, std::chrono::milliseconds(150 + 500)) << "'w' waits 500 ms";
  EXPECT_EQ((*packets)[10].at, std::chrono::milliseconds(150 + 500 + 150 + 1000)) << "'W' waits 1 s";
  auto star = parse_rtp((*packets)[5].bytes);
  EXPECT_EQ(parse_telephone_event(std::span((*packets)[5].bytes).subspan(star->payload_offset))->event, 10);
  EXPECT_NE(parse_rtp((*packets)[5].bytes)->timestamp, parse_rtp((*packets)[0].bytes)->timestamp);
}

TEST(DtmfSender, RefusesOtherCharacters) {
  EXPECT_FALSE(dtmf_packets("12x", 101, 1));
  EXPECT_EQ(dtmf_event('#'), 11);
  EXPECT_FALSE(dtmf_event('E'));
}

}  // namespace
}  // namespace sipref::media
