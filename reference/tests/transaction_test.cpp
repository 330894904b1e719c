// RFC 3261 §17 transaction layer (with RFC 6026): one group per section, each case naming the
// requirement it checks. Every scenario runs on a fake clock and must end with nothing left alive.
#include "sip/transaction.h"

#include <gtest/gtest.h>

#include <cctype>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace sipref::sip {
namespace {

using Times = std::vector<std::int64_t>;
using Lines = std::vector<std::string>;

const Flow kUdp{TransportKind::udp, {"127.0.1.1", 5060}, {"10.0.0.2", 5060}, 0};
const Flow kTcp{TransportKind::tcp, {"127.0.1.1", 5060}, {"10.0.0.2", 5060}, 7};

std::string_view name(TransactionFailure why) {
  switch (why) {
    case TransactionFailure::timeout:
      return "timeout";
    case TransactionFailure::transport_error:
      return "transport_error";
    case TransactionFailure::no_ack:
      return "no_ack";
  }
  return "?";
}

// Everything the layer does, below (sends) and above (TU callbacks), on one time line.
struct Entry {
  std::int64_t ms = 0;
  std::string what;  // send, request, response, stray, failure
  TransactionId id = 0;
  Message message;
  Flow flow;
  std::string line;  // "1500 send INVITE sip:bob@b.example", "32000 failure #1 timeout"
};

class Recorder final : public MessageSink, public TransactionUser {
 public:
  explicit Recorder(const Timers& clock) : clock_(clock) {}

  void send(const Message& m, const Flow& f) override { record("send", 0, m, f, m.summary()); }
  void on_request(TransactionId id, const Message& m, const Flow& f) override {
    record("request", id, m, f, m.summary());
  }
  void on_response(TransactionId id, const Message& m, const Flow& f) override {
    record("response", id, m, f, m.summary());
  }
  void on_stray_response(const Message& m, const Flow& f) override {
    record("stray", 0, m, f, m.summary());
  }
  void on_failure(TransactionId id, TransactionFailure why) override {
    record("failure", id, Message{}, Flow{}, std::string(name(why)));
  }

  std::vector<Entry> log;
  std::function<void(const Entry&)> hook;  // runs inside the callback: re-entrancy tests

 private:
  void record(std::string what, TransactionId id, const Message& m, const Flow& f,
              const std::string& detail) {
    const auto ms = std::chrono::duration_cast<Duration>(clock_.now().time_since_epoch()).count();
    std::string line = std::to_string(ms) + " " + what;
    if (what != "send" && what != "stray") line += " #" + std::to_string(id);
    log.push_back({ms, std::move(what), id, m, f, line + " " + detail});
    if (hook) hook(log.back());
  }
  const Timers& clock_;
};

Lines header_lines(const Message& m) {
  Lines out;
  for (const auto& h : m.headers()) out.push_back(h.name + ": " + h.value);
  return out;
}

Message outgoing(const std::string& method, int cseq) {
  Message m = Message::request(method, "sip:bob@b.example");
  m.add("Route", "<sip:proxy1.example;lr>");
  m.add("Route", "<sip:proxy2.example;lr>");
  m.add("Max-Forwards", "70");
  m.add("From", "\"Alice\" <sip:alice@a.example>;tag=a1");
  m.add("To", "<sip:bob@b.example>");
  m.add("Call-ID", "call-1@a.example");
  m.add("CSeq", std::to_string(cseq) + " " + method);
  m.add("Contact", "<sip:alice@127.0.1.1:5060>");
  return m;
}

// A request from the peer. ACK and CANCEL share the INVITE's CSeq number.
Message incoming(const std::string& method, const std::string& via_params = ";branch=z9hG4bKpeer1",
                 const std::string& sent_by = "10.0.0.2:5060", const std::string& to_tag = "") {
  Message m = Message::request(method, "sip:bob@127.0.1.1");
  m.add("Via", "SIP/2.0/UDP " + sent_by + via_params);
  m.add("Via", "SIP/2.0/UDP 10.9.9.9:5060;branch=z9hG4bKupstream");
  m.add("Max-Forwards", "70");
  m.add("From", "<sip:carol@c.example>;tag=c1");
  m.add("To", "<sip:bob@127.0.1.1>" + (to_tag.empty() ? "" : ";tag=" + to_tag));
  m.add("Call-ID", "call-2@c.example");
  m.add("CSeq", "5 " + method);
  return m;
}

// The response a UAS builds (§8.2.6): Vias, From, To (+ tag), Call-ID and CSeq of the request.
Message reply(const Message& request, int status, const std::string& to_tag = "b1") {
  Message r = Message::response(status, "");
  for (auto via : request.all("Via")) r.add("Via", std::string(via));
  r.add("From", std::string(*request.header("From")));
  std::string to(*request.header("To"));
  if (status != 100 && to.find(";tag=") == std::string::npos) to += ";tag=" + to_tag;
  r.add("To", to);
  r.add("Call-ID", std::string(*request.header("Call-ID")));
  r.add("CSeq", std::string(*request.header("CSeq")));
  return r;
}

class TransactionTest : public ::testing::Test {
 protected:
  void TearDown() override {
    timers_.advance(std::chrono::minutes(5));
    EXPECT_EQ(layer_.live_transactions(), 0u) << "a transaction outlived every timer";
    EXPECT_EQ(timers_.pending(), 0u) << "a timer outlived its transaction";
  }

  std::int64_t now_ms() const {
    return std::chrono::duration_cast<Duration>(timers_.now().time_since_epoch()).count();
  }
  void advance_to(std::int64_t ms) { timers_.advance(Duration(ms - now_ms())); }

