// Target profiles (fixtures/targets/*.yaml): where the target takes SIP, whether the harness
// starts it (managed) or it already runs (external), its edges' source ranges, capabilities.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cases/case.h"
#include "util/error.h"

namespace sipconform {

struct EdgeRange {
  std::string edge;                // ashburn, san-jose …
  std::vector<std::string> cidrs;  // "127.0.1.1/32"
};

struct ManagedSettings {
  std::string command;  // the target binary, e.g. "build/default/reference/sipref" (relative to
                        // the repository root) — the harness generates its config
  std::vector<std::string> args;  // extra arguments
};

// A fixed SIP address the target sends to (its PSTN gateway for <Number> legs); a case party
// placed there (`at: pstn-gateway`) answers for it.
struct FixedAddress {
  std::string host;
  std::uint16_t port = 5060;
};

// An extra SIP domain of the target with its own access rules, for the inbound.* cases, by role:
// `acl` admits only the party network except <party_network>.0.0/24 (where `at: outside`
// parties are); `credentials` challenges calls for username/password; `registration` takes
// REGISTER with username/password. Cases use them as {{domain:ROLE}}, {{username:ROLE}} ...
struct ProfileDomain {
  std::string role;
  std::string name;
  std::string username;  // credentials and registration only
  std::string password;
};

// A TwiML App of the target for the app.* cases, by role: `same` belongs to the profile's account
// (PublicApplicationConnectEnabled false), `public` and `private` to a second account, with the
// flag true and false. A managed target's App requests <webhook base>/app/<role>, which the mock
// server routes by the case token in a Param_ or CustomerId value. Cases write {{application:ROLE}}.
struct ProfileApplication {
  std::string role;
  std::string sid;  // AP + 32 lower-case hex
};

// Where the target serves its REST API [api.*] (capability rest-api): plain HTTP, paths under
// /2010-04-01/Accounts/<account sid>/, Basic auth with the profile's account.
struct RestAddress {
  std::string host;  // IPv4
  std::uint16_t port = 0;
};

struct TargetProfile {
  std::string name;
  std::string ingress_host;  // where callers send their INVITEs
  std::uint16_t ingress_port = 5060;
  std::string domain;        // SIP domain callers put in the Request-URI host
  bool reference = false;    // the golden target: REF expectations are checked strictly
  std::optional<ManagedSettings> managed;  // nullopt: external, already running
  std::string harness_address = "127.0.0.1";  // the mock webhook server binds here
  std::uint16_t webhook_port = 0;             // 0: any free port (managed targets only)
  std::string party_network = "127.20";       // parties get 127.20.<case>.<n> addresses
  std::vector<EdgeRange> edges;
  std::vector<std::string> capabilities;
  std::optional<FixedAddress> pstn_gateway;  // capability `pstn`: where <Number> legs go
  // `rest: { host, port }`: capability rest-api needs it; a managed target is told to listen there.
  std::optional<RestAddress> rest;
  std::vector<std::string> deviations;  // not read from YAML: set by `sipconform selftest`
  std::vector<ProfileDomain> domains;        // `domains:`; capability registration needs one
  std::vector<ProfileApplication> applications;  // `applications:` [app.*]
  std::string account_sid;
  std::string auth_token;  // checks X-Twilio-Signature
  std::string voice_url_note;  // external: what the operator must configure as the voice URL
  Location where;

  bool has(std::string_view capability) const;
  const EdgeRange* edge(std::string_view name) const;
  const ProfileDomain* domain_for(std::string_view role) const;
  const ProfileApplication* application_for(std::string_view role) const;
};

// Strict: unknown keys and bad values are errors naming file:line:column.
Result<TargetProfile> load_profile(const std::string& path);

// `at: outside` parties live in <party_network>.0.0/24; ordinary parties never do (their third
// octet starts at 1). The `acl` domain admits the rest of the /16: these eight blocks.
std::string outside_network(const TargetProfile& profile);          // "127.20.0.0/24"
std::vector<std::string> acl_admitted_networks(const TargetProfile& profile);

// True when `ip` lies in one of `cidrs` (IPv4 "a.b.c.d/n").
bool in_cidrs(std::string_view ip, const std::vector<std::string>& cidrs);

}  // namespace sipconform
