#include "sip/uri.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "sip/message.h"

namespace sipref::sip {
namespace {

// Character classes of RFC 3261 §25.1.
constexpr std::string_view kMark = "-_.!~*'()";
constexpr std::string_view kUserUnreserved = "&=+$,;?/";
constexpr std::string_view kPasswordExtra = "&=+$,";
constexpr std::string_view kParamUnreserved = "[]/:&+$";
constexpr std::string_view kHnvUnreserved = "[]/?:+$";
constexpr std::string_view kReserved = ";/?:@&=+$,";

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
  return is_alpha(c) || is_digit(c);
}
bool is_hex(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}
// The value of 1..5 decimal or 2 hex digits already checked to be digits.
int number(std::string_view digits, int base) {
  int value = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
  return value;
}

bool is_unreserved(char c) {
  return is_alnum(c) || kMark.find(c) != std::string_view::npos;
}
bool in(std::string_view set, char c) {
  return set.find(c) != std::string_view::npos;
}

// True when every byte is unreserved, in `extra`, or part of a valid %XX escape.
bool is_escaped_text(std::string_view text, std::string_view extra) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size() || !is_hex(text[i + 1]) || !is_hex(text[i + 2])) return false;
      i += 2;
    } else if (!is_unreserved(c) && !in(extra, c)) {
      return false;
    }
  }
  return true;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_ipv4(std::string_view text) {
  int parts = 0;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = text.find('.', start);
    std::string_view part = text.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (part.empty() || part.size() > 3 || !std::all_of(part.begin(), part.end(), is_digit))
      return false;
    if (number(part, 10) > 255) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts == 4;
}

// hostname = *( domainlabel "." ) toplabel [ "." ]; labels are alphanumerics with inner '-',
// and the top label starts with a letter (which is what tells a hostname from an IPv4 address).
bool is_hostname(std::string_view text) {
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  if (text.empty()) return false;
  std::string_view label;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = text.find('.', start);
    label = text.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (label.empty() || !is_alnum(label.front()) || !is_alnum(label.back())) return false;
    for (char c : label)
      if (!is_alnum(c) && c != '-') return false;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return is_alpha(label.front());
}

