// Transport layer (RFC 3261 §18, RFC 3581) over real sockets on 127.0.0.0/8, plus AsioTimers.
// Each test names the requirement it checks; waits poll the event loop up to a deadline.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/write.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "sip/asio_timers.h"
#include "sip/headers.h"
#include "sip/parser.h"
#include "sip/transport.h"
#include "run_until.h"

namespace sipref::sip {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;
using namespace std::chrono_literals;

using sipref::test::run_until;

// Runs the loop for `period` (to show that something does NOT happen).
void run_for(asio::io_context& io, std::chrono::milliseconds period) {
  auto deadline = std::chrono::steady_clock::now() + period;
  while (std::chrono::steady_clock::now() < deadline) {
    if (io.stopped()) io.restart();
    io.run_one_until(deadline);
  }
}

std::string request_text(std::string_view method, std::string_view via,
                         std::string_view call_id = "call-1", std::string_view extra = "") {
  std::string text = std::string(method) + " sip:bob@example.com SIP/2.0\r\n";
  text += "Via: " + std::string(via) + "\r\n";
  text +=
      "Max-Forwards: 70\r\nFrom: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>\r\n";
  text += "Call-ID: " + std::string(call_id) + "\r\nCSeq: 1 " + std::string(method) + "\r\n";
  text += std::string(extra) + "Content-Length: 0\r\n\r\n";
  return text;
}

Message request(std::string via) {
  Message m = Message::request("OPTIONS", "sip:bob@example.com");
  m.add("Via", std::move(via));
  m.add("Max-Forwards", "70");
  m.add("From", "<sip:alice@example.com>;tag=a1");
  m.add("To", "<sip:bob@example.com>");
  m.add("Call-ID", "call-" + std::to_string(std::rand()));
  m.add("CSeq", "1 OPTIONS");
  return m;
}

Message response_to(const Message& req, int status = 200) {
  Message m = Message::response(status, "");
  for (auto via : req.all("Via")) m.add("Via", std::string(via));
  for (const char* name : {"From", "To", "Call-ID", "CSeq"})
    m.add(name, std::string(*req.header(name)));
  return m;
}

Via top_via(const Message& m) {
  return *parse_via(*m.header("Via"));
}

// A transport with a message log, listening where asked.
struct Node {
  explicit Node(asio::io_context& io, TransportSettings settings = {}) : transport(io, settings) {
    transport.on_message([this](Message m, Flow f) { received.push_back({std::move(m), f}); });
    transport.on_send_error([this](const Flow& f) { errors.push_back(f); });
  }
  Address listen(TransportKind kind, std::string ip) {
    auto bound = transport.listen(kind, {std::move(ip), 0});
    EXPECT_TRUE(bound.has_value()) << (bound ? "" : bound.error().message);
    return bound.value_or(Address{});
  }
  Transport transport;
  std::vector<std::pair<Message, Flow>> received;
  std::vector<Flow> errors;
};

// A plain UDP socket playing the peer.
struct UdpPeer {
  UdpPeer(asio::io_context& io, const std::string& ip)
      : socket(io, udp::endpoint(asio::ip::make_address(ip), 0)) {
    receive();
  }
  void receive() {
    socket.async_receive_from(asio::buffer(buffer), sender, [this](auto ec, std::size_t n) {
      if (ec) return;
      datagrams.push_back({std::string(buffer.data(), n), sender});
      receive();
    });
  }
  void send(const std::string& bytes, const Address& to) {
    socket.send_to(asio::buffer(bytes), udp::endpoint(asio::ip::make_address(to.ip), to.port));
  }
  Address address() const {
    return {socket.local_endpoint().address().to_string(), socket.local_endpoint().port()};
  }
  udp::socket socket;
  std::array<char, 65536> buffer{};
  udp::endpoint sender;
  std::vector<std::pair<std::string, udp::endpoint>> datagrams;
};

// A plain TCP client playing the peer; frames what it reads with the library's framer.
struct TcpPeer {
  TcpPeer(asio::io_context& io, const Address& to) : socket(io) {
    socket.connect(tcp::endpoint(asio::ip::make_address(to.ip), to.port));
    read();
  }
  void read() {
    socket.async_read_some(asio::buffer(buffer), [this](auto ec, std::size_t n) {
      if (ec == asio::error::operation_aborted) return;  // we are gone: touch nothing
      if (ec) {
        closed = true;
        return;
      }
      framer.feed({buffer.data(), n});
      while (auto next = framer.next()) {
        if (!*next) break;
        if (auto message = parse_message(**next)) messages.push_back(*message);
      }
      read();
    });
  }
  void write(const std::string& bytes) { asio::write(socket, asio::buffer(bytes)); }
  Address address() const {
    return {socket.local_endpoint().address().to_string(), socket.local_endpoint().port()};
  }
  tcp::socket socket;
  std::array<char, 4096> buffer{};
  StreamFramer framer;
  std::vector<Message> messages;
  bool closed = false;
};

// A self-signed certificate and key written to a fresh temp dir (no private key in the repo).
struct TlsFiles {
  std::string dir, certificate, key;
};

TlsFiles make_self_signed(const std::string& name) {
  char pattern[] = "/tmp/sipref-tls-XXXXXX";
  TlsFiles files;
  files.dir = mkdtemp(pattern);
  files.certificate = files.dir + "/cert.pem";
  files.key = files.dir + "/key.pem";
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* subject = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert, subject);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  // CA:TRUE lets the certificate be its own trust anchor in the verify_peer test.
  X509_EXTENSION* ca =
      X509V3_EXT_conf_nid(nullptr, &ctx, NID_basic_constraints, "critical,CA:TRUE");
  X509_add_ext(cert, ca, -1);
  X509_EXTENSION_free(ca);
  X509_sign(cert, key, EVP_sha256());
  FILE* out = std::fopen(files.certificate.c_str(), "w");
  PEM_write_X509(out, cert);
  std::fclose(out);
  out = std::fopen(files.key.c_str(), "w");
  PEM_write_PrivateKey(out, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(out);
  X509_free(cert);
  EVP_PKEY_free(key);
  return files;
}

// --- §18.2.1 / RFC 3581 Via rules (pure) -------------------------------------------------------

TEST(ViaRules, ReceivedAddedWhenSentByDiffersFromSource) {
  Message m = request("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1");
  ASSERT_TRUE(stamp_received(m, {"127.0.0.1", 40000}));
  EXPECT_EQ(top_via(m).params.get("received"), "127.0.0.1");
  EXPECT_FALSE(top_via(m).params.has("rport"));
}

TEST(ViaRules, NothingAddedWhenSentByIsTheSource) {
  Message m = request("SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1");
  ASSERT_TRUE(stamp_received(m, {"127.0.0.1", 5060}));
  EXPECT_EQ(*m.header("Via"), "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1");
}

TEST(ViaRules, EmptyRportFilledAndReceivedAlwaysAdded) {  // RFC 3581 §4
  Message m = request("SIP/2.0/UDP 127.0.0.1:5060;rport;branch=z9hG4bK1");
  ASSERT_TRUE(stamp_received(m, {"127.0.0.1", 40000}));
  EXPECT_EQ(top_via(m).params.get("rport"), "40000");
  EXPECT_EQ(top_via(m).params.get("received"), "127.0.0.1");
}

TEST(ViaRules, HostNameSentByGetsReceived) {
  Message m = request("SIP/2.0/TCP pbx.example.com;branch=z9hG4bK1");
  ASSERT_TRUE(stamp_received(m, {"127.0.0.9", 40000}));
  EXPECT_EQ(top_via(m).params.get("received"), "127.0.0.9");
}

TEST(ViaRules, OnlyTheTopViaChanges) {
  Message m = request("SIP/2.0/UDP 192.0.2.1;rport;branch=z9hG4bK1");
  m.add("Via", "SIP/2.0/UDP 192.0.2.2;rport;branch=z9hG4bK0");
  ASSERT_TRUE(stamp_received(m, {"127.0.0.1", 40000}));
  EXPECT_EQ(m.all("Via")[1], "SIP/2.0/UDP 192.0.2.2;rport;branch=z9hG4bK0");
}

TEST(ViaRules, MissingViaIsAnError) {
  Message m = Message::request("OPTIONS", "sip:x@y");
  EXPECT_FALSE(stamp_received(m, {"127.0.0.1", 1}));
}

TEST(ViaRules, UdpResponseGoesToReceivedAndRport) {
  Message m = response_to(
      request("SIP/2.0/UDP 192.0.2.1:5070;rport=40000;received=127.0.0.5;branch=z9hG4bK1"));
  EXPECT_EQ(response_destination(m, TransportKind::udp), (Address{"127.0.0.5", 40000}));
}

TEST(ViaRules, UdpResponseWithoutRportGoesToSentByPort) {  // §18.2.2
  Message m = response_to(request("SIP/2.0/UDP 192.0.2.1:5070;received=127.0.0.5;branch=z9hG4bK1"));
  EXPECT_EQ(response_destination(m, TransportKind::udp), (Address{"127.0.0.5", 5070}));
  Message bare = response_to(request("SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1"));
  EXPECT_EQ(response_destination(bare, TransportKind::udp), (Address{"192.0.2.1", 5060}));
}

TEST(ViaRules, ReliableResponseIgnoresRportAndUsesDefaultPort) {
  Message m =
      response_to(request("SIP/2.0/TLS 192.0.2.1;rport=40000;received=127.0.0.5;branch=z9hG4bK1"));
  EXPECT_EQ(response_destination(m, TransportKind::tls), (Address{"127.0.0.5", 5061}));
}

// --- UDP -----------------------------------------------------------------------------------

TEST(Udp, RequestDeliveredWithFlowAndViaReceivedRport) {  // §18.2.1, RFC 3581
  asio::io_context io;
  Node node(io);
  Address edge = node.listen(TransportKind::udp, "127.0.1.1");
  UdpPeer peer(io, "127.0.0.1");
  peer.send(request_text("INVITE", "SIP/2.0/UDP 192.0.2.1:5099;rport;branch=z9hG4bKa"), edge);
  ASSERT_TRUE(run_until(io, [&] { return node.received.size() == 1; }));
  auto& [message, flow] = node.received[0];
  EXPECT_EQ(message.method(), "INVITE");
  EXPECT_EQ(flow.transport, TransportKind::udp);
  EXPECT_EQ(flow.local, edge);
  EXPECT_EQ(flow.remote, peer.address());
  EXPECT_EQ(top_via(message).params.get("received"), "127.0.0.1");
  EXPECT_EQ(top_via(message).params.get("rport"), std::to_string(peer.address().port));
  EXPECT_EQ(node.transport.counters().received, 1u);
}

TEST(Udp, ResponseRoutedToRportFromTheEdgeSocket) {  // RFC 3581 §4
  asio::io_context io;
  Node node(io);
  Address edge = node.listen(TransportKind::udp, "127.0.1.1");
  UdpPeer peer(io, "127.0.0.1");
  // The sent-by port (5099) is wrong on purpose, as behind a NAT: rport must win.
  peer.send(request_text("OPTIONS", "SIP/2.0/UDP 192.0.2.1:5099;rport;branch=z9hG4bKb"), edge);
  ASSERT_TRUE(run_until(io, [&] { return node.received.size() == 1; }));
  auto& [message, flow] = node.received[0];
  node.transport.send(response_to(message), flow);
  ASSERT_TRUE(run_until(io, [&] { return peer.datagrams.size() == 1; }));
  EXPECT_EQ(peer.datagrams[0].second, udp::endpoint(asio::ip::make_address(edge.ip), edge.port));
  auto response = parse_message(peer.datagrams[0].first);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status(), 200);
  EXPECT_EQ(node.transport.counters().sent, 1u);
}