  // Times at which a message whose summary starts with `prefix` was sent ("INVITE", "486").
  Times send_times(std::string_view prefix) const {
    Times out;
    for (const auto& e : rec_.log)
      if (e.what == "send" && e.message.summary().starts_with(prefix)) out.push_back(e.ms);
    return out;
  }
  const Entry& last_send(std::string_view prefix) const {
    for (auto it = rec_.log.rbegin(); it != rec_.log.rend(); ++it)
      if (it->what == "send" && it->message.summary().starts_with(prefix)) return *it;
    ADD_FAILURE() << "nothing sent starting with " << prefix;
    static const Entry none;
    return none;
  }
  const Message& last_sent(std::string_view prefix) const { return last_send(prefix).message; }
  // The TU's view: every callback, in order.
  Lines tu_lines() const {
    Lines out;
    for (const auto& e : rec_.log)
      if (e.what != "send") out.push_back(e.line);
    return out;
  }
  Lines all_lines() const {
    Lines out;
    for (const auto& e : rec_.log) out.push_back(e.line);
    return out;
  }
  const Message& sent(TransactionId client) const { return *layer_.request_of(client); }

  ManualTimers timers_;
  Recorder rec_{timers_};
  TransactionLayer layer_{timers_, rec_, rec_};
};

// ---------------------------------------------------------------------------------------------
// §17.1.1 client INVITE transaction (+ RFC 6026 Accepted)

// §17.1.1.2: over UDP timer A retransmits at T1, then doubling; timer B (64*T1) times out.
TEST_F(TransactionTest, ClientInviteTimerADoublesUntilTimerB) {
  const TransactionId id = layer_.send_request(outgoing("INVITE", 1), kUdp);
  EXPECT_EQ(layer_.live_transactions(), 1u);
  timers_.advance(Duration(40000));
  EXPECT_EQ(send_times("INVITE"), (Times{0, 500, 1500, 3500, 7500, 15500, 31500}));
  EXPECT_EQ(tu_lines(), (Lines{"32000 failure #" + std::to_string(id) + " timeout"}));
  EXPECT_EQ(layer_.live_transactions(), 0u);
}

// §17.1.1.2: timer A only runs on unreliable transports; timer B always does.
TEST_F(TransactionTest, ClientInviteNoTimerAOnReliableTransport) {
  const TransactionId id = layer_.send_request(outgoing("INVITE", 1), kTcp);
  timers_.advance(Duration(40000));
  EXPECT_EQ(send_times("INVITE"), (Times{0}));
  EXPECT_EQ(tu_lines(), (Lines{"32000 failure #" + std::to_string(id) + " timeout"}));
}

// §17.1.1.2: a provisional moves to Proceeding, which stops A and B and passes it up.
TEST_F(TransactionTest, ClientInviteProvisionalStopsRetransmissions) {
  const TransactionId id = layer_.send_request(outgoing("INVITE", 1), kUdp);
  advance_to(1000);
  layer_.receive(reply(sent(id), 180), kUdp);
  advance_to(100000);
  EXPECT_EQ(send_times("INVITE"), (Times{0, 500}));
  EXPECT_EQ(layer_.live_transactions(), 1u) << "no timer B in Proceeding";
  layer_.receive(reply(sent(id), 486), kUdp);
  EXPECT_EQ(tu_lines(),
            (Lines{"1000 response #1 180 Ringing", "100000 response #1 486 Busy Here"}));
}

// §17.1.1.3: the ACK for a 3xx-6xx is built by the transaction: Request-URI, Call-ID, From and
// CSeq number of the INVITE, the To of the response, the INVITE's top Via and Route headers.
TEST_F(TransactionTest, ClientInviteAcksNonSuccessFinalWithExactHeaders) {
  const TransactionId id = layer_.send_request(outgoing("INVITE", 1), kUdp);
  const std::string top_via(*sent(id).header("Via"));
  Message busy = reply(sent(id), 486, "b7");
  busy.add("Contact", "<sip:bob@10.0.0.2>");  // not for the ACK: it is no dialog request
  layer_.receive(busy, kUdp);

  const Message& ack = last_sent("ACK");
  EXPECT_EQ(ack.request_uri(), "sip:bob@b.example");
  EXPECT_EQ(header_lines(ack), (Lines{
                                   "Via: " + top_via,
                                   "Route: <sip:proxy1.example;lr>",
                                   "Route: <sip:proxy2.example;lr>",
                                   "Max-Forwards: 70",
                                   "From: \"Alice\" <sip:alice@a.example>;tag=a1",
                                   "To: <sip:bob@b.example>;tag=b7",
                                   "Call-ID: call-1@a.example",
                                   "CSeq: 1 ACK",
                               }));
  EXPECT_TRUE(ack.body().empty());
  EXPECT_EQ(last_send("ACK").flow, kUdp) << "the ACK goes where the INVITE went";
  EXPECT_EQ(tu_lines(), (Lines{"0 response #1 486 Busy Here"}));
}

// §17.1.1.2: timer D (32 s on UDP) absorbs retransmitted finals, each ACKed again, none passed up.
TEST_F(TransactionTest, ClientInviteTimerDAbsorbsRetransmittedFinalsOnUdp) {
  const TransactionId id = layer_.send_request(outgoing("INVITE", 1), kUdp);
  const Message busy = reply(sent(id), 486);
  advance_to(200);
  layer_.receive(busy, kUdp);
  advance_to(4000);
  layer_.receive(busy, kUdp);
  EXPECT_EQ(send_times("ACK"), (Times{200, 4000}));
  EXPECT_EQ(tu_lines(), (Lines{"200 response #1 486 Busy Here"}));
  advance_to(32199);
  EXPECT_EQ(layer_.live_transactions(), 1u);
  advance_to(32200);
  EXPECT_EQ(layer_.live_transactions(), 0u);
  layer_.receive(busy, kUdp);
  EXPECT_EQ(tu_lines().back(), "32200 stray 486 Busy Here");
}

// §17.1.1.2: timer D is 0 on reliable transports; the TU can still read the request meanwhile.
TEST_F(TransactionTest, ClientInviteTimerDZeroOnReliable) {
  const TransactionId id = layer_.send_request(outgoing("INVITE", 1), kTcp);
  bool request_visible = false;
  rec_.hook = [&](const Entry& e) {
    if (e.what == "response") request_visible = layer_.request_of(id) != nullptr;
  };
  layer_.receive(reply(sent(id), 603), kTcp);
  EXPECT_TRUE(request_visible) << "request_of() must work while the TU handles the final";
  EXPECT_EQ(send_times("ACK"), (Times{0}));
  EXPECT_EQ(layer_.live_transactions(), 0u);
}

// §17.1.1.2 / RFC 6026 §8.4: a 2xx goes to the TU (which ACKs it, not the transaction), so do
// retransmitted 2xx in Accepted; timer M (64*T1) ends Accepted, after which a 2xx is stray.
TEST_F(TransactionTest, ClientInvite2xxAndItsRetransmissionsGoToTu) {
  const TransactionId id = layer_.send_request(outgoing("INVITE", 1), kUdp);
  const Message ok = reply(sent(id), 200);
  advance_to(100);
  layer_.receive(ok, kUdp);
  advance_to(600);
  layer_.receive(ok, kUdp);
  advance_to(32099);
  EXPECT_EQ(layer_.live_transactions(), 1u);
  advance_to(32100);
  EXPECT_EQ(layer_.live_transactions(), 0u);
  layer_.receive(ok, kUdp);
  EXPECT_EQ(send_times("ACK"), Times{});
  EXPECT_EQ(send_times("INVITE"), (Times{0}));
  EXPECT_EQ(tu_lines(),
            (Lines{"100 response #1 200 OK", "600 response #1 200 OK", "32100 stray 200 OK"}));
}

// A 2xx after a non-2xx can only come from another fork; the TU gets it to ACK and BYE it.
TEST_F(TransactionTest, ClientInvite2xxInCompletedIsStray) {
  const TransactionId id = layer_.send_request(outgoing("INVITE", 1), kUdp);
  layer_.receive(reply(sent(id), 486), kUdp);
  layer_.receive(reply(sent(id), 200, "other"), kUdp);
  EXPECT_EQ(tu_lines(), (Lines{"0 response #1 486 Busy Here", "0 stray 200 OK"}));
}

// ---------------------------------------------------------------------------------------------
// §17.1.2 client non-INVITE transaction

// §17.1.2.2: timer E starts at T1 and doubles up to T2; timer F (64*T1) times out.
TEST_F(TransactionTest, ClientNonInviteTimerECappedAtT2UntilTimerF) {
  const TransactionId id = layer_.send_request(outgoing("OPTIONS", 2), kUdp);
  timers_.advance(Duration(40000));
  EXPECT_EQ(send_times("OPTIONS"),
            (Times{0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500}));
  EXPECT_EQ(tu_lines(), (Lines{"32000 failure #" + std::to_string(id) + " timeout"}));
}

// §17.1.2.2: after a provisional, timer E fires at T2 intervals; F still runs.
TEST_F(TransactionTest, ClientNonInviteTimerEAfterProvisionalIsT2) {
  const TransactionId id = layer_.send_request(outgoing("OPTIONS", 2), kUdp);
  advance_to(700);
  layer_.receive(reply(sent(id), 100), kUdp);
  advance_to(10000);
  layer_.receive(reply(sent(id), 200), kUdp);
  advance_to(40000);
  EXPECT_EQ(send_times("OPTIONS"), (Times{0, 500, 1500, 5500, 9500}));
  EXPECT_EQ(tu_lines(), (Lines{"700 response #1 100 Trying", "10000 response #1 200 OK"}));
}

// §17.1.2.2: a provisional that never gets a final still ends at timer F.
TEST_F(TransactionTest, ClientNonInviteTimerFAlsoRunsInProceeding) {
  const TransactionId id = layer_.send_request(outgoing("OPTIONS", 2), kUdp);
  layer_.receive(reply(sent(id), 100), kUdp);
  advance_to(40000);
  EXPECT_EQ(send_times("OPTIONS"), (Times{0, 500, 4500, 8500, 12500, 16500, 20500, 24500, 28500}));
  EXPECT_EQ(tu_lines().back(), "32000 failure #1 timeout");
}

// §17.1.2.2: timer K (T4 on UDP) absorbs retransmitted finals.
TEST_F(TransactionTest, ClientNonInviteTimerKAbsorbsRetransmissionsOnUdp) {
  const TransactionId id = layer_.send_request(outgoing("OPTIONS", 2), kUdp);
  const Message ok = reply(sent(id), 200);
  advance_to(300);
  layer_.receive(ok, kUdp);
  advance_to(1000);
  layer_.receive(ok, kUdp);
  EXPECT_EQ(tu_lines(), (Lines{"300 response #1 200 OK"}));
  advance_to(5299);
  EXPECT_EQ(layer_.live_transactions(), 1u);
  advance_to(5300);
  EXPECT_EQ(layer_.live_transactions(), 0u);
  EXPECT_EQ(send_times("OPTIONS"), (Times{0}));
}

// §17.1.2.2: no timer E and a zero timer K on reliable transports.
TEST_F(TransactionTest, ClientNonInviteReliableHasNoEAndZeroK) {
  const TransactionId id = layer_.send_request(outgoing("OPTIONS", 2), kTcp);
  advance_to(3000);
  layer_.receive(reply(sent(id), 404), kTcp);
  EXPECT_EQ(layer_.live_transactions(), 0u);
  EXPECT_EQ(send_times("OPTIONS"), (Times{0}));
  EXPECT_EQ(tu_lines(), (Lines{"3000 response #1 404 Not Found"}));
}

// ---------------------------------------------------------------------------------------------
// §17.2.1 server INVITE transaction (+ RFC 6026 Accepted)

// §17.2.1, §8.2.6.1: 100 Trying goes out at once, before the TU sees the INVITE; it copies Vias,
// From, To (no tag), Call-ID, CSeq and Timestamp.
TEST_F(TransactionTest, ServerInviteSends100TryingBeforeTu) {
  Message invite = incoming("INVITE");
  invite.add("Timestamp", "54.3");
  layer_.receive(invite, kUdp);
  EXPECT_EQ(all_lines(), (Lines{"0 send 100 Trying", "0 request #1 INVITE sip:bob@127.0.1.1"}));
  EXPECT_EQ(header_lines(rec_.log[0].message),
            (Lines{"Via: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bKpeer1",
                   "Via: SIP/2.0/UDP 10.9.9.9:5060;branch=z9hG4bKupstream",
                   "From: <sip:carol@c.example>;tag=c1", "To: <sip:bob@127.0.1.1>",
                   "Call-ID: call-2@c.example", "CSeq: 5 INVITE", "Timestamp: 54.3"}));
  EXPECT_EQ(rec_.log[0].flow, kUdp);
  ASSERT_TRUE(layer_.respond(1, reply(invite, 480)));
}

// §17.2.1: a retransmitted INVITE is absorbed and answered with the last response sent.
TEST_F(TransactionTest, ServerInviteRetransmissionGetsLastResponse) {
  const Message invite = incoming("INVITE");
  layer_.receive(invite, kUdp);
  advance_to(100);
  layer_.receive(invite, kUdp);
  ASSERT_TRUE(layer_.respond(1, reply(invite, 180)));
  advance_to(200);
  layer_.receive(invite, kUdp);
  ASSERT_TRUE(layer_.respond(1, reply(invite, 486)));
  advance_to(300);
  layer_.receive(invite, kUdp);
  layer_.receive(incoming("ACK", ";branch=z9hG4bKpeer1", "10.0.0.2:5060", "b1"), kUdp);
  EXPECT_EQ(all_lines(),
            (Lines{"0 send 100 Trying", "0 request #1 INVITE sip:bob@127.0.1.1",
                   "100 send 100 Trying", "100 send 180 Ringing", "200 send 180 Ringing",
                   "200 send 486 Busy Here", "300 send 486 Busy Here"}));
}

// §17.2.1: timer G retransmits a non-2xx final (T1 doubling, capped at T2) until timer H
// (64*T1) gives up on the ACK.
TEST_F(TransactionTest, ServerInviteTimerGUntilTimerH) {
  const Message invite = incoming("INVITE");
  layer_.receive(invite, kUdp);
  ASSERT_TRUE(layer_.respond(1, reply(invite, 486)));
  timers_.advance(Duration(40000));
  EXPECT_EQ(send_times("486"),
            (Times{0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500}));
  EXPECT_EQ(tu_lines().back(), "32000 failure #1 no_ack");
  EXPECT_EQ(layer_.live_transactions(), 0u);
}

// §17.2.1: the ACK stops G and H; timer I (T4 on UDP) absorbs retransmitted ACKs.
TEST_F(TransactionTest, ServerInviteAckThenTimerIAbsorbsAcksOnUdp) {
  const Message invite = incoming("INVITE");
  const Message ack = incoming("ACK", ";branch=z9hG4bKpeer1", "10.0.0.2:5060", "b1");
  layer_.receive(invite, kUdp);
  ASSERT_TRUE(layer_.respond(1, reply(invite, 486)));
  advance_to(600);
  layer_.receive(ack, kUdp);
  advance_to(1000);
  layer_.receive(ack, kUdp);
  layer_.receive(invite, kUdp);  // absorbed silently in Confirmed
  advance_to(5599);
  EXPECT_EQ(layer_.live_transactions(), 1u);
  advance_to(5600);
  EXPECT_EQ(layer_.live_transactions(), 0u);
  EXPECT_EQ(send_times("486"), (Times{0, 500}));
  EXPECT_EQ(tu_lines(), (Lines{"0 request #1 INVITE sip:bob@127.0.1.1"}));
}

// §17.2.1: on reliable transports no timer G, and timer I is 0.
TEST_F(TransactionTest, ServerInviteReliableNoGAndZeroI) {
  const Message invite = incoming("INVITE");
  layer_.receive(invite, kTcp);
  ASSERT_TRUE(layer_.respond(1, reply(invite, 486)));
  advance_to(10000);
  layer_.receive(incoming("ACK", ";branch=z9hG4bKpeer1", "10.0.0.2:5060", "b1"), kTcp);
  EXPECT_EQ(layer_.live_transactions(), 0u);
  EXPECT_EQ(send_times("486"), (Times{0}));
}

// §17.2.1: timer H runs on reliable transports too.
TEST_F(TransactionTest, ServerInviteTimerHOnReliable) {
  const Message invite = incoming("INVITE");
  layer_.receive(invite, kTcp);
  ASSERT_TRUE(layer_.respond(1, reply(invite, 500)));
  advance_to(40000);
  EXPECT_EQ(send_times("500"), (Times{0}));
  EXPECT_EQ(tu_lines().back(), "32000 failure #1 no_ack");
}

// RFC 6026 §7.1: a 2xx moves to Accepted: retransmitted INVITEs are absorbed silently, the TU's
// own 2xx retransmissions still go out, the ACK (its own branch) reaches the TU with id 0, and
// timer L (64*T1) ends it.
TEST_F(TransactionTest, ServerInvite2xxMovesToAccepted) {
  const Message invite = incoming("INVITE");
  layer_.receive(invite, kUdp);
  ASSERT_TRUE(layer_.respond(1, reply(invite, 200)));
  advance_to(500);
  layer_.receive(invite, kUdp);
  ASSERT_TRUE(layer_.respond(1, reply(invite, 200)));
  EXPECT_FALSE(layer_.respond(1, reply(invite, 486)));
  advance_to(700);
  layer_.receive(incoming("ACK", ";branch=z9hG4bKack2xx", "10.0.0.2:5060", "b1"), kUdp);
  advance_to(31999);
  EXPECT_EQ(layer_.live_transactions(), 1u);
  advance_to(32000);
  EXPECT_EQ(layer_.live_transactions(), 0u);
  EXPECT_FALSE(layer_.respond(1, reply(invite, 200)));
  EXPECT_EQ(send_times("200"), (Times{0, 500}));
  EXPECT_EQ(tu_lines(), (Lines{"0 request #1 INVITE sip:bob@127.0.1.1",
                               "700 request #0 ACK sip:bob@127.0.1.1"}));
}

// RFC 6026 §7.1: an ACK that does match in Accepted (a peer reusing the INVITE's branch) is the
// 2xx's ACK all the same: it goes to the TU.
TEST_F(TransactionTest, ServerInviteAckMatchingInAcceptedGoesToTu) {
  const Message invite = incoming("INVITE");
  layer_.receive(invite, kUdp);
  ASSERT_TRUE(layer_.respond(1, reply(invite, 200)));
  layer_.receive(incoming("ACK", ";branch=z9hG4bKpeer1", "10.0.0.2:5060", "b1"), kUdp);
  EXPECT_EQ(tu_lines().back(), "0 request #0 ACK sip:bob@127.0.1.1");
}

// ---------------------------------------------------------------------------------------------
// §17.2.2 server non-INVITE transaction

// §17.2.2: Trying absorbs retransmissions silently; Proceeding and Completed answer with the last
// response; timer J (64*T1 on UDP) ends Completed.
TEST_F(TransactionTest, ServerNonInviteRetransmissionsAndTimerJ) {
  const Message options = incoming("OPTIONS");
  layer_.receive(options, kUdp);
  layer_.receive(options, kUdp);
  ASSERT_TRUE(layer_.respond(1, reply(options, 180)));
  advance_to(100);
  layer_.receive(options, kUdp);
  ASSERT_TRUE(layer_.respond(1, reply(options, 200)));
  advance_to(200);
  layer_.receive(options, kUdp);
  EXPECT_FALSE(layer_.respond(1, reply(options, 200)));
  EXPECT_EQ(all_lines(), (Lines{"0 request #1 OPTIONS sip:bob@127.0.1.1", "0 send 180 Ringing",
                                "100 send 180 Ringing", "100 send 200 OK", "200 send 200 OK"}));
  advance_to(32099);
  EXPECT_EQ(layer_.live_transactions(), 1u);
  advance_to(32100);
  EXPECT_EQ(layer_.live_transactions(), 0u);
}

// §17.2.2: timer J is 0 on reliable transports.
TEST_F(TransactionTest, ServerNonInviteTimerJZeroOnReliable) {
  const Message bye = incoming("BYE");
  layer_.receive(bye, kTcp);
  ASSERT_TRUE(layer_.respond(1, reply(bye, 200)));
  EXPECT_EQ(layer_.live_transactions(), 0u);
}

// respond() refuses what no server transaction can send.
TEST_F(TransactionTest, RespondErrors) {
  EXPECT_FALSE(layer_.respond(42, Message::response(200, "")));
  const TransactionId client = layer_.send_request(outgoing("OPTIONS", 2), kTcp);
  const auto on_client = layer_.respond(client, Message::response(200, ""));
  ASSERT_FALSE(on_client);
  EXPECT_NE(on_client.error().message.find("client transaction"), std::string::npos);
  layer_.receive(incoming("MESSAGE"), kUdp);
  const TransactionId server = rec_.log.back().id;
  EXPECT_FALSE(layer_.respond(server, Message::request("ACK", "sip:x@y")));
  EXPECT_FALSE(layer_.respond(server, Message::response(99, "Nope")));
  ASSERT_TRUE(layer_.respond(server, reply(incoming("MESSAGE"), 202)));
  const auto twice = layer_.respond(server, reply(incoming("MESSAGE"), 202));
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message.find("already sent its final"), std::string::npos);
  layer_.receive(reply(sent(client), 200), kTcp);
}

