#include "sip/parser.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "sip/headers.h"
#include "sip/uri.h"

namespace sipref::sip {
namespace {

constexpr auto npos = std::string_view::npos;

bool is_ws(char c) {
  return c == ' ' || c == '\t';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}
bool is_control(char c) {
  return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7F;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ws(s.back())) s.remove_suffix(1);
  return s;
}

std::string at(std::size_t line) {
  return "line " + std::to_string(line) + ": ";
}
std::string num(std::size_t n) {
  return std::to_string(n);
}

std::unexpected<ParseError> over_limit(Refusal refusal, std::string message) {
  return std::unexpected(ParseError(Error{std::move(message)}, refusal));
}

bool has_sip_version_prefix(std::string_view line) {
  return line.size() >= 4 && iequals(line.substr(0, 4), "SIP/");
}

// One header field after unfolding, with the line it started on (for error messages).
struct Field {
  std::string name;  // canonical
  std::string value;
  std::size_t line = 0;
};

struct Head {
  std::string_view start_line;
  std::vector<Field> fields;
  std::string_view body;  // everything after the empty line
  bool full = false;      // lenient mode dropped a field at max_header_count
};

// Offset of the start line: CRLFs before it are ignored (RFC 3261 §7.5).
std::size_t start_offset(std::string_view bytes) {
  std::size_t pos = 0;
  while (pos < bytes.size() && (bytes[pos] == '\r' || bytes[pos] == '\n')) ++pos;
  return pos;
}

// The line from pos up to its LF (a CR before it is dropped); nullopt when no LF follows.
std::optional<std::string_view> take_line(std::string_view bytes, std::size_t& pos) {
  std::size_t lf = bytes.find('\n', pos);
  if (lf == npos) return std::nullopt;
  std::string_view line = bytes.substr(pos, lf - pos);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  pos = lf + 1;
  return line;
}

// Adds one header line: a new field, or a continuation joined to the previous one with a space.
ParseResult<void> add_line(Head& head, std::string_view line, std::size_t number,
                           const ParseLimits& limits) {
  if (line.size() > limits.max_header_line_bytes)
    return over_limit(Refusal::too_large,
                      at(number) + "line is " + num(line.size()) + " bytes; the limit is " +
                          num(limits.max_header_line_bytes) + " (max_header_line_bytes)");
  if (line.find('\r') != npos)
    return fail(at(number) + "bare CR inside a line (lines end with CRLF)");
  if (is_ws(line.front())) {
    if (head.fields.empty())
      return fail(at(number) + "continuation line with no header field before it");
    Field& last = head.fields.back();
    std::string_view more = trim(line);
    if (!more.empty()) last.value += (last.value.empty() ? "" : " ") + std::string(more);
    if (last.name.size() + 2 + last.value.size() > limits.max_header_line_bytes)
      return over_limit(Refusal::too_large, at(last.line) + last.name + " header is longer than " +
                                                num(limits.max_header_line_bytes) +
                                                " bytes after unfolding (max_header_line_bytes)");
    return {};
  }
  std::size_t colon = line.find(':');
  if (colon == npos)
    return fail(at(number) + "header line has no ':' after the name: " + excerpt(line));
  std::string_view name = trim(line.substr(0, colon));  // HCOLON allows whitespace before ':'
  if (!is_token(name)) return fail(at(number) + "invalid header name " + excerpt(name));
  if (head.fields.size() >= limits.max_header_count) {
    head.full = true;
    return over_limit(Refusal::too_many_headers, at(number) + "more than " +
                                                     num(limits.max_header_count) +
                                                     " header fields (max_header_count)");
  }
  head.fields.push_back(
      {canonical_header_name(name), std::string(trim(line.substr(colon + 1))), number});
  return {};
}

// Splits the header section into lines (CRLF, or a bare LF) and unfolds it. Lenient mode (for
// salvaging and stream framing) skips bad lines and accepts a missing empty line.
ParseResult<Head> read_head(std::string_view bytes, const ParseLimits& limits, bool lenient) {
  std::size_t pos = start_offset(bytes);
  if (pos == bytes.size()) return fail("empty message");
  Head head;
  for (std::size_t number = 1;; ++number) {
    auto line = take_line(bytes, pos);
    if (!line) {
      if (lenient) return head;
      return fail(at(number) + "the header section does not end with an empty line");
    }
    if (number == 1) {
      head.start_line = *line;
    } else if (line->empty()) {
      head.body = bytes.substr(pos);
      return head;
    } else if (auto added = add_line(head, *line, number, limits); !added && !lenient) {
      return std::unexpected(added.error());
    }
  }
}

// ---- start line (RFC 3261 §7.1, §7.2)

Result<void> check_version(std::string_view version) {
  if (iequals(version, "SIP/2.0")) return {};
  // SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT
  std::string_view numbers =
      has_sip_version_prefix(version) ? version.substr(4) : std::string_view();
  std::size_t dot = numbers.find('.');
  if (dot != npos && is_digits(numbers.substr(0, dot)) && is_digits(numbers.substr(dot + 1)))
    return fail("unsupported version " + excerpt(version) + ": only SIP/2.0 is supported");
  return fail(at(1) + "malformed SIP-Version " + excerpt(version) + ", expected 'SIP/2.0'");
}

Result<Message> parse_status_line(std::string_view line) {
  std::size_t sp = line.find(' ');
  if (auto ok = check_version(line.substr(0, sp)); !ok) return std::unexpected(ok.error());
  std::string_view rest = sp == npos ? std::string_view() : line.substr(sp + 1);
  std::size_t sp2 = rest.find(' ');
  std::string_view code = rest.substr(0, sp2);
  if (code.size() != 3 || !is_digits(code) || code[0] < '1' || code[0] > '6')
    return fail(at(1) + "status code " + excerpt(code) +
                " is not a three-digit number from 100 to 699");
  std::string_view reason = sp2 == npos ? std::string_view() : rest.substr(sp2 + 1);
  if (std::any_of(reason.begin(), reason.end(), is_control))
    return fail(at(1) + "control character in the reason phrase " + excerpt(reason));
  return Message::response(static_cast<int>(*parse_decimal(code, 699)), std::string(reason));
}

Result<void> check_request_uri(std::string_view uri) {
  if (uri.front() == '<')
    return fail(at(1) + "the Request-URI must not be enclosed in <> (RFC 3261 §25.1)");
  std::string_view scheme = uri.substr(0, uri.find(':'));
  if (iequals(scheme, "sip") || iequals(scheme, "sips")) {
    auto parsed = parse_uri(uri);
    if (!parsed) return fail(at(1) + "Request-URI: " + parsed.error().message);
    if (!parsed->headers.empty())
      return fail(
          at(1) +
          "Request-URI: headers ('?...') are not allowed in a Request-URI (RFC 3261 §19.1.1)");
    return {};
  }
  // Other schemes (tel:, unknown ones) make a well-formed request the core answers with 416.
  if (auto ok = validate_uri(uri); !ok) return fail(at(1) + "Request-URI: " + ok.error().message);
  return {};
}

Result<Message> parse_request_line(std::string_view line) {
  if (is_ws(line.back())) return fail(at(1) + "whitespace at the end of the request line");
  if (is_ws(line.front()) || line.find('\t') != npos || line.find("  ") != npos)
    return fail(at(1) +
                "request line elements must be separated by exactly one SP (RFC 3261 §7.1)");
  std::vector<std::string_view> parts;
  for (std::size_t start = 0; start <= line.size();) {
    std::size_t sp = std::min(line.find(' ', start), line.size());
    parts.push_back(line.substr(start, sp - start));
    start = sp + 1;
  }
  if (parts.size() != 3)
    return fail(at(1) + "request line has " + num(parts.size()) +
                " space-separated elements; expected 'Method SP Request-URI SP SIP-Version' "
                "(is there whitespace inside the Request-URI?)");
  if (auto ok = check_version(parts[2]); !ok) return std::unexpected(ok.error());
  if (!is_token(parts[0])) return fail(at(1) + "method " + excerpt(parts[0]) + " is not a token");
  if (auto ok = check_request_uri(parts[1]); !ok) return std::unexpected(ok.error());
  return Message::request(std::string(parts[0]), std::string(parts[1]));
}

ParseResult<Message> parse_start_line(std::string_view bytes, const ParseLimits& limits) {
  std::size_t pos = start_offset(bytes);
  if (pos == bytes.size()) return fail("empty message");
  auto line = take_line(bytes, pos);
  if (!line) return fail(at(1) + "the start line does not end with CRLF");
  if (line->size() > limits.max_header_line_bytes)
    return over_limit(Refusal::too_large,
                      at(1) + "start line is " + num(line->size()) + " bytes; the limit is " +
                          num(limits.max_header_line_bytes) + " (max_header_line_bytes)");
  if (line->empty()) return fail(at(1) + "empty start line");
  return has_sip_version_prefix(*line) ? parse_status_line(*line) : parse_request_line(*line);
}

// ---- header fields

ParseResult<std::vector<Field>> split_lists(std::vector<Field> fields, const ParseLimits& limits) {
  std::vector<Field> out;
  for (auto& field : fields) {
    if (!is_list_header(field.name) || field.value.empty()) {
      out.push_back(std::move(field));
    } else {
      for (auto& element : split_list(field.value)) {
        if (element.empty())
          return fail(at(field.line) + field.name +
                      " header: empty element in the comma-separated list");
        out.push_back({field.name, std::move(element), field.line});
      }
    }
    if (out.size() > limits.max_header_count)
      return over_limit(Refusal::too_many_headers, at(out.back().line) + "more than " +
                                                       num(limits.max_header_count) +
                                                       " header values (max_header_count)");
  }
  return out;
}

// RFC 3261 §18.3: Content-Length frames the body; without it a datagram's body runs to its end.
// A Content-Length beyond what arrived is a malformed message (400) whatever its size; only a
// body that is really there and over the limit is too large (513).
ParseResult<std::string_view> frame_body(std::string_view rest, const std::vector<Field>& fields,
                                         const ParseLimits& limits) {
  const Field* length = nullptr;
  for (const auto& field : fields) {
    if (!iequals(field.name, "Content-Length")) continue;
    if (length)
      return fail(at(field.line) + "Content-Length appears more than once (first on line " +
                  num(length->line) + ")");
    length = &field;
  }
  if (!length) {
    if (rest.size() > limits.max_body_bytes)
      return over_limit(Refusal::too_large, "body is " + num(rest.size()) +
                                                " bytes; the limit is " +
                                                num(limits.max_body_bytes) + " (max_body_bytes)");
    return rest;
  }
  const std::string& value = length->value;
  if (!is_digits(value))
    return fail(at(length->line) + "Content-Length " + excerpt(value) +
                " is not a non-negative decimal number");
  auto bytes = parse_decimal(value, rest.size());
  if (!bytes)
    return fail(at(length->line) + "Content-Length " + value + " is larger than the " +
                num(rest.size()) + " bytes that follow the headers");
  if (*bytes > limits.max_body_bytes)
    return over_limit(Refusal::too_large,
                      at(length->line) + "Content-Length " + value + " exceeds the body limit of " +
                          num(limits.max_body_bytes) + " bytes (max_body_bytes)");
  return rest.substr(0, *bytes);
}

// callid = word [ "@" word ]; word is token characters plus ( ) < > : \ " / [ ] ? { }
Result<void> check_call_id(std::string_view value) {
  auto is_word = [](std::string_view w) {
    return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) {
      return is_token(std::string_view(&c, 1)) ||
             std::string_view("()<>:\\\"/[]?{}").find(c) != npos;
    });
  };
  std::size_t at_sign = value.find('@');
  if (is_word(value.substr(0, at_sign)) && (at_sign == npos || is_word(value.substr(at_sign + 1))))
    return {};
  return fail(excerpt(value) + " is not word[@word] (RFC 3261 §25.1 callid)");
}