TEST(Udp, RequestSentFromTheChosenEdgeAddress) {
  asio::io_context io;
  Node node(io);
  node.listen(TransportKind::udp, "127.0.1.1");
  Address second = node.listen(TransportKind::udp, "127.0.1.2");
  UdpPeer peer(io, "127.0.0.1");
  node.transport.send(request("SIP/2.0/UDP " + second.to_string() + ";rport;branch=z9hG4bKc"),
                      Flow{TransportKind::udp, second, peer.address(), 0});
  ASSERT_TRUE(run_until(io, [&] { return peer.datagrams.size() == 1; }));
  EXPECT_EQ(peer.datagrams[0].second.address().to_string(), "127.0.1.2");
  EXPECT_EQ(peer.datagrams[0].second.port(), second.port);
}

TEST(Udp, ResponseForOurViaDeliveredForeignOneDiscarded) {  // §18.1.2
  asio::io_context io;
  Node node(io);
  Address edge = node.listen(TransportKind::udp, "127.0.1.1");
  UdpPeer peer(io, "127.0.0.1");
  Message foreign = response_to(request("SIP/2.0/UDP 127.0.1.1:1;branch=z9hG4bKx"));
  peer.send(foreign.serialize(), edge);
  Message ours = response_to(request("SIP/2.0/UDP " + edge.to_string() + ";branch=z9hG4bKd"));
  peer.send(ours.serialize(), edge);
  ASSERT_TRUE(run_until(io, [&] { return node.received.size() == 1; }));
  EXPECT_EQ(top_via(node.received[0].first).branch(), "z9hG4bKd");
  EXPECT_EQ(node.transport.counters().discarded, 1u);
}

