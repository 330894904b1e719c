#include "sip/digest.h"
#include "util/text.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <utility>

#include "sip/headers.h"
#include "sip/response.h"

namespace sipref::sip {
namespace {

struct AuthParam {
  std::string name;
  std::string value;
};

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("-.!%*_+`'~").find(c) != std::string_view::npos;
}

bool is_lws(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void skip_lws(std::string_view s, std::size_t& i) {
  while (i < s.size() && is_lws(s[i])) ++i;
}

std::string read_token(std::string_view s, std::size_t& i) {
  std::size_t start = i;
  while (i < s.size() && is_token_char(s[i])) ++i;
  return std::string(s.substr(start, i - start));
}

// A parameter value: quoted-string (with quoted-pairs) or a bare word. Bare words are read up to
// the next comma or space rather than strictly as tokens, to accept what real clients send.
Result<std::string> read_value(std::string_view s, std::size_t& i) {
  std::string out;
  if (i < s.size() && s[i] == '"') {
    for (++i; i < s.size(); ++i) {
      if (s[i] == '"') {
        ++i;
        return out;
      }
      if (s[i] == '\\' && ++i == s.size()) break;
      out += s[i];
    }
    return fail("unterminated quoted string");
  }
  while (i < s.size() && s[i] != ',' && !is_lws(s[i]) && s[i] != '"') out += s[i++];
  if (out.empty()) return fail("missing value");
  return out;
}

// "Digest" LWS auth-param *("," auth-param), names lower-cased.
Result<std::vector<AuthParam>> parse_digest_params(std::string_view s) {
  std::size_t i = 0;
  skip_lws(s, i);
  std::string scheme = read_token(s, i);
  if (!iequals(scheme, "Digest"))
    return fail(scheme.empty() ? "no authentication scheme"
                               : "scheme '" + scheme + "' is not Digest");
  if (i < s.size() && !is_lws(s[i])) return fail("expected a space after 'Digest'");
  std::vector<AuthParam> params;
  for (;;) {
    skip_lws(s, i);
    if (i == s.size()) break;
    if (s[i] == ',') {  // empty list elements are allowed (RFC 2617 §1.2, #rule)
      ++i;
      continue;
    }
    std::string name = read_token(s, i);
    if (name.empty()) return fail("expected a parameter name at offset " + std::to_string(i));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    skip_lws(s, i);
    if (i == s.size() || s[i] != '=') return fail("expected '=' after '" + name + "'");
    ++i;
    skip_lws(s, i);
    auto value = read_value(s, i);
    if (!value) return fail(value.error().message + " in '" + name + "'");
    for (const auto& p : params)
      if (p.name == name) return fail("duplicate parameter '" + name + "'");
    params.push_back({std::move(name), std::move(*value)});
    skip_lws(s, i);
    if (i < s.size() && s[i] != ',')
      return fail("expected ',' after the value of '" + params.back().name + "'");
  }
  return params;
}

const std::string* find(const std::vector<AuthParam>& params, std::string_view name) {
  for (const auto& p : params)
    if (p.name == name) return &p.value;
  return nullptr;
}

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

bool is_hex(std::string_view s) {
  for (char c : s)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
    // Cannot happen on a seeded Linux system; fall back to something unique, if predictable.
    static std::uint64_t counter = 0;
    raw.assign(bytes, static_cast<unsigned char>(++counter));
  }
  std::string out;
  char hex[3];
  for (unsigned char b : raw) {
    std::snprintf(hex, sizeof hex, "%02x", b);
    out += hex;
  }
  return out;
}

bool supported_algorithm(std::string_view algorithm) {
  return algorithm.empty() || iequals(algorithm, "MD5") || iequals(algorithm, "MD5-sess");
}

std::string_view credentials_header_for(int status) {
  return status == 401 ? "Authorization" : "Proxy-Authorization";
}

}  // namespace

