// The location service behind REGISTER [inbound.register]: bindings per address of record with
// RFC 3261 §10.3 processing, and the contacts a call to a registered user rings. Pure: no I/O.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sip/flow.h"
#include "sip/timers.h"

namespace sipref::call {

using TimePoint = sip::Clock::time_point;

// One registered contact, as the call engine needs it to reach the endpoint.
struct Registration {
  std::string contact;  // the Contact URI as registered (without <> or header parameters)
  sip::Flow flow;       // the flow the REGISTER arrived over: requests go back along it
  std::string edge;     // the edge it arrived on; calls leave from there [sip.edge.registered]
  TimePoint expires;
};

// What a REGISTER asks for, already taken apart by the caller.
struct RegisterRequest {
  std::string aor;                    // make_aor(To user, domain)
  std::vector<std::string> contacts;  // Contact values, one per element; {"*"} for the wildcard
  std::optional<std::string> expires_header;  // the Expires header as written
  std::string call_id;
  std::uint32_t cseq = 0;
  sip::Flow flow;
  std::string edge;
};

struct RegisterResult {
  int status = 200;                // 200, 400, 403 (contact limit), 423, 500 (out of order)
  std::string reason;              // what went wrong, for the log and a Warning
  std::optional<int> min_expires;  // with 423
  // With 200: every binding of the AOR now (RFC 3261 §10.3 step 8), with seconds left.
  std::vector<std::pair<std::string, long>> bindings;
};

class Registrar {
 public:
  // The reference's limits (behaviours.md inbound.register, REF).
  static constexpr std::size_t kMaxContacts = 10;
  static constexpr std::chrono::seconds kMinExpires{60};
  static constexpr std::chrono::seconds kMaxExpires{3600};
  static constexpr std::chrono::seconds kDefaultExpires{3600};

  // Adds, refreshes or removes bindings; all or nothing: a refused request changes nothing.
  // Expiry: 0 removes; 1..59 is refused with 423 and Min-Expires 60; above 3600 is granted
  // 3600; no expiry given means 3600. An 11th contact is refused with 403.
  RegisterResult update(const RegisterRequest& request, TimePoint now);

  // The live contacts of `aor` (see make_aor) in the order they were first registered.
  std::vector<Registration> contacts(std::string_view aor, TimePoint now) const;

 private:
  struct Binding {
    Registration registration;
    std::string call_id;
    std::uint32_t cseq = 0;
  };
  std::map<std::string, std::vector<Binding>, std::less<>> bindings_;
};

// "user@domain" with the domain lower-cased (host names compare case-insensitively, users
// do not: RFC 3261 §19.1.4).
std::string make_aor(std::string_view user, std::string_view domain);

// Whether two contact URIs name the same binding (RFC 3261 §10.3 step 7 with §19.1.4
// comparison: scheme, user, host case-insensitive, port, and the transport/user/maddr params).
bool same_contact(std::string_view a, std::string_view b);

}  // namespace sipref::call
