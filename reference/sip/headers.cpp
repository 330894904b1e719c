#include "sip/headers.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "sip/message.h"
#include "sip/uri.h"

namespace sipref::sip {
namespace {

bool is_ws(char c) {
  return c == ' ' || c == '\t';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_token_char(char c) {
  return is_alnum(c) || std::string_view("-.!%*_+`'~").find(c) != std::string_view::npos;
}

// Parsers take unfolded values: a CR or LF left inside one would let a value inject header lines
// once serialized.
Result<void> check_single_line(std::string_view value) {
  if (value.find_first_of("\r\n") != std::string_view::npos)
    return fail("line break inside the value");
  return {};
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ws(s.back())) s.remove_suffix(1);
  return s;
}

// A read position in one header value. SWS (optional whitespace) is skipped explicitly where
// the grammar allows it, so every other byte is checked.
struct Scanner {
  std::string_view text;
  std::size_t pos = 0;

  bool done() const { return pos >= text.size(); }
  char peek() const { return done() ? '\0' : text[pos]; }
  std::string_view rest() const { return text.substr(std::min(pos, text.size())); }
  bool skip_ws() {  // true when at least one whitespace byte was skipped
    std::size_t start = pos;
    while (!done() && is_ws(text[pos])) ++pos;
    return pos > start;
  }
  bool consume(char c) {
    if (done() || text[pos] != c) return false;
    ++pos;
    return true;
  }
  template <class Pred>
  std::string_view take_while(Pred pred) {
    std::size_t start = pos;
    while (!done() && pred(text[pos])) ++pos;
    return text.substr(start, pos - start);
  }
};

// quoted-string from an opening '"': index just past the closing quote, or npos when unterminated.
// A backslash escapes the next byte (quoted-pair).
std::size_t quoted_end(std::string_view text, std::size_t open) {
  for (std::size_t i = open + 1; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

std::string unquote(std::string_view quoted) {  // the quotes are included
  std::string out;
  for (std::size_t i = 1; i + 1 < quoted.size(); ++i) {
    if (quoted[i] == '\\' && i + 2 < quoted.size()) ++i;
    out += quoted[i];
  }
  return out;
}

std::string quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '\r' || c == '\n') c = ' ';  // quoted-pair cannot carry CR or LF
    auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\' || (byte < 0x20 && c != '\t') || byte == 0x7F) out += '\\';
    out += c;
  }
  return out + "\"";
}

// gen-value = token / host / quoted-string; `colons` also admits an IPv6address without brackets,
// which is what RFC 3261 via-received carries.
Result<std::string_view> take_gen_value(Scanner& s, bool colons) {
  std::size_t start = s.pos;
  if (s.peek() == '"') {
    std::size_t end = quoted_end(s.text, s.pos);
    if (end == std::string_view::npos) return fail("unterminated quoted string");
    s.pos = end;
  } else if (s.peek() == '[') {
    s.take_while([](char c) { return c != ']'; });
    if (!s.consume(']') || host_kind(s.text.substr(start, s.pos - start)) != HostKind::ipv6)
      return fail("invalid IPv6 reference " + excerpt(s.text.substr(start, s.pos - start)));
  } else if (s.take_while([&](char c) {
                return is_token_char(c) || (colons && c == ':');
              }).empty()) {
    return fail("missing value after '='");
  }
  return s.text.substr(start, s.pos - start);
}

Result<Parameters> parse_params(Scanner& s) {
  Parameters out;
  while (true) {
    s.skip_ws();
    if (s.done()) return out;
    if (!s.consume(';'))
      return fail("unexpected " + excerpt(s.rest()) + " where ';' or the end was expected");
    s.skip_ws();
    std::string_view name = s.take_while(is_token_char);
    if (name.empty())
      return fail("empty parameter (';' not followed by a name) at " + excerpt(s.rest()));
    s.skip_ws();
    std::optional<std::string> value;
    if (s.consume('=')) {
      s.skip_ws();
      auto v = take_gen_value(s, iequals(name, "received"));
      if (!v) return fail("parameter '" + std::string(name) + "': " + v.error().message);
      value = std::string(*v);
    }
    out.items.emplace_back(std::string(name), std::move(value));
  }
}

// Checks the values of the Via parameters RFC 3261 §20.42 and RFC 3581 define.
Result<void> check_via_params(const Parameters& params) {
  auto is_ip = [](std::string_view v) {
    auto kind = host_kind(v);
    return kind == HostKind::ipv4 || kind == HostKind::ipv6 ||
           host_kind("[" + std::string(v) + "]") == HostKind::ipv6;
  };
  for (const auto& [name, value] : params.items) {
    std::string_view v = value ? std::string_view(*value) : std::string_view();
    if (iequals(name, "branch") && !is_token(v))
      return fail("branch parameter needs a token value");
    if (iequals(name, "ttl") && !parse_decimal(v, 255))
      return fail("ttl " + excerpt(v) + " is not 0..255");
    if (iequals(name, "maddr") && host_kind(v) == HostKind::invalid)
      return fail("maddr " + excerpt(v) + " is not a host");
    if (iequals(name, "received") && !is_ip(v))
      return fail("received " + excerpt(v) + " is not an IP address");
    if (iequals(name, "rport") && value && (parse_decimal(v, 65535).value_or(0) == 0))
      return fail("rport " + excerpt(v) + " is not a port number");
  }
  return {};
}

}  // namespace

