// Webhook URLs: absolute http(s) URLs, relative references resolved as RFC 3986 §5.2 says
// (TwiML action, url, referUrl, <Redirect>), and the provider's connection-override fragment.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace sipref::webhook {

struct Url {
  std::string scheme;    // "http" or "https", lower case
  std::string userinfo;  // "user:password" as written, or empty (sent as Basic auth)
  std::string host;      // lower case; an IPv6 literal keeps its brackets
  std::optional<std::uint16_t> port;
  std::string path = "/";               // never empty; dot segments removed
  std::optional<std::string> query;     // without the '?'
  std::optional<std::string> fragment;  // without the '#'; never sent to the server

  std::uint16_t effective_port() const;  // the port, else 80 or 443
  std::string origin() const;            // "scheme://host[:port]": one connection pool each
  std::string target() const;            // "path[?query]": the HTTP request-target
  std::string to_string() const;         // everything, fragment included
  // What is requested and signed: the URL without its fragment [connection-overrides doc].
  std::string without_fragment() const;
};

// An absolute http:// or https:// URL with a host. Errors name the part that is wrong.
Result<Url> parse_url(std::string_view text);
// RFC 3986 §5.2: `reference` (absolute, or relative to `base`, e.g. "../next?x=1") resolved
// against the URL of the document that contained it. The result must be http(s) with a host.
Result<Url> resolve_url(const Url& base, std::string_view reference);
// A URL written in a TwiML document fetched from `document_url`; a document with no URL of its
// own (inline TwiML from the REST API: `document_url` empty) takes absolute URLs only.
Result<Url> resolve_in_document(std::string_view document_url, std::string_view reference);

// Which failures a retry is made for (`#rp=`): ct connect, rt response timeout, 4xx, 5xx, all.
struct RetryPolicy {
  bool connect = true;  // REF: the default is `ct`, giving the documented "two tries" to connect
  bool read = false;
  bool status_4xx = false;
  bool status_5xx = false;
  bool operator==(const RetryPolicy&) const = default;
};

// The URL fragment `#ct=…&rt=…&tt=…&rc=…&rp=…&e=…&sni=…` [connection-overrides doc]; defaults
// are the provider's: connect 5 s, two tries, 15 s for the whole request.
struct ConnectionOverrides {
  std::chrono::milliseconds connect_timeout{5000};  // ct 100..10000: each TCP connect
  std::chrono::milliseconds read_timeout{15000};    // rt 100..15000: to the first byte and between
  std::chrono::milliseconds total_timeout{15000};   // tt 100..15000: all attempts together
  int retry_count = 1;                              // rc 0..5: attempts after the first
  RetryPolicy retry_policy;                         // rp
  std::optional<std::string> edge;                  // e: accepted, no effect
  std::optional<std::string> sni;                   // sni: accepted, no effect
  std::vector<std::string> ignored;  // "k=v" pairs that were not understood, for the log
};

// Out-of-range numbers are clamped into range; unknown keys and non-numbers are ignored (and
// listed in `ignored`). Anything that is not k=v pairs leaves every default in place.
ConnectionOverrides parse_overrides(std::string_view fragment);
inline ConnectionOverrides overrides_of(const Url& url) {
  return parse_overrides(url.fragment.value_or(""));
}

}  // namespace sipref::webhook
