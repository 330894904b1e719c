#include "config/config.h"

#include "util/cidr.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace sipref::config {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return std::ranges::equal(
      a, b, [](unsigned char x, unsigned char y) { return std::tolower(x) == std::tolower(y); });
}

template <class T, class Pred>
const T* find_if(const std::vector<T>& items, Pred pred) {
  auto it = std::ranges::find_if(items, pred);
  return it == items.end() ? nullptr : &*it;
}

}  // namespace

const Account* Config::find_account(std::string_view sid) const {
  return find_if(accounts, [&](const Account& a) { return a.sid == sid; });
}

const Edge* Config::find_edge(std::string_view name) const {
  return find_if(edges, [&](const Edge& e) { return e.name == name; });
}

const Domain* Config::find_domain(std::string_view host) const {
  return find_if(domains, [&](const Domain& d) { return iequals(d.name, host); });
}

const Number* Config::find_number(std::string_view e164) const {
  return find_if(numbers, [&](const Number& n) { return n.number == e164; });
}

const Application* Config::find_application(std::string_view sid) const {
  return find_if(applications, [&](const Application& a) { return a.sid == sid; });
}

std::vector<Edge> default_edges() {
  static constexpr std::string_view names[] = {"ashburn",   "san-jose", "dublin",    "frankfurt",
                                               "singapore", "tokyo",    "sao-paulo", "sydney"};
  std::vector<Edge> edges;
  for (std::size_t i = 0; i < std::size(names); ++i) {
    Edge edge;
    edge.name = names[i];
    edge.address = "127.0.1." + std::to_string(i + 1);
    edge.media_address = edge.address;
    edges.push_back(std::move(edge));
  }
  return edges;
}

std::map<std::string, std::string> default_regions() {
  return {{"us1", "ashburn"},   {"us2", "san-jose"}, {"ie1", "dublin"},    {"de1", "frankfurt"},
          {"sg1", "singapore"}, {"jp1", "tokyo"},    {"br1", "sao-paulo"}, {"au1", "sydney"}};
}

bool is_sid(std::string_view text, std::string_view prefix) {
  if (text.size() != prefix.size() + 32 || !text.starts_with(prefix)) return false;
  return std::ranges::all_of(text.substr(prefix.size()), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

bool is_ipv4(std::string_view text) {
  in_addr addr{};
  return inet_pton(AF_INET, std::string(text).c_str(), &addr) == 1;
}

bool is_ipv4_cidr(std::string_view text) {
  return text.find('/') != std::string_view::npos && parse_cidr(text).has_value();
}

bool is_e164(std::string_view text) {
  if (text.size() < 2 || text.size() > 16 || text[0] != '+' || text[1] == '0') return false;
  return std::ranges::all_of(text.substr(1), [](char c) { return c >= '0' && c <= '9'; });
}

// The same rules as the webhook client's URL parser, so that a URL accepted here is one it can
// request (config does not link the webhook layer).
bool is_http_url(std::string_view text) {
  if (std::ranges::any_of(text, [](unsigned char c) { return c <= 0x20 || c == 0x7f; }))
    return false;
  std::string_view rest;
  if (text.starts_with("http://")) {
    rest = text.substr(7);
  } else if (text.starts_with("https://")) {
    rest = text.substr(8);
  } else {
    return false;
  }
  auto authority = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  auto colon = authority.starts_with('[') ? authority.find("]:") : authority.rfind(':');
  if (colon == std::string_view::npos) return !authority.empty();
  if (authority.starts_with('[')) ++colon;
  auto port = authority.substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  return colon > 0 && ec == std::errc() && end == port.data() + port.size() && value >= 1 &&
         value <= 65535;
}

}  // namespace sipref::config
