// Dialog layer (RFC 3261 §12, §13.2.2.4, §13.3.1.4) and UAS responses (§8.2.6): one group per
// section, each case naming the requirement it checks.
#include "sip/dialog.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <vector>

#include "sip/dialog_table.h"
#include "sip/invite_2xx_retransmitter.h"
#include "sip/response.h"
#include "sip/timers.h"

namespace sipref::sip {
namespace {

using namespace std::chrono_literals;
using Headers = std::vector<std::pair<std::string, std::string>>;

Message with(Message m, const Headers& headers) {
  for (const auto& [name, value] : headers) m.add(name, value);
  return m;
}

// Alice (us, UAC) calls Bob through proxies p1 (next to us) and p2 (next to Bob).
Message alice_invite() {
  return with(Message::request("INVITE", "sip:bob@biloxi.example.com"),
              {{"Via", "SIP/2.0/UDP 127.0.1.1:5060;branch=z9hG4bKa1"},
               {"Max-Forwards", "70"},
               {"From", "\"Alice\" <sip:alice@atlanta.example.com>;tag=a1"},
               {"To", "<sip:bob@biloxi.example.com>"},
               {"Call-ID", "call-1@127.0.1.1"},
               {"CSeq", "314159 INVITE"},
               {"Contact", "<sip:alice@127.0.1.1:5060>"}});
}

// Bob's response as it reaches Alice: Record-Route in the order the proxies left it (p2, p1).
Message bob_response(int status, std::string contact = "<sip:bob@192.0.2.4>",
                     std::string p1 = "<sip:p1.example.com;lr>") {
  Message r = with(Message::response(status, ""),
                   {{"Via", "SIP/2.0/UDP 127.0.1.1:5060;branch=z9hG4bKa1"},
                    {"Record-Route", "<sip:p2.example.com;lr>"},
                    {"Record-Route", p1},
                    {"From", "\"Alice\" <sip:alice@atlanta.example.com>;tag=a1"},
                    {"To", "<sip:bob@biloxi.example.com>;tag=b1"},
                    {"Call-ID", "call-1@127.0.1.1"},
                    {"CSeq", "314159 INVITE"}});
  if (!contact.empty()) r.add("Contact", contact);
  return r;
}

// Carol calls us (UAS) through proxies q1, q2.
Message carol_invite() {
  return with(Message::request("INVITE", "sip:sipref@127.0.1.1"),
              {{"Via", "SIP/2.0/UDP q2.example.com;branch=z9hG4bKq2"},
               {"Via", "SIP/2.0/UDP 10.0.0.9:5070;branch=z9hG4bKc1;received=10.0.0.9"},
               {"Record-Route", "<sip:q2.example.com;lr>"},
               {"Record-Route", "<sip:q1.example.com;lr>"},
               {"From", "<sip:carol@chicago.example.com>;tag=c1"},
               {"To", "<sip:sipref@127.0.1.1>"},
               {"Call-ID", "call-2@10.0.0.9"},
               {"CSeq", "100 INVITE"},
               {"Contact", "<sip:carol@10.0.0.9:5070>"}});
}

Dialog uas_dialog() {
  return *Dialog::create_uas(carol_invite(), "s1", "sip:sipref@127.0.1.1:5060");
}

// A request Carol sends in her dialog with us.
Message from_carol(std::string method, std::uint32_t cseq, std::string contact = {}) {
  Message m = with(Message::request(method, "sip:sipref@127.0.1.1:5060"),
                   {{"From", "<sip:carol@chicago.example.com>;tag=c1"},
                    {"To", "<sip:sipref@127.0.1.1>;tag=s1"},
                    {"Call-ID", "call-2@10.0.0.9"},
                    {"CSeq", std::to_string(cseq) + " " + method}});
  if (!contact.empty()) m.add("Contact", contact);
  return m;
}

std::vector<std::string> values(const Message& m, std::string_view name) {
  std::vector<std::string> out;
  for (auto v : m.all(name)) out.emplace_back(v);
  return out;
}

// ---- §12: dialog identity ----

TEST(DialogId, EqualityHashAndExtractionFromBothDirections) {
  DialogId a{"c", "l", "r"};
  EXPECT_EQ(a, (DialogId{"c", "l", "r"}));
  EXPECT_NE(a, (DialogId{"c", "r", "l"}));
  EXPECT_EQ(std::hash<DialogId>{}(a), std::hash<DialogId>{}(DialogId{"c", "l", "r"}));
  EXPECT_NE(std::hash<DialogId>{}(a), std::hash<DialogId>{}(DialogId{"c", "r", "l"}));
  // An incoming request: our tag is in To. A response to us: our tag is in From.
  EXPECT_EQ(dialog_id_of_request(from_carol("BYE", 101)),
            (DialogId{"call-2@10.0.0.9", "s1", "c1"}));
  EXPECT_EQ(dialog_id_of_response(bob_response(180)), (DialogId{"call-1@127.0.1.1", "a1", "b1"}));
  EXPECT_EQ(dialog_id_of_request(carol_invite()), std::nullopt);  // no To tag: not in a dialog
}

// ---- §12.1.2, §13.2.2.4: UAC dialogs ----

TEST(UacDialog, EarlyFrom180WithTagThenConfirmedBy200) {
  auto dialog = Dialog::create_uac(alice_invite(), bob_response(180));
  ASSERT_TRUE(dialog) << dialog.error().message;
  EXPECT_EQ(dialog->state(), DialogState::early);
  EXPECT_TRUE(dialog->is_uac());
  EXPECT_EQ(dialog->id(), (DialogId{"call-1@127.0.1.1", "a1", "b1"}));
  // "The route set MUST be set to the list of URIs in the Record-Route ... in reverse order."
  EXPECT_EQ(dialog->route_set(),
            (std::vector<std::string>{"<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"}));
  EXPECT_EQ(dialog->remote_target(), "sip:bob@192.0.2.4");
  EXPECT_EQ(dialog->local_contact(), "sip:alice@127.0.1.1:5060");
  EXPECT_EQ(dialog->local_seq(), 314159u);
  EXPECT_EQ(dialog->remote_seq(), std::nullopt);  // "The remote sequence number MUST be empty"

  // §13.2.2.4: the 2xx confirms it and its Record-Route/Contact are what count from now on.
  Message ok = bob_response(200, "<sip:bob@192.0.2.5>", "<sip:p1-b.example.com;lr>");
  ASSERT_TRUE(dialog->on_response(ok));
  EXPECT_EQ(dialog->state(), DialogState::confirmed);
  EXPECT_EQ(dialog->remote_target(), "sip:bob@192.0.2.5");
  EXPECT_EQ(dialog->route_set().front(), "<sip:p1-b.example.com;lr>");
}

TEST(UacDialog, A2xxCreatesAConfirmedDialog) {
  auto dialog = Dialog::create_uac(alice_invite(), bob_response(200));
  ASSERT_TRUE(dialog);
  EXPECT_EQ(dialog->state(), DialogState::confirmed);
}

TEST(UacDialog, ResponsesThatCreateNoDialog) {
  Message no_tag = bob_response(180);
  no_tag.set("To", "<sip:bob@biloxi.example.com>");
  EXPECT_FALSE(Dialog::create_uac(alice_invite(), no_tag));
  EXPECT_FALSE(Dialog::create_uac(alice_invite(), bob_response(100)));
  EXPECT_FALSE(Dialog::create_uac(alice_invite(), bob_response(486)));
  auto no_contact = Dialog::create_uac(alice_invite(), bob_response(180, ""));
  ASSERT_FALSE(no_contact);
  EXPECT_NE(no_contact.error().message.find("Contact"), std::string::npos);
}

TEST(UacDialog, FailedInviteEndsTheEarlyDialog) {
  auto dialog = Dialog::create_uac(alice_invite(), bob_response(180));
  ASSERT_TRUE(dialog->on_response(bob_response(486, "")));
  EXPECT_EQ(dialog->state(), DialogState::terminated);
}

TEST(UacDialog, ResponseFromAnotherForkIsNotThisDialog) {
  auto dialog = Dialog::create_uac(alice_invite(), bob_response(180));
  Message fork = bob_response(200);
  fork.set("To", "<sip:bob@biloxi.example.com>;tag=b2");
  EXPECT_FALSE(dialog->on_response(fork));
  EXPECT_EQ(dialog->state(), DialogState::early);
}

// §12.2.1.2: "If the response for a request within a dialog is a 481 or a 408 ... terminate".
TEST(UacDialog, Response481Or408EndsTheDialog) {
  for (int status : {481, 408}) {
    auto dialog = Dialog::create_uac(alice_invite(), bob_response(200));
    Message bye = dialog->make_request("INFO");
    Message response = bob_response(status, "");
    response.set("CSeq", std::string(*bye.header("CSeq")));
    ASSERT_TRUE(dialog->on_response(response));
    EXPECT_EQ(dialog->state(), DialogState::terminated) << status;
  }
}

// ---- §12.1.1: UAS dialogs ----

TEST(UasDialog, CreatedFromTheInviteWeReceived) {
  auto dialog = Dialog::create_uas(carol_invite(), "s1", "sip:sipref@127.0.1.1:5060");
  ASSERT_TRUE(dialog) << dialog.error().message;
  EXPECT_FALSE(dialog->is_uac());
  EXPECT_EQ(dialog->state(), DialogState::early);
  EXPECT_EQ(dialog->id(), (DialogId{"call-2@10.0.0.9", "s1", "c1"}));
  // "The route set MUST be set to the list of URIs in the Record-Route ... in order."
  EXPECT_EQ(dialog->route_set(),
            (std::vector<std::string>{"<sip:q2.example.com;lr>", "<sip:q1.example.com;lr>"}));
  EXPECT_EQ(dialog->remote_target(), "sip:carol@10.0.0.9:5070");
  EXPECT_EQ(dialog->remote_seq(), 100u);
  EXPECT_EQ(dialog->local_seq(), std::nullopt);
  EXPECT_EQ(dialog->local().to_string().find("tag=s1") != std::string::npos, true);
  dialog->confirm();
  EXPECT_EQ(dialog->state(), DialogState::confirmed);
  EXPECT_FALSE(Dialog::create_uas(carol_invite(), "", "sip:x@y"));
}

// ---- §12.2.1.1: requests within a dialog ----

TEST(InDialogRequest, LooseRoutingKeepsTheRemoteTargetAndSendsTheRouteSet) {
  auto dialog = uas_dialog();
  dialog.confirm();
  Message bye = dialog.make_request("BYE");
  EXPECT_EQ(bye.method(), "BYE");
  EXPECT_EQ(bye.request_uri(), "sip:carol@10.0.0.9:5070");
  EXPECT_EQ(values(bye, "Route"),
            (std::vector<std::string>{"<sip:q2.example.com;lr>", "<sip:q1.example.com;lr>"}));
  EXPECT_FALSE(bye.has("Via"));  // the transaction layer adds it
  EXPECT_EQ(bye.header("Max-Forwards"), "70");
  EXPECT_EQ(bye.header("From"), "<sip:sipref@127.0.1.1>;tag=s1");
  EXPECT_EQ(bye.header("To"), "<sip:carol@chicago.example.com>;tag=c1");
  EXPECT_EQ(bye.header("Call-ID"), "call-2@10.0.0.9");
  EXPECT_EQ(bye.header("CSeq"), "1 BYE");  // the local sequence started empty
  EXPECT_FALSE(bye.has("Contact"));
  EXPECT_EQ(dialog.next_hop(), "sip:q2.example.com;lr");
  EXPECT_EQ(dialog.state(), DialogState::terminated);  // §15.1.1: BYE ends it once sent
}

TEST(InDialogRequest, StrictRouterGetsTheRequestUriAndTheTargetGoesLast) {
  // After reversal the first route is p1, which has no ;lr: a strict (RFC 2543) router.
  auto dialog = Dialog::create_uac(
      alice_invite(),
      bob_response(200, "<sip:bob@192.0.2.4>", "<sip:p1.example.com;method=INVITE>"));
  ASSERT_TRUE(dialog);
  Message info = dialog->make_request("INFO");
  EXPECT_EQ(info.request_uri(), "sip:p1.example.com");  // "stripping ... parameters not allowed"
  EXPECT_EQ(values(info, "Route"),
            (std::vector<std::string>{"<sip:p2.example.com;lr>", "<sip:bob@192.0.2.4>"}));
  EXPECT_EQ(dialog->next_hop(), "sip:p1.example.com;method=INVITE");
}

TEST(InDialogRequest, NoRouteSetSendsStraightToTheRemoteTarget) {
  Message ok = bob_response(200);
  ok.remove("Record-Route");
  auto dialog = Dialog::create_uac(alice_invite(), ok);
  Message options = dialog->make_request("OPTIONS");
  EXPECT_FALSE(options.has("Route"));
  EXPECT_EQ(options.request_uri(), "sip:bob@192.0.2.4");
  EXPECT_EQ(dialog->next_hop(), "sip:bob@192.0.2.4");
}

TEST(InDialogRequest, CSeqIncrementsAndTargetRefreshMethodsCarryContact) {
  auto dialog = Dialog::create_uac(alice_invite(), bob_response(200));
  const std::vector<std::pair<std::string, bool>> methods{
      {"INFO", false},  {"OPTIONS", false}, {"UPDATE", true}, {"REFER", true},
      {"NOTIFY", true}, {"INVITE", true},   {"BYE", false}};
  std::uint32_t expected = 314159;
  for (const auto& [method, contact] : methods) {
    Message m = dialog->make_request(method);
    EXPECT_EQ(m.header("CSeq"), std::to_string(++expected) + " " + method);
    EXPECT_EQ(m.has("Contact"), contact) << method;
    if (contact) {
      EXPECT_EQ(m.header("Contact"), "<sip:alice@127.0.1.1:5060>");
    }
    EXPECT_EQ(m.header("From"), "\"Alice\" <sip:alice@atlanta.example.com>;tag=a1");
    EXPECT_EQ(m.header("To"), "<sip:bob@biloxi.example.com>;tag=b1");
  }
  EXPECT_EQ(dialog->local_seq(), expected);
}

// ---- §13.2.2.4: ACK for a 2xx ----

TEST(AckFor2xx, UsesTheInviteCSeqAndTheDialogRouting) {
  auto dialog = Dialog::create_uac(alice_invite(), bob_response(180));
  Message ok = bob_response(200);
  ASSERT_TRUE(dialog->on_response(ok));
  Message ack = dialog->make_ack(ok);
  EXPECT_EQ(ack.method(), "ACK");
  EXPECT_EQ(ack.header("CSeq"), "314159 ACK");
  EXPECT_EQ(ack.request_uri(), "sip:bob@192.0.2.4");
  EXPECT_EQ(values(ack, "Route"),
            (std::vector<std::string>{"<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"}));
  EXPECT_EQ(ack.header("To"), "<sip:bob@biloxi.example.com>;tag=b1");
  EXPECT_FALSE(ack.has("Via"));
  // A retransmitted 2xx is ACKed again, with the same ACK; the local CSeq does not move.
  EXPECT_EQ(dialog->make_ack(ok).serialize(), ack.serialize());
  EXPECT_EQ(dialog->local_seq(), 314159u);
}

TEST(AckFor2xx, ReInviteAckUsesTheReInviteCSeqAndItsContactRefreshesTheTarget) {
  auto dialog = Dialog::create_uac(alice_invite(), bob_response(200));
  Message reinvite = dialog->make_request("INVITE");
  EXPECT_EQ(reinvite.header("CSeq"), "314160 INVITE");
  Message ok = bob_response(200, "<sip:bob@198.51.100.7>");
  ok.set("CSeq", "314160 INVITE");
  ASSERT_TRUE(dialog->on_response(ok));  // §12.2.1.2: 2xx to a target refresh
  EXPECT_EQ(dialog->remote_target(), "sip:bob@198.51.100.7");
  EXPECT_EQ(dialog->make_ack(ok).header("CSeq"), "314160 ACK");
  EXPECT_EQ(dialog->make_request("ACK").header("CSeq"), "314160 ACK");
  EXPECT_EQ(dialog->make_ack(ok).request_uri(), "sip:bob@198.51.100.7");
}

// ---- §12.2.2: requests received within a dialog ----

TEST(IncomingInDialog, LowerCSeqIsOutOfOrder) {
  auto dialog = uas_dialog();
  ASSERT_TRUE(dialog.on_request(from_carol("ACK", 100)));  // the INVITE's own number
  auto late = dialog.on_request(from_carol("INFO", 99));
  ASSERT_FALSE(late);
  EXPECT_NE(late.error().message.find("out of order"), std::string::npos);
  ASSERT_TRUE(dialog.on_request(from_carol("INFO", 105)));  // gaps are fine
  EXPECT_EQ(dialog.remote_seq(), 105u);
  EXPECT_FALSE(dialog.on_request(from_carol("INFO", 104)));
  EXPECT_EQ(dialog.remote_seq(), 105u);
}

TEST(IncomingInDialog, EmptyRemoteSequenceAcceptsAnyNumber) {
  auto dialog = Dialog::create_uac(alice_invite(), bob_response(200));
  Message bye = with(Message::request("BYE", "sip:alice@127.0.1.1:5060"),
                     {{"From", "<sip:bob@biloxi.example.com>;tag=b1"},
                      {"To", "\"Alice\" <sip:alice@atlanta.example.com>;tag=a1"},
                      {"Call-ID", "call-1@127.0.1.1"},
                      {"CSeq", "7 BYE"}});
  ASSERT_TRUE(dialog->on_request(bye));
  EXPECT_EQ(dialog->remote_seq(), 7u);
  EXPECT_EQ(dialog->state(), DialogState::terminated);
}

TEST(IncomingInDialog, TargetRefreshReplacesTheRemoteTarget) {
  auto dialog = uas_dialog();
  ASSERT_TRUE(dialog.on_request(from_carol("INFO", 101, "<sip:carol@10.0.0.99>")));
  EXPECT_EQ(dialog.remote_target(), "sip:carol@10.0.0.9:5070");  // INFO is no target refresh
  ASSERT_TRUE(dialog.on_request(from_carol("INVITE", 102, "<sip:carol@10.0.0.10:5070>")));
  EXPECT_EQ(dialog.remote_target(), "sip:carol@10.0.0.10:5070");
  ASSERT_TRUE(
      dialog.on_request(from_carol("UPDATE", 103, "\"C\" <sip:carol@10.0.0.11>;expires=9")));
  EXPECT_EQ(dialog.remote_target(), "sip:carol@10.0.0.11");
  ASSERT_TRUE(dialog.on_request(from_carol("UPDATE", 104)));  // no Contact: unchanged
  EXPECT_EQ(dialog.remote_target(), "sip:carol@10.0.0.11");
  EXPECT_EQ(dialog.make_request("NOTIFY").request_uri(), "sip:carol@10.0.0.11");
}

TEST(IncomingInDialog, RequestOfAnotherDialogIsRejected) {
  auto dialog = uas_dialog();
  Message other = from_carol("INFO", 200);
  other.set("From", "<sip:carol@chicago.example.com>;tag=zz");
  EXPECT_FALSE(dialog.on_request(other));
  EXPECT_EQ(dialog.remote_seq(), 100u);
}

// ---- §8.2.6: responses built from a request ----

TEST(UasResponse, CopiesViaFromToCallIdCSeqAndAddsTheTag) {
  Message ringing = make_response(carol_invite(), 180, "", "s1");
  EXPECT_EQ(ringing.status(), 180);
  EXPECT_EQ(ringing.reason(), "Ringing");
  EXPECT_EQ(values(ringing, "Via"), values(carol_invite(), "Via"));  // all, in order
  EXPECT_EQ(ringing.header("From"), "<sip:carol@chicago.example.com>;tag=c1");
  EXPECT_EQ(ringing.header("To"), "<sip:sipref@127.0.1.1>;tag=s1");
  EXPECT_EQ(ringing.header("Call-ID"), "call-2@10.0.0.9");
  EXPECT_EQ(ringing.header("CSeq"), "100 INVITE");
  EXPECT_FALSE(ringing.has("Contact"));
  // §12.1.1: a dialog-creating response carries the request's Record-Route.
  EXPECT_EQ(values(ringing, "Record-Route"), values(carol_invite(), "Record-Route"));
  EXPECT_EQ(values(make_response(carol_invite(), 200, "", "s1"), "Record-Route").size(), 2u);
}

TEST(UasResponse, TagRules) {
  // §8.2.6.2: never a tag on 100; an existing tag is kept; custom reason phrases pass through.
  Message trying = make_response(carol_invite(), 100, "", "s1");
  EXPECT_EQ(trying.header("To"), "<sip:sipref@127.0.1.1>");
  EXPECT_FALSE(trying.has("Record-Route"));
  Message busy = make_response(carol_invite(), 486, "Busy Here Now", "s1");
  EXPECT_EQ(busy.reason(), "Busy Here Now");
  EXPECT_FALSE(busy.has("Record-Route"));  // a failure creates no dialog
  Message in_dialog = make_response(from_carol("INFO", 101), 200, "", "other");
  EXPECT_EQ(in_dialog.header("To"), "<sip:sipref@127.0.1.1>;tag=s1");
  Message addr_spec = carol_invite();
  addr_spec.set("To", "sip:sipref@127.0.1.1;user=phone");
  EXPECT_EQ(make_response(addr_spec, 404, "", "s9").header("To"),
            "sip:sipref@127.0.1.1;user=phone;tag=s9");
  EXPECT_EQ(make_response(addr_spec, 404).header("To"), "sip:sipref@127.0.1.1;user=phone");
}

// ---- §12.2.2: finding the dialog, or 481 ----

TEST(DialogTable, FindsByRequestAndResponseAndAnswers481ForUnknownDialogs) {
  DialogTable<Dialog> table;
  auto uas = uas_dialog();
  auto uac = *Dialog::create_uac(alice_invite(), bob_response(200));
  EXPECT_TRUE(table.insert(uas.id(), uas));
  EXPECT_TRUE(table.insert(uac.id(), uac));
  EXPECT_FALSE(table.insert(uas.id(), uas));
  EXPECT_EQ(table.size(), 2u);

  ASSERT_NE(table.find_for_request(from_carol("BYE", 101)), nullptr);
  EXPECT_EQ(table.find_for_request(from_carol("BYE", 101))->id(), uas.id());
  ASSERT_NE(table.find_for_response(bob_response(200)), nullptr);
  EXPECT_EQ(table.find_for_response(bob_response(200))->id(), uac.id());

  EXPECT_FALSE(table.needs_481(from_carol("BYE", 101)));
  EXPECT_FALSE(table.needs_481(carol_invite()));  // no To tag: a new dialog, not a lost one
  Message unknown = from_carol("BYE", 101);
  unknown.set("To", "<sip:sipref@127.0.1.1>;tag=gone");
  EXPECT_TRUE(table.needs_481(unknown));
  EXPECT_EQ(table.find_for_request(unknown), nullptr);
  for (std::string method : {"ACK", "CANCEL"}) {  // never answered with 481
    Message stray = from_carol(method, 100);
    stray.set("To", "<sip:sipref@127.0.1.1>;tag=gone");
    EXPECT_FALSE(table.needs_481(stray)) << method;
  }

  EXPECT_TRUE(table.erase(uas.id()));
  EXPECT_TRUE(table.needs_481(from_carol("BYE", 101)));
}

// ---- §13.3.1.4: the UAS retransmits its 2xx until the ACK ----

struct Recorder {
  ManualTimers timers;
  std::vector<Duration> sent_at;
  std::vector<Duration> gave_up_at;
  std::unique_ptr<Invite2xxRetransmitter> retransmitter;