// rfc1123-date = wkday "," SP date1 SP time SP "GMT" (RFC 3261 §20.17).
Result<void> check_date(std::string_view value) {
  constexpr std::string_view kShape = "www, 00 mmm 0000 00:00:00 GMT";
  constexpr std::string_view kDays = "Mon Tue Wed Thu Fri Sat Sun";
  constexpr std::string_view kMonths = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec";
  bool ok = value.size() == kShape.size() && kDays.find(value.substr(0, 3)) % 4 == 0 &&
            kMonths.find(value.substr(8, 3)) % 4 == 0;
  for (std::size_t i = 0; ok && i < kShape.size(); ++i) {
    char shape = kShape[i];
    ok = shape == '0' ? is_digit(value[i]) : (shape == 'w' || shape == 'm' || value[i] == shape);
  }
  if (ok) return {};
  return fail(excerpt(value) +
              " is not an RFC 1123 date in GMT such as 'Sat, 13 Nov 2010 23:29:00 GMT'");
}

// Length of the well-formed UTF-8 sequence starting at s[i] (RFC 3629 §4), or 0: no overlongs,
// surrogates or code points above U+10FFFF.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  auto byte = [&](std::size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0u; };
  unsigned lead = byte(i);
  if (lead < 0x80) return 1;
  std::size_t n = lead < 0xC2 ? 0 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : lead < 0xF5 ? 4 : 0;
  unsigned low = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
  unsigned high = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
  if (n == 0 || byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  return n;
}

