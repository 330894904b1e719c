// Config loader: the example file and defaults load; every class of mistake is reported as
// "<file>:<line>:<column>: <what>" at the offending node (design.md, "Config").
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "config/config.h"

namespace sipref::config {
namespace {

namespace fs = std::filesystem;

constexpr const char* kAccount = "AC0123456789abcdef0123456789abcdef";
const std::string kAccounts =
    std::string("accounts:\n  - sid: ") + kAccount + "\n    auth_token: secret\n";

class ConfigFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sipref_config_test_" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& text, const std::string& name = "sipref.yaml") {
    auto path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  Result<Config> load(const std::string& text) { return load_config(write(text)); }
  // The error expected for `text`, given the location and message without the file name.
  void expect_error(const std::string& text, const std::string& where_what) {
    auto path = write(text);
    auto result = load_config(path);
    ASSERT_FALSE(result.has_value()) << "loaded although expected: " << where_what;
    EXPECT_EQ(result.error().message, path + ":" + where_what);
  }

  fs::path dir_;
};

// ---- valid files ---------------------------------------------------------------------------

TEST(ConfigExample, TheShippedExampleValidates) {
  auto config = load_config(SIPREF_TEST_DATA "/../../config/example.yaml");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  ASSERT_EQ(config->accounts.size(), 1u);
  EXPECT_TRUE(config->accounts[0].enhanced_sip);  // behaviours.md sip.enhanced-off
  EXPECT_EQ(config->accounts[0].debugger_webhook, "http://127.0.0.1:8080/debugger");
  ASSERT_EQ(config->edges.size(), 8u);
  EXPECT_EQ(config->find_edge("sydney")->address, "127.0.1.8");
  ASSERT_EQ(config->domains.size(), 1u);
  const Domain* domain = config->find_domain("EXAMPLE.sip.twilio.local");
  ASSERT_NE(domain, nullptr);
  EXPECT_EQ(domain->voice.url, "http://127.0.0.1:8080/voice");
  EXPECT_EQ(domain->voice.fallback_url, "http://127.0.0.1:8080/fallback");
  EXPECT_EQ(domain->account, config->accounts[0].sid);
  ASSERT_NE(config->find_number("+15005550006"), nullptr);
  EXPECT_EQ(config->find_number("+15005550006")->voice.method, HttpMethod::get);
  EXPECT_EQ(config->limits.max_calls, 1000u);
  EXPECT_EQ(config->limits.max_cps, 200u);
  EXPECT_EQ(config->limits.drain, std::chrono::seconds(30));
  ASSERT_TRUE(config->rest.has_value());
  EXPECT_EQ(config->rest->port, 8088);
  ASSERT_TRUE(config->pstn_gateway.has_value());
  EXPECT_EQ(config->pstn_gateway->port, 5080);
  const Application* app = config->find_application("AP00000000000000000000000000000001");
  ASSERT_NE(app, nullptr);
  EXPECT_EQ(app->account, config->accounts[0].sid);
  EXPECT_FALSE(app->public_application_connect_enabled);
}

// [app.*]: applications reuse the voice webhook keys; PublicApplicationConnectEnabled defaults
// to false like the provider's.
TEST_F(ConfigFile, Applications) {
  const std::string app = std::string("applications:\n  - sid: AP0123456789abcdef0123456789abcdef\n    account: ") +
                          kAccount + "\n    voice_url: http://127.0.0.1/app\n";
  auto config = load(kAccounts + app);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  const Application* found = config->find_application("AP0123456789abcdef0123456789abcdef");
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->voice.url, "http://127.0.0.1/app");
  EXPECT_EQ(found->voice.method, HttpMethod::post);
  EXPECT_FALSE(found->public_application_connect_enabled);
  EXPECT_EQ(config->find_application("AP0123456789abcdef0123456789abcde0"), nullptr);