TEST(Udp, SendFromAnAddressWithoutSocketReportsError) {
  asio::io_context io;
  Node node(io);
  node.listen(TransportKind::udp, "127.0.1.1");
  Flow flow{TransportKind::udp, {"127.0.1.9", 5060}, {"127.0.0.1", 5060}, 0};
  node.transport.send(request("SIP/2.0/UDP 127.0.1.9;branch=z9hG4bKe"), flow);
  EXPECT_TRUE(node.errors.empty());  // never from inside send()
  ASSERT_TRUE(run_until(io, [&] { return node.errors.size() == 1; }));
  EXPECT_EQ(node.errors[0], flow);
}

// --- Malformed input -------------------------------------------------------------------------

TEST(Malformed, RequestGets400WithCopiedHeadersAndServiceContinues) {
  asio::io_context io;
  Node node(io);
  Address edge = node.listen(TransportKind::udp, "127.0.1.1");
  UdpPeer peer(io, "127.0.0.1");
  // A Content-Length larger than the datagram is a parse error (§18.3) the parser cannot fix.
  std::string bad =
      request_text("INVITE", "SIP/2.0/UDP 192.0.2.1:5099;rport;branch=z9hG4bKf", "bad-1");
  bad.replace(bad.find("Content-Length: 0"), 17, "Content-Length: 50");
  peer.send(bad, edge);
  ASSERT_TRUE(run_until(io, [&] { return peer.datagrams.size() == 1; }));
  auto response = parse_message(peer.datagrams[0].first);
  ASSERT_TRUE(response) << peer.datagrams[0].first;
  EXPECT_EQ(response->status(), 400);
  EXPECT_EQ(top_via(*response).branch(), "z9hG4bKf");
  EXPECT_EQ(response->header("Call-ID"), "bad-1");
  EXPECT_EQ(response->header("CSeq"), "1 INVITE");
  EXPECT_EQ(response->header("From"), "<sip:alice@example.com>;tag=a1");
  EXPECT_FALSE(parse_name_addr(*response->header("To"))->tag().empty());
  EXPECT_TRUE(response->has("Warning"));
  EXPECT_EQ(node.transport.counters().malformed, 1u);
  EXPECT_TRUE(node.received.empty());

  peer.send(request_text("OPTIONS", "SIP/2.0/UDP 127.0.0.1;rport;branch=z9hG4bKg"), edge);
  ASSERT_TRUE(run_until(io, [&] { return node.received.size() == 1; }));
}

TEST(Malformed, UnsupportedVersionGets505) {  // §21.5.6
  asio::io_context io;
  Node node(io);
  Address edge = node.listen(TransportKind::udp, "127.0.1.1");
  UdpPeer peer(io, "127.0.0.1");
  std::string text = request_text("OPTIONS", "SIP/2.0/UDP 127.0.0.1;rport;branch=z9hG4bKv", "v3");
  text.replace(text.find("SIP/2.0\r\n"), 7, "SIP/3.0");
  peer.send(text, edge);
  ASSERT_TRUE(run_until(io, [&] { return peer.datagrams.size() == 1; }));
  auto response = parse_message(peer.datagrams[0].first);
  ASSERT_TRUE(response) << peer.datagrams[0].first;
  EXPECT_EQ(response->status(), 505);
  EXPECT_EQ(response->header("Call-ID"), "v3");
}