// RFC 3261 §25: header values are UTF-8 text, and a control character other than HTAB may only
// appear as a quoted-pair inside a quoted-string or comment (RFC 4475 intmeth escapes a NUL).
// Quotes and parentheses are tracked in every value, though some grammars (callid) take them as
// plain characters: a stray one only lets an escaped control through to that header's own check.
Result<void> check_text(std::string_view value) {
  bool quoted = false;
  int comments = 0;
  for (std::size_t i = 0; i < value.size();) {
    char c = value[i];
    bool ascii_next = i + 1 < value.size() && static_cast<unsigned char>(value[i + 1]) < 0x80;
    if ((quoted || comments > 0) && c == '\\' && ascii_next) {
      i += 2;  // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)
      continue;
    }
    if (is_control(c))
      return fail("control character " + excerpt(value.substr(i, 1)) + " at byte " + num(i) +
                  " (allowed only escaped in a quoted-string or comment)");
    std::size_t length = utf8_length(value, i);
    if (length == 0)
      return fail("invalid UTF-8 at byte " + num(i) + ": " + excerpt(value.substr(i)));
    if (c == '"' && comments == 0) quoted = !quoted;
    if (c == '(' && !quoted) ++comments;
    if (c == ')' && !quoted && comments > 0) --comments;
    i += length;
  }
  return {};
}

