// Target profiles: both fixture profiles load; every kind of mistake is reported with
// file:line:column; in_cidrs over a table of addresses and ranges.
#include "target/profile.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/test_processes.h"

namespace sipconform {
namespace {

namespace fs = std::filesystem;

const std::string kTargets = std::string(SIPCONFORM_SOURCE_DIR) + "/fixtures/targets/";

TEST(Profile, ReferenceFixtureLoads) {
  auto profile = load_profile(kTargets + "reference.yaml");
  ASSERT_TRUE(profile) << profile.error().message;
  EXPECT_EQ(profile->name, "reference");
  EXPECT_TRUE(profile->reference);
  EXPECT_EQ(profile->ingress_host, "127.0.1.1");
  EXPECT_EQ(profile->ingress_port, 5060);
  EXPECT_EQ(profile->domain, "conformance.sip.twilio.local");
  ASSERT_TRUE(profile->managed);
  EXPECT_EQ(profile->managed->command, "build/default/reference/sipref");
  EXPECT_TRUE(profile->managed->args.empty());
  EXPECT_EQ(profile->harness_address, "127.0.0.1");
  EXPECT_EQ(profile->webhook_port, 0);
  EXPECT_EQ(profile->party_network, "127.20");
  ASSERT_EQ(profile->edges.size(), 8u);
  EXPECT_EQ(profile->edges.front().edge, "ashburn");
  ASSERT_NE(profile->edge("sydney"), nullptr);
  EXPECT_EQ(profile->edge("sydney")->cidrs, std::vector<std::string>{"127.0.1.8/32"});
  EXPECT_EQ(profile->edge("mars"), nullptr);
  EXPECT_TRUE(profile->has("udp"));
  EXPECT_TRUE(profile->has("enhanced-sip"));
  EXPECT_TRUE(profile->has("tls")) << "TLS callees through stunnel4";
  EXPECT_EQ(profile->account_sid.size(), 34u);
  EXPECT_FALSE(profile->auth_token.empty());
  EXPECT_TRUE(profile->has("pstn"));
  ASSERT_TRUE(profile->pstn_gateway);
  EXPECT_EQ(profile->pstn_gateway->host, "127.19.0.1");
  EXPECT_EQ(profile->pstn_gateway->port, 5060);
  EXPECT_EQ(profile->where.file, kTargets + "reference.yaml");
  // Extra domains for the inbound.* cases; registration is declared with its domain.
  EXPECT_TRUE(profile->has("registration"));
  ASSERT_NE(profile->domain_for("acl"), nullptr);
  EXPECT_TRUE(profile->domain_for("acl")->username.empty());
  ASSERT_NE(profile->domain_for("credentials"), nullptr);
  EXPECT_FALSE(profile->domain_for("credentials")->password.empty());
  ASSERT_NE(profile->domain_for("registration"), nullptr);
  EXPECT_NE(profile->domain_for("registration")->name, profile->domain);
}

TEST(Profile, ExampleExternalFixtureLoads) {
  auto profile = load_profile(kTargets + "example-external.yaml");
  ASSERT_TRUE(profile) << profile.error().message;
  EXPECT_FALSE(profile->managed);
  EXPECT_FALSE(profile->reference);
  EXPECT_EQ(profile->webhook_port, 8080);
  EXPECT_NE(profile->voice_url_note.find("/voice"), std::string::npos);
  ASSERT_NE(profile->edge("frankfurt"), nullptr);
  EXPECT_TRUE(in_cidrs("192.0.2.50", profile->edge("frankfurt")->cidrs));
  EXPECT_TRUE(profile->has("refer"));
}

class ProfileErrors : public ::testing::Test {
 protected:
  std::string write(const std::string& text) {
    auto dir = test::fresh_dir("profile");
    path_ = (dir / "target.yaml").string();
    std::ofstream(path_) << text;
    return path_;
  }
  // The error for `text`, with the file name replaced by "F".
  std::string error_of(const std::string& text) {
    auto profile = load_profile(write(text));
    if (profile) return "(loaded)";
    auto message = profile.error().message;
    if (message.starts_with(path_)) message = "F" + message.substr(path_.size());
    return message;
  }
  std::string path_;
};

const std::string kHead =
    "name: t\n"                                                              // line 1
    "domain: d.example.com\n"                                                // line 2
    "account: {sid: AC0123456789abcdef0123456789abcdef, auth_token: tok}\n"  // line 3
    "ingress: {host: 127.0.1.1, port: 5060}\n";                              // line 4

TEST_F(ProfileErrors, MinimalExternalProfileLoads) {
  auto profile = load_profile(write(kHead));
  ASSERT_TRUE(profile) << profile.error().message;
  EXPECT_EQ(profile->harness_address, "127.0.0.1") << "defaults";
  EXPECT_EQ(profile->party_network, "127.20");
}

TEST_F(ProfileErrors, NameFileLineAndColumn) {
  struct Row {
    std::string yaml;
    std::string error;
  };
  const std::vector<Row> rows{
      {kHead + "colour: red\n",
       "F:5:1: unknown key 'colour' in the profile (expected one of: name, ingress, domain, "
       "reference, managed, harness, edges, capabilities, account, voice_url_note, pstn_gateway, "
       "domains, applications, rest)"},
      {kHead + "name: again\n", "F:5:1: key 'name' appears twice in the profile"},
      {"name: t\ndomain: d\ningress: {host: h}\n", "F:1:1: the profile needs 'account'"},
      {kHead + "reference: yes\n", "F:5:12: reference must be true or false"},
      {kHead + "harness: {webhook_port: 70000}\n",
       "F:5:25: harness.webhook_port must be a port number (0..65535)"},
      {kHead + "harness: {address: localhost}\n",
       "F:5:20: harness.address must be an IPv4 address"},
      {kHead + "harness: {party_network: 127.20.1}\n",
       "F:5:26: harness.party_network must be two octets, e.g. \"127.20\""},
      {kHead + "edges:\n  ashburn: [127.0.1.1/33]\n",
       "F:6:13: '127.0.1.1/33' is not an IPv4 CIDR (a.b.c.d/n)"},
      {kHead + "edges:\n  Ashburn: [127.0.1.1/32]\n",
       "F:6:3: edge name 'Ashburn' must be lower-case letters, digits, '-'"},
      {kHead + "edges:\n  ashburn: 127.0.1.1/32\n", "F:6:12: edge ashburn must be a list"},
      {kHead + "capabilities: [udp, TLS]\n",
       "F:5:21: capability 'TLS' must be lower-case letters, digits, '-'"},
      {kHead + "managed: {args: []}\n", "F:5:10: managed needs a command (the target binary)"},
      {kHead + "managed: {command: bin/x}\n",
       "F:1:1: a managed target needs edges (its listening addresses)"},
      {kHead + "managed: {command: bin/x}\nedges: {ashburn: [127.0.1.2/32]}\n",
       "F:4:17: a managed target's ingress.host must be the first address of one of its edges"},
      {"name: t\ndomain: d\ningress: {host: h}\naccount: {sid: ACXYZ, auth_token: t}\n",
       "F:4:16: account.sid must be AC followed by 32 lower-case hex digits"},
      {"name: t\ndomain: d\ningress: {host: h, port: 0}\naccount: {sid: ACXYZ, auth_token: t}\n",
       "F:3:26: ingress.port must be a port number (1..65535)"},
      {"name: [unclosed\n", "F:2:1: end of sequence flow not found"},
      {kHead + "pstn_gateway: {host: gw.example.com}\n",
       "F:5:22: pstn_gateway.host must be an IPv4 address"},
      {kHead + "pstn_gateway: {port: 5060}\n", "F:5:15: pstn_gateway needs a host"},
      {kHead + "capabilities: [pstn]\n",
       "F:1:1: capability pstn needs pstn_gateway (where the target sends <Number> legs)"},
      {"", "F:1:1: the target profile is empty"},
      {"- a\n- b\n", "F:1:1: a target profile must be a mapping"},
  };
  for (const auto& row : rows) EXPECT_EQ(error_of(row.yaml), row.error) << row.yaml;
}

TEST_F(ProfileErrors, DomainsByRole) {
  auto profile = load_profile(write(kHead +
                                    "domains:\n"
                                    "  acl: {name: acl.example.com}\n"
                                    "  registration: {name: reg.example.com, username: u, password: p}\n"
                                    "capabilities: [registration]\n"));
  ASSERT_TRUE(profile) << profile.error().message;
  ASSERT_EQ(profile->domains.size(), 2u);
  EXPECT_EQ(profile->domain_for("acl")->name, "acl.example.com");
  EXPECT_EQ(profile->domain_for("registration")->username, "u");
  EXPECT_EQ(profile->domain_for("credentials"), nullptr);
  // The acl domain admits the party network except <party_network>.0.0/24 (outside parties).
  EXPECT_EQ(outside_network(*profile), "127.20.0.0/24");
  const auto admitted = acl_admitted_networks(*profile);
  EXPECT_FALSE(in_cidrs("127.20.0.1", admitted));
  EXPECT_FALSE(in_cidrs("127.20.0.250", admitted));
  EXPECT_TRUE(in_cidrs("127.20.1.1", admitted));
  EXPECT_TRUE(in_cidrs("127.20.200.7", admitted));
  EXPECT_TRUE(in_cidrs("127.20.255.255", admitted));
  EXPECT_FALSE(in_cidrs("127.21.1.1", admitted));

  const std::vector<std::pair<std::string, std::string>> rows{
      {"domains: {mail: {name: m}}\n",
       "F:5:11: unknown key 'mail' in domains (expected one of: acl, credentials, registration, basic)"},
      {"domains: {acl: {name: a, username: u}}\n",
       "F:5:26: unknown key 'username' in domains.acl (expected one of: name)"},
      {"domains: {credentials: {name: c, username: u}}\n", "F:5:24: domains.credentials needs password"},
      {"domains: {acl: {name: d.example.com}}\n", "F:5:23: domains.acl.name must differ from the profile's domain"},
      {"capabilities: [registration]\n",
       "F:1:1: capability registration needs domains.registration (where cases REGISTER)"},
  };
  for (const auto& [yaml, error] : rows) EXPECT_EQ(error_of(kHead + yaml), error) << yaml;
}

// [app.*] TwiML Apps by role: same (the profile's account), public and private (a second one).
TEST_F(ProfileErrors, ApplicationsByRole) {
  auto profile = load_profile(write(kHead +
                                    "applications:\n"
                                    "  same: {sid: AP0123456789abcdef0123456789abcdef}\n"
                                    "  private: {sid: AP0123456789abcdef0123456789abcde0}\n"));
  ASSERT_TRUE(profile) << profile.error().message;
  ASSERT_EQ(profile->applications.size(), 2u);
  EXPECT_EQ(profile->application_for("same")->sid, "AP0123456789abcdef0123456789abcdef");
  EXPECT_EQ(profile->application_for("private")->sid, "AP0123456789abcdef0123456789abcde0");
  EXPECT_EQ(profile->application_for("public"), nullptr);
  const std::vector<std::pair<std::string, std::string>> rows{
      {"applications: {other: {sid: AP0123456789abcdef0123456789abcdef}}\n",
       "F:5:16: unknown key 'other' in applications (expected one of: same, public, private)"},
      {"applications: {same: {sid: AC0123456789abcdef0123456789abcdef}}\n",
       "F:5:28: applications.same.sid must be AP followed by 32 lower-case hex digits"},
      {"applications: {same: {}}\n", "F:5:22: applications.same needs sid"},
      {"applications: {same: {sid: AP0123456789abcdef0123456789abcdef}, public: {sid: AP0123456789abcdef0123456789abcdef}}\n",
       "F:5:79: applications.public.sid repeats applications.same"},
  };
  for (const auto& [yaml, error] : rows) EXPECT_EQ(error_of(kHead + yaml), error) << yaml;
}

// [api.*] where the target serves its REST API; capability rest-api needs it.
TEST_F(ProfileErrors, RestAddress) {
  auto profile = load_profile(
      write(kHead + "rest: {host: 127.0.1.9, port: 8080}\ncapabilities: [rest-api]\n"));
  ASSERT_TRUE(profile) << profile.error().message;
  ASSERT_TRUE(profile->rest);
  EXPECT_EQ(profile->rest->host, "127.0.1.9");
  EXPECT_EQ(profile->rest->port, 8080);
  EXPECT_FALSE(load_profile(write(kHead))->rest) << "no REST API unless the profile names it";
  const std::vector<std::pair<std::string, std::string>> rows{
      {"capabilities: [rest-api]\n",
       "F:1:1: capability rest-api needs rest: { host, port } (where the target serves its REST "
       "API)"},
      {"rest: {host: api.example.com, port: 80}\n", "F:5:14: rest.host must be an IPv4 address"},
      {"rest: {host: 127.0.1.9, port: 0}\n", "F:5:31: rest.port must be a port number (1..65535)"},
      {"rest: {host: 127.0.1.9}\n", "F:5:7: rest needs host and port"},
      {"rest: {host: 127.0.1.9, port: 80, tls: true}\n",
       "F:5:35: unknown key 'tls' in rest (expected one of: host, port)"},
  };
  for (const auto& [yaml, error] : rows) EXPECT_EQ(error_of(kHead + yaml), error) << yaml;
}

TEST(Profile, ReferenceFixtureServesRestBesideItsEdges) {
  auto profile = load_profile(kTargets + "reference.yaml");
  ASSERT_TRUE(profile) << profile.error().message;
  ASSERT_TRUE(profile->rest);
  EXPECT_EQ(profile->rest->host, "127.0.1.9") << "not one of the edges' addresses";
  for (const auto& edge : profile->edges)
    EXPECT_FALSE(in_cidrs(profile->rest->host, edge.cidrs)) << edge.edge;
}

TEST(Profile, MissingFileIsNamed) {
  auto profile = load_profile("/nonexistent/target.yaml");
  ASSERT_FALSE(profile);
  EXPECT_EQ(profile.error().message, "/nonexistent/target.yaml: cannot read the target profile");
}

TEST(Profile, InCidrs) {
  struct Row {
    std::string ip;
    std::vector<std::string> cidrs;
    bool inside;
  };
  const std::vector<Row> rows{
      {"127.0.1.1", {"127.0.1.1/32"}, true},
      {"127.0.1.2", {"127.0.1.1/32"}, false},
      {"127.0.1.2", {"127.0.1.1"}, false},
      {"127.0.1.1", {"127.0.1.1"}, true},  // a bare address is a /32
      {"10.1.2.3", {"10.0.0.0/8"}, true},
      {"11.1.2.3", {"10.0.0.0/8"}, false},
      {"192.0.2.47", {"192.0.2.32/28"}, true},
      {"192.0.2.48", {"192.0.2.32/28"}, false},
      {"192.0.2.48", {"192.0.2.32/28", "192.0.2.48/28"}, true},
      {"203.0.113.9", {"0.0.0.0/0"}, true},
      {"10.0.0.1", {}, false},
      {"10.0.0.1", {"not-a-cidr", "10.0.0.0/33", "10.0.0.0/8"}, true},  // bad entries never match
      {"not-an-ip", {"0.0.0.0/0"}, false},
      {"127.0.1.1:5060", {"127.0.0.0/8"}, true},  // a capture's "ip:port" works as is
  };
  for (const auto& row : rows) EXPECT_EQ(in_cidrs(row.ip, row.cidrs), row.inside) << row.ip;
}

}  // namespace
}  // namespace sipconform