std::string DigestChallenge::to_string() const {
  std::string out = "Digest realm=" + quoted(realm) + ", nonce=" + quoted(nonce);
  if (opaque) out += ", opaque=" + quoted(*opaque);
  if (!algorithm.empty()) out += ", algorithm=" + algorithm;
  if (!qop.empty()) {
    std::string list;
    for (const auto& q : qop) list += (list.empty() ? "" : ",") + q;
    out += ", qop=" + quoted(list);
  }
  if (stale) out += ", stale=true";
  return out;
}

std::string DigestCredentials::to_string() const {
  std::string out = "Digest username=" + quoted(username) + ", realm=" + quoted(realm) +
                    ", nonce=" + quoted(nonce) + ", uri=" + quoted(uri) +
                    ", response=" + quoted(response);
  if (!algorithm.empty()) out += ", algorithm=" + algorithm;
  if (!cnonce.empty()) out += ", cnonce=" + quoted(cnonce);
  if (opaque) out += ", opaque=" + quoted(*opaque);
  if (!qop.empty()) out += ", qop=" + qop + ", nc=" + nc;
  return out;
}

Result<DigestChallenge> parse_challenge(std::string_view value) {
  auto params = parse_digest_params(value);
  if (!params) return fail("Digest challenge: " + params.error().message);
  DigestChallenge c;
  auto realm = find(*params, "realm");
  auto nonce = find(*params, "nonce");
  if (!realm || !nonce)
    return fail(std::string("Digest challenge: no ") + (realm ? "nonce" : "realm"));
  c.realm = *realm;
  c.nonce = *nonce;
  if (auto opaque = find(*params, "opaque")) c.opaque = *opaque;
  if (auto algorithm = find(*params, "algorithm")) c.algorithm = *algorithm;
  if (auto qop = find(*params, "qop"))
    for (auto& option : split_list(*qop))
      if (!option.empty()) c.qop.push_back(std::move(option));
  if (auto stale = find(*params, "stale")) c.stale = iequals(*stale, "true");
  return c;
}

Result<DigestCredentials> parse_credentials(std::string_view value) {
  auto params = parse_digest_params(value);
  if (!params) return fail("Digest credentials: " + params.error().message);
  DigestCredentials c;
  const std::pair<std::string_view, std::string*> required[] = {{"username", &c.username},
                                                                {"realm", &c.realm},
                                                                {"nonce", &c.nonce},
                                                                {"uri", &c.uri},
                                                                {"response", &c.response}};
  for (auto [name, field] : required) {
    auto found = find(*params, name);
    if (!found) return fail("Digest credentials: no " + std::string(name));
    *field = *found;
  }
  if (auto algorithm = find(*params, "algorithm")) c.algorithm = *algorithm;
  if (auto opaque = find(*params, "opaque")) c.opaque = *opaque;
  if (auto cnonce = find(*params, "cnonce")) c.cnonce = *cnonce;
  if (auto qop = find(*params, "qop")) c.qop = *qop;
  if (auto nc = find(*params, "nc")) c.nc = *nc;
  if (!c.qop.empty() && (c.cnonce.empty() || c.nc.empty()))
    return fail("Digest credentials: qop=" + c.qop + " needs cnonce and nc");
  if (!c.nc.empty() && (c.nc.size() != 8 || !is_hex(c.nc)))
    return fail("Digest credentials: nc '" + c.nc + "' is not 8 hex digits");
  return c;
}

std::string md5_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_md5(), nullptr) != 1)
    return {};  // MD5 disabled (FIPS mode): no response will ever match
  std::string out;
  char hex[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(hex, sizeof hex, "%02x", digest[i]);
    out += hex;
  }
  return out;
}

std::string make_cnonce() {
  return random_hex(8);
}

Result<std::string> digest_response(const DigestCredentials& c, std::string_view method,
                                    std::string_view password) {
  if (!supported_algorithm(c.algorithm))
    return fail("digest algorithm '" + c.algorithm + "' is not supported (MD5 and MD5-sess are)");
  if (!c.qop.empty() && !iequals(c.qop, "auth"))
    return fail("digest qop '" + c.qop + "' is not supported (auth is)");
  std::string ha1 = md5_hex(c.username + ":" + c.realm + ":" + std::string(password));
  if (iequals(c.algorithm, "MD5-sess")) ha1 = md5_hex(ha1 + ":" + c.nonce + ":" + c.cnonce);
  const std::string ha2 = md5_hex(std::string(method) + ":" + c.uri);
  if (c.qop.empty()) return md5_hex(ha1 + ":" + c.nonce + ":" + ha2);  // RFC 2069
  return md5_hex(ha1 + ":" + c.nonce + ":" + c.nc + ":" + c.cnonce + ":" + c.qop + ":" + ha2);
}

