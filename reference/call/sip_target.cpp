#include "call/sip_target.h"
#include "util/text.h"
#include "util/deviations.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace sipref::call {
namespace {

bool starts_with_icase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && sip::iequals(s.substr(0, prefix.size()), prefix);
}

bool is_token_char(unsigned char c) {
  return std::isalnum(c) || std::string_view("-.!%*_+`'~").find(static_cast<char>(c)) != std::string_view::npos;
}

// Standard headers the provider lets through without an x- prefix [Sip doc, errors/13252].
bool allowed_without_x(std::string_view name) {
  static constexpr std::array<std::string_view, 4> allowed{
      "User-to-User", "Remote-Party-ID", "P-Preferred-Identity", "P-Called-Party-ID"};
  return std::any_of(allowed.begin(), allowed.end(), [&](auto a) { return sip::iequals(a, name); });
}

void add_custom_header(std::string_view pair, SipTargetResult& out, std::vector<sip::Header>& headers) {
  auto eq = pair.find('=');
  std::string_view raw_name = pair.substr(0, eq);
  std::string_view raw_value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
  auto name = sip::percent_decode(raw_name);
  if (!name || name->empty() || !std::all_of(name->begin(), name->end(), [](char c) {
        return is_token_char(static_cast<unsigned char>(c));
      })) {
    out.alerts.push_back({32111, "invalid SIP header name '" + std::string(raw_name) + "': header left out"});
    return;
  }
  auto value = deviates(Deviation::headers_not_decoded) ? Result<std::string>(std::string(raw_value))
                                                        : sip::percent_decode(raw_value);
  if (!value || !valid_header_value(*value)) {
    out.alerts.push_back({32112, "invalid value for SIP header '" + *name + "': header left out"});
    return;
  }
  if (starts_with_icase(*name, "X-Twilio") && !deviates(Deviation::x_twilio_headers_sent)) {
    out.alerts.push_back({32113, "SIP header '" + *name + "' begins with X-Twilio: header left out"});
    return;
  }
  if (!starts_with_icase(*name, "x-") && !allowed_without_x(*name) && !deviates(Deviation::other_headers_sent)) {
    out.alerts.push_back({13252, "SIP header '" + *name + "' is not allowed (only X- headers, User-to-User, "
                                 "Remote-Party-ID, P-Preferred-Identity, P-Called-Party-ID): left out"});
    return;
  }
  headers.push_back({*name, *value});
}

std::optional<sip::TransportKind> transport_named(std::string_view name) {
  if (sip::iequals(name, "udp")) return sip::TransportKind::udp;
  if (sip::iequals(name, "tcp")) return sip::TransportKind::tcp;
  if (sip::iequals(name, "tls")) return sip::TransportKind::tls;
  return std::nullopt;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// edge wins over region; both are removed from the Request-URI; unknown values warn (32110).
std::string pick_edge(sip::Uri& uri, const EdgeNames& names, SipTargetResult& out) {
  std::optional<std::string> chosen;
  if (auto edge = uri.parameter("edge"); edge && !deviates(Deviation::edge_ignored)) {
    std::string e = lower(*edge);
    if (names.aliases.contains(e)) e = names.aliases.at(e);
    if (std::find(names.edges.begin(), names.edges.end(), e) != names.edges.end()) chosen = e;
    else out.alerts.push_back({32110, "unknown edge '" + *edge + "' in SIP URI: ignored"});
  }
  if (auto region = uri.parameter("region"); region && !deviates(Deviation::region_ignored)) {
    auto it = names.regions.find(lower(*region));
    if (it == names.regions.end()) out.alerts.push_back({32110, "unknown region '" + *region + "' in SIP URI: ignored"});
    else if (!chosen) chosen = it->second;
  }
  uri.remove_parameter("edge");
  uri.remove_parameter("region");
  return chosen.value_or(names.default_edge);
}

}  // namespace

bool valid_header_value(std::string_view value) { return !has_control_byte(value); }

SipTargetResult resolve_sip_target(std::string_view text, const EdgeNames& edges) {
  SipTargetResult out;
  auto lengths = sip::measure_sip_text(text);
  if (lengths.uri_part > kMaxUriPart + (deviates(Deviation::uri_limit_off_by_one) ? 1 : 0)) {
    out.alerts.push_back({13243, "SIP URI is " + std::to_string(lengths.uri_part) +
                                     " characters; it must be under 255: not dialled"});
    return out;
  }
  if (lengths.headers_part > kMaxHeadersPart + (deviates(Deviation::headers_limit_off_by_one) ? 1 : 0)) {
    out.alerts.push_back({13253, "SIP URI headers are " + std::to_string(lengths.headers_part) +
                                     " characters; they must be under 1024: not dialled"});
    return out;
  }
  auto question = text.find('?');
  std::string uri_text(text.substr(0, question));
  if (!starts_with_icase(uri_text, "sip:") && !starts_with_icase(uri_text, "sips:")) uri_text = "sip:" + uri_text;
  auto uri = sip::parse_uri(uri_text);
  if (!uri || uri->host.empty()) {
    out.alerts.push_back({13243, "invalid SIP URI '" + std::string(text.substr(0, question)) + "'" +
                                     (uri ? "" : ": " + uri.error().message) + ": not dialled"});
    return out;
  }
  SipTarget target;
  if (uri->scheme == "sips") {
    uri->scheme = "sip";
    uri->set_parameter("transport", "tls");
  }
  if (auto transport = uri->parameter("transport")) {
    if (auto kind = transport_named(*transport)) {
      target.transport = *kind;
    } else {
      out.alerts.push_back({32110, "invalid transport '" + *transport + "' in SIP URI: ignored, using UDP"});
      uri->remove_parameter("transport");
    }
  }
  target.edge = pick_edge(*uri, edges, out);
  if (question != std::string_view::npos) {
    std::string_view rest = text.substr(question + 1);
    while (!rest.empty()) {
      auto amp = rest.find('&');
      if (amp != 0) add_custom_header(rest.substr(0, amp), out, target.headers);
      if (amp == std::string_view::npos) break;
      rest.remove_prefix(amp + 1);
    }
  }
  uri->headers.clear();
  target.host = uri->host;
  if (target.host.size() > 2 && target.host.front() == '[') target.host = target.host.substr(1, target.host.size() - 2);
  target.port = uri->port.value_or(sip::default_port(target.transport));
  target.request_uri = std::move(*uri);
  out.target = std::move(target);
  return out;
}

}  // namespace sipref::call