  auto public_app = load(kAccounts + app + "    public_application_connect_enabled: true\n" +
                         "    voice_fallback_url: http://127.0.0.1/fallback\n");
  ASSERT_TRUE(public_app.has_value()) << public_app.error().message;
  EXPECT_TRUE(public_app->applications[0].public_application_connect_enabled);
  EXPECT_EQ(public_app->applications[0].voice.fallback_url, "http://127.0.0.1/fallback");

  expect_error(kAccounts + "applications:\n  - sid: AC0123456789abcdef0123456789abcdef\n    account: " + kAccount +
                   "\n    voice_url: http://127.0.0.1/app\n",
               "5:10: applications[0].sid: 'AC0123456789abcdef0123456789abcdef' is not a SID (AP followed by 32 "
               "lower-case hex digits)");
  expect_error(kAccounts + "applications:\n  - sid: AP0123456789abcdef0123456789abcdef\n    account: "
                           "AC0123456789abcdef0123456789abcde0\n    voice_url: http://127.0.0.1/app\n",
               "6:14: applications[0].account: account 'AC0123456789abcdef0123456789abcde0' is not in accounts");
  expect_error(kAccounts + app + app.substr(std::string("applications:\n").size()), "8:10: applications[1].sid: ApplicationSid repeated");
  expect_error(kAccounts + app + "    public_application_connect_enabled: yes\n",
               "8:41: applications[0].public_application_connect_enabled: expected true or false, got 'yes'");
  expect_error(kAccounts + "applications:\n  - sid: AP0123456789abcdef0123456789abcdef\n    account: " + kAccount + "\n",
               "5:5: applications[0]: missing required key 'voice_url'");
}

TEST_F(ConfigFile, PstnGateway) {
  auto config = load(kAccounts + "pstn_gateway:\n  host: 127.0.0.9\n");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->pstn_gateway->host, "127.0.0.9");
  EXPECT_EQ(config->pstn_gateway->port, 5060);
  EXPECT_EQ(config->pstn_gateway->edge, "ashburn");
  expect_error(kAccounts + "pstn_gateway:\n  host: gw.example.com\n", "5:9: pstn_gateway.host: 'gw.example.com' is not an IPv4 address");
  expect_error(kAccounts + "pstn_gateway:\n  host: 127.0.0.9\n  edge: mars\n",
               "5:3: pstn_gateway: edge 'mars' is not configured");
}

TEST_F(ConfigFile, OnlyAccountsGivesEveryDefault) {
  auto config = load(kAccounts);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_FALSE(config->accounts[0].enhanced_sip);
  EXPECT_FALSE(config->accounts[0].debugger_webhook.has_value());
  ASSERT_EQ(config->edges.size(), 8u);
  const char* names[] = {"ashburn",   "san-jose", "dublin",    "frankfurt",
                         "singapore", "tokyo",    "sao-paulo", "sydney"};
  for (int i = 0; i < 8; ++i) {
    const Edge& edge = config->edges[i];
    EXPECT_EQ(edge.name, names[i]);
    EXPECT_EQ(edge.address, "127.0.1." + std::to_string(i + 1));
    EXPECT_EQ(edge.media_address, edge.address);
    EXPECT_EQ(edge.udp_port, 5060);
    EXPECT_EQ(edge.tcp_port, 5060);
    EXPECT_EQ(edge.tls_port, 5061);
  }
  EXPECT_EQ(config->listen, "ashburn");
  EXPECT_EQ(config->timers.t1, std::chrono::milliseconds(500));
  EXPECT_EQ(config->timers.t2, std::chrono::milliseconds(4000));
  EXPECT_EQ(config->timers.t4, std::chrono::milliseconds(5000));
  EXPECT_EQ(config->timers.dial_buffer, std::chrono::seconds(5));
  EXPECT_EQ(config->webhook.workers, 4u);
  EXPECT_FALSE(config->limits.max_calls.has_value());
  EXPECT_FALSE(config->tls.has_value());
  EXPECT_FALSE(config->rest.has_value());
  EXPECT_TRUE(config->domains.empty());
  EXPECT_EQ(config->media.port_min, 20000);
  EXPECT_EQ(config->media.port_max, 29999);
}

