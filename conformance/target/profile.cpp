#include "target/profile.h"

#include <yaml-cpp/yaml.h>

#include <arpa/inet.h>
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <fstream>
#include <sstream>

#include "util/cidr.h"

namespace sipconform {

namespace {

// Reads one profile file; every error names file:line:column (1-based) of the offending node.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  std::unexpected<Error> error_at(const YAML::Mark& mark, const std::string& message) const {
    if (mark.is_null()) return fail(file_ + ": " + message);
    return fail(file_ + ":" + std::to_string(mark.line + 1) + ":" +
                std::to_string(mark.column + 1) + ": " + message);
  }
  std::unexpected<Error> error_at(const YAML::Node& node, const std::string& message) const {
    return error_at(node.Mark(), message);
  }

  Result<void> expect_map(const YAML::Node& node, const std::string& what) const {
    if (!node.IsMap()) return error_at(node, what + " must be a mapping");
    return {};
  }

  // Unknown keys are errors: a misspelt key would otherwise silently take its default.
  Result<void> known_keys(const YAML::Node& map, std::initializer_list<std::string_view> keys,
                          const std::string& what) const {
    std::vector<std::string> seen;
    for (const auto& entry : map) {
      auto key = entry.first.as<std::string>("");
      if (std::find(seen.begin(), seen.end(), key) != seen.end())
        return error_at(entry.first, "key '" + key + "' appears twice in " + what);
      seen.push_back(key);
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        std::string list;
        for (auto k : keys) list += (list.empty() ? "" : ", ") + std::string(k);
        return error_at(entry.first, "unknown key '" + key + "' in " + what +
                                         " (expected one of: " + list + ")");
      }
    }
    return {};
  }

  Result<std::string> text(const YAML::Node& node, const std::string& what) const {
    if (!node.IsScalar()) return error_at(node, what + " must be a string");
    if (node.Scalar().empty()) return error_at(node, what + " must not be empty");
    return node.Scalar();
  }

  Result<bool> boolean(const YAML::Node& node, const std::string& what) const {
    if (node.IsScalar() && node.Scalar() == "true") return true;
    if (node.IsScalar() && node.Scalar() == "false") return false;
    return error_at(node, what + " must be true or false");
  }

  Result<std::uint16_t> port(const YAML::Node& node, const std::string& what,
                             bool zero_allowed) const {
    unsigned value = 0;
    const std::string& s = node.IsScalar() ? node.Scalar() : std::string();
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (s.empty() || ec != std::errc{} || end != s.data() + s.size() || value > 65535 ||
        (!zero_allowed && value == 0))
      return error_at(node,
                      what + " must be a port number (" + (zero_allowed ? "0" : "1") + "..65535)");
    return static_cast<std::uint16_t>(value);
  }

  Result<std::vector<std::string>> strings(const YAML::Node& node, const std::string& what) const {
    if (!node.IsSequence()) return error_at(node, what + " must be a list");
    std::vector<std::string> values;
    for (const auto& item : node) {
      auto value = text(item, what + " entries");
      if (!value) return std::unexpected(value.error());
      values.push_back(*value);
    }
    return values;
  }

  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

bool parse_ipv4(std::string_view text, std::uint32_t& address) {
  in_addr parsed{};
  if (::inet_pton(AF_INET, std::string(text).c_str(), &parsed) != 1) return false;
  address = ntohl(parsed.s_addr);
  return true;
}

// "a.b.c.d/n" (or a bare address, meaning /32) as address and mask.
bool parse_cidr(std::string_view cidr, std::uint32_t& network, std::uint32_t& mask) {
  auto slash = cidr.find('/');
  unsigned bits = 32;
  if (slash != std::string_view::npos) {
    auto digits = cidr.substr(slash + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), bits);
    if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || bits > 32)
      return false;
  }
  if (!parse_ipv4(cidr.substr(0, slash), network)) return false;
  mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
  return true;
}