bool is_token(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_token_char);
}

std::optional<std::uint64_t> parse_decimal(std::string_view digits, std::uint64_t max) {
  if (digits.empty()) return std::nullopt;
  std::uint64_t n = 0;
  for (char c : digits) {
    if (!is_digit(c)) return std::nullopt;
    auto digit = static_cast<std::uint64_t>(c - '0');
    if (digit > max || n > (max - digit) / 10) return std::nullopt;  // n * 10 + digit > max
    n = n * 10 + digit;
  }
  return n;
}

// ---- Parameters

std::optional<std::string> Parameters::get(std::string_view name) const {
  for (const auto& [n, v] : items)
    if (iequals(n, name)) return v.value_or("");
  return std::nullopt;
}

bool Parameters::has(std::string_view name) const {
  return get(name).has_value();
}

void Parameters::set(std::string name, std::optional<std::string> value) {
  for (auto& [n, v] : items)
    if (iequals(n, name)) {
      v = std::move(value);
      return;
    }
  items.emplace_back(std::move(name), std::move(value));
}

void Parameters::remove(std::string_view name) {
  std::erase_if(items, [&](const auto& item) { return iequals(item.first, name); });
}

std::string Parameters::to_string() const {
  std::string out;
  for (const auto& [name, value] : items) {
    out += ";" + name;
    if (value) out += "=" + *value;
  }
  return out;
}

Result<Parameters> parse_parameters(std::string_view text) {
  if (auto ok = check_single_line(text); !ok) return std::unexpected(ok.error());
  Scanner s{text};
  return parse_params(s);
}

// ---- Via: sent-protocol LWS sent-by *( SEMI via-params ), SLASH and COLON with optional SWS.