std::optional<std::uint16_t> parse_port(std::string_view digits) {
  if (digits.empty() || digits.size() > 5 || !std::all_of(digits.begin(), digits.end(), is_digit))
    return std::nullopt;
  int port = number(digits, 10);
  if (port < 1 || port > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(port);
}

// uri-parameters: *( ";" pname [ "=" pvalue ] ), names and values of paramchar.
Result<std::vector<UriParameter>> parse_uri_parameters(std::string_view text,
                                                       std::string_view uri) {
  std::vector<UriParameter> out;
  while (!text.empty()) {
    text.remove_prefix(1);  // the ';'
    std::string_view item = text.substr(0, text.find(';'));
    text.remove_prefix(item.size());
    std::size_t eq = item.find('=');
    std::string_view name = item.substr(0, eq);
    if (name.empty()) return fail("empty URI parameter in " + excerpt(uri));
    if (!is_escaped_text(name, kParamUnreserved))
      return fail("invalid URI parameter name " + excerpt(name) + " in " + excerpt(uri));
    UriParameter param{std::string(name), std::nullopt};
    if (eq != std::string_view::npos) {
      std::string_view value = item.substr(eq + 1);
      if (value.empty() || !is_escaped_text(value, kParamUnreserved))
        return fail("invalid value for URI parameter " + excerpt(name) + " in " + excerpt(uri));
      param.value = std::string(value);
    }
    out.push_back(std::move(param));
  }
  return out;
}

// headers: header *( "&" header ), header = hname "=" hvalue; stored percent-decoded.
Result<std::vector<UriHeader>> parse_uri_headers(std::string_view text, std::string_view uri) {
  std::vector<UriHeader> out;
  std::size_t start = 0;
  while (true) {
    std::size_t amp = text.find('&', start);
    std::string_view item = text.substr(start, amp == std::string_view::npos ? amp : amp - start);
    std::size_t eq = item.find('=');
    std::string_view name = item.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
    if (name.empty() || eq == std::string_view::npos)
      return fail("URI header " + excerpt(item) + " is not name=value in " + excerpt(uri));
    if (!is_escaped_text(name, kHnvUnreserved) || !is_escaped_text(value, kHnvUnreserved))
      return fail("invalid character or escape in URI header " + excerpt(item) + " in " +
                  excerpt(uri));
    out.push_back({*percent_decode(name), *percent_decode(value)});
    if (amp == std::string_view::npos) return out;
    start = amp + 1;
  }
}

// hostport = host [ ":" port ], followed by nothing, ';' or '?'.
Result<void> parse_host_port(std::string_view text, std::string_view uri, Uri& out) {
  std::size_t host_end = 0;
  if (!text.empty() && text.front() == '[') {
    host_end = text.find(']');
    host_end = host_end == std::string_view::npos ? text.size() : host_end + 1;
  } else {
    host_end = std::min(text.find(':'), text.size());
  }
  out.host = std::string(text.substr(0, host_end));
  if (out.host.empty()) return fail("missing host in " + excerpt(uri));
  if (host_kind(out.host) == HostKind::invalid)
    return fail("invalid host " + excerpt(out.host) + " in " + excerpt(uri));
  std::string_view rest = text.substr(host_end);
  if (rest.empty()) return {};
  if (rest.front() != ':')
    return fail("unexpected " + excerpt(rest) + " after the host in " + excerpt(uri));
  out.port = parse_port(rest.substr(1));
  if (!out.port) return fail("invalid port " + excerpt(rest.substr(1)) + " in " + excerpt(uri));
  return {};
}

Result<void> parse_userinfo(std::string_view text, std::string_view uri, Uri& out) {
  std::size_t colon = text.find(':');
  std::string_view user = text.substr(0, colon);
  if (user.empty()) return fail("empty user part before '@' in " + excerpt(uri));
  if (!is_escaped_text(user, kUserUnreserved))
    return fail("invalid character or escape in user part " + excerpt(user) + " of " +
                excerpt(uri));
  out.user = std::string(user);
  if (colon == std::string_view::npos) return {};
  std::string_view password = text.substr(colon + 1);
  if (!is_escaped_text(password, kPasswordExtra))
    return fail("invalid character or escape in the password of " + excerpt(uri));
  out.password = std::string(password);
  return {};
}

}  // namespace

Result<Uri> parse_uri(std::string_view text) {
  std::size_t colon = text.find(':');
  Uri uri;
  uri.scheme = lower(text.substr(0, colon));
  if (colon == std::string_view::npos || (uri.scheme != "sip" && uri.scheme != "sips"))
    return fail("not a sip: or sips: URI: " + excerpt(text));
  std::string_view rest = text.substr(colon + 1);
  // '@' may appear only as the end of userinfo (the user part itself may hold ';' and '?').
  if (std::size_t at = rest.find('@'); at != std::string_view::npos) {
    if (auto ok = parse_userinfo(rest.substr(0, at), text, uri); !ok)
      return std::unexpected(ok.error());
    rest.remove_prefix(at + 1);
  }
  std::size_t host_end = !rest.empty() && rest.front() == '[' ? rest.find(']') : 0;
  host_end = rest.find_first_of(";?", host_end == std::string_view::npos ? 0 : host_end);
  host_end = std::min(host_end, rest.size());
  if (auto ok = parse_host_port(rest.substr(0, host_end), text, uri); !ok)
    return std::unexpected(ok.error());
  rest.remove_prefix(host_end);
  std::size_t question = std::min(rest.find('?'), rest.size());
  auto params = parse_uri_parameters(rest.substr(0, question), text);
  if (!params) return std::unexpected(params.error());
  uri.parameters = std::move(*params);
  if (question < rest.size()) {
    auto headers = parse_uri_headers(rest.substr(question + 1), text);
    if (!headers) return std::unexpected(headers.error());
    uri.headers = std::move(*headers);
  }
  return uri;
}

