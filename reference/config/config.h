// The typed model of sipref's one YAML configuration file and its strict loader: every unknown
// key, wrong type, missing key or bad value is an error naming file:line:column.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/deviations.h"
#include "util/error.h"
#include "util/http_method.h"

namespace sipref::config {

struct Account {
  std::string sid;  // AC + 32 lower-case hex digits
  std::string auth_token;
  std::optional<std::string> debugger_webhook;  // absolute http(s) URL; alerts are posted there
  bool enhanced_sip = false;  // "Enhanced Programmable SIP Features": off like the provider
};

// An edge is a set of local addresses: SIP leaves from `address`, media from `media_address`.
struct Edge {
  std::string name;     // ashburn, san-jose, ...
  std::string address;  // IPv4
  std::uint16_t udp_port = 5060;
  std::uint16_t tcp_port = 5060;
  std::uint16_t tls_port = 5061;
  std::string media_address;  // IPv4; defaults to `address`
};

struct Tls {
  std::string certificate;  // PEM file; relative paths are taken from the config file's folder
  std::string private_key;
};

// The voice webhook of an inbound entry point (SIP domain or phone number).
struct VoiceWebhook {
  std::string url;  // absolute http(s) URL
  HttpMethod method = HttpMethod::post;
  std::optional<std::string> fallback_url;
  HttpMethod fallback_method = HttpMethod::post;
  std::optional<std::string> status_callback;
  HttpMethod status_callback_method = HttpMethod::post;
};

// One entry of a domain's credential list (digest username and password).
struct Credential {
  std::string username;
  std::string password;
};

struct Domain {
  std::string name;     // host name, stored in lower case, e.g. example.sip.twilio.local
  std::string sid;      // SD + 32 hex
  std::string account;  // AccountSid of a configured account
  VoiceWebhook voice;
  // Who may use the domain [inbound.ip-acl, inbound.credentials, inbound.register]. An INVITE
  // must pass both when both are set; REGISTER needs `registration` and a credential.
  std::vector<std::string> ip_access_list;  // IPv4 CIDRs; empty: any source
  std::vector<Credential> credentials;      // empty: no digest challenge for calls
  bool registration = false;                // REGISTER accepted (needs credentials)
};

struct Number {
  std::string number;  // E.164: + and 1..15 digits
  std::string sid;     // PN + 32 hex
  std::string account;
  VoiceWebhook voice;
};

// A TwiML App [app.*]: what <Dial><Application> connects a call to, with no SIP leg.
struct Application {
  std::string sid;      // AP + 32 hex
  std::string account;  // AccountSid of a configured account
  VoiceWebhook voice;
  // PublicApplicationConnectEnabled: other accounts may dial it [app.public-flag].
  bool public_application_connect_enabled = false;
};

struct Timers {
  std::chrono::milliseconds t1{500};  // RFC 3261 §17: RTT estimate
  std::chrono::milliseconds t2{4000};
  std::chrono::milliseconds t4{5000};
  std::chrono::seconds dial_buffer{5};  // the provider adds 5 s to every <Dial timeout>
};

struct Limits {
  std::optional<unsigned> max_calls;  // concurrent parent calls; beyond it INVITEs get 503
  std::optional<unsigned> max_cps;    // new calls per second; beyond it INVITEs get 503
  // SIGTERM: how long live calls may go on while new ones are refused; then they are ended.
  std::chrono::seconds drain{30};
};

// Relay ports for anchored media: each leg takes an even RTP port and the RTCP port above it.
struct MediaSettings {
  std::uint16_t port_min = 20000;  // even
  std::uint16_t port_max = 29999;  // greater than port_min
};

struct WebhookSettings {
  unsigned workers = 4;  // threads doing blocking HTTP requests
};

// Where <Number> legs go: sip:<E.164>@host:port over UDP, from `edge` [multi.number].
struct PstnGateway {
  std::string host;  // IPv4
  std::uint16_t port = 5060;
  std::string edge = "ashburn";
};

struct RestListen {
  std::string address;  // IPv4
  std::uint16_t port = 0;
};

struct Config {
  std::string source;  // the file it was loaded from
  std::vector<Account> accounts;
  std::vector<Edge> edges;  // never empty: default_edges() when the file has none
  std::map<std::string, std::string> regions;  // legacy region -> edge; default_regions() if absent
  std::optional<Tls> tls;
  std::vector<Domain> domains;
  std::vector<Number> numbers;
  std::vector<Application> applications;
  Timers timers;
  Limits limits;
  MediaSettings media;
  WebhookSettings webhook;
  std::string listen = "ashburn";  // edge that receives inbound calls
  std::optional<RestListen> rest;
  std::optional<PstnGateway> pstn_gateway;
  // Deliberate mistakes for the harness's self-test (util/deviations.h); never in production.
  std::vector<Deviation> deviations;

  const Account* find_account(std::string_view sid) const;
  const Edge* find_edge(std::string_view name) const;
  const Domain* find_domain(std::string_view host) const;  // case-insensitive
  const Number* find_number(std::string_view e164) const;
  const Application* find_application(std::string_view sid) const;
};

// The provider's eight SIP edges bound to 127.0.1.1 … 127.0.1.8 (Linux answers on all of
// 127.0.0.0/8 without set-up), used when the file has no `edges` section.
std::vector<Edge> default_edges();
// The provider's legacy regions: us1 ashburn, us2 san-jose, ie1 dublin, de1 frankfurt,
// sg1 singapore, jp1 tokyo, br1 sao-paulo, au1 sydney [sip.region].
std::map<std::string, std::string> default_regions();

// Reads and validates a file. Errors read "<file>:<line>:<column>: <what is wrong>" (1-based).
Result<Config> load_config(const std::string& path);
// The same for text already in memory; `source` names it in error messages.
Result<Config> parse_config(std::string_view yaml, const std::string& source);

// Value checks shared with other units (REST API, tests).
bool is_sid(std::string_view text, std::string_view prefix);  // prefix + 32 lower-case hex
bool is_ipv4(std::string_view text);
bool is_ipv4_cidr(std::string_view text);  // a.b.c.d/n, host bits clear
bool is_e164(std::string_view text);
bool is_http_url(std::string_view text);  // http:// or https:// followed by a host

}  // namespace sipref::config
