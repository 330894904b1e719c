// Domain admission [inbound.ip-acl, inbound.credentials, inbound.register]: the IP access list,
// the credential list (407 for calls, 401 for REGISTER), both together, and registration.
#include "call/admission.h"

#include <gtest/gtest.h>

#include "sip/timers.h"

namespace sipref::call {
namespace {

using namespace std::chrono_literals;
using Outcome = Admission::Outcome;

config::Domain domain() {
  config::Domain d;
  d.name = "acl.example.com";
  return d;
}

sip::Message request(std::string method) {
  sip::Message m = sip::Message::request(method, "sip:tk1@acl.example.com");
  m.add("Via", "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1");
  m.add("From", "<sip:caller@192.0.2.10>;tag=1");
  m.add("To", "<sip:tk1@acl.example.com>");
  m.add("Call-ID", "c1");
  m.add("CSeq", "1 " + method);
  return m;
}

class AdmissionTest : public ::testing::Test {
 protected:
  // Adds the answer to a fresh challenge from `digest` (as a client would after a 401/407).
  sip::Message with_credentials(sip::Message m, std::string_view user, std::string_view password,
                                std::string_view header = "Proxy-Authorization") {
    auto challenge = sip::parse_challenge(digest.challenge());
    auto value =
        sip::answer_challenge(*challenge, m.method(), m.request_uri(), user, password, "0a4f113b");
    m.add(std::string(header), *value);
    return m;
  }

  sip::ManualTimers clock;
  sip::DigestServer digest{clock, "acl.example.com"};
};

TEST_F(AdmissionTest, ADomainWithNoListsAdmitsEveryone) {
  auto a = admit_call(domain(), "203.0.113.9", request("INVITE"), digest);
  EXPECT_TRUE(a.admitted());
  EXPECT_EQ(a.username, "");
}

TEST_F(AdmissionTest, IpAccessListAdmitsListedSourcesAndRefusesOthersWith403) {
  auto d = domain();
  d.ip_access_list = {"192.0.2.0/24", "198.51.100.7/32"};
  EXPECT_TRUE(admit_call(d, "192.0.2.200", request("INVITE"), digest).admitted());
  EXPECT_TRUE(admit_call(d, "198.51.100.7", request("INVITE"), digest).admitted());
  auto refused = admit_call(d, "198.51.100.8", request("INVITE"), digest);
  EXPECT_EQ(refused.outcome, Outcome::refused);
  EXPECT_EQ(refused.status, 403);
  EXPECT_FALSE(refused.warning.empty());
}

TEST_F(AdmissionTest, CredentialListChallengesWith407AndAdmitsValidCredentials) {
  auto d = domain();
  d.credentials = {{"alice", "wonderland"}, {"bob", "builder"}};
  auto first = admit_call(d, "203.0.113.9", request("INVITE"), digest);
  EXPECT_EQ(first.outcome, Outcome::challenge);
  EXPECT_EQ(first.status, 407);
  auto second =
      admit_call(d, "203.0.113.9", with_credentials(request("INVITE"), "bob", "builder"), digest);
  EXPECT_TRUE(second.admitted()) << second.reason;
  EXPECT_EQ(second.username, "bob");
}

TEST_F(AdmissionTest, WrongPasswordOrUnknownUserIs403NotAnotherChallenge) {
  auto d = domain();
  d.credentials = {{"alice", "wonderland"}};
  auto wrong =
      admit_call(d, "203.0.113.9", with_credentials(request("INVITE"), "alice", "nope"), digest);
  EXPECT_EQ(wrong.outcome, Outcome::refused);
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(wrong.warning, "invalid credentials");  // says nothing about which part was wrong
  auto unknown = admit_call(d, "203.0.113.9",
                            with_credentials(request("INVITE"), "mallory", "wonderland"), digest);
  EXPECT_EQ(unknown.status, 403);
}

TEST_F(AdmissionTest, AnExpiredNonceIsChallengedAgainAsStale) {
  auto d = domain();
  d.credentials = {{"alice", "wonderland"}};
  auto invite = with_credentials(request("INVITE"), "alice", "wonderland");
  clock.advance(301s);
  auto again = admit_call(d, "203.0.113.9", invite, digest);
  EXPECT_EQ(again.outcome, Outcome::challenge);
  EXPECT_TRUE(again.stale);
}

TEST_F(AdmissionTest, WithBothListsACallMustPassBoth) {
  auto d = domain();
  d.ip_access_list = {"192.0.2.0/24"};
  d.credentials = {{"alice", "wonderland"}};
  // Listed source, no credentials: still challenged.
  EXPECT_EQ(admit_call(d, "192.0.2.1", request("INVITE"), digest).status, 407);
  // Valid credentials from an unlisted source: refused before any digest check.
  auto outside = admit_call(d, "203.0.113.9",
                            with_credentials(request("INVITE"), "alice", "wonderland"), digest);
  EXPECT_EQ(outside.outcome, Outcome::refused);
  EXPECT_EQ(outside.status, 403);
  EXPECT_TRUE(
      admit_call(d, "192.0.2.1", with_credentials(request("INVITE"), "alice", "wonderland"), digest)
          .admitted());
}

TEST_F(AdmissionTest, RegisterNeedsRegistrationEnabledAndIsChallengedWith401) {
  auto d = domain();
  d.credentials = {{"alice", "wonderland"}};
  EXPECT_EQ(admit_register(d, request("REGISTER"), digest).status, 403);
  d.registration = true;
  auto challenge = admit_register(d, request("REGISTER"), digest);
  EXPECT_EQ(challenge.outcome, Outcome::challenge);
  EXPECT_EQ(challenge.status, 401);
  auto ok = admit_register(
      d, with_credentials(request("REGISTER"), "alice", "wonderland", "Authorization"), digest);
  EXPECT_TRUE(ok.admitted()) << ok.reason;
  EXPECT_EQ(ok.username, "alice");
  auto wrong = admit_register(
      d, with_credentials(request("REGISTER"), "alice", "x", "Authorization"), digest);
  EXPECT_EQ(wrong.status, 403);
}

TEST_F(AdmissionTest, TheIpAccessListDoesNotApplyToRegister) {
  auto d = domain();
  d.ip_access_list = {"192.0.2.0/24"};
  d.credentials = {{"alice", "wonderland"}};
  d.registration = true;
  auto ok = admit_register(
      d, with_credentials(request("REGISTER"), "alice", "wonderland", "Authorization"), digest);
  EXPECT_TRUE(ok.admitted()) << ok.reason;
}

}  // namespace
}  // namespace sipref::call
