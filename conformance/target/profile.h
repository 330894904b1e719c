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
  std::string account_sid;
  std::string auth_token;  // checks X-Twilio-Signature
  std::string voice_url_note;  // external: what the operator must configure as the voice URL
  Location where;

  bool has(std::string_view capability) const;
  const EdgeRange* edge(std::string_view name) const;
};

// Strict: unknown keys and bad values are errors naming file:line:column.
Result<TargetProfile> load_profile(const std::string& path);

// True when `ip` lies in one of `cidrs` (IPv4 "a.b.c.d/n").
bool in_cidrs(std::string_view ip, const std::vector<std::string>& cidrs);

}  // namespace sipconform
