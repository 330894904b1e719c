// The registrar [inbound.register]: RFC 3261 §10.3 processing with the reference's limits
// (10 contacts per AOR, expiry 60-3600 s: 423 below, clamped above), on a fake clock.
#include "call/registrar.h"

#include <gtest/gtest.h>

namespace sipref::call {
namespace {

using namespace std::chrono_literals;

const std::string kAor = make_aor("alice", "Reg.Example.COM");

sip::Flow flow_from(std::string ip) {
  sip::Flow flow;
  flow.transport = sip::TransportKind::udp;
  flow.local = {"127.0.1.3", 5060};
  flow.remote = {std::move(ip), 5060};
  return flow;
}

RegisterRequest request(std::vector<std::string> contacts, std::optional<std::string> expires = {},
                        std::uint32_t cseq = 1, std::string call_id = "call-1") {
  RegisterRequest r;
  r.aor = kAor;
  r.contacts = std::move(contacts);
  r.expires_header = std::move(expires);
  r.call_id = std::move(call_id);
  r.cseq = cseq;
  r.flow = flow_from("192.0.2.10");
  r.edge = "dublin";
  return r;
}

class RegistrarTest : public ::testing::Test {
 protected:
  Registrar registrar;
  TimePoint t0 = TimePoint{} + 1000s;
};

TEST_F(RegistrarTest, AorLowerCasesTheDomainButNotTheUser) {
  EXPECT_EQ(make_aor("Alice", "Reg.Example.COM"), "Alice@reg.example.com");
}

TEST_F(RegistrarTest, BindingKeepsContactFlowAndEdgeAndDefaultsTo3600s) {
  auto result = registrar.update(request({"<sip:alice@192.0.2.10:5060>"}), t0);
  ASSERT_EQ(result.status, 200) << result.reason;
  ASSERT_EQ(result.bindings.size(), 1u);
  EXPECT_EQ(result.bindings[0].first, "sip:alice@192.0.2.10:5060");
  EXPECT_EQ(result.bindings[0].second, 3600);
  auto live = registrar.contacts(make_aor("alice", "reg.example.com"), t0);
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].contact, "sip:alice@192.0.2.10:5060");
  EXPECT_EQ(live[0].edge, "dublin");
  EXPECT_EQ(live[0].flow.remote.ip, "192.0.2.10");
  EXPECT_EQ(live[0].expires, t0 + 3600s);
  EXPECT_TRUE(registrar.contacts(make_aor("bob", "reg.example.com"), t0).empty());
}

TEST_F(RegistrarTest, ExpiryAbove3600IsGranted3600) {
  auto result = registrar.update(request({"<sip:alice@192.0.2.10>"}, "7200"), t0);
  ASSERT_EQ(result.status, 200);
  EXPECT_EQ(result.bindings.at(0).second, 3600);
}

TEST_F(RegistrarTest, ContactExpiresParameterWinsOverTheHeader) {
  auto result = registrar.update(request({"<sip:alice@192.0.2.10>;expires=120"}, "3000"), t0);
  ASSERT_EQ(result.status, 200);
  EXPECT_EQ(result.bindings.at(0).second, 120);
}

TEST_F(RegistrarTest, ExpiryBelow60Is423WithMinExpiresAndChangesNothing) {
  auto result = registrar.update(request({"<sip:alice@192.0.2.10>"}, "30"), t0);
  EXPECT_EQ(result.status, 423);
  EXPECT_EQ(result.min_expires, 60);
  EXPECT_TRUE(registrar.contacts(kAor, t0).empty());
  EXPECT_EQ(registrar.update(request({"<sip:alice@192.0.2.10>"}, "60"), t0).status, 200);
}

TEST_F(RegistrarTest, BindingsLapseAtTheirExpiry) {
  ASSERT_EQ(registrar.update(request({"<sip:alice@192.0.2.10>"}, "60"), t0).status, 200);
  EXPECT_EQ(registrar.contacts(kAor, t0 + 59s).size(), 1u);
  EXPECT_TRUE(registrar.contacts(kAor, t0 + 60s).empty());
}

TEST_F(RegistrarTest, RefreshReplacesTheBindingAndTheRemainingTimeIsReported) {
  ASSERT_EQ(registrar.update(request({"<sip:alice@192.0.2.10>"}, "600"), t0).status, 200);
  auto second = registrar.update(request({"<sip:other@192.0.2.11>"}, "600", 2), t0 + 100s);
  ASSERT_EQ(second.bindings.size(), 2u);
  EXPECT_EQ(second.bindings[0].second, 500);  // the first binding, 100 s older
  // Host case and the absence of a default port follow RFC 3261 §19.1.4.
  auto refresh = registrar.update(request({"<sip:alice@192.0.2.10>"}, "600", 3), t0 + 100s);
  EXPECT_EQ(refresh.bindings.size(), 2u);
  EXPECT_EQ(refresh.bindings[0].second, 600);
}