// Only a well-formed SIP-Version other than 2.0 is unsupported (505); any other shape is a
// malformed request line (400).
TEST(Malformed, OnlyAWellFormedOtherVersionGets505) {
  asio::io_context io;
  Node node(io);
  Address edge = node.listen(TransportKind::udp, "127.0.1.1");
  UdpPeer peer(io, "127.0.0.1");
  const std::pair<const char*, int> cases[] = {{"SIP/2.1", 505}, {"SIP/1.0", 505}, {"SIP/2", 400},
                                               {"SIP/", 400},    {"SIP/2.x", 400}, {"SIP/.0", 400}};
  for (std::size_t i = 0; i < std::size(cases); ++i) {
    std::string call_id = "version-" + std::to_string(i);
    std::string text =
        request_text("OPTIONS", "SIP/2.0/UDP 127.0.0.1;rport;branch=z9hG4bKv" + call_id, call_id);
    text.replace(text.find("SIP/2.0\r\n"), 7, cases[i].first);
    peer.send(text, edge);
    ASSERT_TRUE(run_until(io, [&] { return peer.datagrams.size() == i + 1; })) << cases[i].first;
    auto response = parse_message(peer.datagrams[i].first);
    ASSERT_TRUE(response) << peer.datagrams[i].first;
    EXPECT_EQ(response->status(), cases[i].second) << cases[i].first;
    EXPECT_EQ(response->header("Call-ID"), call_id);
  }
}

// A bad CSeq (RFC 4475 §3.1.2.4), a method that is no token, a request line with extra
// whitespace, a raw control character or invalid UTF-8 in a header: each gets a 400 that copies
// the CSeq as received (so it is read raw: such a CSeq does not parse).
TEST(Malformed, BadCSeqMethodOrHeaderTextGets400) {
  asio::io_context io;
  Node node(io);
  Address edge = node.listen(TransportKind::udp, "127.0.1.1");
  UdpPeer peer(io, "127.0.0.1");
  std::string valid = request_text("OPTIONS", "SIP/2.0/UDP 127.0.0.1;rport;branch=z9hG4bKc");
  auto with = [&](std::string_view from, std::string_view to) {
    std::string text = valid;
    return text.replace(text.find(from), from.size(), to);
  };
  const std::string bad[] = {
      with("CSeq: 1 OPTIONS", "CSeq: 4294967296 OPTIONS"),
      with("CSeq: 1 OPTIONS", "CSeq: 1"),
      with("OPTIONS sip:", "OPT(ONS sip:"),
      with("OPTIONS sip:", " OPTIONS sip:"),
      with("Max-Forwards: 70", std::string("Subject: mal\0formed", 19)),
      with("Max-Forwards: 70", "Subject: caf\xe9"),
  };
  for (std::size_t i = 0; i < std::size(bad); ++i) {
    peer.send(bad[i], edge);
    ASSERT_TRUE(run_until(io, [&] { return peer.datagrams.size() == i + 1; })) << bad[i];
    const std::string& response = peer.datagrams[i].first;
    EXPECT_TRUE(response.starts_with("SIP/2.0 400 ")) << response;
    std::size_t cseq = bad[i].find("CSeq:");
    EXPECT_NE(response.find(bad[i].substr(cseq, bad[i].find('\r', cseq) - cseq + 2)),
              std::string::npos)
        << response;
  }
  EXPECT_EQ(node.transport.counters().malformed, std::size(bad));
  EXPECT_TRUE(node.received.empty());
}

TEST(Malformed, AckIsNeverAnswered) {  // §17.2.1: no response to an ACK
  asio::io_context io;
  Node node(io);
  Address edge = node.listen(TransportKind::udp, "127.0.1.1");
  UdpPeer peer(io, "127.0.0.1");
  std::string bad = request_text("ACK", "SIP/2.0/UDP 127.0.0.1;rport;branch=z9hG4bKw");
  bad.replace(bad.find("Content-Length: 0"), 17, "Content-Length: 50");
  peer.send(bad, edge);
  peer.send(request_text("OPTIONS", "SIP/2.0/UDP 127.0.0.1;rport;branch=z9hG4bKx"), edge);
  ASSERT_TRUE(run_until(io, [&] { return node.received.size() == 1; }));
  run_for(io, 20ms);
  EXPECT_TRUE(peer.datagrams.empty());
  EXPECT_EQ(node.transport.counters().malformed, 1u);
}

TEST(Malformed, GarbageWithoutHeadersIsDropped) {
  asio::io_context io;
  Node node(io);
  Address edge = node.listen(TransportKind::udp, "127.0.1.1");
  UdpPeer peer(io, "127.0.0.1");
  peer.send("hello world\r\n\r\n", edge);
  peer.send(std::string("\0\xff\x01SIP/2.0", 10), edge);
  peer.send("\r\n\r\n", edge);  // a keep-alive: neither a message nor malformed
  peer.send(request_text("OPTIONS", "SIP/2.0/UDP 127.0.0.1;rport;branch=z9hG4bKh"), edge);
  ASSERT_TRUE(run_until(io, [&] { return node.received.size() == 1; }));
  EXPECT_TRUE(peer.datagrams.empty());
  EXPECT_EQ(node.transport.counters().malformed, 2u);
}