std::optional<std::string> Uri::parameter(std::string_view name) const {
  for (const auto& p : parameters)
    if (iequals(p.name, name)) return p.value.value_or("");
  return std::nullopt;
}

bool Uri::has_parameter(std::string_view name) const {
  return parameter(name).has_value();
}

void Uri::set_parameter(std::string name, std::optional<std::string> value) {
  for (auto& p : parameters)
    if (iequals(p.name, name)) {
      p.value = std::move(value);
      return;
    }
  parameters.push_back({std::move(name), std::move(value)});
}

void Uri::remove_parameter(std::string_view name) {
  std::erase_if(parameters, [&](const UriParameter& p) { return iequals(p.name, name); });
}

std::string Uri::host_port() const {
  return port ? host + ":" + std::to_string(*port) : host;
}

std::string Uri::to_string_without_headers() const {
  std::string out = scheme + ":";
  if (!user.empty()) {
    out += user;
    if (password) out += ":" + *password;
    out += "@";
  }
  out += host_port();
  for (const auto& p : parameters) {
    out += ";" + p.name;
    if (p.value) out += "=" + *p.value;
  }
  return out;
}

std::string Uri::to_string() const {
  std::string out = to_string_without_headers();
  for (std::size_t i = 0; i < headers.size(); ++i) {
    out += i == 0 ? "?" : "&";
    out += percent_encode(headers[i].name, kHnvUnreserved) + "=" +
           percent_encode(headers[i].value, kHnvUnreserved);
  }
  return out;
}

HostKind host_kind(std::string_view host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    in6_addr address{};
    std::string inner(host.substr(1, host.size() - 2));
    return inet_pton(AF_INET6, inner.c_str(), &address) == 1 ? HostKind::ipv6 : HostKind::invalid;
  }
  bool numeric = !host.empty() && std::all_of(host.begin(), host.end(),
                                              [](char c) { return is_digit(c) || c == '.'; });
  if (numeric && is_ipv4(host)) return HostKind::ipv4;
  return is_hostname(host) ? HostKind::hostname : HostKind::invalid;
}

Result<void> validate_uri(std::string_view text) {
  std::size_t colon = text.find(':');
  std::string_view scheme = text.substr(0, colon);
  if (colon == std::string_view::npos || scheme.empty() || !is_alpha(scheme.front()) ||
      !std::all_of(scheme.begin(), scheme.end(),
                   [](char c) { return is_alnum(c) || in("+-.", c); }))
    return fail(excerpt(text) + " is not a URI (expected scheme ':' ...)");
  if (iequals(scheme, "sip") || iequals(scheme, "sips")) {
    auto uri = parse_uri(text);
    if (!uri) return std::unexpected(uri.error());
    return {};
  }
  std::string_view rest = text.substr(colon + 1);
  if (rest.empty()) return fail(excerpt(text) + " has nothing after the scheme");
  if (!is_escaped_text(rest, std::string(kReserved) + "[]"))
    return fail(excerpt(text) + " has a character that is not allowed in a URI");
  return {};
}

Result<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size() || !is_hex(text[i + 1]) || !is_hex(text[i + 2]))
      return fail("'%' not followed by two hex digits in " + excerpt(text));
    out += static_cast<char>(number(text.substr(i + 1, 2), 16));
    i += 2;
  }
  return out;
}

std::string percent_encode(std::string_view text, std::string_view also_unreserved) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    if (is_unreserved(c) || in(also_unreserved, c)) {
      out += c;
      continue;
    }
    auto byte = static_cast<unsigned char>(c);
    out += '%';
    out += kHex[byte >> 4];
    out += kHex[byte & 0x0F];
  }
  return out;
}

std::string excerpt(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  constexpr std::size_t kMax = 80;
  std::string out = "'";
  for (char c : text.substr(0, kMax)) {
    auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7F) {
      out += c;
    } else {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
  out += text.size() > kMax ? "...'" : "'";
  return out;
}

SipTextLengths measure_sip_text(std::string_view text) {
  std::size_t question = text.find('?');
  if (question == std::string_view::npos) return {text.size(), 0};
  return {question, text.size() - question - 1};
}

}  // namespace sipref::sip