Result<Via> parse_via(std::string_view value) {
  if (auto ok = check_single_line(value); !ok) return std::unexpected(ok.error());
  Scanner s{trim(value)};
  if (s.done()) return fail("empty value: expected e.g. 'SIP/2.0/UDP host;branch=z9hG4bK...'");
  std::array<std::string_view, 3> protocol;  // name, version, transport
  for (std::size_t i = 0; i < protocol.size(); ++i) {
    if (i > 0) {
      s.skip_ws();
      if (!s.consume('/')) return fail("expected '/' in the sent-protocol (e.g. 'SIP/2.0/UDP')");
      s.skip_ws();
    }
    protocol[i] = s.take_while(is_token_char);
    if (protocol[i].empty()) return fail("malformed sent-protocol: expected e.g. 'SIP/2.0/UDP'");
  }
  Via via;
  via.protocol = std::string(protocol[0]) + "/" + std::string(protocol[1]);
  via.transport = std::string(protocol[2]);
  for (char& c : via.transport) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (!s.skip_ws()) return fail("expected whitespace between the sent-protocol and the host");
  std::size_t host_start = s.pos;
  if (s.consume('[')) {
    s.take_while([](char c) { return c != ']'; });
    s.consume(']');
  } else {
    s.take_while([](char c) { return is_alnum(c) || c == '-' || c == '.'; });
  }
  via.host = std::string(s.text.substr(host_start, s.pos - host_start));
  if (host_kind(via.host) == HostKind::invalid)
    return fail("invalid sent-by host " + excerpt(via.host));
  s.skip_ws();
  if (s.consume(':')) {
    s.skip_ws();
    std::string_view digits = s.take_while(is_digit);
    auto port = parse_decimal(digits, 65535);
    if (!port || *port == 0) return fail("invalid sent-by port " + excerpt(digits));
    via.port = static_cast<std::uint16_t>(*port);
  }
  auto params = parse_params(s);
  if (!params) return std::unexpected(params.error());
  if (auto ok = check_via_params(*params); !ok) return std::unexpected(ok.error());
  via.params = std::move(*params);
  return via;
}

std::string Via::to_string() const {
  std::string out = protocol + "/" + transport + " " + host;
  if (port) out += ":" + std::to_string(*port);
  return out + params.to_string();
}

// ---- CSeq: 1*DIGIT LWS Method

Result<CSeq> parse_cseq(std::string_view value) {
  Scanner s{trim(value)};
  std::string_view digits = s.take_while(is_digit);
  if (digits.empty()) return fail("expected a sequence number and a method, e.g. '1 INVITE'");
  auto number = parse_decimal(digits, 0x7FFFFFFF);
  if (!number)
    return fail("sequence number " + excerpt(digits) + " is not below 2**31 (RFC 3261 §8.1.1.5)");
  if (!s.skip_ws()) return fail("expected whitespace between the sequence number and the method");
  std::string_view method = s.rest();
  if (!is_token(method)) return fail("method " + excerpt(method) + " is not a token");
  return CSeq{static_cast<std::uint32_t>(*number), std::string(method)};
}

std::string CSeq::to_string() const {
  return std::to_string(number) + " " + method;
}

// ---- name-addr / addr-spec (RFC 3261 §20.10, §25.1)

namespace {

// The first '<' outside quoted strings, or npos.
std::size_t find_laquot(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '"') {
      i = quoted_end(text, i);
      if (i == std::string_view::npos) return i;
      --i;
    } else if (text[i] == '<') {
      return i;
    }
  }
  return std::string_view::npos;
}

Result<void> parse_display_name(std::string_view display, NameAddr& out) {
  display = trim(display);
  if (display.empty()) return {};
  if (display.front() == '"') {
    std::size_t end = quoted_end(display, 0);
    if (end == std::string_view::npos)
      return fail("unterminated quoted string in the display name");
    if (end != display.size())
      return fail("unexpected " + excerpt(display.substr(end)) + " after the display name");
    out.display_name = unquote(display);
    return {};
  }
  for (char c : display)
    if (!is_token_char(c) && !is_ws(c))
      return fail("display name " + excerpt(display) + " has " + excerpt(std::string_view(&c, 1)) +
                  ", which is only allowed inside a quoted string");
  out.display_name = std::string(display);
  return {};
}

Result<NameAddr> parse_bracketed(std::string_view value, std::size_t laquot) {
  NameAddr out;
  if (auto ok = parse_display_name(value.substr(0, laquot), out); !ok)
    return std::unexpected(ok.error());
  std::size_t raquot = value.find('>', laquot);
  if (raquot == std::string_view::npos) return fail("'<' without a closing '>'");
  std::string_view uri = value.substr(laquot + 1, raquot - laquot - 1);
  if (std::any_of(uri.begin(), uri.end(), is_ws))
    return fail("whitespace inside <> around or within the URI " + excerpt(uri));
  if (auto ok = validate_uri(uri); !ok) return std::unexpected(ok.error());
  out.uri = std::string(uri);
  Scanner s{value, raquot + 1};
  auto params = parse_params(s);
  if (!params) return std::unexpected(params.error());
  out.params = std::move(*params);
  return out;
}

