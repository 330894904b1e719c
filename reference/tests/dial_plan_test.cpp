// What each <Dial> noun dials: the 10-noun limit, the enhanced-SIP rule, <Number> through the
// PSTN gateway and <Sip> credentials [multi.limit, sip.enhanced-off, multi.number, sip.auth].
#include "call/dial_plan.h"

#include <gtest/gtest.h>

namespace sipref::call {
namespace {

twiml::Sip sip(std::string uri) {
  twiml::Sip noun;
  noun.uri = std::move(uri);
  return noun;
}

twiml::Number number(std::string text) {
  twiml::Number noun;
  noun.number = std::move(text);
  return noun;
}

std::vector<twiml::Noun> sips(std::size_t n) {
  std::vector<twiml::Noun> nouns;
  for (std::size_t i = 0; i < n; ++i) nouns.push_back(sip("sip:a@example.com"));
  return nouns;
}

TEST(DialPlan, TenNounsAreDialledElevenAreRefused) {
  EXPECT_FALSE(refuse_nouns(sips(10), true));
  auto refused = refuse_nouns(sips(11), true);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code, 13250);
}

TEST(DialPlan, EnhancedOffAllowsOneSipNounAlone) {
  EXPECT_FALSE(refuse_nouns(sips(1), false));
  ASSERT_TRUE(refuse_nouns(sips(2), false));
  EXPECT_EQ(refuse_nouns(sips(2), false)->code, 13250);
  std::vector<twiml::Noun> mixed{sip("sip:a@example.com"), number("+15551230000")};
  EXPECT_TRUE(refuse_nouns(mixed, false));
  EXPECT_FALSE(refuse_nouns(mixed, true));
  std::vector<twiml::Noun> numbers{number("+15551230000"), number("+15551230001")};
  EXPECT_FALSE(refuse_nouns(numbers, false));  // the rule is about <Sip>
}

// [app.no-simultaneous]: an <Application> is dialled alone, whatever the account's settings.
TEST(DialPlan, AnApplicationIsDialledAlone) {
  twiml::Application app;
  app.sid = "AP0123456789abcdef0123456789abcdef";
  EXPECT_FALSE(refuse_nouns({app}, false));
  EXPECT_FALSE(refuse_nouns({app}, true));
  for (bool enhanced : {false, true}) {
    std::vector<twiml::Noun> with_sip{app, sip("sip:a@example.com")};
    ASSERT_TRUE(refuse_nouns(with_sip, enhanced));
    EXPECT_EQ(refuse_nouns(with_sip, enhanced)->code, 13250);
    std::vector<twiml::Noun> with_number{number("+15551230000"), app};
    ASSERT_TRUE(refuse_nouns(with_number, enhanced));
    std::vector<twiml::Noun> two_apps{app, app};
    ASSERT_TRUE(refuse_nouns(two_apps, enhanced));
    EXPECT_EQ(refuse_nouns(two_apps, enhanced)->code, 13250);
  }
}

TEST(DialPlan, NumbersBecomeE164) {
  EXPECT_EQ(to_e164("+44 20 7946 0958"), "+442079460958");
  EXPECT_EQ(to_e164("(415) 555-1212"), "+14155551212");
  EXPECT_EQ(to_e164("+1.415.555.1212"), "+14155551212");
  EXPECT_FALSE(to_e164("555-1212"));
  EXPECT_FALSE(to_e164("+0123"));
  EXPECT_FALSE(to_e164("+1234567890123456"));
  EXPECT_FALSE(to_e164("client:alice"));
}

TEST(DialPlan, NumberGoesToTheGatewayFromItsEdge) {
  twiml::Number noun = number("+15551230000");
  auto plan = plan_number(noun, config::PstnGateway{.host = "127.0.0.9", .port = 5080, .edge = "dublin"});
  ASSERT_EQ(plan.legs.size(), 1u);
  EXPECT_EQ(plan.legs[0].request_uri, "sip:+15551230000@127.0.0.9:5080");
  EXPECT_EQ(plan.legs[0].edge, "dublin");
  EXPECT_FALSE(plan.legs[0].sip_noun);
  EXPECT_TRUE(plan.alerts.empty());
}

TEST(DialPlan, NumberWithoutGatewayOrValidDigitsIsNotDialled) {
  auto none = plan_number(number("+15551230000"), std::nullopt);
  EXPECT_TRUE(none.legs.empty());
  ASSERT_EQ(none.alerts.size(), 1u);
  EXPECT_EQ(none.alerts[0].code, 13224);
  auto bad = plan_number(number("12"), config::PstnGateway{.host = "127.0.0.9"});
  EXPECT_TRUE(bad.legs.empty());
  EXPECT_EQ(bad.alerts.at(0).code, 13224);
}

TEST(DialPlan, SipCarriesCredentialsOnlyWhenBothAreGiven) {
  EdgeNames edges;
  edges.edges = {"ashburn"};
  twiml::Sip noun = sip("sip:agent@127.0.0.9:5070");
  noun.username = "u";
  noun.password = "p";
  auto plan = plan_sip(noun, edges);
  ASSERT_EQ(plan.legs.size(), 1u);
  ASSERT_TRUE(plan.legs[0].credentials);
  EXPECT_EQ(plan.legs[0].credentials->first, "u");
  EXPECT_TRUE(plan.legs[0].sip_noun);
  EXPECT_EQ(plan.legs[0].edge, "ashburn");
  noun.password.reset();
  EXPECT_FALSE(plan_sip(noun, edges).legs.at(0).credentials);
}

Registration contact(std::string uri, sip::TransportKind transport, std::string edge) {
  Registration r;
  r.contact = std::move(uri);
  r.flow.transport = transport;
  r.flow.remote = {"127.0.0.9", 5070};
  r.edge = std::move(edge);
  return r;
}

TEST(DialPlan, RegisteredUserRingsEveryContactFromItsEdgeIgnoringTheNounsEdge) {
  EdgeNames edges;
  edges.edges = {"ashburn", "frankfurt"};
  auto sip_plan = plan_sip(sip("sip:alice@reg.example.com;edge=frankfurt"), edges);
  auto plan = plan_registered(std::move(sip_plan), {contact("sip:alice@127.0.0.9:5070", sip::TransportKind::udp, "dublin"),
                                                    contact("sip:alice@127.0.0.9:5071;transport=tcp", sip::TransportKind::tcp, "tokyo")});
  ASSERT_EQ(plan.legs.size(), 2u);
  EXPECT_EQ(plan.legs[0].request_uri, "sip:alice@127.0.0.9:5070");
  EXPECT_EQ(plan.legs[0].to_uri, "sip:alice@reg.example.com");
  EXPECT_EQ(plan.legs[0].edge, "dublin");
  EXPECT_FALSE(plan.legs[0].flow) << "UDP goes to the Contact URI";
  EXPECT_EQ(plan.legs[1].edge, "tokyo");
  EXPECT_TRUE(plan.legs[1].flow) << "TCP reuses the registration's connection";
  EXPECT_TRUE(plan.legs[1].sip_noun);
}

TEST(DialPlan, RegisteredUserWithoutContactsFailsWith480) {
  EdgeNames edges;
  edges.edges = {"ashburn"};
  auto plan = plan_registered(plan_sip(sip("sip:bob@reg.example.com"), edges), {});
  EXPECT_TRUE(plan.legs.empty());
  EXPECT_EQ(plan.fail_status, 480);
}

TEST(DialPlan, ClientParametersTravelAsXParamHeaders) {
  twiml::Client client;
  client.identity = "alice";
  client.parameters = {{"Team", "blue"}};
  auto plan = plan_client(client, {contact("sip:alice@127.0.0.9:5070", sip::TransportKind::udp, "ashburn")});
  ASSERT_EQ(plan.legs.size(), 1u);
  ASSERT_EQ(plan.legs[0].headers.size(), 1u);
  EXPECT_EQ(plan.legs[0].headers[0].name, "X-Param-Team");
  EXPECT_EQ(plan.legs[0].headers[0].value, "blue");
  EXPECT_FALSE(plan.legs[0].sip_noun);
  EXPECT_EQ(plan_client(client, {}).fail_status, 480);
}

TEST(DialPlan, FuzzClientParametersThatCannotBeHeadersAreLeftOut) {
  // Found by twiml_parser_fuzz from <Client><Parameter name="\x9a"/></Client>: the name (and a
  // value with a line break, from "&#10;") went onto the INVITE as written.
  twiml::Client client;
  client.identity = "alice";
  client.parameters = {{"\x9a", ""}, {"Team", "blue\r\nVia: SIP/2.0/UDP evil"}, {"Kept", "1"}};
  auto plan = plan_client(
      client, {contact("sip:alice@127.0.0.9:5070", sip::TransportKind::udp, "ashburn")});
  ASSERT_EQ(plan.legs.size(), 1u);
  ASSERT_EQ(plan.legs[0].headers.size(), 1u);
  EXPECT_EQ(plan.legs[0].headers[0].name, "X-Param-Kept");
  ASSERT_EQ(plan.alerts.size(), 2u);
  EXPECT_EQ(plan.alerts[0].code, 32111);
  EXPECT_EQ(plan.alerts[1].code, 32112);
}

}  // namespace
}  // namespace sipref::call
