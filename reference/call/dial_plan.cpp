#include "call/dial_plan.h"
#include "sip/headers.h"
#include "util/deviations.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace sipref::call {

std::optional<Alert> refuse_nouns(const std::vector<twiml::Noun>& nouns, bool enhanced_sip) {
  const bool has_application = std::any_of(nouns.begin(), nouns.end(), [](const twiml::Noun& n) {
    return std::holds_alternative<twiml::Application>(n);
  });
  if (has_application && nouns.size() > 1)  // [app.no-simultaneous]
    return Alert{13250, "<Application> cannot be dialled with other nouns or a second <Application>: nothing is dialled"};
  if (nouns.size() > kMaxDialNouns + (deviates(Deviation::eleven_nouns_accepted) ? 1 : 0))
    return Alert{13250, "<Dial> holds " + std::to_string(nouns.size()) + " nouns, at most " +
                            std::to_string(kMaxDialNouns) + " are allowed: nothing is dialled"};
  const bool has_sip = std::any_of(nouns.begin(), nouns.end(),
                                   [](const twiml::Noun& n) { return std::holds_alternative<twiml::Sip>(n); });
  if (!enhanced_sip && has_sip && nouns.size() > 1)
    return Alert{13250, "<Dial> with <Sip> holds " + std::to_string(nouns.size()) +
                            " nouns, but the account's enhanced SIP features are off: nothing is dialled"};
  return std::nullopt;
}

std::optional<std::string> to_e164(std::string_view text) {
  std::string digits;
  bool plus = false;
  for (char c : text) {
    if (c == '+' && digits.empty() && !plus) plus = true;
    else if (std::isdigit(static_cast<unsigned char>(c))) digits.push_back(c);
    else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') return std::nullopt;
  }
  if (plus && !digits.empty() && digits.size() <= 15 && digits.front() != '0') return "+" + digits;
  if (!plus && digits.size() == 10) return "+1" + digits;
  return std::nullopt;
}

NounPlan plan_sip(const twiml::Sip& noun, const EdgeNames& edges) {
  NounPlan plan;
  auto resolved = resolve_sip_target(noun.uri, edges);
  plan.alerts = std::move(resolved.alerts);
  if (!resolved.target) return plan;
  LegPlan leg;
  leg.request_uri = resolved.target->request_uri.to_string_without_headers();
  leg.edge = resolved.target->edge;
  leg.headers = std::move(resolved.target->headers);
  leg.status_callback = &noun.status_callback;
  if (noun.username && noun.password) leg.credentials.emplace(*noun.username, *noun.password);
  leg.sip_noun = true;
  leg.screening_url = noun.url;
  leg.screening_method = noun.method.value;
  plan.legs.push_back(std::move(leg));
  return plan;
}

namespace {
// RFC 3261 §8.1.2: a UDP request goes to the Contact URI; over TCP/TLS it reuses the connection
// the REGISTER came over, the only way to reach an endpoint that accepts none. Either way it
// leaves from the edge the registration arrived on.
LegPlan leg_for_contact(LegPlan base, const Registration& contact) {
  base.to_uri = std::exchange(base.request_uri, contact.contact);
  if (!deviates(Deviation::registered_edge_honoured)) base.edge = contact.edge;
  if (contact.flow.transport != sip::TransportKind::udp) base.flow = contact.flow;
  return base;
}
}  // namespace

NounPlan plan_registered(NounPlan sip_plan, const std::vector<Registration>& contacts) {
  NounPlan plan;
  plan.alerts = std::move(sip_plan.alerts);
  if (sip_plan.legs.empty()) return plan;
  if (contacts.empty()) {
    plan.fail_status = 480;
    return plan;
  }
  for (const auto& contact : contacts) plan.legs.push_back(leg_for_contact(sip_plan.legs.front(), contact));
  return plan;
}

NounPlan plan_client(const twiml::Client& noun, const std::vector<Registration>& contacts) {
  NounPlan plan;
  if (contacts.empty()) {
    plan.fail_status = 480;
    return plan;
  }
  LegPlan base;
  base.status_callback = &noun.status_callback;
  for (const auto& parameter : noun.parameters) {
    // Each parameter becomes a header of the INVITE as written: one that cannot be a header is
    // left out with the alert a bad <Sip> URI header gets, rather than corrupting the request.
    std::string name = "X-Param-" + parameter.name;
    if (!sip::is_token(name)) {
      plan.alerts.push_back({32111, "invalid SIP header name '" + name + "': parameter left out"});
    } else if (!valid_header_value(parameter.value)) {
      plan.alerts.push_back(
          {32112, "invalid value for SIP header '" + name + "': parameter left out"});
    } else {
      base.headers.push_back({std::move(name), parameter.value});
    }
  }
  for (const auto& contact : contacts) plan.legs.push_back(leg_for_contact(base, contact));
  return plan;
}

NounPlan plan_number(const twiml::Number& noun, const std::optional<config::PstnGateway>& gateway) {
  NounPlan plan;
  auto e164 = to_e164(noun.number);
  if (!e164) {
    plan.alerts.push_back({13224, "<Number> '" + noun.number + "' is not a valid phone number: not dialled"});
    return plan;
  }
  if (!gateway) {
    plan.alerts.push_back({13224, "<Number> " + *e164 + ": no PSTN gateway is configured: not dialled"});
    return plan;
  }
  LegPlan leg;
  leg.request_uri = "sip:" + *e164 + "@" + gateway->host + ":" + std::to_string(gateway->port);
  leg.edge = gateway->edge;
  leg.status_callback = &noun.status_callback;
  leg.send_digits = noun.send_digits;
  plan.legs.push_back(std::move(leg));
  return plan;
}

}  // namespace sipref::call
