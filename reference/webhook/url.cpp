#include "webhook/url.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "webhook/params.h"

namespace sipref::webhook {
namespace {

constexpr auto npos = std::string_view::npos;

// The five components of RFC 3986 §3, each "undefined" or a (possibly empty) string.
struct Reference {
  std::optional<std::string> scheme;
  std::optional<std::string> authority;
  std::string path;
  std::optional<std::string> query;
  std::optional<std::string> fragment;
};

bool is_scheme(std::string_view s) {
  return !s.empty() && std::isalpha(static_cast<unsigned char>(s[0])) &&
         std::ranges::all_of(s, [](unsigned char c) {
           return std::isalnum(c) || c == '+' || c == '-' || c == '.';
         });
}

// RFC 3986 Appendix B, without the regular expression.
Reference split(std::string_view s) {
  Reference r;
  if (auto hash = s.find('#'); hash != npos) {
    r.fragment = std::string(s.substr(hash + 1));
    s = s.substr(0, hash);
  }
  if (auto mark = s.find('?'); mark != npos) {
    r.query = std::string(s.substr(mark + 1));
    s = s.substr(0, mark);
  }
  if (auto colon = s.find(':');
      colon != npos && colon < s.find('/') && is_scheme(s.substr(0, colon))) {
    r.scheme = std::string(s.substr(0, colon));
    s = s.substr(colon + 1);
  }
  if (s.starts_with("//")) {
    auto end = s.find('/', 2);
    r.authority = std::string(s.substr(2, end == npos ? npos : end - 2));
    s = end == npos ? std::string_view{} : s.substr(end);
  }
  r.path = std::string(s);
  return r;
}

// RFC 3986 §5.2.4.
std::string remove_dot_segments(std::string_view in) {
  std::string out;
  while (!in.empty()) {
    if (in.starts_with("../")) {
      in.remove_prefix(3);
    } else if (in.starts_with("./")) {
      in.remove_prefix(2);
    } else if (in.starts_with("/./")) {
      in.remove_prefix(2);
    } else if (in == "/.") {
      in = "/";
    } else if (in.starts_with("/../") || in == "/..") {
      in = in.size() == 3 ? std::string_view("/") : in.substr(3);
      auto slash = out.rfind('/');
      out.erase(slash == std::string::npos ? 0 : slash);
    } else if (in == "." || in == "..") {
      in = {};
    } else {
      auto next = in.find('/', 1);
      out += in.substr(0, next);
      in = next == npos ? std::string_view{} : in.substr(next);
    }
  }
  return out;
}

// RFC 3986 §5.2.3.
std::string merge(const Reference& base, const std::string& path) {
  if (base.authority && base.path.empty()) return "/" + path;
  auto slash = base.path.rfind('/');
  return slash == std::string::npos ? path : base.path.substr(0, slash + 1) + path;
}

// RFC 3986 §5.2.2 (strict: a reference with a scheme is always absolute).
Reference resolve(const Reference& base, const Reference& r) {
  Reference t;
  if (r.scheme) {
    t = r;
    t.path = remove_dot_segments(r.path);
  } else if (r.authority) {
    t = r;
    t.path = remove_dot_segments(r.path);
    t.scheme = base.scheme;
  } else {
    t.scheme = base.scheme;
    t.authority = base.authority;
    if (r.path.empty()) {
      t.path = base.path;
      t.query = r.query ? r.query : base.query;
    } else {
      t.path = remove_dot_segments(r.path.starts_with('/') ? r.path : merge(base, r.path));
      t.query = r.query;
    }
  }
  t.fragment = r.fragment;
  return t;
}

std::string lower(std::string s) {
  std::ranges::transform(s, s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// authority = [ userinfo "@" ] host [ ":" port ]
Result<Url> with_authority(Url url, std::string_view authority, std::string_view text) {
  if (auto at = authority.rfind('@'); at != npos) {
    url.userinfo = std::string(authority.substr(0, at));
    authority.remove_prefix(at + 1);
  }
  auto host_end = authority.starts_with('[') ? authority.find(']') : authority.rfind(':');
  if (authority.starts_with('[') && host_end == npos)
    return fail("unclosed '[' in '" + std::string(text) + "'");
  if (authority.starts_with('[')) ++host_end;
  url.host = lower(std::string(authority.substr(0, host_end)));
  if (url.host.empty()) return fail("no host in '" + std::string(text) + "'");
  auto port = host_end == npos ? std::string_view{} : authority.substr(host_end);
  if (!port.empty() && port.front() != ':') return fail("bad host in '" + std::string(text) + "'");
  if (port.size() > 1) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data() + 1, port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535)
      return fail("bad port '" + std::string(port.substr(1)) + "' in '" + std::string(text) + "'");
    url.port = static_cast<std::uint16_t>(value);
  }
  return url;
}

Result<Url> to_url(const Reference& t, std::string_view text) {
  std::string scheme = lower(t.scheme.value_or(""));
  if (scheme != "http" && scheme != "https")
    return fail("'" + std::string(text) + "' is not an http:// or https:// URL");
  if (!t.authority) return fail("no host in '" + std::string(text) + "'");
  Url url;
  url.scheme = scheme;
  url.path = t.path.empty() ? "/" : t.path;
  url.query = t.query;
  url.fragment = t.fragment;
  return with_authority(std::move(url), *t.authority, text);
}

Result<void> check_characters(std::string_view text) {
  if (std::ranges::any_of(text, [](unsigned char c) { return c <= 0x20 || c == 0x7f; }))
    return fail("'" + std::string(text) + "' contains a space or control character");
  return {};
}

Reference reference_of(const Url& url) {
  std::string authority = url.userinfo.empty() ? "" : url.userinfo + "@";
  authority += url.host + (url.port ? ":" + std::to_string(*url.port) : "");
  return Reference{url.scheme, authority, url.path, url.query, url.fragment};
}

}  // namespace

std::uint16_t Url::effective_port() const {
  return port.value_or(scheme == "https" ? 443 : 80);
}

std::string Url::origin() const {
  return scheme + "://" + host + ":" + std::to_string(effective_port());
}

std::string Url::target() const {
  return path + (query ? "?" + *query : "");
}

std::string Url::without_fragment() const {
  std::string out = scheme + "://";
  if (!userinfo.empty()) out += userinfo + "@";
  out += host;
  if (port) out += ":" + std::to_string(*port);
  return out + target();
}

std::string Url::to_string() const {
  return without_fragment() + (fragment ? "#" + *fragment : "");
}

Result<Url> parse_url(std::string_view text) {
  if (auto ok = check_characters(text); !ok) return std::unexpected(ok.error());
  return to_url(resolve(Reference{}, split(text)), text);
}

Result<Url> resolve_in_document(std::string_view document_url, std::string_view reference) {
  if (document_url.empty()) return parse_url(reference);
  auto base = parse_url(document_url);
  return base ? resolve_url(*base, reference) : base;
}

Result<Url> resolve_url(const Url& base, std::string_view reference) {
  if (auto ok = check_characters(reference); !ok) return std::unexpected(ok.error());
  return to_url(resolve(reference_of(base), split(reference)), reference);
}

// ---- connection overrides ------------------------------------------------------------------

namespace {

std::optional<long long> clamped(std::string_view text, long long min, long long max) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || end != text.data() + text.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) return text.starts_with('-') ? min : max;
  if (ec != std::errc()) return std::nullopt;
  return std::clamp(value, min, max);
}