// addr-spec: the URI runs to the first ';' or whitespace; what follows are header parameters.
Result<NameAddr> parse_addr_spec(std::string_view value) {
  NameAddr out;
  out.angle_brackets = false;
  std::size_t end = std::min(value.find_first_of("; \t"), value.size());
  std::string_view uri = value.substr(0, end);
  if (uri.find_first_of("?,") != std::string_view::npos)
    return fail("URI " + excerpt(uri) +
                " contains '?' or ',' and must be enclosed in <> (RFC 3261 §20)");
  if (auto ok = validate_uri(uri); !ok) return std::unexpected(ok.error());
  out.uri = std::string(uri);
  Scanner s{value, end};
  auto params = parse_params(s);
  if (!params) return std::unexpected(params.error());
  out.params = std::move(*params);
  return out;
}

}  // namespace

Result<NameAddr> parse_name_addr(std::string_view value) {
  if (auto ok = check_single_line(value); !ok) return std::unexpected(ok.error());
  value = trim(value);
  if (value.empty()) return fail("empty value: expected a name-addr or addr-spec");
  if (value.front() == '"' && quoted_end(value, 0) == std::string_view::npos)
    return fail("unterminated quoted string in the display name");
  std::size_t laquot = find_laquot(value);
  if (laquot != std::string_view::npos) return parse_bracketed(value, laquot);
  if (value.front() == '"') return fail("expected <uri> after the quoted display name");
  return parse_addr_spec(value);
}

std::string NameAddr::to_string() const {
  std::string out;
  if (!display_name.empty()) out = quote(display_name) + " ";
  bool brackets =
      angle_brackets || !display_name.empty() || uri.find_first_of(";?,") != std::string::npos;
  out += brackets ? "<" + uri + ">" : uri;
  return out + params.to_string();
}

// ---- lists

std::vector<std::string> split_list(std::string_view value) {
  std::vector<std::string> out;
  std::size_t start = 0;
  bool quoted = false;
  bool bracketed = false;
  for (std::size_t i = 0; i <= value.size(); ++i) {
    if (i == value.size() || (value[i] == ',' && !quoted && !bracketed)) {
      out.emplace_back(trim(value.substr(start, i - start)));
      start = i + 1;
    } else if (quoted) {
      if (value[i] == '\\' && i + 1 < value.size())
        ++i;
      else if (value[i] == '"')
        quoted = false;
    } else if (bracketed) {
      bracketed = value[i] != '>';
    } else {
      quoted = value[i] == '"';
      bracketed = value[i] == '<';
    }
  }
  return out;
}

bool is_list_header(std::string_view canonical_name) {
  static constexpr std::array<std::string_view, 19> kLists{"Via",
                                                           "Contact",
                                                           "Route",
                                                           "Record-Route",
                                                           "Allow",
                                                           "Supported",
                                                           "Require",
                                                           "Proxy-Require",
                                                           "Unsupported",
                                                           "Accept",
                                                           "Accept-Encoding",
                                                           "Accept-Language",
                                                           "Content-Encoding",
                                                           "Allow-Events",
                                                           "In-Reply-To",
                                                           "Call-Info",
                                                           "Alert-Info",
                                                           "Error-Info",
                                                           "Warning"};
  return std::any_of(kLists.begin(), kLists.end(),
                     [&](std::string_view name) { return iequals(name, canonical_name); });
}

std::string uri_of_name_addr(std::string_view value) {
  auto parsed = parse_name_addr(value);
  return parsed ? parsed->uri : std::string(value);
}

}  // namespace sipref::sip
