#include "check/timeline.h"

#include <algorithm>
#include <cctype>

namespace sipconform {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// RFC 3261 §7.3.3 compact forms, plus those of RFC 3515 (r), RFC 3892 (b), RFC 6665 (o, u) and
// RFC 4028 (x): a target may send either form, and cases name headers in the long one.
std::string_view long_form(std::string_view name) {
  if (name.size() != 1) return name;
  switch (std::tolower(static_cast<unsigned char>(name[0]))) {
    case 'i':
      return "Call-ID";
    case 'm':
      return "Contact";
    case 'e':
      return "Content-Encoding";
    case 'l':
      return "Content-Length";
    case 'c':
      return "Content-Type";
    case 'f':
      return "From";
    case 's':
      return "Subject";
    case 'k':
      return "Supported";
    case 't':
      return "To";
    case 'v':
      return "Via";
    case 'r':
      return "Refer-To";
    case 'b':
      return "Referred-By";
    case 'o':
      return "Event";
    case 'u':
      return "Allow-Events";
    case 'x':
      return "Session-Expires";
    default:
      return name;
  }
}

}  // namespace

std::string SipEvent::first_line() const {
  if (request) return method + " " + request_uri + " SIP/2.0";
  std::string line = "SIP/2.0 " + std::to_string(status);
  if (!reason.empty()) line += " " + reason;
  return line;
}

const std::string* SipEvent::header(std::string_view name) const {
  const std::string_view wanted = long_form(name);
  for (const auto& [header_name, value] : headers)
    if (iequals(long_form(header_name), wanted)) return &value;
  return nullptr;
}

const std::string* WebhookEvent::param(std::string_view name) const {
  // Parameter names are case-sensitive (CallSid, not callsid), as the provider sends them.
  for (const auto& [param_name, value] : params)
    if (param_name == name) return &value;
  return nullptr;
}

std::string Event::label() const {
  if (kind == Kind::webhook) return "webhook " + webhook.method + " " + webhook.path;
  if (kind == Kind::api) return "api " + api.name + " -> " + std::to_string(api.status);
  const std::string& who = sip.from_party.empty() ? sip.src : sip.from_party;
  if (sip.request) return who + " -> " + sip.method;
  std::string label = who + " -> " + std::to_string(sip.status);
  if (!sip.cseq_method.empty()) label += " " + sip.cseq_method;
  return label;
}

void Timeline::sort() {
  // Stable: events with equal times keep the order they were recorded in (capture order).
  std::stable_sort(events.begin(), events.end(),
                   [](const Event& a, const Event& b) { return a.time < b.time; });
}

}  // namespace sipconform