// ---------------------------------------------------------------------------------------------
// §17.1.3, §17.2.3 matching

// §17.1.3: a response matches by top Via branch and CSeq method; anything else is stray.
TEST_F(TransactionTest, ResponsesMatchByBranchAndCSeqMethod) {
  const TransactionId id = layer_.send_request(outgoing("OPTIONS", 2), kTcp);
  Message wrong_method = reply(sent(id), 200);
  wrong_method.set("CSeq", "2 INFO");
  Message wrong_branch = reply(sent(id), 200);
  wrong_branch.set("Via", "SIP/2.0/TCP 127.0.1.1:5060;branch=z9hG4bKsomeoneelse");
  Message no_via = reply(sent(id), 200);
  no_via.remove("Via");
  layer_.receive(wrong_method, kTcp);
  layer_.receive(wrong_branch, kTcp);
  layer_.receive(no_via, kTcp);
  layer_.receive(reply(sent(id), 200), kTcp);
  EXPECT_EQ(tu_lines(),
            (Lines{"0 stray 200 OK", "0 stray 200 OK", "0 stray 200 OK", "0 response #1 200 OK"}));
}

// §17.2.3: the same branch from another sent-by is another transaction; so is another method.
TEST_F(TransactionTest, RequestsMatchByBranchSentByAndMethod) {
  layer_.receive(incoming("INVITE"), kUdp);
  layer_.receive(incoming("INVITE", ";branch=z9hG4bKpeer1", "10.0.0.3:5060"), kUdp);
  layer_.receive(incoming("INFO"), kUdp);
  EXPECT_EQ(tu_lines(),
            (Lines{"0 request #1 INVITE sip:bob@127.0.1.1", "0 request #2 INVITE sip:bob@127.0.1.1",
                   "0 request #3 INFO sip:bob@127.0.1.1"}));
  for (TransactionId id : {1, 2}) ASSERT_TRUE(layer_.respond(id, reply(incoming("INVITE"), 200)));
  ASSERT_TRUE(layer_.respond(3, reply(incoming("INFO"), 200)));
}

