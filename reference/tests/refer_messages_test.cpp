// REFER and NOTIFY as values: the sipfrag NOTIFY of an inbound transfer, Refer-Sub, and what an
// outbound <Refer> sends and reads back [refer.notify, refer.outbound].
#include "call/refer_messages.h"

#include <gtest/gtest.h>

#include "sip/dialog.h"
#include "sip/parser.h"

namespace sipref::call {
namespace {

TEST(ReferMessages, SipfragCarriesTheStandardStatusLine) {
  EXPECT_EQ(sipfrag_for(100), "SIP/2.0 100 Trying\r\n");
  EXPECT_EQ(sipfrag_for(200), "SIP/2.0 200 OK\r\n");
  EXPECT_EQ(sipfrag_for(503), "SIP/2.0 503 Service Unavailable\r\n");
  EXPECT_EQ(sipfrag_for(486), "SIP/2.0 486 Busy Here\r\n");
}

TEST(ReferMessages, SipfragStatusIsRead) {
  EXPECT_EQ(sipfrag_status("SIP/2.0 200 OK\r\n"), 200);
  EXPECT_EQ(sipfrag_status("\r\nSIP/2.0 486 Busy Here"), 486);
  EXPECT_EQ(sipfrag_status("SIP/2.0 180"), 180);
  EXPECT_FALSE(sipfrag_status(""));
  EXPECT_FALSE(sipfrag_status("INVITE sip:a@b SIP/2.0"));
  EXPECT_FALSE(sipfrag_status("SIP/2.0 99 Odd"));
  EXPECT_FALSE(sipfrag_status("SIP/2.0 2000 Odd"));
}

TEST(ReferMessages, ProgressNotifyIsActiveAndFinalIsTerminated) {
  auto trying = sip::Message::request("NOTIFY", "sip:a@127.0.0.1");
  make_refer_notify(trying, 100);
  EXPECT_EQ(trying.header("Event"), "refer");
  EXPECT_EQ(trying.header("Subscription-State"), "active;expires=60");
  EXPECT_EQ(trying.header("Content-Type"), "message/sipfrag;version=2.0");
  EXPECT_EQ(trying.body(), "SIP/2.0 100 Trying\r\n");

  auto done = sip::Message::request("NOTIFY", "sip:a@127.0.0.1");
  make_refer_notify(done, 200);
  EXPECT_EQ(done.header("Subscription-State"), "terminated;reason=noresource");
  EXPECT_EQ(done.body(), "SIP/2.0 200 OK\r\n");
}

TEST(ReferMessages, ReferSubFalseIsRecognised) {
  auto refer = sip::Message::request("REFER", "sip:a@127.0.0.1");
  EXPECT_FALSE(refer_sub_false(refer));
  refer.add("Refer-Sub", "true");
  EXPECT_FALSE(refer_sub_false(refer));
  refer.set("Refer-Sub", "FALSE ;x=1");
  EXPECT_TRUE(refer_sub_false(refer));
}

TEST(ReferMessages, OutboundReferToKeepsHeadersInAngleBrackets) {
  EXPECT_EQ(refer_to_for("sip:a@example.com?X-A=1&User-to-User=2"), "<sip:a@example.com?X-A=1&User-to-User=2>");
  EXPECT_EQ(refer_to_for("<sip:a@example.com>"), "<sip:a@example.com>");
}

}  // namespace
}  // namespace sipref::call
