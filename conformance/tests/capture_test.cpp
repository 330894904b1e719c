// Capture + read_capture on real loopback traffic (127.0.9.2x): a SIPp call over UDP and TCP,
// several SIP messages in one TCP segment, folded and compact headers, tshark's malformed flag,
// and a message sent just before stop() still being in the file.
#include "sipp/capture.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "sipp/sipp_runner.h"
#include "tests/test_processes.h"

namespace sipconform {
namespace {

namespace fs = std::filesystem;
using test::await_bound;
using test::fresh_dir;

std::string header_value(const SipEvent& event, const std::string& name) {
  for (const auto& [key, value] : event.headers)
    if (key == name) return value;
  return "<absent>";
}

std::string describe(const SipEvent& event) {
  return event.request ? event.method : std::to_string(event.status) + " " + event.cseq_method;
}

std::vector<std::string> sequence(const std::vector<CapturedSip>& messages) {
  std::vector<std::string> names;
  for (const auto& message : messages) names.push_back(describe(message.event));
  return names;
}

class CaptureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    // Not a skip: tools/bootstrap installs tshark and the suite runs as root, so a missing
    // capture is a broken set-up that must be seen.
    ASSERT_TRUE(capture_available(why)) << "packet capture unavailable: " << why;
  }
};

// Runs SIPp's uac against a callee on uas_ip:5060 while capturing, returns what tshark read.
std::vector<CapturedSip> capture_call(const std::string& transport, const std::string& uas_ip,
                                      const std::string& uac_ip) {
  auto dir = fresh_dir("capture-call-" + transport);
  auto pcap = (dir / "case.pcap").string();
  auto capture = Capture::start("host " + uas_ip + " or host " + uac_ip, pcap);
  EXPECT_TRUE(capture) << capture.error().message;
  if (!capture) return {};
  SippLaunch callee;
  callee.name = "callee";
  callee.local_ip = uas_ip;
  callee.local_port = 5060;
  callee.transport = transport;
  if (transport == "udp") {  // the built-in uas, with its 180; it fails TCP calls (see kQuickUas)
    callee.builtin = "uas";
  } else {
    callee.scenario_path = (dir / "quick-uas.xml").string();
    std::ofstream(callee.scenario_path) << test::kQuickUas;
  }
  callee.out_dir = dir.string();
  callee.timeout_s = 15;
  auto uas = SippProcess::start(callee);
  EXPECT_TRUE(uas) << uas.error().message;
  await_bound(transport, uas_ip, 5060);
  SippLaunch caller = callee;
  caller.name = "caller";
  caller.scenario_path.clear();
  caller.builtin = "uac";
  caller.local_ip = uac_ip;
  caller.remote = uas_ip + ":5060";
  caller.service = "token-7";
  auto uac = SippProcess::start(caller);
  EXPECT_TRUE(uac) << uac.error().message;
  EXPECT_EQ((*uac)->wait(), 0);
  EXPECT_EQ((*uas)->wait(), 0);
  (*capture)->stop();
  auto messages = read_capture(pcap);
  EXPECT_TRUE(messages) << messages.error().message;
  return messages ? *messages : std::vector<CapturedSip>{};
}