// §17.2.3: an ACK matching no transaction (the ACK for a 2xx) goes to the TU with id 0.
TEST_F(TransactionTest, UnmatchedAckGoesToTuWithIdZero) {
  layer_.receive(incoming("ACK", ";branch=z9hG4bKnew", "10.0.0.2:5060", "b1"), kUdp);
  EXPECT_EQ(tu_lines(), (Lines{"0 request #0 ACK sip:bob@127.0.1.1"}));
  EXPECT_EQ(layer_.live_transactions(), 0u);
}

// §9.2, §17.2.3: a CANCEL is its own transaction; find_cancelled_invite finds the INVITE by the
// same branch and sent-by; its final 487 is then ACKed within the INVITE transaction.
TEST_F(TransactionTest, IncomingCancelIsItsOwnTransactionAndFindsTheInvite) {
  const Message invite = incoming("INVITE");
  const Message cancel = incoming("CANCEL");
  layer_.receive(invite, kUdp);
  layer_.receive(cancel, kUdp);
  EXPECT_EQ(tu_lines().back(), "0 request #2 CANCEL sip:bob@127.0.1.1");
  EXPECT_EQ(layer_.find_cancelled_invite(cancel), 1u);
  EXPECT_EQ(layer_.find_cancelled_invite(incoming("CANCEL", ";branch=z9hG4bKother")), 0u);
  EXPECT_EQ(
      layer_.find_cancelled_invite(incoming("CANCEL", ";branch=z9hG4bKpeer1", "10.0.0.9:5060")),
      0u);
  ASSERT_TRUE(layer_.respond(2, reply(cancel, 200)));
  ASSERT_TRUE(layer_.respond(1, reply(invite, 487)));
  layer_.receive(cancel, kUdp);  // retransmitted CANCEL: the CANCEL transaction answers
  layer_.receive(incoming("ACK", ";branch=z9hG4bKpeer1", "10.0.0.2:5060", "b1"), kUdp);
  EXPECT_EQ(send_times("200"), (Times{0, 0}));
  EXPECT_EQ(send_times("487"), (Times{0}));
  EXPECT_EQ(tu_lines().size(), 2u) << "the ACK for the 487 stays in the transaction";
}

