// Engine: who may use a SIP domain (IP access list, credential list) and REGISTER handling
// [inbound.ip-acl, inbound.credentials, inbound.register].
#include "call/engine.h"
#include "sip/headers.h"
#include "sip/response.h"
#include "sip/uri.h"
#include "util/log.h"

namespace sipref::call {

const sip::DigestServer& Engine::digest_for(const config::Domain& domain) {
  auto& server = digests_[domain.name];
  if (!server) server = std::make_unique<sip::DigestServer>(timers_, domain.name);
  return *server;
}

std::string Engine::edge_of(const sip::Flow& flow) const {
  for (const auto& edge : config_.edges)
    if (edge.address == flow.local.ip) return edge.name;
  return config_.listen;
}

void Engine::answer_refusal(sip::TransactionId server, const sip::Message& request,
                            const config::Domain& domain, const Admission& admission) {
  if (admission.outcome == Admission::Outcome::challenge) {
    auto challenge = digest_for(domain).make_challenge(request, admission.status,
                                                       sip::random_token(10), admission.stale);
    (void)transactions_.respond(server, std::move(challenge));
    return;
  }
  respond_with_warning(server, request, admission.status, domain.name, admission.warning);
}

std::optional<std::string> Engine::admit_invite(sip::TransactionId server,
                                                const sip::Message& invite, const sip::Flow& from,
                                                const config::Domain& domain) {
  auto admission = admit_call(domain, from.remote.ip, invite, digest_for(domain));
  if (admission.admitted()) return admission.username;
  log::info(
      "",
      admission.outcome == Admission::Outcome::challenge ? "inbound-challenged" : "inbound-refused",
      domain.name + ": " + admission.reason + ": " + std::to_string(admission.status));
  answer_refusal(server, invite, domain, admission);
  return std::nullopt;
}

namespace {

struct Refusal {
  int status = 400;
  std::string why;
};

// The REGISTER taken apart for the registrar, or why it cannot be.
std::expected<RegisterRequest, Refusal> register_request(const sip::Message& request,
                                                         std::string_view domain) {
  auto to = sip::parse_name_addr(request.header("To").value_or(""));
  if (!to) return std::unexpected(Refusal{400, "bad To: " + to.error().message});
  auto to_uri = sip::parse_uri(to->uri);
  if (!to_uri) return std::unexpected(Refusal{400, "bad To: " + to_uri.error().message});
  // RFC 3261 §10.3 step 5: an AOR outside the Request-URI's domain is 404.
  if (!sip::iequals(to_uri->host, domain) || to_uri->user.empty())
    return std::unexpected(Refusal{
        404, "the address of record " + to->uri + " is not a user of " + std::string(domain)});
  auto cseq = sip::parse_cseq(request.header("CSeq").value_or(""));
  if (!cseq) return std::unexpected(Refusal{400, "bad CSeq: " + cseq.error().message});
  RegisterRequest out;
  out.aor = make_aor(to_uri->user, domain);
  for (auto value : request.all("Contact")) out.contacts.emplace_back(value);
  if (auto expires = request.header("Expires")) out.expires_header = std::string(*expires);
  out.call_id = std::string(request.header("Call-ID").value_or(""));
  out.cseq = cseq->number;
  return out;
}

}  // namespace

// RFC 3261 §10.3: the domain (404), registration enabled (403), digest (401), the AOR in that
// domain (404), then the registrar's own checks (400, 403, 423, 500) and 200 with every binding.
void Engine::on_register(sip::TransactionId server, const sip::Message& request,
                         const sip::Flow& from) {
  auto request_uri = sip::parse_uri(request.request_uri());
  const config::Domain* domain = request_uri ? config_.find_domain(request_uri->host) : nullptr;
  if (!domain) {
    log::info("", "register-refused", "no domain for " + request.request_uri() + ": 404");
    respond(server, request, 404);
    return;
  }
  auto admission = admit_register(*domain, request, digest_for(*domain));
  if (!admission.admitted()) {
    log::info("",
              admission.outcome == Admission::Outcome::challenge ? "register-challenged"
                                                                 : "register-refused",
              domain->name + ": " + admission.reason + ": " + std::to_string(admission.status));
    answer_refusal(server, request, *domain, admission);
    return;
  }
  auto parsed = register_request(request, domain->name);
  if (!parsed) {
    log::info("", "register-refused",
              parsed.error().why + ": " + std::to_string(parsed.error().status));
    respond_with_warning(server, request, parsed.error().status, domain->name, parsed.error().why);
    return;
  }
  parsed->flow = from;
  parsed->edge = edge_of(from);
  auto result = registrar_.update(*parsed, timers_.now());
  if (result.status != 200) {
    log::info("", "register-refused",
              parsed->aor + ": " + result.reason + ": " + std::to_string(result.status));
    if (!result.min_expires)
      return respond_with_warning(server, request, result.status, domain->name, result.reason);
    auto too_brief = sip::make_response(request, result.status, {}, sip::random_token(10));
    too_brief.add("Min-Expires", std::to_string(*result.min_expires));
    (void)transactions_.respond(server, std::move(too_brief));
    return;
  }
  log::info("", "registered",
            parsed->aor + " by " + admission.username + " via " + parsed->edge + ": " +
                std::to_string(result.bindings.size()) + " contact(s)");
  auto ok = sip::make_response(request, 200, {}, sip::random_token(10));
  for (const auto& [contact, seconds] : result.bindings)
    ok.add("Contact", "<" + contact + ">;expires=" + std::to_string(seconds));
  (void)transactions_.respond(server, std::move(ok));
}

}  // namespace sipref::call