bool is_lower_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool is_name(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

Result<void> read_ingress(const Reader& r, const YAML::Node& node, TargetProfile& profile) {
  if (auto ok = r.expect_map(node, "ingress"); !ok) return ok;
  if (auto ok = r.known_keys(node, {"host", "port"}, "ingress"); !ok) return ok;
  if (!node["host"]) return r.error_at(node, "ingress needs a host");
  auto host = r.text(node["host"], "ingress.host");
  if (!host) return std::unexpected(host.error());
  profile.ingress_host = *host;
  if (node["port"]) {
    auto port = r.port(node["port"], "ingress.port", false);
    if (!port) return std::unexpected(port.error());
    profile.ingress_port = *port;
  }
  return {};
}

Result<void> read_pstn_gateway(const Reader& r, const YAML::Node& node, TargetProfile& profile) {
  if (auto ok = r.expect_map(node, "pstn_gateway"); !ok) return ok;
  if (auto ok = r.known_keys(node, {"host", "port"}, "pstn_gateway"); !ok) return ok;
  if (!node["host"]) return r.error_at(node, "pstn_gateway needs a host");
  auto host = r.text(node["host"], "pstn_gateway.host");
  if (!host) return std::unexpected(host.error());
  std::uint32_t ignored = 0;
  if (!parse_ipv4(*host, ignored)) return r.error_at(node["host"], "pstn_gateway.host must be an IPv4 address");
  FixedAddress gateway{*host, 5060};
  if (node["port"]) {
    auto port = r.port(node["port"], "pstn_gateway.port", false);
    if (!port) return std::unexpected(port.error());
    gateway.port = *port;
  }
  profile.pstn_gateway = gateway;
  return {};
}

Result<void> read_rest(const Reader& r, const YAML::Node& node, TargetProfile& profile) {
  if (auto ok = r.expect_map(node, "rest"); !ok) return ok;
  if (auto ok = r.known_keys(node, {"host", "port"}, "rest"); !ok) return ok;
  if (!node["host"] || !node["port"]) return r.error_at(node, "rest needs host and port");
  auto host = r.text(node["host"], "rest.host");
  if (!host) return std::unexpected(host.error());
  std::uint32_t ignored = 0;
  if (!parse_ipv4(*host, ignored))
    return r.error_at(node["host"], "rest.host must be an IPv4 address");
  auto port = r.port(node["port"], "rest.port", false);
  if (!port) return std::unexpected(port.error());
  profile.rest = RestAddress{*host, *port};
  return {};
}

Result<void> read_managed(const Reader& r, const YAML::Node& node, TargetProfile& profile) {
  if (auto ok = r.expect_map(node, "managed"); !ok) return ok;
  if (auto ok = r.known_keys(node, {"command", "args"}, "managed"); !ok) return ok;
  if (!node["command"]) return r.error_at(node, "managed needs a command (the target binary)");
  ManagedSettings managed;
  auto command = r.text(node["command"], "managed.command");
  if (!command) return std::unexpected(command.error());
  managed.command = *command;
  if (node["args"]) {
    auto args = r.strings(node["args"], "managed.args");
    if (!args) return std::unexpected(args.error());
    managed.args = *args;
  }
  profile.managed = managed;
  return {};
}

Result<void> read_harness(const Reader& r, const YAML::Node& node, TargetProfile& profile) {
  if (auto ok = r.expect_map(node, "harness"); !ok) return ok;
  if (auto ok = r.known_keys(node, {"address", "webhook_port", "party_network"}, "harness"); !ok)
    return ok;
  if (node["address"]) {
    auto address = r.text(node["address"], "harness.address");
    if (!address) return std::unexpected(address.error());
    std::uint32_t ignored = 0;
    if (!parse_ipv4(*address, ignored))
      return r.error_at(node["address"], "harness.address must be an IPv4 address");
    profile.harness_address = *address;
  }
  if (node["webhook_port"]) {
    auto port = r.port(node["webhook_port"], "harness.webhook_port", true);
    if (!port) return std::unexpected(port.error());
    profile.webhook_port = *port;
  }
  if (node["party_network"]) {
    auto network = r.text(node["party_network"], "harness.party_network");
    if (!network) return std::unexpected(network.error());
    std::uint32_t ignored = 0;
    if (std::count(network->begin(), network->end(), '.') != 1 ||
        !parse_ipv4(*network + ".0.0", ignored))
      return r.error_at(node["party_network"],
                        "harness.party_network must be two octets, e.g. \"127.20\"");
    profile.party_network = *network;
  }
  return {};
}

Result<void> read_edges(const Reader& r, const YAML::Node& node, TargetProfile& profile) {
  if (auto ok = r.expect_map(node, "edges"); !ok) return ok;
  for (const auto& entry : node) {
    auto name = entry.first.as<std::string>("");
    if (!is_name(name))
      return r.error_at(entry.first,
                        "edge name '" + name + "' must be lower-case letters, digits, '-'");
    if (profile.edge(name)) return r.error_at(entry.first, "edge '" + name + "' is listed twice");
    auto cidrs = r.strings(entry.second, "edge " + name);
    if (!cidrs) return std::unexpected(cidrs.error());
    if (cidrs->empty())
      return r.error_at(entry.second, "edge " + name + " needs at least one CIDR");
    for (std::size_t i = 0; i < cidrs->size(); ++i) {
      std::uint32_t network = 0, mask = 0;
      if (!parse_cidr((*cidrs)[i], network, mask))
        return r.error_at(entry.second[i], "'" + (*cidrs)[i] + "' is not an IPv4 CIDR (a.b.c.d/n)");
    }
    profile.edges.push_back({name, *cidrs});
  }
  return {};
}

// domains: { acl: {name}, credentials: {name, username, password}, registration: {...} }
Result<void> read_profile_domains(const Reader& r, const YAML::Node& node, TargetProfile& profile) {
  if (auto ok = r.expect_map(node, "domains"); !ok) return ok;
  if (auto ok = r.known_keys(node, {"acl", "credentials", "registration", "basic"}, "domains"); !ok) return ok;
  for (const auto& entry : node) {
    ProfileDomain domain;
    domain.role = entry.first.as<std::string>("");
    const std::string what = "domains." + domain.role;
    const YAML::Node& fields = entry.second;
    if (auto ok = r.expect_map(fields, what); !ok) return ok;
    const bool acl = domain.role == "acl" || domain.role == "basic";  // a name only
    if (auto ok = acl ? r.known_keys(fields, {"name"}, what)
                      : r.known_keys(fields, {"name", "username", "password"}, what);
        !ok)
      return ok;
    for (const char* key : {"name", "username", "password"}) {
      if (acl && std::string_view(key) != "name") continue;
      if (!fields[key]) return r.error_at(fields, what + " needs " + key);
      auto value = r.text(fields[key], what + "." + key);
      if (!value) return std::unexpected(value.error());
      (std::string_view(key) == "name" ? domain.name
       : std::string_view(key) == "username" ? domain.username
                                             : domain.password) = *value;
    }
    if (domain.name == profile.domain)
      return r.error_at(fields["name"], what + ".name must differ from the profile's domain");
    profile.domains.push_back(std::move(domain));
  }
  return {};
}

Result<void> read_account(const Reader& r, const YAML::Node& node, TargetProfile& profile) {
  if (auto ok = r.expect_map(node, "account"); !ok) return ok;
  if (auto ok = r.known_keys(node, {"sid", "auth_token"}, "account"); !ok) return ok;
  if (!node["sid"] || !node["auth_token"])
    return r.error_at(node, "account needs sid and auth_token");
  auto sid = r.text(node["sid"], "account.sid");
  if (!sid) return std::unexpected(sid.error());
  if (sid->size() != 34 || !sid->starts_with("AC") || !is_lower_hex(sid->substr(2)))
    return r.error_at(node["sid"], "account.sid must be AC followed by 32 lower-case hex digits");
  auto token = r.text(node["auth_token"], "account.auth_token");
  if (!token) return std::unexpected(token.error());
  profile.account_sid = *sid;
  profile.auth_token = *token;
  return {};
}

Result<void> read_capabilities(const Reader& r, const YAML::Node& node, TargetProfile& profile) {
  auto capabilities = r.strings(node, "capabilities");
  if (!capabilities) return std::unexpected(capabilities.error());
  for (std::size_t i = 0; i < capabilities->size(); ++i)
    if (!is_name((*capabilities)[i]))
      return r.error_at(node[i], "capability '" + (*capabilities)[i] +
                                     "' must be lower-case letters, digits, '-'");
  profile.capabilities = *capabilities;
  return {};
}

// applications: { same: {sid}, public: {sid}, private: {sid} } [app.*]
Result<void> read_profile_applications(const Reader& r, const YAML::Node& node, TargetProfile& profile) {
  if (auto ok = r.expect_map(node, "applications"); !ok) return ok;
  if (auto ok = r.known_keys(node, {"same", "public", "private"}, "applications"); !ok) return ok;
  for (const auto& entry : node) {
    ProfileApplication application;
    application.role = entry.first.as<std::string>("");
    const std::string what = "applications." + application.role;
    if (auto ok = r.expect_map(entry.second, what); !ok) return ok;
    if (auto ok = r.known_keys(entry.second, {"sid"}, what); !ok) return ok;
    if (!entry.second["sid"]) return r.error_at(entry.second, what + " needs sid");
    auto sid = r.text(entry.second["sid"], what + ".sid");
    if (!sid) return std::unexpected(sid.error());
    if (sid->size() != 34 || !sid->starts_with("AP") || !is_lower_hex(sid->substr(2)))
      return r.error_at(entry.second["sid"], what + ".sid must be AP followed by 32 lower-case hex digits");
    for (const auto& other : profile.applications)
      if (other.sid == *sid) return r.error_at(entry.second["sid"], what + ".sid repeats applications." + other.role);
    application.sid = *sid;
    profile.applications.push_back(std::move(application));
  }
  return {};
}

Result<void> read_top(const Reader& r, const YAML::Node& root, TargetProfile& profile) {
  if (auto ok = r.expect_map(root, "a target profile"); !ok) return ok;
  if (auto ok = r.known_keys(
          root,
          {"name", "ingress", "domain", "reference", "managed", "harness", "edges", "capabilities",
           "account", "voice_url_note", "pstn_gateway", "domains", "applications", "rest"},
          "the profile");
      !ok)
    return ok;
  for (const char* key : {"name", "ingress", "domain", "account"})
    if (!root[key]) return r.error_at(root, std::string("the profile needs '") + key + "'");
  auto name = r.text(root["name"], "name");
  if (!name) return std::unexpected(name.error());
  profile.name = *name;
  auto domain = r.text(root["domain"], "domain");
  if (!domain) return std::unexpected(domain.error());
  profile.domain = *domain;
  if (root["reference"]) {
    auto reference = r.boolean(root["reference"], "reference");
    if (!reference) return std::unexpected(reference.error());
    profile.reference = *reference;
  }
  if (root["voice_url_note"]) {
    auto note = r.text(root["voice_url_note"], "voice_url_note");
    if (!note) return std::unexpected(note.error());
    profile.voice_url_note = *note;
  }
  return {};
}

Result<TargetProfile> read_profile(const Reader& r, const YAML::Node& root) {
  TargetProfile profile;
  profile.where = Location{r.file(), root.Mark().line + 1, root.Mark().column + 1};
  if (auto ok = read_top(r, root, profile); !ok) return std::unexpected(ok.error());
  if (auto ok = read_ingress(r, root["ingress"], profile); !ok) return std::unexpected(ok.error());
  if (auto ok = read_account(r, root["account"], profile); !ok) return std::unexpected(ok.error());
  if (root["managed"])
    if (auto ok = read_managed(r, root["managed"], profile); !ok)
      return std::unexpected(ok.error());
  if (root["harness"])
    if (auto ok = read_harness(r, root["harness"], profile); !ok)
      return std::unexpected(ok.error());
  if (root["edges"])
    if (auto ok = read_edges(r, root["edges"], profile); !ok) return std::unexpected(ok.error());
  if (root["capabilities"])
    if (auto ok = read_capabilities(r, root["capabilities"], profile); !ok)
      return std::unexpected(ok.error());
  if (root["pstn_gateway"])
    if (auto ok = read_pstn_gateway(r, root["pstn_gateway"], profile); !ok) return std::unexpected(ok.error());
  if (root["domains"])
    if (auto ok = read_profile_domains(r, root["domains"], profile); !ok) return std::unexpected(ok.error());
  if (root["applications"])
    if (auto ok = read_profile_applications(r, root["applications"], profile); !ok) return std::unexpected(ok.error());
  if (root["rest"])
    if (auto ok = read_rest(r, root["rest"], profile); !ok) return std::unexpected(ok.error());
  if (profile.has("rest-api") && !profile.rest)
    return r.error_at(
        root,
        "capability rest-api needs rest: { host, port } (where the target serves its REST API)");
  if (profile.has("registration") && !profile.domain_for("registration"))
    return r.error_at(root, "capability registration needs domains.registration (where cases REGISTER)");
  if (profile.has("pstn") && !profile.pstn_gateway)
    return r.error_at(root, "capability pstn needs pstn_gateway (where the target sends <Number> legs)");
  if (profile.managed) {
    std::uint32_t ignored = 0;
    if (!parse_ipv4(profile.ingress_host, ignored))
      return r.error_at(root["ingress"]["host"],
                        "a managed target's ingress.host must be an IPv4 address");
    if (profile.edges.empty())
      return r.error_at(root, "a managed target needs edges (its listening addresses)");
    // The harness binds each edge of a managed target to its first CIDR's address.
    bool listened =
        std::any_of(profile.edges.begin(), profile.edges.end(), [&](const EdgeRange& e) {
          return e.cidrs.front().substr(0, e.cidrs.front().find('/')) == profile.ingress_host;
        });
    if (!listened)
      return r.error_at(
          root["ingress"]["host"],
          "a managed target's ingress.host must be the first address of one of its edges");
  }
  return profile;
}

}  // namespace