// §17.2.3: without the magic cookie, RFC 2543 matching (Request-URI, Call-ID, From tag, CSeq,
// top Via) applies, and the ACK for a non-2xx (To tag added) still matches.
TEST_F(TransactionTest, Rfc2543RequestsMatchWithoutBranch) {
  const Message invite = incoming("INVITE", "");
  layer_.receive(invite, kUdp);
  layer_.receive(invite, kUdp);
  EXPECT_EQ(layer_.find_cancelled_invite(incoming("CANCEL", "")), 1u);
  ASSERT_TRUE(layer_.respond(1, reply(invite, 486)));
  layer_.receive(incoming("ACK", "", "10.0.0.2:5060", "b1"), kUdp);
  advance_to(10000);
  EXPECT_EQ(send_times("486"), (Times{0}));
  EXPECT_EQ(send_times("100"), (Times{0, 0}));
  EXPECT_EQ(tu_lines(), (Lines{"0 request #1 INVITE sip:bob@127.0.1.1"}));
}

// ---------------------------------------------------------------------------------------------
// §9.1 CANCEL (client side)

// §9.1: a CANCEL waits for a provisional; it carries the INVITE's Request-URI, Call-ID, From, To
// (no tag), CSeq number and top Via, and the INVITE's Route headers.
TEST_F(TransactionTest, CancelDeferredUntilProvisionalWithExactHeaders) {
  const TransactionId invite = layer_.send_request(outgoing("INVITE", 1), kUdp);
  const std::string top_via(*sent(invite).header("Via"));
  advance_to(100);
  const TransactionId cancel = layer_.cancel(invite);
  EXPECT_NE(cancel, 0u);
  EXPECT_EQ(layer_.cancel(invite), cancel) << "cancelling twice is the same CANCEL";
  advance_to(800);
  EXPECT_EQ(send_times("CANCEL"), Times{});
  layer_.receive(reply(sent(invite), 180), kUdp);
  EXPECT_EQ(send_times("CANCEL"), (Times{800}));
  const Message& sent_cancel = last_sent("CANCEL");
  EXPECT_EQ(sent_cancel.request_uri(), "sip:bob@b.example");
  EXPECT_EQ(
      header_lines(sent_cancel),
      (Lines{"Via: " + top_via, "Route: <sip:proxy1.example;lr>", "Route: <sip:proxy2.example;lr>",
             "Max-Forwards: 70", "From: \"Alice\" <sip:alice@a.example>;tag=a1",
             "To: <sip:bob@b.example>", "Call-ID: call-1@a.example", "CSeq: 1 CANCEL"}));
  advance_to(900);
  layer_.receive(reply(sent_cancel, 200), kUdp);
  layer_.receive(reply(sent(invite), 487), kUdp);
  EXPECT_EQ(send_times("ACK"), (Times{900}));
  EXPECT_EQ(tu_lines(), (Lines{"800 response #1 180 Ringing", "900 response #2 200 OK",
                               "900 response #1 487 Request Terminated"}));
}

