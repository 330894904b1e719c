#include "sip/message.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace sipref::sip {
namespace {

struct NameForm {
  char compact;
  std::string_view long_form;
};

constexpr std::array<NameForm, 15> kCompactForms{{
    {'i', "Call-ID"}, {'m', "Contact"}, {'e', "Content-Encoding"}, {'l', "Content-Length"},
    {'c', "Content-Type"}, {'f', "From"}, {'s', "Subject"}, {'k', "Supported"}, {'t', "To"},
    {'v', "Via"}, {'r', "Refer-To"}, {'b', "Referred-By"}, {'o', "Event"}, {'u', "Allow-Events"},
    {'x', "Session-Expires"},
}};

// Names whose usual spelling is not plain Title-Case.
constexpr std::array<std::string_view, 10> kSpecialSpellings{
    "Call-ID", "CSeq", "WWW-Authenticate", "MIME-Version", "RAck", "RSeq", "SIP-ETag",
    "SIP-If-Match", "P-Asserted-Identity", "Refer-Sub"};

bool is_wellknown(std::string_view lower) {
  static constexpr std::array<std::string_view, 40> known{
      "via", "from", "to", "call-id", "cseq", "contact", "max-forwards", "route",
      "record-route", "content-type", "content-length", "content-encoding", "allow",
      "supported", "require", "proxy-require", "unsupported", "user-agent", "server",
      "authorization", "proxy-authorization", "www-authenticate", "proxy-authenticate",
      "expires", "event", "subscription-state", "refer-to", "referred-by", "allow-events",
      "accept", "warning", "reason", "subject", "date", "timestamp", "min-expires",
      "session-expires", "retry-after", "organization", "user-to-user"};
  return std::find(known.begin(), known.end(), lower) != known.end();
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string canonical_header_name(std::string_view name) {
  if (name.size() == 1) {
    char c = static_cast<char>(std::tolower(static_cast<unsigned char>(name[0])));
    for (const auto& form : kCompactForms)
      if (form.compact == c) return std::string(form.long_form);
  }
  for (auto special : kSpecialSpellings)
    if (iequals(special, name)) return std::string(special);
  std::string lower = to_lower(name);
  if (!is_wellknown(lower)) return std::string(name);
  // Title-Case each dash-separated word.
  bool start = true;
  for (char& c : lower) {
    if (start) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    start = (c == '-');
  }
  return lower;
}

bool header_name_equal(std::string_view a, std::string_view b) {
  if (iequals(a, b)) return true;
  if (a.size() != 1 && b.size() != 1) return false;
  return iequals(canonical_header_name(a), canonical_header_name(b));
}

Message Message::request(std::string method, std::string request_uri) {
  Message m;
  m.method_ = std::move(method);
  m.request_uri_ = std::move(request_uri);
  return m;
}

Message Message::response(int status, std::string reason) {
  Message m;
  m.status_ = status;
  m.reason_ = reason.empty() ? std::string(default_reason(status)) : std::move(reason);
  return m;
}

std::optional<std::string_view> Message::header(std::string_view name) const {
  for (const auto& h : headers_)
    if (header_name_equal(h.name, name)) return std::string_view(h.value);
  return std::nullopt;
}

std::vector<std::string_view> Message::all(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& h : headers_)
    if (header_name_equal(h.name, name)) out.emplace_back(h.value);
  return out;
}

std::size_t Message::count(std::string_view name) const {
  return static_cast<std::size_t>(std::count_if(headers_.begin(), headers_.end(), [&](const Header& h) {
    return header_name_equal(h.name, name);
  }));
}

void Message::add(std::string name, std::string value) {
  headers_.push_back({std::move(name), std::move(value)});
}

void Message::add_front(std::string name, std::string value) {
  headers_.insert(headers_.begin(), Header{std::move(name), std::move(value)});
}

void Message::set(std::string name, std::string value) {
  auto first = std::find_if(headers_.begin(), headers_.end(),
                            [&](const Header& h) { return header_name_equal(h.name, name); });
  if (first == headers_.end()) {
    add(std::move(name), std::move(value));
    return;
  }
  first->value = std::move(value);
  auto pos = static_cast<std::size_t>(first - headers_.begin());
  headers_.erase(std::remove_if(headers_.begin() + static_cast<std::ptrdiff_t>(pos) + 1, headers_.end(),
                                [&](const Header& h) { return header_name_equal(h.name, name); }),
                 headers_.end());
}

void Message::remove(std::string_view name) {
  std::erase_if(headers_, [&](const Header& h) { return header_name_equal(h.name, name); });
}

bool Message::remove_first(std::string_view name) {
  auto it = std::find_if(headers_.begin(), headers_.end(),
                         [&](const Header& h) { return header_name_equal(h.name, name); });
  if (it == headers_.end()) return false;
  headers_.erase(it);
  return true;
}

void Message::replace_first(std::string_view name, std::string value) {
  for (auto& h : headers_)
    if (header_name_equal(h.name, name)) {
      h.value = std::move(value);
      return;
    }
  add(std::string(name), std::move(value));
}

std::string Message::serialize() const {
  std::string out;
  out.reserve(512 + body_.size());
  if (is_request()) {
    out.append(method_).append(" ").append(request_uri_).append(" SIP/2.0\r\n");
  } else {
    out.append("SIP/2.0 ").append(std::to_string(status_)).append(" ").append(reason_).append("\r\n");
  }
  for (const auto& h : headers_) {
    if (header_name_equal(h.name, "Content-Length")) continue;
    out.append(h.name).append(": ").append(h.value).append("\r\n");
  }
  out.append("Content-Length: ").append(std::to_string(body_.size())).append("\r\n\r\n");
  out.append(body_);
  return out;
}

std::string Message::summary() const {
  if (is_request()) return method_ + " " + request_uri_;
  return std::to_string(status_) + " " + reason_;
}

std::string_view default_reason(int status) {
  switch (status) {
    case 100: return "Trying";
    case 180: return "Ringing";
    case 181: return "Call Is Being Forwarded";
    case 182: return "Queued";
    case 183: return "Session Progress";
    case 200: return "OK";
    case 202: return "Accepted";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Moved Temporarily";
    case 305: return "Use Proxy";
    case 380: return "Alternative Service";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Timeout";
    case 410: return "Gone";
    case 413: return "Request Entity Too Large";
    case 414: return "Request-URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Unsupported URI Scheme";
    case 420: return "Bad Extension";
    case 421: return "Extension Required";
    case 423: return "Interval Too Brief";
    case 480: return "Temporarily Unavailable";
    case 481: return "Call/Transaction Does Not Exist";
    case 482: return "Loop Detected";
    case 483: return "Too Many Hops";
    case 484: return "Address Incomplete";
    case 485: return "Ambiguous";
    case 486: return "Busy Here";
    case 487: return "Request Terminated";
    case 488: return "Not Acceptable Here";
    case 489: return "Bad Event";
    case 491: return "Request Pending";
    case 493: return "Undecipherable";
    case 500: return "Server Internal Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Server Time-out";
    case 505: return "Version Not Supported";
    case 513: return "Message Too Large";
    case 600: return "Busy Everywhere";
    case 603: return "Decline";
    case 604: return "Does Not Exist Anywhere";
    case 606: return "Not Acceptable";
    default: return "Unknown";
  }
}

}  // namespace sipref::sip