Result<std::string> answer_challenge(const DigestChallenge& challenge, std::string_view method,
                                     std::string_view request_uri, std::string_view username,
                                     std::string_view password, std::string_view cnonce,
                                     std::uint32_t nc) {
  // The username goes out in a quoted-string, which cannot hold CR or LF (RFC 3261 §25.1): a
  // line break from a <Sip username> would end the Authorization header and start another one.
  if (has_control_byte(username))
    return fail("the username holds a control character; a digest answer cannot carry it");
  DigestCredentials c;
  c.username = username;
  c.realm = challenge.realm;
  c.nonce = challenge.nonce;
  c.uri = request_uri;
  c.algorithm = challenge.algorithm;
  c.opaque = challenge.opaque;
  if (!challenge.qop.empty()) {
    bool auth = false;
    for (const auto& q : challenge.qop) auth = auth || iequals(q, "auth");
    if (!auth) return fail("the challenge offers no qop sipref supports (it supports auth)");
    char count[9];
    std::snprintf(count, sizeof count, "%08x", nc);
    c.qop = "auth";
    c.nc = count;
    c.cnonce = cnonce;
  }
  auto response = digest_response(c, method, password);
  if (!response) return fail(response.error().message);
  c.response = std::move(*response);
  return c.to_string();
}

Result<void> add_credentials(Message& request, const Message& challenge_response,
                             std::string_view username, std::string_view password,
                             std::string_view cnonce) {
  const int status = challenge_response.status();
  if (status != 401 && status != 407)
    return fail(challenge_response.summary() + " is not a 401 or 407 challenge");
  const std::string_view out_name = credentials_header_for(status);
  std::vector<std::string> realms, answers;
  std::string why = "no Digest challenge";
  for (auto value :
       challenge_response.all(status == 401 ? "WWW-Authenticate" : "Proxy-Authenticate")) {
    auto challenge = parse_challenge(value);
    if (!challenge) {
      why = challenge.error().message;
      continue;
    }
    if (std::find(realms.begin(), realms.end(), challenge->realm) != realms.end()) continue;
    auto answer = answer_challenge(*challenge, request.method(), request.request_uri(), username,
                                   password, cnonce);
    if (!answer) {
      why = answer.error().message;
      continue;
    }  // e.g. SHA-256 offered first
    realms.push_back(challenge->realm);
    answers.push_back(std::move(*answer));
  }
  if (answers.empty()) return fail("cannot answer " + challenge_response.summary() + ": " + why);
  // Keep credentials for other realms (another proxy on the path may still want them).
  std::vector<std::string> kept;
  for (auto value : request.all(out_name)) {
    auto old = parse_credentials(value);
    if (!old || std::find(realms.begin(), realms.end(), old->realm) == realms.end())
      kept.emplace_back(value);
  }
  request.remove(out_name);
  for (auto& value : kept) request.add(std::string(out_name), std::move(value));
  for (auto& value : answers) request.add(std::string(out_name), std::move(value));
  return {};
}

Result<Message> make_authorized_retry(const Message& request, const Message& challenge_response,
                                      std::string_view username, std::string_view password,
                                      std::string_view cnonce) {
  auto cseq = parse_cseq(request.header("CSeq").value_or(""));
  if (!cseq) return fail("cannot retry " + request.summary() + ": " + cseq.error().message);
  Message retry = request;
  retry.remove("Via");
  ++cseq->number;
  retry.set("CSeq", cseq->to_string());
  auto added = add_credentials(retry, challenge_response, username, password, cnonce);
  if (!added) return fail(added.error().message);
  return retry;
}

// ---- server ----