// §9.1: if the final response comes before any provisional, the CANCEL is never sent.
TEST_F(TransactionTest, CancelNotSentWhenFinalComesFirst) {
  const TransactionId invite = layer_.send_request(outgoing("INVITE", 1), kUdp);
  EXPECT_NE(layer_.cancel(invite), 0u);
  advance_to(200);
  layer_.receive(reply(sent(invite), 486), kUdp);
  EXPECT_EQ(layer_.cancel(invite), 0u) << "no longer pending";
  advance_to(60000);
  EXPECT_EQ(send_times("CANCEL"), Times{});
}

// §9.1: once a provisional came, CANCEL goes at once; without a final 64*T1 later the INVITE
// transaction is given up. The CANCEL is a non-INVITE transaction (timer E, K).
TEST_F(TransactionTest, CancelInProceedingAndInviteGivenUp64T1Later) {
  const TransactionId invite = layer_.send_request(outgoing("INVITE", 1), kUdp);
  layer_.receive(reply(sent(invite), 183), kUdp);
  advance_to(1000);
  const TransactionId cancel = layer_.cancel(invite);
  EXPECT_EQ(send_times("CANCEL"), (Times{1000}));
  advance_to(1700);
  layer_.receive(reply(last_sent("CANCEL"), 200), kUdp);
  advance_to(40000);
  EXPECT_EQ(send_times("CANCEL"), (Times{1000, 1500}));
  EXPECT_EQ(tu_lines(), (Lines{"0 response #1 183 Session Progress",
                               "1700 response #" + std::to_string(cancel) + " 200 OK",
                               "33000 failure #1 timeout"}));
}