// Relay ports: RTP even, RTCP the odd port above, so the range starts even and is not empty.
TEST_F(ConfigFile, MediaPortRange) {
  auto config = load(kAccounts + "media:\n  port_min: 40000\n  port_max: 40099\n");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->media.port_min, 40000);
  EXPECT_EQ(config->media.port_max, 40099);
  expect_error(kAccounts + "media:\n  port_min: 40001\n", "5:13: media.port_min: must be even (RTP takes even ports)");
  expect_error(kAccounts + "media:\n  port_min: 40000\n  port_max: 40000\n",
               "6:13: media.port_max: must be greater than port_min");
  expect_error(kAccounts + "media:\n  port_min: 30000\n",  // the default maximum is 29999
               "5:3: media.port_max: must be greater than port_min");
  expect_error(kAccounts + "media:\n  port_max: 70000\n", "5:13: media.port_max: 70000 is out of range 1..65535");
  expect_error(kAccounts + "media:\n  ports: 1\n", "5:3: media: unknown key 'ports' (known: port_min, port_max)");
}

TEST_F(ConfigFile, DeviationsAreNamedSelfTestMistakes) {
  auto config = load(kAccounts + "deviations: [edge-ignored, signature-unsorted]\n");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->deviations, (std::vector<Deviation>{Deviation::edge_ignored, Deviation::signature_unsorted}));
  EXPECT_TRUE(load(kAccounts)->deviations.empty());
  expect_error(kAccounts + "deviations: [be-wrong]\n",
               "4:14: deviations: unknown deviation 'be-wrong' (sipref --list-deviations lists them)");
  for (const auto& info : all_deviations()) {
    EXPECT_EQ(deviation_named(info.name), info.deviation) << info.name;
    EXPECT_FALSE(info.behaviours.empty()) << info.name << " must say which behaviours it breaks";
  }
}

TEST_F(ConfigFile, RegionsMapToConfiguredEdges) {
  auto defaults = load(kAccounts);
  ASSERT_TRUE(defaults.has_value()) << defaults.error().message;
  EXPECT_EQ(defaults->regions.at("jp1"), "tokyo");
  EXPECT_EQ(defaults->regions.size(), 8u);
  auto custom = load(kAccounts + "regions:\n  eu9: frankfurt\n");
  ASSERT_TRUE(custom.has_value()) << custom.error().message;
  EXPECT_EQ(custom->regions.at("eu9"), "frankfurt");
  EXPECT_FALSE(custom->regions.contains("us1")) << "a regions section replaces the default table";
  auto lab = load(kAccounts + "edges:\n  lab:\n    address: 10.0.0.1\nlisten: lab\n");
  ASSERT_TRUE(lab.has_value()) << lab.error().message;
  EXPECT_TRUE(lab->regions.empty()) << "default regions name edges this file does not have";
  expect_error(kAccounts + "regions:\n  eu9: mars\n", "5:8: regions.eu9: edge 'mars' is not configured");
  expect_error(kAccounts + "regions: [us1]\n", "4:10: regions: expected a mapping of region to edge name, got a sequence");
}

TEST_F(ConfigFile, EdgesReplaceTheDefaultTableAndDefaultTheirPorts) {
  auto config =
      load(kAccounts + "edges:\n  lab:\n    address: 10.0.0.1\n    tls_port: 5081\nlisten: lab\n");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  ASSERT_EQ(config->edges.size(), 1u);
  EXPECT_EQ(config->edges[0].name, "lab");
  EXPECT_EQ(config->edges[0].udp_port, 5060);
  EXPECT_EQ(config->edges[0].tls_port, 5081);
  EXPECT_EQ(config->edges[0].media_address, "10.0.0.1");
}

