// SIP and SIPS URIs (RFC 3261 §19.1, §25.1): parse, inspect, edit, serialize; plus the two
// lengths the provider limits for a <Sip> text (URI part before '?', headers part after it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace sipref::sip {

struct UriParameter {
  std::string name;                  // as written
  std::optional<std::string> value;  // nullopt for a flag such as ";lr"
  bool operator==(const UriParameter&) const = default;
};

struct UriHeader {
  std::string name;   // as written (percent-decoded)
  std::string value;  // percent-decoded: "%2C" -> ","; "+" stays "+"
  bool operator==(const UriHeader&) const = default;
};

struct Uri {
  std::string scheme;  // "sip" or "sips", lower case
  std::string user;    // as written (escapes kept); empty when the URI has no userinfo
  std::optional<std::string> password;
  std::string host;  // as written; an IPv6 reference keeps its brackets
  std::optional<std::uint16_t> port;
  std::vector<UriParameter> parameters;
  std::vector<UriHeader> headers;

  // Value of a parameter (case-insensitive name); "" for a flag; nullopt when absent.
  std::optional<std::string> parameter(std::string_view name) const;
  bool has_parameter(std::string_view name) const;
  void set_parameter(std::string name, std::optional<std::string> value);
  void remove_parameter(std::string_view name);

  std::string host_port() const;  // "host" or "host:port"
  // Serialized form; header names and values re-escaped where RFC 3261 requires it.
  std::string to_string() const;
  // The same without the ?headers part (what goes into a Request-URI).
  std::string to_string_without_headers() const;

  bool operator==(const Uri&) const = default;
};

// Parses "sip:" or "sips:" URIs. Errors say which part is wrong, e.g.
// "invalid port '99999' in 'sip:a@b:99999'".
Result<Uri> parse_uri(std::string_view text);

// %XX -> byte. Fails on a '%' not followed by two hex digits.
Result<std::string> percent_decode(std::string_view text);
// Escapes every byte outside the given set of unreserved characters.
std::string percent_encode(std::string_view text, std::string_view also_unreserved);

enum class HostKind { invalid, hostname, ipv4, ipv6 };
// RFC 3261 §25.1 host: hostname, IPv4address, or IPv6reference (an IPv6 address needs brackets).
HostKind host_kind(std::string_view host);

// Checks an absolute URI as a Request-URI or a name-addr carries it: sip/sips must parse with
// parse_uri; any other scheme (tel:, http:, unknown ones) needs scheme ":" and URI characters.
Result<void> validate_uri(std::string_view text);

// The text in quotes for an error message: at most 80 bytes, non-printable bytes as \xNN.
std::string excerpt(std::string_view text);

// Lengths of a <Sip> text, counted as written (percent-escapes count as three characters):
// the URI part runs up to the first '?', the headers part is everything after it.
struct SipTextLengths {
  std::size_t uri_part = 0;
  std::size_t headers_part = 0;
};
SipTextLengths measure_sip_text(std::string_view text);

}  // namespace sipref::sip