void expect_call(const std::vector<CapturedSip>& messages, const std::string& transport,
                 const std::string& uas, const std::string& uac) {
  std::vector<std::string> expected{"INVITE", "200 INVITE", "ACK", "BYE", "200 BYE"};
  if (transport == "udp") expected.insert(expected.begin() + 1, "180 INVITE");
  ASSERT_EQ(sequence(messages), expected);
  const SipEvent& invite = messages[0].event;
  EXPECT_EQ(invite.transport, transport);
  EXPECT_EQ(invite.dst, uas + ":5060");
  EXPECT_EQ(invite.src.substr(0, uac.size() + 1), uac + ":");
  if (transport == "udp") {
    EXPECT_EQ(invite.src, uac + ":5060");
  }
  EXPECT_EQ(invite.request_uri, "sip:token-7@" + uas + ":5060");
  EXPECT_EQ(invite.cseq_method, "INVITE");
  EXPECT_FALSE(invite.malformed);
  EXPECT_EQ(header_value(invite, "Call-ID"), invite.call_id);
  EXPECT_FALSE(invite.call_id.empty());
  ASSERT_GE(invite.headers.size(), 9u);
  std::vector<std::string> names;
  for (const auto& header : invite.headers) names.push_back(header.first);
  EXPECT_EQ(names, (std::vector<std::string>{"Via", "From", "To", "Call-ID", "CSeq", "Contact",
                                             "Max-Forwards", "Subject", "Content-Type",
                                             "Content-Length"}));
  auto length = header_value(invite, "Content-Length");  // SIPp pads it: "Content-Length:   131"
  EXPECT_TRUE(!length.empty() && length.find_first_not_of("0123456789") == std::string::npos)
      << "trimmed: " << length;
  const SipEvent& ok = messages[expected.size() - 4].event;
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.reason, "OK");
  EXPECT_EQ(ok.src, invite.dst);
  EXPECT_EQ(ok.dst, invite.src);
  double now = static_cast<double>(std::time(nullptr));
  for (std::size_t i = 0; i < messages.size(); ++i) {
    EXPECT_EQ(messages[i].event.call_id, invite.call_id) << i;
    EXPECT_NEAR(messages[i].epoch, now, 60) << i;
    if (i > 0) {
      EXPECT_GE(messages[i].epoch, messages[i - 1].epoch) << i;
    }
  }
}

TEST_F(CaptureTest, SippCallOverUdp) {
  expect_call(capture_call("udp", "127.0.9.21", "127.0.9.22"), "udp", "127.0.9.21", "127.0.9.22");
}

TEST_F(CaptureTest, SippCallOverTcp) {
  expect_call(capture_call("tcp", "127.0.9.23", "127.0.9.24"), "tcp", "127.0.9.23", "127.0.9.24");
}

int socket_to(int type, const std::string& ip, std::uint16_t port, bool listen_or_bind) {
  int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  ::inet_pton(AF_INET, ip.c_str(), &address.sin_addr);
  int yes = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  auto* raw = reinterpret_cast<sockaddr*>(&address);
  if (listen_or_bind) {
    EXPECT_EQ(::bind(fd, raw, sizeof address), 0);
    if (type == SOCK_STREAM) ::listen(fd, 4);
  } else {
    EXPECT_EQ(::connect(fd, raw, sizeof address), 0);
  }
  return fd;
}

TEST_F(CaptureTest, ThreeMessagesInOneTcpSegmentFoldedAndCompactHeaders) {
  auto dir = fresh_dir("capture-segment");
  auto pcap = (dir / "case.pcap").string();
  auto capture = Capture::start("host 127.0.9.25", pcap);
  ASSERT_TRUE(capture) << capture.error().message;
  int server = socket_to(SOCK_STREAM, "127.0.9.25", 5090, true);
  int client = socket_to(SOCK_STREAM, "127.0.9.25", 5090, false);
  int yes = 1;
  ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
  int accepted = ::accept(server, nullptr, nullptr);
  std::string segment =
      "OPTIONS sip:a@127.0.9.25 SIP/2.0\r\nv: SIP/2.0/TCP 127.0.9.25:1;branch=z9hG4bK1\r\ni: "
      "one\r\n"
      "CSeq: 1 OPTIONS\r\nX-Fold: first\r\n  second\r\nl: 0\r\n\r\n"
      "SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/TCP 127.0.9.25:1;branch=z9hG4bK0\r\nCall-ID: "
      "two\r\nCSeq: 7 INVITE\r\n"
      "Content-Length: 0\r\n\r\n"
      "INFO sip:b@127.0.9.25 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.9.25:1;branch=z9hG4bK2\r\nCall-ID: "
      "three\r\n"
      "CSeq: 8 INFO\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\nabcd";
  ASSERT_EQ(::send(client, segment.data(), segment.size(), 0),
            static_cast<ssize_t>(segment.size()));
  char sink[4096];
  std::size_t received = 0;
  while (received < segment.size())
    received += static_cast<std::size_t>(::recv(accepted, sink, sizeof sink, 0));
  (*capture)->stop();
  for (int fd : {client, accepted, server}) ::close(fd);

  auto messages = read_capture(pcap);
  ASSERT_TRUE(messages) << messages.error().message;
  ASSERT_EQ(sequence(*messages), (std::vector<std::string>{"OPTIONS", "486 INVITE", "INFO"}));
  const SipEvent& options = (*messages)[0].event;
  EXPECT_EQ(options.call_id, "one") << "found through the compact form i";
  std::vector<std::pair<std::string, std::string>> expected{
      {"v", "SIP/2.0/TCP 127.0.9.25:1;branch=z9hG4bK1"},
      {"i", "one"},
      {"CSeq", "1 OPTIONS"},
      {"X-Fold", "first second"},
      {"l", "0"}};
  EXPECT_EQ(options.headers, expected);
  EXPECT_EQ((*messages)[1].event.reason, "Busy Here");
  EXPECT_EQ((*messages)[1].event.headers.size(), 4u) << "stops at its own blank line";
  EXPECT_EQ((*messages)[2].event.headers.size(), 5u) << "the body is not a header";
  for (const auto& message : *messages) {
    EXPECT_EQ(message.event.transport, "tcp");
    EXPECT_EQ(message.event.dst, "127.0.9.25:5090");
    EXPECT_EQ(message.epoch, (*messages)[0].epoch) << "one frame";
  }
}