TEST_F(ConfigFile, DomainMethodsDefaultToPostAndNamesAreLowerCased) {
  auto config = load(
      kAccounts +
      "domains:\n  - name: Example.SIP.twilio.local\n    sid: SD0123456789abcdef0123456789abcdef\n"
      "    account: " +
      kAccount + "\n    voice_url: https://app.example/voice\n");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  const Domain& domain = config->domains.at(0);
  EXPECT_EQ(domain.name, "example.sip.twilio.local");
  EXPECT_EQ(domain.voice.method, HttpMethod::post);
  EXPECT_EQ(domain.voice.fallback_method, HttpMethod::post);
  EXPECT_FALSE(domain.voice.fallback_url.has_value());
  EXPECT_FALSE(domain.voice.status_callback.has_value());
}

TEST_F(ConfigFile, TlsPathsAreTakenFromTheConfigFolder) {
  write("cert", "cert.pem");
  write("key", "key.pem");
  auto config = load(kAccounts + "tls:\n  certificate: cert.pem\n  private_key: key.pem\n");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->tls->certificate, (dir_ / "cert.pem").string());
}

// ---- errors: each names file:line:column of the offending node -----------------------------

TEST_F(ConfigFile, UnknownKeys) {
  expect_error(kAccounts + "colour: blue\n",
               "4:1: unknown key 'colour' (known: accounts, edges, regions, tls, domains, numbers, "
               "applications, timers, limits, media, webhook, listen, rest, pstn_gateway, deviations)");
  expect_error(kAccounts + "    region: us1\n",
               "4:5: accounts[0]: unknown key 'region' (known: sid, auth_token, debugger_webhook, "
               "enhanced_sip)");
  expect_error(kAccounts + "timers:\n  t3_ms: 100\n",
               "5:3: timers: unknown key 't3_ms' (known: t1_ms, t2_ms, t4_ms, dial_buffer_s)");
}

TEST_F(ConfigFile, RepeatedKey) {
  expect_error(kAccounts + "    auth_token: other\n",
               "4:5: accounts[0]: key 'auth_token' repeated");
}

TEST_F(ConfigFile, WrongTypes) {
  expect_error(kAccounts + "    enhanced_sip: yes\n",
               "4:19: accounts[0].enhanced_sip: expected true or false, got 'yes'");
  expect_error("accounts:\n  sid: x\n", "2:3: accounts: expected a list, got a mapping");
  expect_error(kAccounts + "edges:\n  ashburn:\n    address: 127.0.0.1\n    udp_port: five\n",
               "7:15: edges.ashburn.udp_port: expected an integer, got 'five'");
  expect_error(kAccounts + "    auth_token2:\n",
               "4:5: accounts[0]: unknown key 'auth_token2' (known: sid, auth_token, "
               "debugger_webhook, enhanced_sip)");
  expect_error(kAccounts + "listen: [ashburn]\n", "4:9: listen: expected a string, got a sequence");
  expect_error(kAccounts + "webhook: 4\n", "4:10: webhook: expected a mapping, got '4'");
}

TEST_F(ConfigFile, MissingRequiredKeys) {
  expect_error("listen: ashburn\n", "1:1: missing required key 'accounts'");
  expect_error(std::string("accounts:\n  - sid: ") + kAccount + "\n",
               "2:5: accounts[0]: missing required key 'auth_token'");
  expect_error(kAccounts +
                   "domains:\n  - name: a.sip.example\n    sid: "
                   "SD0123456789abcdef0123456789abcdef\n    account: " +
                   kAccount + "\n",
               "5:5: domains[0]: missing required key 'voice_url'");
}