TEST(Malformed, RandomBytesNeverStopTheTransport) {
  asio::io_context io;
  Node node(io);
  Address udp_edge = node.listen(TransportKind::udp, "127.0.1.1");
  Address tcp_edge = node.listen(TransportKind::tcp, "127.0.1.1");
  UdpPeer peer(io, "127.0.0.1");
  std::mt19937 random(7);
  std::string valid = request_text("INVITE", "SIP/2.0/UDP 127.0.0.1;rport;branch=z9hG4bKi");
  for (int i = 0; i < 300; ++i) {
    std::string bytes = valid;  // mutate a valid message so the parser sees near-misses
    for (int k = 0; k < 1 + i % 8; ++k)
      bytes[random() % bytes.size()] = static_cast<char>(random());
    bytes.resize(random() % (bytes.size() + 1));
    peer.send(bytes, udp_edge);
    if (i % 30 == 0) {
      TcpPeer stream(io, tcp_edge);
      stream.write(bytes + bytes);
      run_for(io, 5ms);
    }
  }
  run_for(io, 100ms);
  std::size_t before = node.received.size();
  peer.send(request_text("OPTIONS", "SIP/2.0/UDP 127.0.0.1;rport;branch=z9hG4bKj", "after"),
            udp_edge);
  ASSERT_TRUE(run_until(io, [&] {
    return node.received.size() > before && node.received.back().first.header("Call-ID") == "after";
  }));
}

// --- Limits: 513 for what is too large (§21.4.11), a 400 naming the header limit; a stream that
// cannot be framed is answered, then closed -----------------------------------------------------

std::string with_body(std::string text, std::size_t size) {
  text.replace(text.find("Content-Length: 0"), 17, "Content-Length: " + std::to_string(size));
  return text + std::string(size, 'b');
}

std::string header_lines(int count) {
  std::string lines;
  for (int i = 0; i < count; ++i) lines += "X-Flood: " + std::to_string(i) + "\r\n";
  return lines;
}

std::size_t occurrences(const std::string& text, std::string_view part) {
  std::size_t count = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
  return count;
}

TEST(Limits, UdpBodyOverTheLimitGets513) {
  asio::io_context io;
  TransportSettings small;
  small.limits.max_body_bytes = 100;
  Node node(io, small);
  Address edge = node.listen(TransportKind::udp, "127.0.1.1");
  UdpPeer peer(io, "127.0.0.1");
  std::string via = "SIP/2.0/UDP 127.0.0.1;rport;branch=z9hG4bKb";
  peer.send(with_body(request_text("OPTIONS", via + "1", "big"), 101), edge);
  ASSERT_TRUE(run_until(io, [&] { return peer.datagrams.size() == 1; }));
  auto response = parse_message(peer.datagrams[0].first);
  ASSERT_TRUE(response) << peer.datagrams[0].first;
  EXPECT_EQ(response->status(), 513);
  EXPECT_EQ(response->reason(), "Message Too Large");
  EXPECT_EQ(response->header("Call-ID"), "big");
  EXPECT_TRUE(node.received.empty());
  EXPECT_EQ(node.transport.counters().malformed, 1u);
  peer.send(with_body(request_text("OPTIONS", via + "2", "fits"), 100), edge);
  ASSERT_TRUE(run_until(io, [&] { return node.received.size() == 1; }));
}

// Each refusal is one log line, with an event of its own for the limits.
TEST(Limits, UdpTooManyHeadersGets400NamingTheLimitLoggedOnce) {
  asio::io_context io;
  TransportSettings small;
  small.limits.max_header_count = 16;
  Node node(io, small);
  Address edge = node.listen(TransportKind::udp, "127.0.1.1");
  UdpPeer peer(io, "127.0.0.1");
  testing::internal::CaptureStderr();
  peer.send(request_text("OPTIONS", "SIP/2.0/UDP 127.0.0.1;rport;branch=z9hG4bKh1", "flood",
                         header_lines(10)),  // 6 + 10 + Content-Length = 17 fields
            edge);
  bool answered = run_until(io, [&] { return peer.datagrams.size() == 1; });
  std::string log = testing::internal::GetCapturedStderr();
  ASSERT_TRUE(answered);
  auto response = parse_message(peer.datagrams[0].first);
  ASSERT_TRUE(response) << peer.datagrams[0].first;
  EXPECT_EQ(response->status(), 400);
  EXPECT_EQ(response->reason(), "Bad Request (more than 16 header fields)");
  EXPECT_EQ(response->header("Call-ID"), "flood");
  EXPECT_EQ(occurrences(log, "transport.over_limit"), 1u) << log;
  EXPECT_EQ(occurrences(log, "transport.malformed"), 0u) << log;
  EXPECT_NE(log.find("(max_header_count) -> 400"), std::string::npos) << log;
}

// The announced size alone is refused: sipref never waits for (or buffers) a body over its limit.
TEST(Limits, TcpContentLengthOverTheLimitGets513ThenClose) {
  asio::io_context io;
  TransportSettings small;
  small.limits.max_body_bytes = 100;
  Node node(io, small);
  Address edge = node.listen(TransportKind::tcp, "127.0.1.1");
  TcpPeer peer(io, edge);
  std::string text = request_text("INVITE", "SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKt1", "tcp-big");
  peer.write(text.replace(text.find("Content-Length: 0"), 17, "Content-Length: 5000"));
  ASSERT_TRUE(run_until(io, [&] { return peer.closed; }));
  ASSERT_EQ(peer.messages.size(), 1u);
  EXPECT_EQ(peer.messages[0].status(), 513);
  EXPECT_EQ(peer.messages[0].header("Call-ID"), "tcp-big");
  EXPECT_EQ(node.transport.counters().malformed, 1u);
  EXPECT_EQ(node.transport.connection_count(), 0u);
}

