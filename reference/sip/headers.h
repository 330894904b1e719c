// Typed views of the header values the SIP layers need (Via, CSeq, name-addr, generic
// parameters), parsed on demand from a Message's raw values and serialized back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/error.h"

namespace sipref::sip {

// ";name=value;flag" parameters of a header value; names compare case-insensitively.
struct Parameters {
  std::vector<std::pair<std::string, std::optional<std::string>>> items;

  std::optional<std::string> get(std::string_view name) const;  // "" for a flag
  bool has(std::string_view name) const;
  void set(std::string name, std::optional<std::string> value);  // replaces or appends
  void remove(std::string_view name);
  std::string to_string() const;  // ";a=b;c" (empty when there are none)

  bool operator==(const Parameters&) const = default;
};
// "*( SEMI generic-param )" with optional whitespace around ';' and '='. A quoted-string value
// is kept as written, quotes included, so that it serializes back unchanged.
Result<Parameters> parse_parameters(std::string_view text);

struct Via {
  std::string protocol = "SIP/2.0";
  std::string transport;  // upper case: UDP, TCP, TLS, SCTP, WS ...
  std::string host;       // as written; IPv6 keeps brackets
  std::optional<std::uint16_t> port;
  Parameters params;

  std::string branch() const { return params.get("branch").value_or(""); }
  std::string to_string() const;

  bool operator==(const Via&) const = default;
};
Result<Via> parse_via(std::string_view value);  // one Via value (lists are already split)

struct CSeq {
  std::uint32_t number = 0;  // RFC 3261 §8.1.1.5: less than 2**31
  std::string method;
  std::string to_string() const;

  bool operator==(const CSeq&) const = default;
};
Result<CSeq> parse_cseq(std::string_view value);

// name-addr ("Bob" <sip:bob@b.com>;tag=x) or addr-spec (sip:bob@b.com;tag=x). For addr-spec the
// parameters after the URI belong to the header, as RFC 3261 §20.10 requires.
struct NameAddr {
  std::string display_name;  // without quotes and unescaped; empty when absent
  std::string uri;           // the URI exactly as written, any scheme
  Parameters params;
  bool angle_brackets = true;  // serialize with <>

  std::string tag() const { return params.get("tag").value_or(""); }
  std::string to_string() const;  // always writes <uri> when there are URI params or headers

  bool operator==(const NameAddr&) const = default;
};
Result<NameAddr> parse_name_addr(std::string_view value);
// The URI of a name-addr header value (From, To, Contact), or the text itself when it does not
// parse as one: what webhook parameters report.
std::string uri_of_name_addr(std::string_view value);

// Comma-split of a header value at top level (outside quotes and <>), trimmed.
std::vector<std::string> split_list(std::string_view value);

// Headers whose grammar is a comma-separated list (Via, Contact, Route, Record-Route, Allow,
// Supported, Require, ...); the parser splits these into one Header per element.
bool is_list_header(std::string_view canonical_name);

// RFC 3261 token: 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~").
bool is_token(std::string_view text);
// 1*DIGIT (leading zeros allowed) as a number; nullopt when not all digits or above `max`.
std::optional<std::uint64_t> parse_decimal(std::string_view digits, std::uint64_t max);

}  // namespace sipref::sip