TEST_F(TransactionTest, CancelOfUnknownOrNonInviteIsZero) {
  EXPECT_EQ(layer_.cancel(99), 0u);
  const TransactionId options = layer_.send_request(outgoing("OPTIONS", 2), kTcp);
  EXPECT_EQ(layer_.cancel(options), 0u);
  layer_.receive(reply(sent(options), 200), kTcp);
}

// ---------------------------------------------------------------------------------------------
// §17.1.4, §17.2.4 transport errors

// §17.1.4: every client transaction on the failed flow fails with transport_error; others live.
TEST_F(TransactionTest, TransportErrorFailsClientTransactionsOnThatFlowOnly) {
  Flow other = kUdp;
  other.remote.ip = "10.0.0.3";
  const TransactionId invite = layer_.send_request(outgoing("INVITE", 1), kUdp);
  const TransactionId options = layer_.send_request(outgoing("OPTIONS", 2), kUdp);
  const TransactionId elsewhere = layer_.send_request(outgoing("OPTIONS", 3), other);
  advance_to(100);
  layer_.on_transport_error(kUdp);
  EXPECT_EQ(tu_lines(), (Lines{"100 failure #" + std::to_string(invite) + " transport_error",
                               "100 failure #" + std::to_string(options) + " transport_error"}));
  EXPECT_EQ(layer_.live_transactions(), 1u);
  layer_.receive(reply(sent(elsewhere), 200), other);
}

// A stream flow reported with its connection id matches a transaction sent with id 0 ("new").
TEST_F(TransactionTest, TransportErrorMatchesAnyConnectionWhenUnset) {
  Flow fresh = kTcp;
  fresh.connection = 0;
  layer_.send_request(outgoing("INVITE", 1), fresh);
  Flow other_connection = kTcp;
  other_connection.connection = 8;
  layer_.receive(incoming("INVITE"), other_connection);
  layer_.on_transport_error(kTcp);
  EXPECT_EQ(tu_lines(),
            (Lines{"0 request #2 INVITE sip:bob@127.0.1.1", "0 failure #1 transport_error"}));
  ASSERT_TRUE(layer_.respond(2, reply(incoming("INVITE"), 200)));
}

// §17.2.4: server transactions that cannot send end; the TU hears of it while it still owes a
// final response.
TEST_F(TransactionTest, TransportErrorTerminatesServerTransactions) {
  const Message info = incoming("INFO", ";branch=z9hG4bKinfo");
  layer_.receive(incoming("INVITE"), kUdp);
  layer_.receive(info, kUdp);
  ASSERT_TRUE(layer_.respond(2, reply(info, 200)));  // Completed, lingering in timer J
  layer_.on_transport_error(kUdp);
  EXPECT_EQ(layer_.live_transactions(), 0u);
  EXPECT_EQ(tu_lines().back(), "0 failure #1 transport_error");
  EXPECT_EQ(tu_lines().size(), 3u);
  EXPECT_FALSE(layer_.respond(1, reply(incoming("INVITE"), 486)));
}

// A transport that reports the failure from inside send() (re-entrantly) is safe.
TEST_F(TransactionTest, TransportErrorFromInsideSend) {
  rec_.hook = [&](const Entry& e) {
    if (e.what == "send") layer_.on_transport_error(e.flow);
  };
  const TransactionId id = layer_.send_request(outgoing("INVITE", 1), kUdp);
  EXPECT_EQ(tu_lines(), (Lines{"0 failure #" + std::to_string(id) + " transport_error"}));
  EXPECT_EQ(layer_.live_transactions(), 0u);
  EXPECT_EQ(timers_.pending(), 0u);
}

