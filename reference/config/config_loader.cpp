// The YAML reader behind load_config(). Start-up code: it throws LoadError at the first problem
// (the one place besides main where exceptions are allowed) and load_config turns that into a
// Result, so that every check below stays one line.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "config/config.h"

namespace sipref::config {
namespace {

struct LoadError {
  std::string message;
};

// yaml-cpp counts lines and columns from 0; editors count from 1. A null mark (a node yaml-cpp
// made up) is reported at 1:1.
std::string located(const std::string& source, const YAML::Mark& mark, std::string_view what) {
  int line = mark.is_null() ? 1 : mark.line + 1;
  int column = mark.is_null() ? 1 : mark.column + 1;
  return source + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " +
         std::string(what);
}

// Where a value sits: the file and the node's position, and a readable path such as
// "domains[0].voice_url" that prefixes every message.
class Reader {
 public:
  Reader(std::string source, std::string path = {})
      : source_(std::move(source)), path_(std::move(path)) {}

  Reader child(std::string_view key) const {
    return Reader(source_, path_.empty() ? std::string(key) : path_ + "." + std::string(key));
  }
  Reader item(std::size_t index) const {
    return Reader(source_, path_ + "[" + std::to_string(index) + "]");
  }
  const std::string& source() const { return source_; }

  [[noreturn]] void fail(const YAML::Node& node, std::string_view what) const {
    fail_at(node.Mark(), what);
  }
  [[noreturn]] void fail_at(const YAML::Mark& mark, std::string_view what) const {
    throw LoadError{located(source_, mark,
                            path_.empty() ? std::string(what) : path_ + ": " + std::string(what))};
  }

 private:
  std::string source_;
  std::string path_;
};

std::string describe(const YAML::Node& node) {
  if (node.IsMap()) return "a mapping";
  if (node.IsSequence()) return "a sequence";
  if (node.IsNull()) return "nothing";
  return "'" + node.Scalar() + "'";
}

// A mapping whose keys are checked against a fixed list: unknown and repeated keys are errors.
class Mapping {
 public:
  Mapping(const Reader& reader, const YAML::Node& node, std::vector<std::string_view> known)
      : reader_(reader), node_(node) {
    if (!node.IsMap()) reader.fail(node, "expected a mapping, got " + describe(node));
    std::set<std::string> seen;
    for (const auto& entry : node) {
      const auto& key = entry.first;
      if (!key.IsScalar()) reader.fail(key, "keys must be plain words");
      if (std::ranges::find(known, key.Scalar()) == known.end())
        reader.fail(key, "unknown key '" + key.Scalar() + "' (known: " + join(known) + ")");
      if (!seen.insert(key.Scalar()).second)
        reader.fail(key, "key '" + key.Scalar() + "' repeated");
    }
  }

  std::optional<YAML::Node> get(std::string_view key) const {
    for (const auto& entry : node_)
      if (entry.first.Scalar() == key) return entry.second;
    return std::nullopt;
  }
  YAML::Node need(std::string_view key) const {
    if (auto value = get(key)) return *value;
    reader_.fail(node_, "missing required key '" + std::string(key) + "'");
  }