TEST_F(CaptureTest, MalformedMessagesAreFlaggedAndLastDatagramBeforeStopIsKept) {
  auto dir = fresh_dir("capture-malformed");
  auto pcap = (dir / "case.pcap").string();
  auto capture = Capture::start("host 127.0.9.26", pcap);
  ASSERT_TRUE(capture) << capture.error().message;
  int receiver = socket_to(SOCK_DGRAM, "127.0.9.26", 5092, true);
  int sender = socket_to(SOCK_DGRAM, "127.0.9.26", 5092, false);
  std::string bad_sdp =
      "INVITE sip:x@127.0.9.26 SIP/2.0\r\nVia: SIP/2.0/UDP "
      "127.0.9.26:5091;branch=z9hG4bK4\r\nCall-ID: bad\r\n"
      "CSeq: 1 INVITE\r\nContent-Type: application/sdp\r\nContent-Length: "
      "10\r\n\r\nv=0\r\no=\r\nm=";
  std::string fine =
      "BYE sip:x@127.0.9.26 SIP/2.0\r\nVia: SIP/2.0/UDP "
      "127.0.9.26:5091;branch=z9hG4bK5\r\nCall-ID: fine\r\n"
      "CSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n";
  ::send(sender, bad_sdp.data(), bad_sdp.size(), 0);
  ::send(sender, fine.data(), fine.size(), 0);
  (*capture)->stop();  // at once: the last datagram must still be in the file
  ::close(sender);
  ::close(receiver);

  auto messages = read_capture(pcap);
  ASSERT_TRUE(messages) << messages.error().message;
  ASSERT_EQ(sequence(*messages), (std::vector<std::string>{"INVITE", "BYE"}));
  EXPECT_TRUE((*messages)[0].event.malformed);
  EXPECT_FALSE((*messages)[1].event.malformed);
  EXPECT_EQ((*messages)[1].event.call_id, "fine");
  EXPECT_EQ((*messages)[1].event.transport, "udp");
}

TEST_F(CaptureTest, ReadCaptureReportsAMissingFile) {
  auto messages = read_capture("/nonexistent/case.pcap");
  ASSERT_FALSE(messages);
  EXPECT_NE(messages.error().message.find("/nonexistent/case.pcap"), std::string::npos);
}

TEST_F(CaptureTest, StartReportsABadFilter) {
  auto dir = fresh_dir("capture-bad-filter");
  auto capture = Capture::start("host and and", (dir / "case.pcap").string());
  ASSERT_FALSE(capture);
  EXPECT_NE(capture.error().message.find("dumpcap"), std::string::npos) << capture.error().message;
}

}  // namespace
}  // namespace sipconform