TEST(Limits, TcpHeaderSectionWithoutEndIsCutAtTheMessageLimit) {
  asio::io_context io;
  TransportSettings small;
  small.limits.max_message_bytes = 2048;
  Node node(io, small);
  Address edge = node.listen(TransportKind::tcp, "127.0.1.1");
  TcpPeer peer(io, edge);
  std::string text = request_text("OPTIONS", "SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKt2", "endless");
  text.erase(text.find("Content-Length: 0"));
  for (int i = 0; i < 40; ++i) text += "X-More: " + std::string(90, 'm') + "\r\n";
  peer.write(text);  // 4 KiB and still no empty line
  ASSERT_TRUE(run_until(io, [&] { return peer.closed; }));
  ASSERT_EQ(peer.messages.size(), 1u);
  EXPECT_EQ(peer.messages[0].status(), 513);
  EXPECT_EQ(node.transport.connection_count(), 0u);
}

// Past the header limit the Content-Length may be among the fields not held: the stream cannot be
// framed, so after the 400 the connection closes.
TEST(Limits, TcpHeaderFloodGets400NamingTheLimitThenClose) {
  asio::io_context io;
  TransportSettings small;
  small.limits.max_header_count = 16;
  Node node(io, small);
  Address edge = node.listen(TransportKind::tcp, "127.0.1.1");
  TcpPeer peer(io, edge);
  peer.write(request_text("OPTIONS", "SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKt3", "tcp-flood",
                          header_lines(20)));
  ASSERT_TRUE(run_until(io, [&] { return peer.closed; }));
  ASSERT_EQ(peer.messages.size(), 1u);
  EXPECT_EQ(peer.messages[0].status(), 400);
  EXPECT_EQ(peer.messages[0].reason(), "Bad Request (more than 16 header fields)");
  EXPECT_EQ(node.transport.connection_count(), 0u);
}

// A framed message with an overlong line is refused alone: the stream stays in step and open.
TEST(Limits, TcpOverlongLineGets513AndTheConnectionStays) {
  asio::io_context io;
  TransportSettings small;
  small.limits.max_header_line_bytes = 200;
  Node node(io, small);
  Address edge = node.listen(TransportKind::tcp, "127.0.1.1");
  TcpPeer peer(io, edge);
  peer.write(request_text("OPTIONS", "SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKt4", "long-line",
                          "Subject: " + std::string(300, 's') + "\r\n"));
  ASSERT_TRUE(run_until(io, [&] { return peer.messages.size() == 1; }));
  EXPECT_EQ(peer.messages[0].status(), 513);
  peer.write(request_text("OPTIONS", "SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKt5", "next"));
  ASSERT_TRUE(run_until(io, [&] { return node.received.size() == 1; }));
  EXPECT_EQ(node.received[0].first.header("Call-ID"), "next");
  EXPECT_FALSE(peer.closed);
  EXPECT_EQ(node.transport.connection_count(), 1u);
}

// --- TCP -------------------------------------------------------------------------------------

TEST(Tcp, FramingAcrossSplitWritesAndTwoMessagesInOneSegment) {  // §18.3
  asio::io_context io;
  Node node(io);
  Address edge = node.listen(TransportKind::tcp, "127.0.1.1");
  TcpPeer peer(io, edge);
  std::string first = request_text("OPTIONS", "SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK1", "one");
  peer.write(first.substr(0, 20));
  run_for(io, 20ms);
  peer.write(first.substr(20, 50));
  run_for(io, 20ms);
  peer.write(first.substr(70));
  ASSERT_TRUE(run_until(io, [&] { return node.received.size() == 1; }));
  peer.write(request_text("OPTIONS", "SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK2", "two") +
             request_text("OPTIONS", "SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK3", "three"));
  ASSERT_TRUE(run_until(io, [&] { return node.received.size() == 3; }));
  EXPECT_EQ(node.received[0].first.header("Call-ID"), "one");
  EXPECT_EQ(node.received[1].first.header("Call-ID"), "two");
  EXPECT_EQ(node.received[2].first.header("Call-ID"), "three");
  const Flow& flow = node.received[0].second;
  EXPECT_EQ(flow.transport, TransportKind::tcp);
  EXPECT_EQ(flow.local, edge);
  EXPECT_EQ(flow.remote, peer.address());
  EXPECT_NE(flow.connection, 0u);
  EXPECT_EQ(node.received[2].second.connection, flow.connection);
}

TEST(Tcp, ResponseAndNextRequestReuseTheInboundConnection) {  // §18.2.2
  asio::io_context io;
  Node node(io);
  Address edge = node.listen(TransportKind::tcp, "127.0.1.1");
  TcpPeer peer(io, edge);
  peer.write(request_text("INVITE", "SIP/2.0/TCP 192.0.2.1:5099;branch=z9hG4bK4"));
  ASSERT_TRUE(run_until(io, [&] { return node.received.size() == 1; }));
  auto [message, flow] = node.received[0];
  node.transport.send(response_to(message), flow);
  ASSERT_TRUE(run_until(io, [&] { return peer.messages.size() == 1; }));
  EXPECT_EQ(peer.messages[0].status(), 200);
  // A new request to the same peer address (no connection id) finds the same connection.
  node.transport.send(request("SIP/2.0/TCP " + edge.to_string() + ";branch=z9hG4bK5"),
                      Flow{TransportKind::tcp, edge, peer.address(), 0});
  ASSERT_TRUE(run_until(io, [&] { return peer.messages.size() == 2; }));
  EXPECT_EQ(peer.messages[1].method(), "OPTIONS");
  EXPECT_EQ(node.transport.connection_count(), 1u);
}