bool TargetProfile::has(std::string_view capability) const {
  return std::find(capabilities.begin(), capabilities.end(), capability) != capabilities.end();
}

const ProfileApplication* TargetProfile::application_for(std::string_view role) const {
  auto it = std::find_if(applications.begin(), applications.end(),
                         [&](const ProfileApplication& a) { return a.role == role; });
  return it == applications.end() ? nullptr : &*it;
}

const ProfileDomain* TargetProfile::domain_for(std::string_view role) const {
  auto it = std::find_if(domains.begin(), domains.end(),
                         [&](const ProfileDomain& d) { return d.role == role; });
  return it == domains.end() ? nullptr : &*it;
}

std::string outside_network(const TargetProfile& profile) {
  return profile.party_network + ".0.0/24";
}

std::vector<std::string> acl_admitted_networks(const TargetProfile& profile) {
  std::vector<std::string> blocks;  // .1.0/24, .2.0/23, .4.0/22 … .128.0/17: all but .0.x
  for (int bits = 0; bits < 8; ++bits)
    blocks.push_back(profile.party_network + "." + std::to_string(1 << bits) + ".0/" +
                     std::to_string(24 - bits));
  return blocks;
}

const EdgeRange* TargetProfile::edge(std::string_view name) const {
  auto it =
      std::find_if(edges.begin(), edges.end(), [&](const EdgeRange& e) { return e.edge == name; });
  return it == edges.end() ? nullptr : &*it;
}

Result<TargetProfile> load_profile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(path + ": cannot read the target profile");
  std::ostringstream text;
  text << in.rdbuf();
  Reader reader(path);
  try {
    YAML::Node root = YAML::Load(text.str());
    if (!root || root.IsNull()) return fail(path + ":1:1: the target profile is empty");
    return read_profile(reader, root);
  } catch (const YAML::Exception& e) {  // syntax errors, and yaml-cpp's own conversions
    return reader.error_at(e.mark, e.msg);
  }
}

// One implementation for the harness: check/ matches wire sources with the same function.
bool in_cidrs(std::string_view ip, const std::vector<std::string>& cidrs) {
  return address_in_cidrs(ip, cidrs);
}

}  // namespace sipconform
