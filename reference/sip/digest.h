// SIP digest authentication (RFC 2617 and RFC 8760 with MD5, qop=auth): parsing challenges and
// credentials, answering a 401/407 as a client, and challenging and verifying as a server.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sip/message.h"
#include "sip/timers.h"
#include "util/error.h"

namespace sipref::sip {

// A WWW-Authenticate or Proxy-Authenticate value with the Digest scheme.
struct DigestChallenge {
  std::string realm;
  std::string nonce;
  std::optional<std::string> opaque;
  std::string algorithm;         // as written; empty when absent, which means MD5
  std::vector<std::string> qop;  // the options offered; empty for the RFC 2069 form
  bool stale = false;
  std::string to_string() const;  // the header value
};

// An Authorization or Proxy-Authorization value with the Digest scheme.
struct DigestCredentials {
  std::string username;
  std::string realm;
  std::string nonce;
  std::string uri;  // the digest-uri: the Request-URI as the client wrote it
  std::string response;
  std::string algorithm;  // empty when absent (MD5)
  std::string cnonce;     // with qop
  std::optional<std::string> opaque;
  std::string qop;                // "auth", or empty for the RFC 2069 form
  std::string nc;                 // 8 hex digits, with qop
  std::string to_string() const;  // the header value
};

// Both follow the auth-param grammar (RFC 2617 §1.2, RFC 3261 §25.1): case-insensitive names,
// token or quoted-string values with backslash escapes; unknown parameters are ignored, a
// duplicated one is an error. Errors name the parameter and what was expected.
Result<DigestChallenge> parse_challenge(std::string_view value);
Result<DigestCredentials> parse_credentials(std::string_view value);

std::string md5_hex(std::string_view data);  // lower-case hex
std::string make_cnonce();                   // 16 random hex characters

// The request-digest (RFC 2617 §3.2.2.1) for `credentials` (its response field is not read).
// MD5 and MD5-sess only; qop "auth" or none. Anything else is an error naming it.
Result<std::string> digest_response(const DigestCredentials& credentials, std::string_view method,
                                    std::string_view password);

// The Authorization/Proxy-Authorization value answering `challenge` for a request: qop=auth
// when offered (with `cnonce` and nonce count `nc`), else the RFC 2069 form; opaque echoed.
Result<std::string> answer_challenge(const DigestChallenge& challenge, std::string_view method,
                                     std::string_view request_uri, std::string_view username,
                                     std::string_view password, std::string_view cnonce,
                                     std::uint32_t nc = 1);

// Adds to `request` the answers to every Digest challenge in `challenge_response` (401: one
// Authorization per WWW-Authenticate realm; 407: Proxy-Authorization per Proxy-Authenticate),
// replacing earlier credentials for those realms. Challenges with algorithms other than MD5 and
// MD5-sess are skipped (RFC 8760 §2.4 lets a server offer several); none answerable is an error.
// For an in-dialog request, build the retry with Dialog::make_request and call this.
Result<void> add_credentials(Message& request, const Message& challenge_response,
                             std::string_view username, std::string_view password,
                             std::string_view cnonce);
// The retry of an out-of-dialog request after a 401/407 (RFC 3261 §22.2): the same request
// (Call-ID, From tag, body ...) with CSeq + 1, no Via (the transaction layer adds a new one) and
// the credentials added.
Result<Message> make_authorized_retry(const Message& request, const Message& challenge_response,
                                      std::string_view username, std::string_view password,
                                      std::string_view cnonce);

enum class DigestVerdict {
  ok,
  missing,         // no credentials for our realm: challenge
  stale_nonce,     // right password, but the nonce expired or is not ours (altered, or from
                   // before a restart): challenge again with stale=true
  wrong_password,  // or unknown user (not told apart, to give nothing away): 401/407 or 403
  malformed,       // unparsable, another realm, unsupported algorithm or qop: 400
};
struct DigestCheck {
  DigestVerdict verdict = DigestVerdict::malformed;
  std::string reason;  // for the log
  bool ok() const { return verdict == DigestVerdict::ok; }
};

// Challenges and verifies for one realm without keeping state per client: a nonce is its issue
// time plus a MAC of that time under a secret, so any nonce can be checked and expired later.
// Nonce counts are not tracked, so a replay within the nonce lifetime is not detected.
class DigestServer {
 public:
  using PasswordLookup = std::function<std::optional<std::string>(std::string_view username)>;

  // `clock` supplies the time (ManualTimers in tests). An empty secret means a random one, so
  // nonces do not outlive the process.
  DigestServer(const Timers& clock, std::string realm, std::string secret = {},
               Duration nonce_lifetime = Duration{300'000});

  const std::string& realm() const { return realm_; }
  std::string make_nonce() const;
  // `Digest realm="…", nonce="…", algorithm=MD5, qop="auth"` (+ `stale=true`).
  std::string challenge(bool stale = false) const;
  // The 401 (WWW-Authenticate) or 407 (Proxy-Authenticate) response to `request`.
  Message make_challenge(const Message& request, int status, std::string_view to_tag = {},
                         bool stale = false) const;

  DigestCheck verify(const DigestCredentials& credentials, std::string_view method,
                     const PasswordLookup& password_of) const;
  // The credentials for our realm in Authorization or Proxy-Authorization, checked for the
  // request's method.
  DigestCheck verify(const Message& request, const PasswordLookup& password_of) const;

 private:
  std::string nonce_mac(std::string_view timestamp) const;
  // Why the nonce is no longer good (not ours, or expired), or empty when it is.
  std::string stale_reason(std::string_view nonce) const;

  const Timers& clock_;
  std::string realm_;
  std::string secret_;
  Duration lifetime_;
};

}  // namespace sipref::sip