DigestServer::DigestServer(const Timers& clock, std::string realm, std::string secret,
                           Duration nonce_lifetime)
    : clock_(clock),
      realm_(std::move(realm)),
      secret_(secret.empty() ? random_hex(16) : std::move(secret)),
      lifetime_(nonce_lifetime) {}

std::string DigestServer::nonce_mac(std::string_view timestamp) const {
  return md5_hex(std::string(timestamp) + ":" + realm_ + ":" + secret_);
}

// nonce = 16 hex digits of the issue time in milliseconds, then the 32-digit MAC of them.
std::string DigestServer::make_nonce() const {
  const auto ms = std::chrono::duration_cast<Duration>(clock_.now().time_since_epoch()).count();
  char timestamp[17];
  std::snprintf(timestamp, sizeof timestamp, "%016llx", static_cast<unsigned long long>(ms));
  return timestamp + nonce_mac(timestamp);
}

std::string DigestServer::stale_reason(std::string_view nonce) const {
  if (nonce.size() != 48 || !is_hex(nonce)) return "the nonce was not issued by this server";
  const std::string_view timestamp = nonce.substr(0, 16);
  const std::string mac = nonce_mac(timestamp);
  if (CRYPTO_memcmp(mac.data(), nonce.data() + 16, mac.size()) != 0)
    return "the nonce was not issued by this server (or was altered, or predates a restart)";
  unsigned long long issued = 0;
  std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), issued, 16);
  const auto now = std::chrono::duration_cast<Duration>(clock_.now().time_since_epoch()).count();
  const auto age = static_cast<long long>(now) - static_cast<long long>(issued);
  // A nonce from the future came from an earlier run with the same secret: just as stale.
  if (age < 0 || Duration{age} > lifetime_) return "the nonce has expired";
  return {};
}

std::string DigestServer::challenge(bool stale) const {
  DigestChallenge c;
  c.realm = realm_;
  c.nonce = make_nonce();
  c.algorithm = "MD5";
  c.qop = {"auth"};
  c.stale = stale;
  return c.to_string();
}

Message DigestServer::make_challenge(const Message& request, int status, std::string_view to_tag,
                                     bool stale) const {
  Message response = make_response(request, status, {}, to_tag);
  response.add(status == 401 ? "WWW-Authenticate" : "Proxy-Authenticate", challenge(stale));
  return response;
}

DigestCheck DigestServer::verify(const DigestCredentials& c, std::string_view method,
                                 const PasswordLookup& password_of) const {
  using enum DigestVerdict;
  if (c.realm != realm_)
    return {malformed, "credentials for realm '" + c.realm + "', not '" + realm_ + "'"};
  auto password = password_of(c.username);
  if (!password) return {wrong_password, "unknown user '" + c.username + "'"};
  auto expected = digest_response(c, method, *password);
  if (!expected) return {malformed, expected.error().message};
  if (expected->size() != c.response.size() ||
      CRYPTO_memcmp(expected->data(), c.response.data(), expected->size()) != 0)
    return {wrong_password, "wrong digest response for user '" + c.username + "'"};
  // Checked last: stale only means something when the password was right (RFC 2617 §3.2.1).
  // The response proves the password whatever the nonce, so a nonce that is not ours (altered,
  // or from before a restart) only earns a fresh one, like an expired nonce.
  if (auto why = stale_reason(c.nonce); !why.empty())
    return {stale_nonce, why + " (user '" + c.username + "')"};
  return {ok, "user '" + c.username + "' authenticated"};
}

DigestCheck DigestServer::verify(const Message& request, const PasswordLookup& password_of) const {
  std::string unparsable;
  for (std::string_view name : {"Proxy-Authorization", "Authorization"}) {
    for (auto value : request.all(name)) {
      auto credentials = parse_credentials(value);
      if (!credentials) {
        unparsable = credentials.error().message;
        continue;
      }
      if (credentials->realm == realm_) return verify(*credentials, request.method(), password_of);
    }
  }
  if (!unparsable.empty()) return {DigestVerdict::malformed, unparsable};
  return {DigestVerdict::missing, "no credentials for realm '" + realm_ + "'"};
}

}  // namespace sipref::sip