// The same for a server transaction whose final response cannot be sent.
TEST_F(TransactionTest, TransportErrorFromInsideSendOfAFinalResponse) {
  rec_.hook = [&](const Entry& e) {
    if (e.what == "send" && e.message.status() >= 200) layer_.on_transport_error(e.flow);
  };
  Flow other = kUdp;  // a flow of its own, so the first failure leaves it alone
  other.remote.ip = "10.0.0.3";
  const Message invite = incoming("INVITE");
  const Message info = incoming("INFO", ";branch=z9hG4bKinfo", "10.0.0.3:5060");
  layer_.receive(invite, kUdp);
  layer_.receive(info, other);
  ASSERT_TRUE(layer_.respond(1, reply(invite, 486)));
  EXPECT_EQ(layer_.live_transactions(), 1u);
  ASSERT_TRUE(layer_.respond(2, reply(info, 200)));
  EXPECT_EQ(layer_.live_transactions(), 0u);
  EXPECT_EQ(timers_.pending(), 0u);
}

// ---------------------------------------------------------------------------------------------
// §8.1.1.7, §18.1.1 Via, branch and tokens

// send_request adds the top Via for the flow's local address and transport, with rport.
TEST_F(TransactionTest, SendRequestAddsTopVia) {
  const TransactionId udp = layer_.send_request(outgoing("OPTIONS", 2), kUdp);
  Flow v6 = kTcp;
  v6.local = {"::1", 5070};
  const TransactionId tcp = layer_.send_request(outgoing("OPTIONS", 3), v6);
  const std::string udp_via(*sent(udp).header("Via"));
  const std::string tcp_via(*sent(tcp).header("Via"));
  EXPECT_EQ(sent(udp).headers().front().name, "Via");
  EXPECT_TRUE(udp_via.starts_with("SIP/2.0/UDP 127.0.1.1:5060;rport;branch=z9hG4bK")) << udp_via;
  EXPECT_TRUE(tcp_via.starts_with("SIP/2.0/TCP [::1]:5070;rport;branch=z9hG4bK")) << tcp_via;
  EXPECT_NE(udp_via.substr(udp_via.find("branch=")), tcp_via.substr(tcp_via.find("branch=")));
  EXPECT_EQ(sent(udp).count("Via"), 1u);
  layer_.receive(reply(sent(udp), 200), kUdp);
  layer_.receive(reply(sent(tcp), 200), v6);
}

// §13.2.2.4: the ACK for a 2xx goes outside any transaction, with a fresh branch.
TEST_F(TransactionTest, SendStatelessCreatesNoTransaction) {
  layer_.send_stateless(outgoing("ACK", 1), kUdp);
  EXPECT_EQ(layer_.send_request(outgoing("ACK", 1), kUdp), 0u);
  EXPECT_EQ(layer_.live_transactions(), 0u);
  ASSERT_EQ(send_times("ACK"), (Times{0, 0}));
  const std::string first(*rec_.log[0].message.header("Via"));
  const std::string second(*rec_.log[1].message.header("Via"));
  EXPECT_TRUE(first.starts_with("SIP/2.0/UDP 127.0.1.1:5060;rport;branch=z9hG4bK"));
  EXPECT_NE(first, second);
  timers_.advance(Duration(60000));
  EXPECT_EQ(send_times("ACK").size(), 2u) << "stateless: never retransmitted";
}

TEST(TransactionTokens, BranchHasMagicCookieAndIsUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    const std::string branch = make_branch();
    ASSERT_TRUE(branch.starts_with("z9hG4bK")) << branch;
    ASSERT_TRUE(seen.insert(branch).second) << "duplicate " << branch;
  }
}

TEST(TransactionTokens, RandomTokenIsHexOfTheLengthAsked) {
  for (std::size_t length : {1u, 7u, 16u, 32u}) {
    const std::string token = random_token(length);
    EXPECT_EQ(token.size(), length);
    for (char c : token)
      EXPECT_TRUE(std::isxdigit(static_cast<unsigned char>(c)) && !std::isupper(c));
  }
}

TEST(TransactionTokens, RandomTokenIsThreadSafe) {
  std::mutex mutex;
  std::set<std::string> seen;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      std::vector<std::string> mine;
      for (int i = 0; i < 2000; ++i) mine.push_back(random_token());
      std::lock_guard lock(mutex);
      seen.insert(mine.begin(), mine.end());
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(seen.size(), 8000u);
}

// A destroyed layer leaves no timer behind to call into it.
TEST(TransactionLifetime, DestroyingTheLayerStopsItsTimers) {
  ManualTimers timers;
  Recorder recorder(timers);
  {
    TransactionLayer layer(timers, recorder, recorder);
    layer.send_request(outgoing("INVITE", 1), kUdp);
    layer.receive(incoming("OPTIONS"), kUdp);
    EXPECT_GT(timers.pending(), 0u);
  }
  EXPECT_EQ(timers.pending(), 0u);
  timers.advance(Duration(60000));
}

// Timer values come from TransactionTimers (here T1 = 100 ms, T2 = 400 ms).
TEST(TransactionConfig, TimersFollowConfiguredValues) {
  ManualTimers timers;
  Recorder recorder(timers);
  TransactionLayer layer(timers, recorder, recorder,
                         {Duration(100), Duration(400), Duration(1000)});
  layer.send_request(outgoing("OPTIONS", 2), kUdp);
  timers.advance(Duration(10000));
  Times sends;
  for (const auto& e : recorder.log)
    if (e.what == "send") sends.push_back(e.ms);
  EXPECT_EQ(sends, (Times{0, 100, 300, 700, 1100, 1500, 1900, 2300, 2700, 3100, 3500, 3900, 4300,
                          4700, 5100, 5500, 5900, 6300}));
  EXPECT_EQ(recorder.log.back().line, "6400 failure #1 timeout");
  EXPECT_EQ(layer.live_transactions(), 0u);
}

}  // namespace
}  // namespace sipref::sip
