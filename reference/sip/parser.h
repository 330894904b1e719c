// Parsing SIP messages from bytes (RFC 3261 §7, §25): one datagram at a time, or a byte stream
// framed by Content-Length (§18.3). Size limits are explicit settings, never implicit.
#pragma once

#include <cstddef>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "sip/message.h"
#include "util/error.h"

namespace sipref::sip {

// What sipref will hold of one message. The message bound is the largest UDP datagram; on
// streams it bounds the buffered header section plus Content-Length, so a peer cannot make the
// transport buffer more than that (plus one read) per connection.
struct ParseLimits {
  std::size_t max_message_bytes = 65535;
  std::size_t max_header_count = 256;  // header fields, and values once lists are split
  std::size_t max_header_line_bytes = 8192;
  std::size_t max_body_bytes = 32768;
};

// Which rule a refused message broke, so the transport can pick the response: too_large earns
// 513 Message Too Large (RFC 3261 §21.4.11: message, header section, line or body over its
// limit), too_many_headers a 400 whose reason phrase names the limit, malformed a plain 400.
enum class Refusal { malformed, too_large, too_many_headers };

struct ParseError {
  // Implicit on purpose: the URI and header parsers' errors (Result<T>) are malformed input as is.
  ParseError(Error error, Refusal refusal = Refusal::malformed)  // NOLINT(*explicit*)
      : message(std::move(error.message)), refusal(refusal) {}
  std::string message;
  Refusal refusal;
};

template <class T>
using ParseResult = std::expected<T, ParseError>;

// Parses one complete message. For datagrams a missing Content-Length means the body runs to
// the end; a Content-Length larger than what arrived is an error; extra bytes are discarded
// (RFC 3261 §18.3). Errors name the line and what was expected.
ParseResult<Message> parse_message(std::string_view bytes, const ParseLimits& limits = {});

// After a parse failure: a best-effort request carrying just what a 400 response needs (method,
// Via, From, To, Call-ID, CSeq), or nullopt when no response is possible (not a request, or one
// of those headers is unusable) and the message must be dropped.
std::optional<Message> salvage_for_response(std::string_view bytes);

// Frames messages out of a stream transport's bytes using Content-Length (mandatory on streams).
class StreamFramer {
 public:
  explicit StreamFramer(ParseLimits limits = {}) : limits_(limits) {}
  void feed(std::string_view bytes) { buffer_.append(bytes); }
  // The next complete message's bytes; nullopt when more bytes are needed; an error when the
  // stream cannot be framed (missing or bad Content-Length, over the limits): close it then.
  // CRLF keep-alives between messages (RFC 5626 §3.5.1) are skipped.
  ParseResult<std::optional<std::string>> next();
  std::size_t buffered() const { return buffer_.size(); }

 private:
  ParseLimits limits_;
  std::string buffer_;
  std::size_t scanned_ = 0;     // buffer_[0, scanned_) holds no end of the header section
  std::size_t frame_size_ = 0;  // size of the message being collected once its headers are in
};

}  // namespace sipref::sip