Result<void> check_field(const Field& field, const Message& message) {
  const std::string& name = field.name;
  const std::string& value = field.value;
  if (auto ok = check_text(value); !ok) return ok;
  auto passed = [](const auto& result) -> Result<void> {
    if (!result) return std::unexpected(result.error());
    return {};
  };
  if (iequals(name, "Via")) return passed(parse_via(value));
  if (iequals(name, "To") || iequals(name, "From")) return passed(parse_name_addr(value));
  if (iequals(name, "Contact"))
    return value == "*" ? Result<void>() : passed(parse_name_addr(value));
  if (iequals(name, "Route") || iequals(name, "Record-Route")) {
    auto route = parse_name_addr(value);
    if (route && !route->angle_brackets)
      return fail("a route must be written <uri> (RFC 3261 §20.34)");
    return passed(route);
  }
  if (iequals(name, "Call-ID")) return check_call_id(value);
  if (iequals(name, "Date")) return check_date(value);
  if (iequals(name, "Max-Forwards") && !parse_decimal(value, 255))
    return fail(excerpt(value) + " is not a number from 0 to 255");
  if (iequals(name, "CSeq")) {
    auto cseq = parse_cseq(value);
    if (!cseq) return std::unexpected(cseq.error());
    if (message.is_request() && cseq->method != message.method())
      return fail("method " + excerpt(cseq->method) + " does not match the request method " +
                  excerpt(message.method()));
  }
  return {};
}