TEST(Tcp, OutboundConnectionFromEdgeIpIsReused) {
  asio::io_context io;
  Node a(io), b(io);
  Address a_edge = a.listen(TransportKind::tcp, "127.0.1.1");
  Address b_edge = b.listen(TransportKind::tcp, "127.0.0.1");
  Flow to_b{TransportKind::tcp, a_edge, b_edge, 0};
  std::string via = "SIP/2.0/TCP " + a_edge.to_string() + ";rport;branch=z9hG4bK";
  a.transport.send(request(via + "6"), to_b);
  ASSERT_TRUE(run_until(io, [&] { return b.received.size() == 1; }));
  EXPECT_EQ(b.received[0].second.remote.ip, "127.0.1.1");  // the edge is the source IP
  b.transport.send(response_to(b.received[0].first), b.received[0].second);
  ASSERT_TRUE(run_until(io, [&] { return a.received.size() == 1; }));
  EXPECT_EQ(a.received[0].first.status(), 200);
  EXPECT_EQ(a.received[0].second.local, a_edge);
  a.transport.send(request(via + "7"), to_b);
  ASSERT_TRUE(run_until(io, [&] { return b.received.size() == 2; }));
  EXPECT_EQ(b.received[1].second.connection, b.received[0].second.connection);
  EXPECT_EQ(a.transport.connection_count(), 1u);
  EXPECT_EQ(b.transport.connection_count(), 1u);
}

TEST(Tcp, ResponseOpensNewConnectionWhenTheRequestOneIsGone) {  // §18.2.2
  asio::io_context io;
  Node node(io);
  Address edge = node.listen(TransportKind::tcp, "127.0.1.1");
  Node peer_listener(io);
  // Same IP as the raw peer's source, so no received= redirects the response elsewhere.
  Address peer_edge = peer_listener.listen(TransportKind::tcp, "127.0.0.1");
  {
    TcpPeer peer(io, edge);
    peer.write(
        request_text("OPTIONS", "SIP/2.0/TCP " + peer_edge.to_string() + ";branch=z9hG4bK8"));
    ASSERT_TRUE(run_until(io, [&] { return node.received.size() == 1; }));
  }
  ASSERT_TRUE(run_until(io, [&] { return node.transport.connection_count() == 0; }));
  auto [message, flow] = node.received[0];
  node.transport.send(response_to(message), flow);
  // The response arrives at the Via sent-by (the peer's listener), on a new connection.
  ASSERT_TRUE(run_until(io, [&] { return peer_listener.received.size() == 1; }));
  EXPECT_EQ(peer_listener.received[0].first.status(), 200);
}

TEST(Tcp, FramingErrorGets400ThenClose) {
  asio::io_context io;
  Node node(io);
  Address edge = node.listen(TransportKind::tcp, "127.0.1.1");
  TcpPeer peer(io, edge);
  std::string no_length = request_text("OPTIONS", "SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK9");
  no_length.erase(no_length.find("Content-Length: 0\r\n"), 19);  // mandatory on streams
  peer.write(no_length);
  ASSERT_TRUE(run_until(io, [&] { return peer.closed; }));
  ASSERT_EQ(peer.messages.size(), 1u);
  EXPECT_EQ(peer.messages[0].status(), 400);
  EXPECT_EQ(node.transport.counters().malformed, 1u);
  EXPECT_EQ(node.transport.connection_count(), 0u);
}