// A list with no known word leaves the default policy in place.
void apply_retry_policy(ConnectionOverrides& o, std::string_view list) {
  RetryPolicy policy{false, false, false, false};
  bool any = false;
  while (!list.empty()) {
    auto comma = list.find(',');
    auto word = list.substr(0, comma);
    list = comma == npos ? std::string_view{} : list.substr(comma + 1);
    bool all = word == "all";
    if (all || word == "ct") policy.connect = true;
    if (all || word == "rt") policy.read = true;
    if (all || word == "4xx") policy.status_4xx = true;
    if (all || word == "5xx") policy.status_5xx = true;
    bool known = all || word == "ct" || word == "rt" || word == "4xx" || word == "5xx";
    if (!known) o.ignored.push_back("rp=" + std::string(word));
    any = any || known;
  }
  if (any) o.retry_policy = policy;
}

// Applies one k=v pair; false when it was not understood.
bool apply(ConnectionOverrides& o, std::string_view key, const std::string& value) {
  auto set_ms = [&](std::chrono::milliseconds& field, long long min, long long max) {
    auto v = clamped(value, min, max);
    if (v) field = std::chrono::milliseconds(*v);
    return v.has_value();
  };
  if (key == "ct") return set_ms(o.connect_timeout, 100, 10000);
  if (key == "rt") return set_ms(o.read_timeout, 100, 15000);
  if (key == "tt") return set_ms(o.total_timeout, 100, 15000);
  if (key == "rc") {
    auto v = clamped(value, 0, 5);
    if (v) o.retry_count = static_cast<int>(*v);
    return v.has_value();
  }
  if (key == "rp") {
    apply_retry_policy(o, value);  // lists the words it did not know itself
    return true;
  }
  if (key == "e") o.edge = value;
  if (key == "sni") o.sni = value;
  return key == "e" || key == "sni";
}

}  // namespace

ConnectionOverrides parse_overrides(std::string_view fragment) {
  ConnectionOverrides o;
  while (!fragment.empty()) {
    auto amp = fragment.find('&');
    auto pair = fragment.substr(0, amp);
    fragment = amp == npos ? std::string_view{} : fragment.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto value = form_decode_component(eq == npos ? "" : pair.substr(eq + 1));
    if (eq == npos || !value || !apply(o, pair.substr(0, eq), *value))
      o.ignored.push_back(std::string(pair));
  }
  return o;
}

}  // namespace sipref::webhook
