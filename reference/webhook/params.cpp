#include "webhook/params.h"

#include <algorithm>
#include <utility>

namespace sipref::webhook {

void Params::add(std::string name, std::string value) {
  items_.push_back(Param{std::move(name), std::move(value)});
}

void Params::set(std::string_view name, std::string value) {
  // The first one keeps its position (the order parameters were added in is the order sent);
  // later ones go.
  bool seen = false;
  std::erase_if(items_,
                [&](const Param& p) { return p.name == name && std::exchange(seen, true); });
  auto it = std::ranges::find(items_, name, &Param::name);
  if (it == items_.end()) {
    add(std::string(name), std::move(value));
  } else {
    it->value = std::move(value);
  }
}

void Params::append(const Params& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

std::optional<std::string_view> Params::find(std::string_view name) const {
  auto it = std::ranges::find(items_, name, &Param::name);
  if (it == items_.end()) return std::nullopt;
  return it->value;
}

std::vector<std::string_view> Params::find_all(std::string_view name) const {
  std::vector<std::string_view> values;
  for (const auto& p : items_)
    if (p.name == name) values.push_back(p.value);
  return values;
}

std::string form_encode_component(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string form_encode(const Params& params) {
  std::string out;
  for (const auto& p : params) {
    if (!out.empty()) out += '&';
    out += form_encode_component(p.name) + '=' + form_encode_component(p.value);
  }
  return out;
}

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

Result<std::string> form_decode_component(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] != '%') {
      out += text[i];
    } else if (i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      return fail("bad percent-escape in '" + std::string(text) + "'");
    }
  }
  return out;
}

Result<Params> form_decode(std::string_view body) {
  Params params;
  while (!body.empty()) {
    auto amp = body.find('&');
    auto pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto name = form_decode_component(pair.substr(0, eq));
    auto value = form_decode_component(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (!name) return std::unexpected(name.error());
    if (!value) return std::unexpected(value.error());
    params.add(std::move(*name), std::move(*value));
  }
  return params;
}

}  // namespace sipref::webhook