TEST_F(ConfigFile, BadValues) {
  expect_error(
      "accounts:\n  - sid: AC0123456789ABCDEF0123456789ABCDEF\n    auth_token: t\n",
      "2:10: accounts[0].sid: 'AC0123456789ABCDEF0123456789ABCDEF' is not a SID (AC followed by 32 "
      "lower-case hex digits)");
  expect_error(kAccounts + "edges:\n  ashburn: { address: 127.0.0.300 }\n",
               "5:23: edges.ashburn.address: '127.0.0.300' is not an IPv4 address");
  expect_error(kAccounts + "edges:\n  ashburn: { address: 127.0.0.1, tls_port: 70000 }\n",
               "5:44: edges.ashburn.tls_port: 70000 is out of range 1..65535");
  expect_error(kAccounts + "    debugger_webhook: ftp://example.com/x\n",
               "4:23: accounts[0].debugger_webhook: 'ftp://example.com/x' is not an absolute "
               "http:// or https:// URL");
  expect_error(kAccounts + "numbers:\n  - number: '5551234'\n",
               "5:13: numbers[0].number: '5551234' is not an E.164 number (+ and up to 15 digits)");
  expect_error(kAccounts + "timers: { t1_ms: 0 }\n",
               "4:18: timers.t1_ms: 0 is out of range 1..60000");
  expect_error(kAccounts + "timers: { t1_ms: 5000, t2_ms: 4000 }\n",
               "4:31: timers.t2_ms: must not be less than t1_ms");
}

TEST_F(ConfigFile, BadMethod) {
  expect_error(kAccounts +
                   "domains:\n  - name: a.sip.example\n    sid: "
                   "SD0123456789abcdef0123456789abcdef\n    account: " +
                   kAccount + "\n    voice_url: http://x/voice\n    voice_method: PUT\n",
               "9:19: domains[0].voice_method: expected GET or POST, got 'PUT'");
}

TEST_F(ConfigFile, CrossReferences) {
  expect_error(
      kAccounts +
          "domains:\n  - name: a.sip.example\n    sid: SD0123456789abcdef0123456789abcdef\n"
          "    account: AC0000000000000000000000000000000f\n    voice_url: http://x/voice\n",
      "7:14: domains[0].account: account 'AC0000000000000000000000000000000f' is not in accounts");
  expect_error(kAccounts + "listen: umatilla\n", "4:9: listen: edge 'umatilla' is not configured");
  expect_error(kAccounts + "  - sid: " + kAccount + "\n    auth_token: again\n",
               "4:10: accounts[1].sid: AccountSid repeated");
}

TEST_F(ConfigFile, MissingTlsFile) {
  expect_error(kAccounts + "tls:\n  certificate: nowhere.pem\n  private_key: nowhere.key\n",
               "5:16: tls.certificate: cannot read file '" + (dir_ / "nowhere.pem").string() + "'");
}

TEST_F(ConfigFile, YamlSyntaxErrorIsLocated) {
  auto path = write(kAccounts + "edges: {ashburn: [\n");
  auto result = load_config(path);
  ASSERT_FALSE(result.has_value());
  EXPECT_TRUE(result.error().message.starts_with(path + ":5:1: ")) << result.error().message;
}

TEST_F(ConfigFile, EmptyAndMissingFiles) {
  expect_error("", "1:1: the file is empty; expected a mapping with accounts");
  auto missing = (dir_ / "absent.yaml").string();
  EXPECT_EQ(load_config(missing).error().message, missing + ": cannot open the file");
}

// ---- domain access: ip_access_list, credentials, registration [inbound.*] ----------------

const std::string kDomainHead = kAccounts +
                                "domains:\n  - name: a.sip.example\n    sid: "
                                "SD0123456789abcdef0123456789abcdef\n    account: " +
                                kAccount + "\n    voice_url: http://x/voice\n";  // lines 4-8

TEST_F(ConfigFile, DomainAccessDefaultsToOpenAndNoRegistration) {
  auto config = load(kDomainHead);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_TRUE(config->domains[0].ip_access_list.empty());
  EXPECT_TRUE(config->domains[0].credentials.empty());
  EXPECT_FALSE(config->domains[0].registration);
}

TEST_F(ConfigFile, DomainAccessKeysLoad) {
  auto config = load(kDomainHead +
                     "    ip_access_list: [192.0.2.0/24, 198.51.100.7/32]\n"
                     "    credentials:\n      - { username: alice, password: s3cret }\n"
                     "      - { username: bob, password: builder }\n"
                     "    registration: true\n");
  ASSERT_TRUE(config.has_value()) << config.error().message;
  const Domain& d = config->domains[0];
  EXPECT_EQ(d.ip_access_list, (std::vector<std::string>{"192.0.2.0/24", "198.51.100.7/32"}));
  ASSERT_EQ(d.credentials.size(), 2u);
  EXPECT_EQ(d.credentials[1].username, "bob");
  EXPECT_EQ(d.credentials[1].password, "builder");
  EXPECT_TRUE(d.registration);
}

