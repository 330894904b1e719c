#include "cases/selector.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <vector>

namespace sipconform {
namespace {

std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t at = 0;
  while (at < text.size()) {
    while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at]))) ++at;
    std::size_t end = at;
    while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end]))) ++end;
    if (end > at) out.push_back(text.substr(at, end - at));
    at = end;
  }
  return out;
}

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_method(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// "<what>" after the arrow: "BYE", "486", "2xx", or "200 INVITE".
bool parse_what(const std::vector<std::string_view>& parts, Selector& selector) {
  if (parts.empty() || parts.size() > 2) return false;
  const std::string_view head = parts[0];
  if (parts.size() == 1 && is_method(head)) {
    selector.method = head;
    return true;
  }
  if (head.size() == 3 && head[0] >= '1' && head[0] <= '6' && head.substr(1) == "xx") {
    selector.status_class = head[0] - '0';
  } else if (all_digits(head) && head.size() == 3 && head[0] >= '1' && head[0] <= '6') {
    std::from_chars(head.data(), head.data() + head.size(), selector.status);
  } else {
    return false;
  }
  if (parts.size() == 2) {
    if (!is_method(parts[1])) return false;
    selector.method = parts[1];
  }
  return true;
}

}  // namespace

bool is_step_name(std::string_view name) {
  if (name.empty() || !std::isalpha(static_cast<unsigned char>(name.front()))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

Result<Selector> parse_selector(std::string_view text) {
  const auto parts = words(text);
  const std::string quoted = "bad selector '" + std::string(text) + "': ";
  const auto bad = [&] {
    return fail(quoted +
                "write \"<party> <- <what>\" (received), \"<party> -> <what>\" (sent), "
                "\"webhook [METHOD] <path>\" or \"api <step>\"");
  };
  Selector selector;
  if (!parts.empty() && parts[0] == "api") {
    selector.kind = Selector::Kind::api;
    if (parts.size() != 2 || !is_step_name(parts[1]))
      return fail(quoted + "an api selector is \"api <step name>\", e.g. \"api create\"");
    selector.api_step = parts[1];
    return selector;
  }
  if (!parts.empty() && parts[0] == "webhook") {
    selector.kind = Selector::Kind::webhook;
    if (parts.size() == 2 && parts[1].starts_with('/'))
      selector.path = parts[1];
    else if (parts.size() == 3 && is_method(parts[1]) && parts[2].starts_with('/'))
      selector.webhook_method = parts[1], selector.path = parts[2];
    else
      return fail(quoted + "a webhook selector is \"webhook [METHOD] <path>\", e.g. \"webhook /voice\"");
    return selector;
  }
  if (parts.size() < 3 || (parts[1] != "<-" && parts[1] != "->")) return bad();
  selector.party = parts[0];
  selector.sent = parts[1] == "->";
  if (!parse_what({parts.begin() + 2, parts.end()}, selector))
    return fail(quoted + "after the arrow write a method (BYE), a status (486), a class (2xx) or a status and a "
                         "method (200 INVITE)");
  return selector;
}

}  // namespace sipconform
