// Who may use a SIP domain: its IP access list and credential list decide whether an INVITE may
// start a call or a REGISTER may change bindings [inbound.ip-acl, inbound.credentials,
// inbound.register].
#pragma once

#include <string>
#include <string_view>

#include "config/config.h"
#include "sip/digest.h"
#include "sip/message.h"

namespace sipref::call {

struct Admission {
  enum class Outcome { admitted, refused, challenge };
  Outcome outcome = Outcome::refused;
  int status = 0;        // refused: 403 or 400; challenge: 401 (REGISTER) or 407 (INVITE)
  bool stale = false;    // challenge again with stale=true: right password, old nonce
  std::string username;  // admitted with digest credentials: their username (SipUsername)
  std::string reason;    // for the log
  std::string warning;   // refused: the Warning text for the client (gives nothing secret away)
  bool admitted() const { return outcome == Outcome::admitted; }
};

// An INVITE to `domain` from `source_ip`. With both lists configured both apply, as the
// provider documents: a source outside the list gets 403 before any challenge, then the
// credentials are challenged with 407. Wrong credentials get 403, not a new challenge, so a
// client with a bad password stops at once.
Admission admit_call(const config::Domain& domain, std::string_view source_ip,
                     const sip::Message& invite, const sip::DigestServer& digest);

// A REGISTER to `domain`: 403 when the domain takes no registrations; otherwise the credential
// list is challenged with 401 (registration is always authenticated; the IP access list is for
// calls only, like the provider's separate registration credential-list mappings).
Admission admit_register(const config::Domain& domain, const sip::Message& request,
                         const sip::DigestServer& digest);

}  // namespace sipref::call
