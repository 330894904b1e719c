// The Message model and its serializer: what serialize() writes parses back to the same message
// (start line, headers in order, body), compact forms come back long, lists one value per line.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "sip/message.h"
#include "sip/parser.h"

namespace sipref::sip {
namespace {

std::string rfc4475(const std::string& name) {
  std::ifstream file(std::string(SIPREF_TEST_DATA) + "/rfc4475/" + name + ".sip", std::ios::binary);
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

// Headers other than Content-Length, which serialize() always rewrites from the body.
std::vector<Header> content_headers(const Message& m) {
  std::vector<Header> out;
  for (const auto& h : m.headers())
    if (!header_name_equal(h.name, "Content-Length")) out.push_back(h);
  return out;
}

void expect_same(const Message& expected, const Message& actual) {
  EXPECT_EQ(expected.method(), actual.method());
  EXPECT_EQ(expected.request_uri(), actual.request_uri());
  EXPECT_EQ(expected.status(), actual.status());
  EXPECT_EQ(expected.reason(), actual.reason());
  EXPECT_EQ(expected.body(), actual.body());
  auto want = content_headers(expected);
  auto got = content_headers(actual);
  ASSERT_EQ(want.size(), got.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(want[i].name, got[i].name) << "header #" << i;
    EXPECT_EQ(want[i].value, got[i].value) << "header #" << i << " (" << want[i].name << ")";
  }
}

TEST(RoundTrip, EveryParsableRfc4475MessageSerializesBackToItself) {
  for (const char* name :
       {"wsinv",  "intmeth",  "esc01",      "escnull",  "esc02",    "lwsdisp",  "longreq",
        "dblreq", "semiuri",  "transports", "mpart01",  "unreason", "noreason", "badbranch",
        "unkscm", "novelsc",  "unksm2",     "bext01",   "invut",    "regaut01", "bcast",
        "zeromf", "cparam01", "cparam02",   "regescrt", "sdp01",    "inv2543"}) {
    SCOPED_TRACE(name);
    auto first = parse_message(rfc4475(name));
    ASSERT_TRUE(first) << first.error().message;
    std::string wire = first->serialize();
    auto second = parse_message(wire);
    ASSERT_TRUE(second) << second.error().message << "\n" << wire;
    expect_same(*first, *second);
    EXPECT_EQ(second->serialize(), wire);  // serialization is a fixed point
  }
}

TEST(RoundTrip, BuiltRequestParsesBackEqual) {
  Message m = Message::request("INVITE", "sip:bob@example.com;transport=tcp");
  m.add("Via", "SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bK74bf9;rport");
  m.add("Max-Forwards", "70");
  m.add("From", "\"Alice \\\"A\\\"\" <sip:alice@example.com>;tag=9fxced76sl");
  m.add("To", "<sip:bob@example.com>");
  m.add("Call-ID", "3848276298220188511@atlanta.example.com");
  m.add("CSeq", "1 INVITE");
  m.add("Contact", "<sip:alice@192.0.2.1:5060;transport=tcp>");
  m.add("X-Empty", "");
  m.add("Content-Type", "application/sdp");
  m.set_body("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n");
  auto back = parse_message(m.serialize());
  ASSERT_TRUE(back) << back.error().message;
  expect_same(m, *back);
  EXPECT_EQ(back->header("Content-Length"), std::to_string(m.body().size()));
}

TEST(RoundTrip, ResponseKeepsStatusAndReason) {
  Message m = Message::response(486, "");
  EXPECT_EQ(m.reason(), "Busy Here");
  for (const char* via :
       {"SIP/2.0/UDP a.example.com;branch=z9hG4bK1", "SIP/2.0/UDP b.example.com;branch=z9hG4bK2"})
    m.add("Via", via);
  m.add("From", "<sip:a@example.com>;tag=1");
  m.add("To", "<sip:b@example.com>;tag=2");
  m.add("Call-ID", "x@y");
  m.add("CSeq", "7 INVITE");
  std::string wire = m.serialize();
  EXPECT_EQ(wire.substr(0, wire.find("\r\n")), "SIP/2.0 486 Busy Here");
  auto back = parse_message(wire);
  ASSERT_TRUE(back) << back.error().message;
  expect_same(m, *back);
}

TEST(CompactForms, ComeBackInLongFormAndAnswerLookupsEitherWay) {
  auto m = parse_message(
      "OPTIONS sip:b@example.com SIP/2.0\r\nv: SIP/2.0/UDP h;branch=z9hG4bK1\r\nt: "
      "<sip:b@example.com>\r\n"
      "f: <sip:a@example.com>;tag=1\r\ni: abc\r\nCSeq: 1 OPTIONS\r\nk: timer\r\nu: talk\r\nL: "
      "0\r\n\r\n");
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->header("i"), "abc");
  EXPECT_EQ(m->header("CALL-ID"), "abc");
  EXPECT_EQ(m->header("Supported"), "timer");
  EXPECT_EQ(m->header("Allow-Events"), "talk");
  std::string wire = m->serialize();
  for (const char* line :
       {"\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n", "\r\nTo: <sip:b@example.com>\r\n",
        "\r\nFrom: <sip:a@example.com>;tag=1\r\n", "\r\nCall-ID: abc\r\n",
        "\r\nSupported: timer\r\n", "\r\nAllow-Events: talk\r\n", "\r\nContent-Length: 0\r\n\r\n"})
    EXPECT_NE(wire.find(line), std::string::npos) << "missing " << line << " in\n" << wire;
}

TEST(MultiValue, ListHeadersAreSplitAndWrittenOnePerLine) {
  auto m = parse_message(
      "REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP "
      "b;branch=z9hG4bK2\r\n"
      "To: <sip:u@example.com>\r\nFrom: <sip:u@example.com>;tag=1\r\nCall-ID: c\r\nCSeq: 2 "
      "REGISTER\r\n"
      "Contact: \"Doe, J\" <sip:u@a;transport=tcp>;q=0.7, <sip:u@b>;expires=60\r\n"
      "Allow: INVITE,ACK , BYE\r\nSubject: one, two\r\nContent-Length: 0\r\n\r\n");
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->all("Via").size(), 2u);
  EXPECT_EQ(m->all("Contact"),
            (std::vector<std::string_view>{"\"Doe, J\" <sip:u@a;transport=tcp>;q=0.7",
                                           "<sip:u@b>;expires=60"}));
  EXPECT_EQ(m->all("Allow"), (std::vector<std::string_view>{"INVITE", "ACK", "BYE"}));
  EXPECT_EQ(m->all("Subject"), (std::vector<std::string_view>{"one, two"}));  // not a list header
  std::string wire = m->serialize();
  EXPECT_NE(wire.find("\r\nAllow: INVITE\r\nAllow: ACK\r\nAllow: BYE\r\n"), std::string::npos)
      << wire;
  auto back = parse_message(wire);
  ASSERT_TRUE(back);
  expect_same(*m, *back);
}

TEST(MultiValue, ContactStarStaysWhole) {
  auto m = parse_message(
      "REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\r\nTo: "
      "<sip:u@example.com>\r\n"
      "From: <sip:u@example.com>;tag=1\r\nCall-ID: c\r\nCSeq: 2 REGISTER\r\nContact: *\r\nExpires: "
      "0\r\n\r\n");
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->all("Contact"), (std::vector<std::string_view>{"*"}));
  EXPECT_NE(m->serialize().find("\r\nContact: *\r\n"), std::string::npos);
}

TEST(Serialize, ContentLengthAlwaysFollowsTheBody) {
  auto m = parse_message(rfc4475("dblreq"));
  ASSERT_TRUE(m);
  m->set_body("abc");
  std::string wire = m->serialize();
  EXPECT_NE(wire.find("\r\nContent-Length: 3\r\n\r\nabc"), std::string::npos);
  EXPECT_EQ(wire.find("Content-Length: 0"), std::string::npos);
}

}  // namespace
}  // namespace sipref::sip