// Every header the core relies on parses; the fields RFC 3261 §8.1.1 makes mandatory are there.
Result<void> validate(const std::vector<Field>& fields, const Message& message) {
  constexpr std::array<std::string_view, 5> kMandatory{"Via", "From", "To", "Call-ID", "CSeq"};
  // §7.3.1: only a comma-separated list may repeat (RFC 4475 §3.3.8 wants a 400 otherwise); these
  // are the single values the core reads. Two Content-Types would leave the body's type unknown.
  constexpr std::array<std::string_view, 6> kSingle{"From", "To",           "Call-ID",
                                                    "CSeq", "Max-Forwards", "Content-Type"};
  std::array<std::size_t, kSingle.size()> first_line{};
  std::array<bool, kMandatory.size()> present{};
  for (const auto& field : fields) {
    for (std::size_t i = 0; i < kSingle.size(); ++i) {
      if (!iequals(field.name, kSingle[i])) continue;
      if (first_line[i] != 0)
        return fail(at(field.line) + field.name + " header appears more than once (first on line " +
                    num(first_line[i]) + ")");
      first_line[i] = field.line;
    }
    for (std::size_t i = 0; i < kMandatory.size(); ++i)
      present[i] = present[i] || iequals(field.name, kMandatory[i]);
    if (auto ok = check_field(field, message); !ok)
      return fail(at(field.line) + field.name + " header: " + ok.error().message);
  }
  std::string missing;
  for (std::size_t i = 0; i < kMandatory.size(); ++i)
    if (!present[i]) missing += (missing.empty() ? "" : ", ") + std::string(kMandatory[i]);
  if (!missing.empty()) return fail("missing mandatory header(s): " + missing);
  return {};
}

ParseResult<std::size_t> stream_content_length(std::string_view head_bytes,
                                               const ParseLimits& limits) {
  auto head = read_head(head_bytes, limits, true);
  if (!head) return std::unexpected(head.error());
  std::optional<std::uint64_t> length;
  for (const auto& field : head->fields) {
    if (!iequals(field.name, "Content-Length")) continue;
    if (!is_digits(field.value))
      return fail(at(field.line) + "Content-Length " + excerpt(field.value) +
                  " is not a non-negative decimal number");
    auto bytes = parse_decimal(field.value, limits.max_body_bytes);
    if (!bytes)
      return over_limit(Refusal::too_large, at(field.line) + "Content-Length " + field.value +
                                                " exceeds the body limit of " +
                                                num(limits.max_body_bytes) +
                                                " bytes (max_body_bytes)");
    if (length && *length != *bytes)
      return fail(at(field.line) + "conflicting Content-Length values");
    length = bytes;
  }
  if (!length && head->full)  // the Content-Length may be among the dropped fields
    return over_limit(Refusal::too_many_headers,
                      "more than " + num(limits.max_header_count) +
                          " header fields (max_header_count) before any Content-Length");
  if (!length)
    return fail(
        "a message on a stream transport has no Content-Length (mandatory there, RFC 3261 §18.3)");
  return static_cast<std::size_t>(*length);
}

// Where the header section in buffer ends (just past its empty line), or npos while incomplete;
// `scanned` remembers how far no end was found, so that feeding byte by byte stays linear.
std::size_t find_head_end(std::string_view buffer, std::size_t& scanned) {
  for (std::size_t lf = buffer.find('\n', scanned); lf != npos; lf = buffer.find('\n', lf + 1)) {
    std::size_t next = lf + 1;
    if (next < buffer.size() && buffer[next] == '\r') ++next;
    if (next >= buffer.size()) {
      scanned = lf;
      return npos;
    }
    if (buffer[next] == '\n') return next + 1;
  }
  scanned = buffer.size();
  return npos;
}

}  // namespace

