#include "call/admission.h"
#include "util/deviations.h"

#include "util/cidr.h"

namespace sipref::call {
namespace {

Admission outcome(Admission::Outcome kind, int status, std::string reason) {
  Admission admission;
  admission.outcome = kind;
  admission.status = status;
  admission.reason = std::move(reason);
  return admission;
}

Admission refused(int status, std::string reason, std::string warning) {
  Admission admission = outcome(Admission::Outcome::refused, status, std::move(reason));
  admission.warning = std::move(warning);
  return admission;
}

// The username of the credentials that passed for `realm` (verify() found them the same way).
std::string username_for(const sip::Message& request, std::string_view realm) {
  for (std::string_view name : {"Proxy-Authorization", "Authorization"})
    for (auto value : request.all(name))
      if (auto credentials = sip::parse_credentials(value);
          credentials && credentials->realm == realm)
        return credentials->username;
  return {};
}

Admission authenticate(const config::Domain& domain, const sip::Message& request,
                       const sip::DigestServer& digest, int challenge_status) {
  auto check = digest.verify(request, [&](std::string_view username) -> std::optional<std::string> {
    for (const auto& credential : domain.credentials)
      if (credential.username == username) return credential.password;
    return std::nullopt;
  });
  using enum sip::DigestVerdict;
  switch (check.verdict) {
    case ok: {
      Admission admitted = outcome(Admission::Outcome::admitted, 0, check.reason);
      admitted.username = username_for(request, digest.realm());
      return admitted;
    }
    case missing:
      return outcome(Admission::Outcome::challenge, challenge_status, check.reason);
    case stale_nonce: {
      Admission again = outcome(Admission::Outcome::challenge, challenge_status, check.reason);
      again.stale = true;
      return again;
    }
    case wrong_password:
      return refused(403, check.reason, "invalid credentials");
    case malformed:
      return refused(400, check.reason, check.reason);
  }
  return refused(400, check.reason, check.reason);
}

}  // namespace

Admission admit_call(const config::Domain& domain, std::string_view source_ip,
                     const sip::Message& invite, const sip::DigestServer& digest) {
  if (!domain.ip_access_list.empty() && !in_any_cidr(source_ip, domain.ip_access_list) &&
      !deviates(Deviation::ip_acl_ignored))
    return refused(403, "source " + std::string(source_ip) + " is not in the IP access list",
                   "source address not allowed by the domain's IP access list");
  if (domain.credentials.empty())
    return outcome(Admission::Outcome::admitted, 0, "no credential list");
  return authenticate(domain, invite, digest, 407);
}

Admission admit_register(const config::Domain& domain, const sip::Message& request,
                         const sip::DigestServer& digest) {
  if (!domain.registration || domain.credentials.empty())
    return refused(403, "registration is not enabled for " + domain.name,
                   "registration is not enabled for this domain");
  return authenticate(domain, request, digest, 401);
}

}  // namespace sipref::call