TEST_F(RegistrarTest, ExpiresZeroRemovesOneAndTheWildcardRemovesAll) {
  registrar.update(request({"<sip:a@192.0.2.10>", "<sip:b@192.0.2.10>"}), t0);
  auto removed = registrar.update(request({"<sip:a@192.0.2.10>;expires=0"}, {}, 2), t0);
  ASSERT_EQ(removed.status, 200);
  ASSERT_EQ(removed.bindings.size(), 1u);
  EXPECT_EQ(removed.bindings[0].first, "sip:b@192.0.2.10");
  EXPECT_EQ(registrar.update(request({"*"}, {}, 3), t0).status, 400);  // needs Expires: 0
  EXPECT_EQ(registrar.update(request({"*", "<sip:c@192.0.2.10>"}, "0", 3), t0).status, 400);
  auto all = registrar.update(request({"*"}, "0", 3), t0);
  EXPECT_EQ(all.status, 200);
  EXPECT_TRUE(all.bindings.empty());
  EXPECT_TRUE(registrar.contacts(kAor, t0).empty());
}

TEST_F(RegistrarTest, NoContactIsAQueryListingTheBindings) {
  registrar.update(request({"<sip:a@192.0.2.10>"}), t0);
  auto query = registrar.update(request({}, {}, 2), t0 + 10s);
  ASSERT_EQ(query.status, 200);
  ASSERT_EQ(query.bindings.size(), 1u);
  EXPECT_EQ(query.bindings[0].second, 3590);
}

TEST_F(RegistrarTest, AnEleventhContactIs403AndRefreshesStillWork) {
  for (int i = 0; i < 10; ++i) {
    auto r = registrar.update(request({"<sip:u" + std::to_string(i) + "@192.0.2.10>"}, {},
                                      static_cast<std::uint32_t>(i + 1)),
                              t0);
    ASSERT_EQ(r.status, 200) << i << ": " << r.reason;
  }
  auto eleventh = registrar.update(request({"<sip:u10@192.0.2.10>"}, {}, 20), t0);
  EXPECT_EQ(eleventh.status, 403);
  EXPECT_NE(eleventh.reason.find("10 contacts"), std::string::npos);
  EXPECT_EQ(registrar.contacts(kAor, t0).size(), 10u);
  EXPECT_EQ(registrar.update(request({"<sip:u3@192.0.2.10>"}, {}, 21), t0).status, 200);
  // Removing one and adding one in the same request stays within the limit.
  auto swap = registrar.update(
      request({"<sip:u0@192.0.2.10>;expires=0", "<sip:u10@192.0.2.10>"}, {}, 22), t0);
  EXPECT_EQ(swap.status, 200) << swap.reason;
  EXPECT_EQ(registrar.contacts(kAor, t0).size(), 10u);
}

TEST_F(RegistrarTest, OldCSeqForTheSameCallIdIs500) {
  ASSERT_EQ(registrar.update(request({"<sip:a@192.0.2.10>"}, "600", 5), t0).status, 200);
  EXPECT_EQ(registrar.update(request({"<sip:a@192.0.2.10>"}, "0", 5), t0).status, 500);
  EXPECT_EQ(registrar.contacts(kAor, t0).size(), 1u);
  // Another Call-ID (a rebooted phone) may replace it whatever its CSeq.
  EXPECT_EQ(registrar.update(request({"<sip:a@192.0.2.10>"}, "0", 1, "call-2"), t0).status, 200);
}

TEST_F(RegistrarTest, BadContactIs400) {
  EXPECT_EQ(registrar.update(request({"<not a uri"}), t0).status, 400);
}

TEST(SameContact, ComparesLikeRfc3261) {
  EXPECT_TRUE(same_contact("sip:a@EXAMPLE.com:5060", "sip:a@example.com:5060"));
  EXPECT_FALSE(same_contact("sip:A@example.com", "sip:a@example.com"));
  EXPECT_FALSE(same_contact("sip:a@example.com", "sip:a@example.com:5060"));
  EXPECT_FALSE(same_contact("sip:a@example.com;transport=tcp", "sip:a@example.com"));
  EXPECT_TRUE(
      same_contact("sip:a@example.com;transport=TCP;ob", "sip:a@example.com;transport=tcp"));
}

}  // namespace
}  // namespace sipref::call
