// read_rtp on a real capture: SIPp's own RFC 4733 '*' recording (ten packets of payload type 101
// between ports no RTP dissector is registered for), read with tshark as the runner does.
#include <gtest/gtest.h>

#include <filesystem>

#include "sipp/capture.h"
#include "util/subprocess.h"

namespace sipconform {
namespace {

const char* const kStar = "/usr/share/sip-tester/dtmf_2833_star.pcap";

TEST(CaptureRtp, ReadsEveryPacketWithAddressesAndPayloadType) {
  if (!find_program("tshark") || !std::filesystem::exists(kStar))
    GTEST_SKIP() << "needs tshark and sip-tester's " << kStar << " (tools/bootstrap)";
  // read_rtp writes its scratch files beside the pcap: work on a copy.
  const auto copy = std::filesystem::path(::testing::TempDir()) / "capture_rtp_test_star.pcap";
  std::filesystem::copy_file(kStar, copy, std::filesystem::copy_options::overwrite_existing);
  auto packets = read_rtp(copy.string());
  std::filesystem::remove(copy);
  ASSERT_TRUE(packets) << packets.error().message;
  ASSERT_EQ(packets->size(), 10u);
  for (const auto& packet : *packets) {
    EXPECT_EQ(packet.src, "192.168.0.3:49176");
    EXPECT_EQ(packet.dst, "192.168.0.1:10000");
    EXPECT_EQ(packet.payload_type, 101);
  }
  EXPECT_LT(packets->front().epoch, packets->back().epoch);
}

TEST(CaptureRtp, AMissingFileIsAnError) {
  auto packets = read_rtp("/nonexistent/case.pcap");
  ASSERT_FALSE(packets);
}

}  // namespace
}  // namespace sipconform