ParseResult<Message> parse_message(std::string_view bytes, const ParseLimits& limits) {
  if (bytes.size() > limits.max_message_bytes)
    return over_limit(Refusal::too_large,
                      "message is " + num(bytes.size()) + " bytes; the limit is " +
                          num(limits.max_message_bytes) + " (max_message_bytes)");
  auto message = parse_start_line(bytes, limits);  // first, so that a 505 wins over a 400
  if (!message) return std::unexpected(message.error());
  auto head = read_head(bytes, limits, false);
  if (!head) return std::unexpected(head.error());
  auto fields = split_lists(std::move(head->fields), limits);
  if (!fields) return std::unexpected(fields.error());
  auto body = frame_body(head->body, *fields, limits);
  if (!body) return std::unexpected(body.error());
  if (auto ok = validate(*fields, *message); !ok) return std::unexpected(ok.error());
  for (auto& field : *fields) message->add(std::move(field.name), std::move(field.value));
  message->set_body(std::string(*body));
  return message;
}

std::optional<Message> salvage_for_response(std::string_view bytes) {
  ParseLimits limits;
  auto head = read_head(bytes.substr(0, limits.max_message_bytes), limits, true);
  if (!head) return std::nullopt;
  // Any first word names the method: a bad one ("INV@TE", leading whitespace) still earns a 400.
  std::string_view line = trim(head->start_line);
  if (line.empty() || has_sip_version_prefix(line)) return std::nullopt;  // responses: never
  std::string_view method = line.substr(0, line.find_first_of(" \t"));
  std::string_view rest = trim(line.substr(method.size()));
  Message request =
      Message::request(std::string(method), std::string(rest.substr(0, rest.find_first_of(" \t"))));
  for (const auto& field : head->fields)
    if (iequals(field.name, "Via"))
      for (auto& via : split_list(field.value))
        if (!via.empty()) request.add("Via", std::move(via));
  auto top = request.header("Via");
  if (!top || !parse_via(*top)) return std::nullopt;
  // Copied as received (a bad CSeq number is what RFC 4475 scalar02 wants a 400 for), but a
  // single line each, so that nothing copied can add headers to the response.
  for (std::string_view name : {"From", "To", "Call-ID", "CSeq"}) {
    auto field = std::find_if(head->fields.begin(), head->fields.end(),
                              [&](const Field& f) { return iequals(f.name, name); });
    if (field == head->fields.end() || field->value.empty() ||
        field->value.find_first_of("\r\n") != npos)
      return std::nullopt;
    request.add(std::string(name), field->value);
  }
  return request;
}

ParseResult<std::optional<std::string>> StreamFramer::next() {
  if (frame_size_ == 0) {
    // CRLF keep-alives between messages (RFC 5626 §3.5.1).
    std::size_t skip = std::min(buffer_.find_first_not_of("\r\n"), buffer_.size());
    if (skip > 0) {
      buffer_.erase(0, skip);
      scanned_ = 0;
    }
    std::size_t head_end = find_head_end(buffer_, scanned_);
    if (head_end == npos) {
      if (buffer_.size() > limits_.max_message_bytes)
        return over_limit(Refusal::too_large, "no end of the header section within " +
                                                  num(limits_.max_message_bytes) +
                                                  " bytes (max_message_bytes)");
      return std::optional<std::string>();
    }
    auto length = stream_content_length(std::string_view(buffer_).substr(0, head_end), limits_);
    if (!length) return std::unexpected(length.error());
    frame_size_ = head_end + *length;
    if (frame_size_ > limits_.max_message_bytes)
      return over_limit(Refusal::too_large,
                        "message of " + num(frame_size_) + " bytes exceeds the limit of " +
                            num(limits_.max_message_bytes) + " (max_message_bytes)");
  }
  if (buffer_.size() < frame_size_) return std::optional<std::string>();
  std::string message = buffer_.substr(0, frame_size_);
  buffer_.erase(0, frame_size_);
  frame_size_ = 0;
  scanned_ = 0;
  return std::optional<std::string>(std::move(message));
}

}  // namespace sipref::sip