TEST(Tcp, ConnectFailureReportsTheFlow) {
  asio::io_context io;
  Node node(io);
  Address edge = node.listen(TransportKind::tcp, "127.0.1.1");
  Address closed_port;
  {  // a port that was free a moment ago
    tcp::acceptor probe(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    closed_port = {"127.0.0.1", probe.local_endpoint().port()};
  }
  Flow flow{TransportKind::tcp, edge, closed_port, 0};
  node.transport.send(request("SIP/2.0/TCP " + edge.to_string() + ";branch=z9hG4bKk"), flow);
  ASSERT_TRUE(run_until(io, [&] { return node.errors.size() == 1; }));
  EXPECT_EQ(node.errors[0], flow);
  EXPECT_EQ(node.transport.connection_count(), 0u);
}

TEST(Tcp, IdleOutboundConnectionIsClosed) {
  asio::io_context io;
  TransportSettings quick;
  quick.idle_timeout = 150ms;
  Node a(io, quick), b(io);
  Address a_edge = a.listen(TransportKind::tcp, "127.0.1.1");
  Address b_edge = b.listen(TransportKind::tcp, "127.0.0.1");
  a.transport.send(request("SIP/2.0/TCP " + a_edge.to_string() + ";branch=z9hG4bKl"),
                   Flow{TransportKind::tcp, a_edge, b_edge, 0});
  ASSERT_TRUE(run_until(io, [&] { return b.received.size() == 1; }));
  EXPECT_EQ(a.transport.connection_count(), 1u);
  ASSERT_TRUE(run_until(io, [&] {
    return a.transport.connection_count() == 0 && b.transport.connection_count() == 0;
  }));
}

// --- TLS -------------------------------------------------------------------------------------

TEST(Tls, RoundTripWithSelfSignedCertificate) {
  TlsFiles files = make_self_signed("sipref-test");
  asio::io_context io;
  Node server(io), client(io);
  ASSERT_TRUE(server.transport.use_tls({files.certificate, files.key, "", false}));
  ASSERT_TRUE(client.transport.use_tls({"", "", files.certificate, true}));
  Address server_edge = server.listen(TransportKind::tls, "127.0.0.1");
  Address client_edge{"127.0.1.1", 5061};
  client.transport.send(
      request("SIP/2.0/TLS " + client_edge.to_string() + ";rport;branch=z9hG4bKm"),
      Flow{TransportKind::tls, client_edge, server_edge, 0});
  ASSERT_TRUE(run_until(io, [&] { return server.received.size() == 1; }));
  auto [message, flow] = server.received[0];
  EXPECT_EQ(flow.transport, TransportKind::tls);
  EXPECT_EQ(flow.remote.ip, "127.0.1.1");
  server.transport.send(response_to(message), flow);
  ASSERT_TRUE(run_until(io, [&] { return client.received.size() == 1; }));
  EXPECT_EQ(client.received[0].first.status(), 200);
  std::filesystem::remove_all(files.dir);
}

TEST(Tls, UntrustedServerCertificateFailsTheSend) {
  TlsFiles served = make_self_signed("server"), trusted = make_self_signed("other");
  asio::io_context io;
  Node server(io), client(io);
  ASSERT_TRUE(server.transport.use_tls({served.certificate, served.key, "", false}));
  ASSERT_TRUE(client.transport.use_tls({"", "", trusted.certificate, true}));
  Address server_edge = server.listen(TransportKind::tls, "127.0.0.1");
  Flow flow{TransportKind::tls, {"127.0.1.1", 5061}, server_edge, 0};
  client.transport.send(request("SIP/2.0/TLS 127.0.1.1:5061;branch=z9hG4bKn"), flow);
  ASSERT_TRUE(run_until(io, [&] { return client.errors.size() == 1; }));
  EXPECT_EQ(client.errors[0], flow);
  EXPECT_TRUE(server.received.empty());
  std::filesystem::remove_all(served.dir);
  std::filesystem::remove_all(trusted.dir);
}

TEST(Lifetime, DestroyedWithLiveConnectionsAndPendingSendsIsSafe) {
  asio::io_context io;
  Node b(io);
  Address b_edge = b.listen(TransportKind::tcp, "127.0.0.1");
  {
    Node a(io);
    Address a_edge = a.listen(TransportKind::tcp, "127.0.1.1");
    Address a_udp = a.listen(TransportKind::udp, "127.0.1.1");
    a.transport.send(request("SIP/2.0/TCP " + a_edge.to_string() + ";branch=z9hG4bKp"),
                     Flow{TransportKind::tcp, a_edge, b_edge, 0});
    ASSERT_TRUE(run_until(io, [&] { return b.received.size() == 1; }));
    // Left in flight: a connect, a write and a datagram.
    a.transport.send(request("SIP/2.0/TCP " + a_edge.to_string() + ";branch=z9hG4bKq"),
                     Flow{TransportKind::tcp, a_edge, b_edge, 0});
    a.transport.send(request("SIP/2.0/TCP " + a_edge.to_string() + ";branch=z9hG4bKr"),
                     Flow{TransportKind::tcp, a_edge, {"127.0.0.3", b_edge.port}, 0});
    a.transport.send(request("SIP/2.0/UDP " + a_udp.to_string() + ";branch=z9hG4bKs"),
                     Flow{TransportKind::udp, a_udp, {"127.0.0.1", 9}, 0});
  }
  run_for(io, 50ms);
  ASSERT_TRUE(run_until(io, [&] { return b.transport.connection_count() == 0; }));
}

// --- listen() ------------------------------------------------------------------------------

TEST(Listen, ErrorsAreValues) {
  asio::io_context io;
  Transport transport(io);
  EXPECT_FALSE(transport.listen(TransportKind::udp, {"not-an-ip", 0}));
  EXPECT_FALSE(transport.listen(TransportKind::tls, {"127.0.0.1", 0}));  // no certificate yet
  auto bound = transport.listen(TransportKind::udp, {"127.0.0.1", 0});
  ASSERT_TRUE(bound);
  EXPECT_NE(bound->port, 0);
  auto again = transport.listen(TransportKind::udp, *bound);
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find(bound->to_string()), std::string::npos);
  EXPECT_FALSE(transport.use_tls({"/nonexistent/cert.pem", "/nonexistent/key.pem", "", false}));
}

// --- AsioTimers ------------------------------------------------------------------------------

TEST(AsioTimers, FireInDeadlineOrderAndStopCancels) {
  asio::io_context io;
  AsioTimers timers(io);
  std::vector<int> fired;
  timers.start(60ms, [&] { fired.push_back(60); });
  timers.start(20ms, [&] { fired.push_back(20); });
  auto stopped = timers.start(40ms, [&] { fired.push_back(40); });
  timers.start(40ms, [&] {
    fired.push_back(41);
    timers.start(0ms, [&] { fired.push_back(42); });  // started from a callback
  });
  timers.stop(stopped);
  timers.stop(stopped);  // harmless twice
  ASSERT_TRUE(run_until(io, [&] { return fired.size() == 4; }));
  EXPECT_EQ(fired, (std::vector<int>{20, 41, 42, 60}));
  EXPECT_EQ(timers.pending(), 0u);
}

TEST(AsioTimers, ThousandsOfTimersStartAndStopCheaply) {
  asio::io_context io;
  AsioTimers timers(io);
  int fired = 0;
  std::vector<Timers::Handle> handles;
  for (int i = 0; i < 5000; ++i)
    handles.push_back(timers.start(std::chrono::milliseconds(10 + i % 50), [&] { ++fired; }));
  for (std::size_t i = 0; i < handles.size(); i += 2) timers.stop(handles[i]);
  ASSERT_TRUE(run_until(io, [&] { return fired == 2500; }));
  run_for(io, 30ms);
  EXPECT_EQ(fired, 2500);
}

TEST(AsioTimers, DestroyedWithPendingTimersIsSafe) {
  asio::io_context io;
  bool fired = false;
  {
    AsioTimers timers(io);
    timers.start(1ms, [&] { fired = true; });
  }
  run_for(io, 20ms);
  EXPECT_FALSE(fired);
}

}  // namespace
}  // namespace sipref::sip
