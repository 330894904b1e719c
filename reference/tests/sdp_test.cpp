// Anchored media: each leg's SDP names our media address and port, codecs pass through.
#include "media/sdp.h"

#include <gtest/gtest.h>

namespace sipref::media {
namespace {

constexpr std::string_view kOffer =
    "v=0\r\no=alice 2890844526 2890844526 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\n"
    "m=audio 49170 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n";

TEST(Sdp, ReadsTheAudioEndpoint) {
  auto endpoint = read_audio_endpoint(kOffer);
  ASSERT_TRUE(endpoint);
  EXPECT_EQ(endpoint->address, "10.0.0.5");
  EXPECT_EQ(endpoint->audio_port, 49170);
}

TEST(Sdp, RewritesAddressesAndPortAndKeepsCodecs) {
  auto rewritten = rewrite_sdp(kOffer, {"127.0.1.1", 20002});
  ASSERT_TRUE(rewritten);
  EXPECT_NE(rewritten->find("o=alice 2890844526 2890844526 IN IP4 127.0.1.1\r\n"), std::string::npos);
  EXPECT_NE(rewritten->find("c=IN IP4 127.0.1.1\r\n"), std::string::npos);
  EXPECT_NE(rewritten->find("m=audio 20002 RTP/AVP 0 8 101\r\n"), std::string::npos);
  EXPECT_NE(rewritten->find("a=rtpmap:101 telephone-event/8000\r\n"), std::string::npos);
  EXPECT_EQ(rewritten->find("10.0.0.5"), std::string::npos);
}

TEST(Sdp, AcceptsBareLineFeeds) {
  std::string lf(kOffer);
  std::erase(lf, '\r');
  auto rewritten = rewrite_sdp(lf, {"127.0.1.2", 30000});
  ASSERT_TRUE(rewritten);
  EXPECT_NE(rewritten->find("m=audio 30000 RTP/AVP 0 8 101\r\n"), std::string::npos);
}

TEST(Sdp, RefusesWhatHasNoAudio) {
  EXPECT_FALSE(rewrite_sdp("v=0\r\nc=IN IP4 1.2.3.4\r\nm=video 5000 RTP/AVP 96\r\n", {"127.0.0.1", 1}));
  EXPECT_FALSE(read_audio_endpoint("v=0\r\nm=audio 5000 RTP/AVP 0\r\n"));
  EXPECT_FALSE(rewrite_sdp("v=0\r\no=short\r\nm=audio 1 RTP/AVP 0\r\n", {"127.0.0.1", 1}));
}

// RFC 4733 §7.1.1: the DTMF payload type is whatever the rtpmap names telephone-event/8000.
TEST(Sdp, FindsTheTelephoneEventPayloadType) {
  EXPECT_EQ(telephone_event_payload_type(kOffer), std::optional<std::uint8_t>(101));
  EXPECT_EQ(telephone_event_payload_type("m=audio 1 RTP/AVP 0 96\r\na=rtpmap:96 Telephone-Event/8000\r\n"),
            std::optional<std::uint8_t>(96));
  EXPECT_FALSE(telephone_event_payload_type("m=audio 1 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"));
  EXPECT_FALSE(telephone_event_payload_type("a=rtpmap:97 telephone-event/16000\r\n"));
}

}  // namespace
}  // namespace sipref::media