TEST_F(ConfigFile, DomainAccessMistakesAreLocated) {
  expect_error(kDomainHead + "    ip_access_list: [192.0.2.1]\n",
               "9:22: domains[0].ip_access_list[0]: '192.0.2.1' is not an IPv4 CIDR (a.b.c.d/n "
               "with the host bits clear)");
  expect_error(kDomainHead + "    ip_access_list: [10.0.0.1/8]\n",
               "9:22: domains[0].ip_access_list[0]: '10.0.0.1/8' is not an IPv4 CIDR (a.b.c.d/n "
               "with the host bits clear)");
  expect_error(kDomainHead + "    ip_access_list: []\n",
               "9:21: domains[0].ip_access_list: must list at least one CIDR (leave the key out "
               "to admit any source)");
  expect_error(kDomainHead + "    credentials:\n      - { username: alice }\n",
               "10:9: domains[0].credentials[0]: missing required key 'password'");
  expect_error(kDomainHead + "    credentials:\n      - { username: alice, password: \"\" }\n",
               "10:38: domains[0].credentials[0].password: must not be empty");
  expect_error(kDomainHead +
                   "    credentials:\n      - { username: alice, password: a }\n"
                   "      - { username: alice, password: b }\n",
               "11:21: domains[0].credentials[1].username: username repeated");
  expect_error(kDomainHead + "    credentials:\n      - { username: \"a b\", password: x }\n",
               "10:21: domains[0].credentials[0].username: 'a b' is not a username (1-64 "
               "printable characters, no blanks, quotes, backslashes or colons)");
  expect_error(kDomainHead + "    credentials:\n      - { username: a, password: x, realm: r }\n",
               "10:37: domains[0].credentials[0]: unknown key 'realm' (known: username, password)");
  expect_error(kDomainHead + "    registration: yes\n",
               "9:19: domains[0].registration: expected true or false, got 'yes'");
  expect_error(kDomainHead + "    registration: true\n",
               "9:19: domains[0].registration: needs credentials: REGISTER is always "
               "digest-authenticated");
}

TEST(ConfigValues, Checks) {
  EXPECT_TRUE(is_sid("SD0123456789abcdef0123456789abcdef", "SD"));
  EXPECT_FALSE(is_sid("SD0123456789abcdef0123456789abcde", "SD"));  // 31 digits
  EXPECT_FALSE(is_sid("AC0123456789abcdef0123456789abcdef", "SD"));
  EXPECT_TRUE(is_e164("+15005550006"));
  EXPECT_FALSE(is_e164("+0123"));
  EXPECT_FALSE(is_e164("+1234567890123456"));  // 16 digits
  EXPECT_TRUE(is_http_url("https://user:pw@host:8443/x?y#z"));
  EXPECT_FALSE(is_http_url("http:///path"));
  EXPECT_FALSE(is_http_url("/relative"));
  EXPECT_TRUE(is_http_url("http://[::1]:8080"));
  EXPECT_FALSE(is_http_url("http://host:0/"));
  EXPECT_FALSE(is_http_url("http://host:port/"));
  EXPECT_FALSE(is_http_url("http://host/a b"));
  EXPECT_TRUE(is_ipv4_cidr("0.0.0.0/0"));
  EXPECT_TRUE(is_ipv4_cidr("192.0.2.7/32"));
  EXPECT_FALSE(is_ipv4_cidr("192.0.2.0/33"));
  EXPECT_FALSE(is_ipv4_cidr("192.0.2.0/"));
  EXPECT_FALSE(is_ipv4_cidr("host/24"));
}

}  // namespace
}  // namespace sipref::config
