#include "call/refer_messages.h"

#include <algorithm>
#include <charconv>

namespace sipref::call {

std::string sipfrag_for(int status) {
  return "SIP/2.0 " + std::to_string(status) + " " + std::string(sip::default_reason(status)) + "\r\n";
}

std::optional<int> sipfrag_status(std::string_view body) {
  constexpr std::string_view prefix = "SIP/2.0 ";
  const auto start = body.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || body.substr(start, prefix.size()) != prefix) return std::nullopt;
  body.remove_prefix(start + prefix.size());
  int status = 0;
  auto [end, error] = std::from_chars(body.data(), body.data() + std::min<std::size_t>(3, body.size()), status);
  if (error != std::errc{} || end != body.data() + 3 || status < 100 || status > 699) return std::nullopt;
  if (body.size() > 3 && body[3] != ' ' && body[3] != '\r' && body[3] != '\n') return std::nullopt;  // "2000"
  return status;
}

void make_refer_notify(sip::Message& notify, int status) {
  notify.add("Event", "refer");
  // RFC 3515 §2.4.7: the subscription ends with the final status; "noresource" says why.
  notify.add("Subscription-State", status < 200 ? "active;expires=60" : "terminated;reason=noresource");
  notify.add("Content-Type", "message/sipfrag;version=2.0");
  notify.set_body(sipfrag_for(status));
}

bool refer_sub_false(const sip::Message& refer) {
  auto value = refer.header("Refer-Sub");
  if (!value) return false;
  std::string_view v = *value;
  v = v.substr(0, v.find(';'));
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return sip::iequals(v, "false");
}

std::string refer_to_for(std::string_view sip_uri) {
  if (!sip_uri.empty() && sip_uri.front() == '<') return std::string(sip_uri);
  return "<" + std::string(sip_uri) + ">";
}

}  // namespace sipref::call