  Recorder() {
    retransmitter = std::make_unique<Invite2xxRetransmitter>(
        timers, make_response(carol_invite(), 200, "", "s1"),
        [this](const Message& m) {
          EXPECT_EQ(m.status(), 200);
          sent_at.push_back(now());
        },
        [this] { gave_up_at.push_back(now()); });
  }
  Duration now() const {
    return std::chrono::duration_cast<Duration>(timers.now().time_since_epoch());
  }
};

TEST(Invite2xxRetransmission, DoublesFromT1CappedAtT2AndGivesUpAt64T1) {
  Recorder r;
  r.retransmitter->start();
  r.timers.advance(60s);
  const std::vector<Duration> expected{500ms,   1500ms,  3500ms,  7500ms,  11500ms,
                                       15500ms, 19500ms, 23500ms, 27500ms, 31500ms};
  EXPECT_EQ(r.sent_at, expected);  // intervals 0.5, 1, 2, 4, 4 ... s
  EXPECT_EQ(r.gave_up_at, std::vector<Duration>{32s});
  EXPECT_FALSE(r.retransmitter->active());
  EXPECT_EQ(r.timers.pending(), 0u);
}

TEST(Invite2xxRetransmission, AckStopsEverything) {
  Recorder r;
  r.retransmitter->start();
  r.timers.advance(2s);
  EXPECT_EQ(r.sent_at.size(), 2u);
  r.retransmitter->ack_received();
  r.timers.advance(60s);
  EXPECT_EQ(r.sent_at.size(), 2u);
  EXPECT_TRUE(r.gave_up_at.empty());
  EXPECT_EQ(r.timers.pending(), 0u);
}

TEST(Invite2xxRetransmission, GiveUpMayDestroyTheRetransmitter) {
  ManualTimers timers;
  std::unique_ptr<Invite2xxRetransmitter> owner;
  bool gave_up = false;
  owner = std::make_unique<Invite2xxRetransmitter>(
      timers, Message::response(200, ""), [](const Message&) {},
      [&] {
        gave_up = true;
        owner.reset();  // the call engine ends the leg from inside the callback
      });
  owner->start();
  timers.advance(40s);
  EXPECT_TRUE(gave_up);
  EXPECT_EQ(owner, nullptr);
  EXPECT_EQ(timers.pending(), 0u);
}

}  // namespace
}  // namespace sipref::sip
