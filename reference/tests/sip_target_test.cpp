// The <Sip> noun rules (catalogue section 4): limits, headers, transport, edge and region.
#include "call/sip_target.h"

#include <gtest/gtest.h>

namespace sipref::call {
namespace {

EdgeNames edges() {
  EdgeNames names;
  names.edges = {"ashburn", "san-jose", "dublin", "frankfurt", "singapore", "tokyo", "sao-paulo", "sydney"};
  names.regions = {{"us1", "ashburn"}, {"us2", "san-jose"}, {"ie1", "dublin"}, {"de1", "frankfurt"},
                   {"sg1", "singapore"}, {"jp1", "tokyo"}, {"br1", "sao-paulo"}, {"au1", "sydney"}};
  names.aliases = {{"umatilla", "san-jose"}};
  return names;
}

std::vector<int> codes(const SipTargetResult& r) {
  std::vector<int> out;
  for (const auto& a : r.alerts) out.push_back(a.code);
  return out;
}

// "sip:" + user + "@example.com" padded to exactly `length` characters.
std::string uri_of_length(std::size_t length) {
  std::string base = "sip:@example.com";
  return "sip:" + std::string(length - base.size(), 'a') + "@example.com";
}

TEST(SipTarget, UriPartOf254IsDialledAnd255IsNot) {
  auto ok = resolve_sip_target(uri_of_length(254), edges());
  ASSERT_TRUE(ok.target);
  EXPECT_TRUE(ok.alerts.empty());
  auto too_long = resolve_sip_target(uri_of_length(255), edges());
  EXPECT_FALSE(too_long.target);
  EXPECT_EQ(codes(too_long), std::vector<int>{13243});
}

TEST(SipTarget, HeadersPartOf1023IsDialledAnd1024IsNot) {
  const std::string prefix = "sip:bob@example.com?";
  const std::string header = "X-Long=";
  auto with_headers = [&](std::size_t length) { return prefix + header + std::string(length - header.size(), 'v'); };
  auto ok = resolve_sip_target(with_headers(1023), edges());
  ASSERT_TRUE(ok.target);
  ASSERT_EQ(ok.target->headers.size(), 1u);
  EXPECT_EQ(ok.target->headers[0].value.size(), 1023u - header.size());
  auto too_long = resolve_sip_target(with_headers(1024), edges());
  EXPECT_FALSE(too_long.target);
  EXPECT_EQ(codes(too_long), std::vector<int>{13253});
}

TEST(SipTarget, EscapesCountAsWrittenAndValuesAreDecoded) {
  auto r = resolve_sip_target("sip:jack@example.com?x-customname=Madhu%2CMathiyalagan%3BTitle%3DManager&x-myotherheader=bar+baz",
                              edges());
  ASSERT_TRUE(r.target);
  ASSERT_EQ(r.target->headers.size(), 2u);
  EXPECT_EQ(r.target->headers[0].name, "x-customname");
  EXPECT_EQ(r.target->headers[0].value, "Madhu,Mathiyalagan;Title=Manager");
  EXPECT_EQ(r.target->headers[1].value, "bar+baz");  // '+' is not form encoding
  EXPECT_EQ(r.target->request_uri.to_string(), "sip:jack@example.com");
}

TEST(SipTarget, UuiAndTheOtherAllowedHeadersNeedNoXPrefix) {
  auto r = resolve_sip_target(
      "sip:jack@example.com?User-to-User=123456789%3Bencoding%3Dhex&X-User-to-User=1&P-Called-Party-ID=%3Csip%3Aa%40b%3E",
      edges());
  ASSERT_TRUE(r.target);
  EXPECT_TRUE(r.alerts.empty());
  ASSERT_EQ(r.target->headers.size(), 3u);
  EXPECT_EQ(r.target->headers[0].name, "User-to-User");
  EXPECT_EQ(r.target->headers[0].value, "123456789;encoding=hex");
  EXPECT_EQ(r.target->headers[2].value, "<sip:a@b>");
}

TEST(SipTarget, DisallowedAndInvalidHeadersAreLeftOutWithTheirWarning) {
  auto r = resolve_sip_target("sip:jack@example.com?Subject=hi&X-Bad%20Name=1&X-Ctl=a%0Db&X-Twilio-Foo=1&X-Ok=1", edges());
  ASSERT_TRUE(r.target);
  EXPECT_EQ(codes(r), (std::vector<int>{13252, 32111, 32112, 32113}));
  ASSERT_EQ(r.target->headers.size(), 1u);
  EXPECT_EQ(r.target->headers[0].name, "X-Ok");
}

TEST(SipTarget, TransportDefaultsToUdpAndTlsToPort5061) {
  auto udp = resolve_sip_target("sip:bob@10.0.0.1", edges());
  EXPECT_EQ(udp.target->transport, sip::TransportKind::udp);
  EXPECT_EQ(udp.target->port, 5060);
  auto tls = resolve_sip_target("sip:bob@10.0.0.1;transport=tls", edges());
  EXPECT_EQ(tls.target->transport, sip::TransportKind::tls);
  EXPECT_EQ(tls.target->port, 5061);
  auto tls_port = resolve_sip_target("sip:bob@10.0.0.1:5070;transport=TLS", edges());
  EXPECT_EQ(tls_port.target->port, 5070);
  auto tcp = resolve_sip_target("sip:bob@10.0.0.1;transport=tcp", edges());
  EXPECT_EQ(tcp.target->transport, sip::TransportKind::tcp);
}

TEST(SipTarget, SipsMeansTlsSentAsSip) {
  auto r = resolve_sip_target("sips:bob@10.0.0.1", edges());
  ASSERT_TRUE(r.target);
  EXPECT_EQ(r.target->transport, sip::TransportKind::tls);
  EXPECT_EQ(r.target->request_uri.to_string(), "sip:bob@10.0.0.1;transport=tls");
}

TEST(SipTarget, UnknownTransportWarnsAndUsesUdp) {
  auto r = resolve_sip_target("sip:bob@10.0.0.1;transport=sctp", edges());
  ASSERT_TRUE(r.target);
  EXPECT_EQ(codes(r), std::vector<int>{32110});
  EXPECT_EQ(r.target->transport, sip::TransportKind::udp);
  EXPECT_FALSE(r.target->request_uri.has_parameter("transport"));
}

TEST(SipTarget, EdgeAndRegionPickTheEdgeAndAreRemoved) {
  EXPECT_EQ(resolve_sip_target("sip:a@b.com", edges()).target->edge, "ashburn");
  EXPECT_EQ(resolve_sip_target("sip:a@b.com;edge=frankfurt", edges()).target->edge, "frankfurt");
  EXPECT_EQ(resolve_sip_target("sip:a@b.com;region=jp1", edges()).target->edge, "tokyo");
  EXPECT_EQ(resolve_sip_target("sip:a@b.com;edge=umatilla", edges()).target->edge, "san-jose");
  auto both = resolve_sip_target("sip:a@b.com;region=au1;edge=dublin", edges());
  EXPECT_EQ(both.target->edge, "dublin");
  EXPECT_EQ(both.target->request_uri.to_string(), "sip:a@b.com");
}

TEST(SipTarget, UnknownEdgeOrRegionWarnsAndIsIgnored) {
  auto r = resolve_sip_target("sip:a@b.com;edge=mars;region=zz9", edges());
  ASSERT_TRUE(r.target);
  EXPECT_EQ(codes(r), (std::vector<int>{32110, 32110}));
  EXPECT_EQ(r.target->edge, "ashburn");
}

TEST(SipTarget, ATextWithoutSchemeIsTakenAsSip) {
  auto r = resolve_sip_target("kate@example.com", edges());
  ASSERT_TRUE(r.target);
  EXPECT_EQ(r.target->request_uri.to_string(), "sip:kate@example.com");
}

TEST(SipTarget, AnythingElseIsAnInvalidUri) {
  for (const char* text : {"sip:", "sip:@", "http://example.com/", "sip:bob@exa mple.com"}) {
    auto r = resolve_sip_target(text, edges());
    EXPECT_FALSE(r.target) << text;
    EXPECT_EQ(codes(r), std::vector<int>{13243}) << text;
  }
}

}  // namespace
}  // namespace sipref::call
