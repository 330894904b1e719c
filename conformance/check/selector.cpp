#include "check/selector.h"

namespace sipconform {

bool matches(const Selector& selector, const Event& event) {
  if (selector.kind == Selector::Kind::api)
    return event.kind == Event::Kind::api && event.api.name == selector.api_step;
  if (selector.kind == Selector::Kind::webhook) {
    if (event.kind != Event::Kind::webhook) return false;
    return event.webhook.path == selector.path &&
           (selector.webhook_method.empty() || event.webhook.method == selector.webhook_method);
  }
  if (event.kind != Event::Kind::sip) return false;
  const SipEvent& sip = event.sip;
  if ((selector.sent ? sip.from_party : sip.to_party) != selector.party) return false;
  const bool response_wanted = selector.status != 0 || selector.status_class != 0;
  if (response_wanted == sip.request) return false;
  if (!response_wanted) return sip.method == selector.method;
  if (selector.status != 0 && sip.status != selector.status) return false;
  if (selector.status_class != 0 && sip.status / 100 != selector.status_class) return false;
  return selector.method.empty() || sip.cseq_method == selector.method;
}

std::optional<std::size_t> first_match(const Selector& selector, const Timeline& timeline) {
  for (std::size_t i = 0; i < timeline.events.size(); ++i)
    if (matches(selector, timeline.events[i])) return i;
  return std::nullopt;
}

std::vector<std::size_t> all_matches(const Selector& selector, const Timeline& timeline) {
  std::vector<std::size_t> found;
  for (std::size_t i = 0; i < timeline.events.size(); ++i)
    if (matches(selector, timeline.events[i])) found.push_back(i);
  return found;
}

}  // namespace sipconform