 private:
  static std::string join(const std::vector<std::string_view>& words) {
    std::string out;
    for (auto word : words) out += (out.empty() ? "" : ", ") + std::string(word);
    return out;
  }
  Reader reader_;
  YAML::Node node_;
};

// ---- scalars -------------------------------------------------------------------------------

std::string text(const Reader& at, const YAML::Node& node) {
  if (!node.IsScalar()) at.fail(node, "expected a string, got " + describe(node));
  return node.Scalar();
}

bool boolean(const Reader& at, const YAML::Node& node) {
  // Only the two YAML 1.2 words: "yes"/"on" are too easy to write by accident.
  if (node.IsScalar() && node.Scalar() == "true") return true;
  if (node.IsScalar() && node.Scalar() == "false") return false;
  at.fail(node, "expected true or false, got " + describe(node));
}

long integer(const Reader& at, const YAML::Node& node, long min, long max) {
  long value = 0;
  std::string s = node.IsScalar() ? node.Scalar() : "";
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size())
    at.fail(node, "expected an integer, got " + describe(node));
  if (value < min || value > max)
    at.fail(node, std::to_string(value) + " is out of range " + std::to_string(min) + ".." +
                      std::to_string(max));
  return value;
}

std::uint16_t port(const Reader& at, const YAML::Node& node) {
  return static_cast<std::uint16_t>(integer(at, node, 1, 65535));
}

std::string checked(const Reader& at, const YAML::Node& node, bool (*valid)(std::string_view),
                    std::string_view expected) {
  std::string value = text(at, node);
  if (!valid(value)) at.fail(node, "'" + value + "' is not " + std::string(expected));
  return value;
}

std::string sid(const Reader& at, const YAML::Node& node, std::string_view prefix) {
  std::string value = text(at, node);
  if (!is_sid(value, prefix))
    at.fail(node, "'" + value + "' is not a SID (" + std::string(prefix) +
                      " followed by 32 lower-case hex digits)");
  return value;
}

std::string ipv4(const Reader& at, const YAML::Node& node) {
  return checked(at, node, is_ipv4, "an IPv4 address");
}

std::string url(const Reader& at, const YAML::Node& node) {
  return checked(at, node, is_http_url, "an absolute http:// or https:// URL");
}

HttpMethod method(const Reader& at, const YAML::Node& node) {
  auto value = parse_http_method(text(at, node));
  if (!value) at.fail(node, "expected GET or POST, got " + describe(node));
  return *value;
}

template <class T, class F>
void optional_field(const Mapping& map, const Reader& at, std::string_view key, T& out, F read) {
  if (auto node = map.get(key)) out = read(at.child(key), *node);
}

YAML::Node sequence(const Reader& at, const YAML::Node& node) {
  if (!node.IsSequence()) at.fail(node, "expected a list, got " + describe(node));
  return node;
}

// ---- sections ------------------------------------------------------------------------------

std::vector<Account> read_accounts(const Reader& at, const YAML::Node& node) {
  std::vector<Account> accounts;
  std::size_t index = 0;
  for (const auto& item : sequence(at, node)) {
    Reader here = at.item(index++);
    Mapping map(here, item, {"sid", "auth_token", "debugger_webhook", "enhanced_sip"});
    Account account;
    account.sid = sid(here.child("sid"), map.need("sid"), "AC");
    account.auth_token = text(here.child("auth_token"), map.need("auth_token"));
    if (account.auth_token.empty())
      here.child("auth_token").fail(map.need("auth_token"), "must not be empty");
    optional_field(map, here, "debugger_webhook", account.debugger_webhook, url);
    optional_field(map, here, "enhanced_sip", account.enhanced_sip, boolean);
    for (const auto& other : accounts)
      if (other.sid == account.sid) here.child("sid").fail(map.need("sid"), "AccountSid repeated");
    accounts.push_back(std::move(account));
  }
  if (accounts.empty()) at.fail(node, "at least one account is needed");
  return accounts;
}

bool is_edge_name(std::string_view name) {
  return !name.empty() && std::ranges::all_of(name, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::vector<Edge> read_edges(const Reader& at, const YAML::Node& node) {
  if (!node.IsMap())
    at.fail(node, "expected a mapping of edge name to addresses, got " + describe(node));
  std::vector<Edge> edges;
  for (const auto& entry : node) {
    std::string name = text(at, entry.first);
    if (!is_edge_name(name))
      at.fail(entry.first, "edge name '" + name + "' must be lower-case letters, digits and '-'");
    Reader here = at.child(name);
    Mapping map(here, entry.second,
                {"address", "udp_port", "tcp_port", "tls_port", "media_address"});
    Edge edge;
    edge.name = name;
    edge.address = ipv4(here.child("address"), map.need("address"));
    optional_field(map, here, "udp_port", edge.udp_port, port);
    optional_field(map, here, "tcp_port", edge.tcp_port, port);
    optional_field(map, here, "tls_port", edge.tls_port, port);
    edge.media_address = edge.address;
    optional_field(map, here, "media_address", edge.media_address, ipv4);
    for (const auto& other : edges) {
      if (other.name == name) at.fail(entry.first, "edge '" + name + "' repeated");
      if (other.address == edge.address && other.udp_port == edge.udp_port)
        here.child("address").fail(
            map.need("address"), "address and udp_port already used by edge '" + other.name + "'");
    }
    edges.push_back(std::move(edge));
  }
  if (edges.empty()) at.fail(node, "at least one edge is needed");
  return edges;
}

std::string resolve_path(const Reader& at, const YAML::Node& node) {
  std::filesystem::path file = text(at, node);
  if (file.is_relative()) file = std::filesystem::path(at.source()).parent_path() / file;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    at.fail(node, "cannot read file '" + file.string() + "'");
  return file.lexically_normal().string();
}

Tls read_tls(const Reader& at, const YAML::Node& node) {
  Mapping map(at, node, {"certificate", "private_key"});
  return Tls{resolve_path(at.child("certificate"), map.need("certificate")),
             resolve_path(at.child("private_key"), map.need("private_key"))};
}

VoiceWebhook read_voice(const Reader& at, const Mapping& map) {
  VoiceWebhook voice;
  voice.url = url(at.child("voice_url"), map.need("voice_url"));
  optional_field(map, at, "voice_method", voice.method, method);
  optional_field(map, at, "voice_fallback_url", voice.fallback_url, url);
  optional_field(map, at, "voice_fallback_method", voice.fallback_method, method);
  optional_field(map, at, "status_callback", voice.status_callback, url);
  optional_field(map, at, "status_callback_method", voice.status_callback_method, method);
  return voice;
}

// Domains and numbers share the voice webhook keys.
std::vector<std::string_view> with_voice_keys(std::vector<std::string_view> keys) {
  for (auto key : {"voice_url", "voice_method", "voice_fallback_url", "voice_fallback_method",
                   "status_callback", "status_callback_method"})
    keys.push_back(key);
  return keys;
}

std::string account_ref(const Reader& at, const YAML::Node& node,
                        const std::vector<Account>& accounts) {
  std::string value = sid(at, node, "AC");
  if (!std::ranges::any_of(accounts, [&](const Account& a) { return a.sid == value; }))
    at.fail(node, "account '" + value + "' is not in accounts");
  return value;
}

bool is_host_name(std::string_view name) {
  if (name.empty() || name.size() > 253 || name.front() == '.' || name.back() == '.') return false;
  if (name.find("..") != std::string_view::npos) return false;
  return std::ranges::all_of(
      name, [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '.'; });
}

// ip_access_list, credentials, registration [inbound.ip-acl, inbound.credentials,
// inbound.register].
std::vector<std::string> read_access_list(const Reader& at, const YAML::Node& node) {
  std::vector<std::string> cidrs;
  std::size_t index = 0;
  for (const auto& item : sequence(at, node)) {
    Reader here = at.item(index++);
    cidrs.push_back(checked(here, item, is_ipv4_cidr,
                            "an IPv4 CIDR (a.b.c.d/n with the host bits clear)"));
  }
  if (cidrs.empty()) at.fail(node, "must list at least one CIDR (leave the key out to admit any source)");
  return cidrs;
}

// Digest usernames go into quoted strings and the voice request: printable, no blanks or quotes.
bool is_credential_username(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::ranges::all_of(name, [](unsigned char c) {
    return c > 0x20 && c < 0x7f && c != '"' && c != '\\' && c != ':';
  });
}

std::vector<Credential> read_credentials(const Reader& at, const YAML::Node& node) {
  std::vector<Credential> credentials;
  std::size_t index = 0;
  for (const auto& item : sequence(at, node)) {
    Reader here = at.item(index++);
    Mapping map(here, item, {"username", "password"});
    Credential credential;
    credential.username = checked(here.child("username"), map.need("username"),
                                  is_credential_username,
                                  "a username (1-64 printable characters, no blanks, quotes, "
                                  "backslashes or colons)");
    credential.password = text(here.child("password"), map.need("password"));
    if (credential.password.empty())
      here.child("password").fail(map.need("password"), "must not be empty");
    for (const auto& other : credentials)
      if (other.username == credential.username)
        here.child("username").fail(map.need("username"), "username repeated");
    credentials.push_back(std::move(credential));
  }
  if (credentials.empty()) at.fail(node, "must list at least one credential (leave the key out for none)");
  return credentials;
}

void read_domain_access(const Reader& at, const Mapping& map, Domain& domain) {
  optional_field(map, at, "ip_access_list", domain.ip_access_list, read_access_list);
  optional_field(map, at, "credentials", domain.credentials, read_credentials);
  optional_field(map, at, "registration", domain.registration, boolean);
  if (domain.registration && domain.credentials.empty())
    at.child("registration").fail(map.need("registration"),
                                  "needs credentials: REGISTER is always digest-authenticated");
}

std::vector<Domain> read_domains(const Reader& at, const YAML::Node& node,
                                 const std::vector<Account>& accounts) {
  std::vector<Domain> domains;
  std::size_t index = 0;
  for (const auto& item : sequence(at, node)) {
    Reader here = at.item(index++);
    Mapping map(here, item,
                with_voice_keys({"name", "sid", "account", "ip_access_list", "credentials",
                                 "registration"}));
    Domain domain;
    domain.name = checked(here.child("name"), map.need("name"), is_host_name, "a host name");
    std::ranges::transform(domain.name, domain.name.begin(),
                           [](unsigned char c) { return std::tolower(c); });
    domain.sid = sid(here.child("sid"), map.need("sid"), "SD");
    domain.account = account_ref(here.child("account"), map.need("account"), accounts);
    domain.voice = read_voice(here, map);
    read_domain_access(here, map, domain);
    for (const auto& other : domains) {
      if (other.name == domain.name) here.child("name").fail(map.need("name"), "domain repeated");
      if (other.sid == domain.sid) here.child("sid").fail(map.need("sid"), "SipDomainSid repeated");
    }
    domains.push_back(std::move(domain));
  }
  return domains;
}

std::vector<Number> read_numbers(const Reader& at, const YAML::Node& node,
                                 const std::vector<Account>& accounts) {
  std::vector<Number> numbers;
  std::size_t index = 0;
  for (const auto& item : sequence(at, node)) {
    Reader here = at.item(index++);
    Mapping map(here, item, with_voice_keys({"number", "sid", "account"}));
    Number number;
    number.number = checked(here.child("number"), map.need("number"), is_e164,
                            "an E.164 number (+ and up to 15 digits)");
    number.sid = sid(here.child("sid"), map.need("sid"), "PN");
    number.account = account_ref(here.child("account"), map.need("account"), accounts);
    number.voice = read_voice(here, map);
    for (const auto& other : numbers)
      if (other.number == number.number)
        here.child("number").fail(map.need("number"), "number repeated");
    numbers.push_back(std::move(number));
  }
  return numbers;
}

// applications [app.*]: TwiML Apps that <Dial><Application> connects to.
std::vector<Application> read_applications(const Reader& at, const YAML::Node& node,
                                           const std::vector<Account>& accounts) {
  std::vector<Application> applications;
  std::size_t index = 0;
  for (const auto& item : sequence(at, node)) {
    Reader here = at.item(index++);
    Mapping map(here, item, with_voice_keys({"sid", "account", "public_application_connect_enabled"}));
    Application application;
    application.sid = sid(here.child("sid"), map.need("sid"), "AP");
    application.account = account_ref(here.child("account"), map.need("account"), accounts);
    application.voice = read_voice(here, map);
    optional_field(map, here, "public_application_connect_enabled",
                   application.public_application_connect_enabled, boolean);
    for (const auto& other : applications)
      if (other.sid == application.sid) here.child("sid").fail(map.need("sid"), "ApplicationSid repeated");
    applications.push_back(std::move(application));
  }
  return applications;
}

Timers read_timers(const Reader& at, const YAML::Node& node) {
  Mapping map(at, node, {"t1_ms", "t2_ms", "t4_ms", "dial_buffer_s"});
  Timers timers;
  auto ms = [](long min, long max) {
    return [=](const Reader& r, const YAML::Node& n) {
      return std::chrono::milliseconds(integer(r, n, min, max));
    };
  };
  optional_field(map, at, "t1_ms", timers.t1, ms(1, 60000));
  optional_field(map, at, "t2_ms", timers.t2, ms(1, 600000));
  optional_field(map, at, "t4_ms", timers.t4, ms(1, 600000));
  optional_field(map, at, "dial_buffer_s", timers.dial_buffer,
                 [](const Reader& r, const YAML::Node& n) {
                   return std::chrono::seconds(integer(r, n, 0, 60));
                 });
  if (timers.t2 < timers.t1)
    at.child("t2_ms").fail(map.need("t2_ms"), "must not be less than t1_ms");
  return timers;
}

Limits read_limits(const Reader& at, const YAML::Node& node) {
  Mapping map(at, node, {"max_calls", "max_cps", "drain_s"});
  Limits limits;
  optional_field(map, at, "max_calls", limits.max_calls, [](const Reader& r, const YAML::Node& n) {
    return static_cast<unsigned>(integer(r, n, 1, 1000000));
  });
  optional_field(map, at, "max_cps", limits.max_cps, [](const Reader& r, const YAML::Node& n) {
    return static_cast<unsigned>(integer(r, n, 1, 100000));
  });
  optional_field(map, at, "drain_s", limits.drain, [](const Reader& r, const YAML::Node& n) {
    return std::chrono::seconds(integer(r, n, 0, 3600));
  });
  return limits;
}

MediaSettings read_media(const Reader& at, const YAML::Node& node) {
  Mapping map(at, node, {"port_min", "port_max"});
  MediaSettings media;
  optional_field(map, at, "port_min", media.port_min, port);
  optional_field(map, at, "port_max", media.port_max, port);
  // RTP takes the even port of each pair, RTCP the odd one above it (RFC 3550 §11).
  if (media.port_min % 2 != 0)
    at.child("port_min").fail(map.need("port_min"), "must be even (RTP takes even ports)");
  if (media.port_max <= media.port_min) {
    auto node_max = map.get("port_max");
    at.child("port_max").fail(node_max ? *node_max : node, "must be greater than port_min");
  }
  return media;
}

WebhookSettings read_webhook(const Reader& at, const YAML::Node& node) {
  Mapping map(at, node, {"workers"});
  WebhookSettings settings;
  optional_field(map, at, "workers", settings.workers, [](const Reader& r, const YAML::Node& n) {
    return static_cast<unsigned>(integer(r, n, 1, 64));
  });
  return settings;
}

RestListen read_rest(const Reader& at, const YAML::Node& node) {
  Mapping map(at, node, {"address", "port"});
  return RestListen{ipv4(at.child("address"), map.need("address")),
                    port(at.child("port"), map.need("port"))};
}

PstnGateway read_pstn_gateway(const Reader& at, const YAML::Node& node) {
  Mapping map(at, node, {"host", "port", "edge"});
  PstnGateway gateway;
  gateway.host = ipv4(at.child("host"), map.need("host"));
  optional_field(map, at, "port", gateway.port, port);
  optional_field(map, at, "edge", gateway.edge, text);
  return gateway;
}

// regions: { us1: ashburn, ... }: each legacy region names a configured edge [sip.region].
std::map<std::string, std::string> read_regions(const Reader& at, const YAML::Node& node,
                                                const std::vector<Edge>& edges) {
  if (!node.IsMap()) at.fail(node, "expected a mapping of region to edge name, got " + describe(node));
  std::map<std::string, std::string> regions;
  for (const auto& entry : node) {
    std::string region = text(at, entry.first);
    if (!is_edge_name(region))
      at.fail(entry.first, "region '" + region + "' must be lower-case letters, digits and '-'");
    std::string edge = text(at.child(region), entry.second);
    if (std::ranges::none_of(edges, [&](const Edge& e) { return e.name == edge; }))
      at.child(region).fail(entry.second, "edge '" + edge + "' is not configured");
    if (!regions.emplace(region, edge).second) at.fail(entry.first, "region '" + region + "' repeated");
  }
  return regions;
}

// deviations: [edge-ignored, ...]: deliberate mistakes for `sipconform selftest` only.
std::vector<Deviation> read_deviations(const Reader& at, const YAML::Node& node) {
  std::vector<Deviation> out;
  for (const auto& item : sequence(at, node)) {
    std::string name = text(at, item);
    auto deviation = deviation_named(name);
    if (!deviation) at.fail(item, "unknown deviation '" + name + "' (sipref --list-deviations lists them)");
    out.push_back(*deviation);
  }
  return out;
}

Config read_config(const Reader& at, const YAML::Node& root) {
  Mapping map(at, root,
              {"accounts", "edges", "regions", "tls", "domains", "numbers", "applications", "timers", "limits", "media",
               "webhook", "listen", "rest", "pstn_gateway", "deviations"});
  Config config;
  config.source = at.source();
  config.accounts = read_accounts(at.child("accounts"), map.need("accounts"));
  config.edges = default_edges();
  optional_field(map, at, "edges", config.edges, read_edges);
  // Without a regions section, the provider's regions whose edge is configured.
  for (auto& [region, edge] : default_regions())
    if (config.find_edge(edge)) config.regions.emplace(region, edge);
  optional_field(map, at, "regions", config.regions,
                 [&](const Reader& r, const YAML::Node& n) { return read_regions(r, n, config.edges); });
  optional_field(map, at, "tls", config.tls, read_tls);
  auto with_accounts = [&](auto read) {
    return [&, read](const Reader& r, const YAML::Node& n) { return read(r, n, config.accounts); };
  };
  optional_field(map, at, "domains", config.domains, with_accounts(read_domains));
  optional_field(map, at, "numbers", config.numbers, with_accounts(read_numbers));
  optional_field(map, at, "applications", config.applications, with_accounts(read_applications));
  optional_field(map, at, "timers", config.timers, read_timers);
  optional_field(map, at, "limits", config.limits, read_limits);
  optional_field(map, at, "media", config.media, read_media);
  optional_field(map, at, "webhook", config.webhook, read_webhook);
  optional_field(map, at, "listen", config.listen, text);
  if (!config.find_edge(config.listen)) {
    auto node = map.get("listen");
    at.child("listen").fail(node ? *node : root, "edge '" + config.listen + "' is not configured");
  }
  optional_field(map, at, "rest", config.rest, read_rest);
  optional_field(map, at, "pstn_gateway", config.pstn_gateway, read_pstn_gateway);
  optional_field(map, at, "deviations", config.deviations, read_deviations);
  if (config.pstn_gateway && !config.find_edge(config.pstn_gateway->edge))
    at.child("pstn_gateway").fail(map.need("pstn_gateway"),
                                  "edge '" + config.pstn_gateway->edge + "' is not configured");
  return config;
}

}  // namespace

Result<Config> parse_config(std::string_view yaml, const std::string& source) {
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    if (root.IsNull())
      return fail(source + ":1:1: the file is empty; expected a mapping with accounts");
    return read_config(Reader(source), root);
  } catch (const LoadError& e) {
    return fail(e.message);
  } catch (const YAML::Exception& e) {  // syntax: yaml-cpp's own words, at its position
    return fail(located(source, e.mark, e.msg));
  }
}

Result<Config> load_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(path + ": cannot open the file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path);
}

}  // namespace sipref::config
