// A SIP request or response as a value (RFC 3261 §7): start line, ordered headers, body.
// Header names compare case-insensitively; compact forms are expanded by the parser.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sipref::sip {

struct Header {
  std::string name;   // as the parser canonicalised it (long form, usual capitalisation)
  std::string value;  // one value: list headers are split into one Header per element
};

// Long form of a compact header name (i m e l c f s k t v r b o u x), the usual capitalisation
// of well-known names, or the name unchanged.
std::string canonical_header_name(std::string_view name);
bool header_name_equal(std::string_view a, std::string_view b);  // case-insensitive, compact-aware
bool iequals(std::string_view a, std::string_view b);            // ASCII case-insensitive

class Message {
 public:
  static Message request(std::string method, std::string request_uri);
  static Message response(int status, std::string reason);

  bool is_request() const { return status_ == 0; }
  bool is_response() const { return status_ != 0; }

  // Start line. method()/request_uri() are empty on responses; status() is 0 on requests.
  const std::string& method() const { return method_; }
  const std::string& request_uri() const { return request_uri_; }
  void set_request_uri(std::string uri) { request_uri_ = std::move(uri); }
  int status() const { return status_; }
  const std::string& reason() const { return reason_; }

  const std::vector<Header>& headers() const { return headers_; }
  std::optional<std::string_view> header(std::string_view name) const;  // first value
  std::vector<std::string_view> all(std::string_view name) const;       // every value, in order
  std::size_t count(std::string_view name) const;
  bool has(std::string_view name) const { return count(name) > 0; }

  void add(std::string name, std::string value);         // appended after the others
  void add_front(std::string name, std::string value);   // before every header (e.g. Via)
  void set(std::string name, std::string value);         // replaces every value of that name
  void remove(std::string_view name);                    // removes every value of that name
  bool remove_first(std::string_view name);              // e.g. popping the top Via
  void replace_first(std::string_view name, std::string value);

  const std::string& body() const { return body_; }
  void set_body(std::string body) { body_ = std::move(body); }

  // Wire form: start line, headers (one line per value), Content-Length set from the body.
  std::string serialize() const;
  // "INVITE sip:x@y" or "180 Ringing": for logs and traces.
  std::string summary() const;

 private:
  std::string method_;
  std::string request_uri_;
  int status_ = 0;
  std::string reason_;
  std::vector<Header> headers_;
  std::string body_;
};

// Reason phrase RFC 3261 §21 gives for a status code ("Unknown" when none).
std::string_view default_reason(int status);

}  // namespace sipref::sip
