// A conformance case as data: one YAML file under fixtures/cases/<section>/ naming the behaviour
// IDs it checks, what the mock webhook server serves, the SIPp parties, and what must be seen.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sipconform {

struct Location {
  std::string file;
  int line = 0;  // 1-based; 0 when unknown
  int column = 0;
  std::string to_string() const;  // "file:line:column"
};

// DOC expectations are checked strictly on every target. REF expectations are the reference's
// exact decisions: on another target a mismatch is PASS_NONSTRICT (FAIL under --strict).
enum class Level { doc, ref };

// How the mock server answers one path of a case.
struct Fault {
  enum class Kind {
    none,          // serve the body
    delay,         // wait delay_ms, then serve the body
    status,        // answer `status` with a short text body
    content_type,  // serve the body with `content_type`
    malformed,     // serve a body that is not well-formed XML
    drop,          // close the connection without answering
    redirect,      // answer 302 with Location `location` (relative allowed)
    empty,         // 200 text/xml with an empty body
  };
  Kind kind = Kind::none;
  int delay_ms = 0;
  int status = 0;
  std::string content_type;
  std::string location;
};

struct WebhookDoc {
  std::string path;  // "/voice", "/refer" … (the mock server serves it under the case's prefix)
  std::string body;  // TwiML with {{party}} placeholders, substituted when served
  std::string content_type = "text/xml";
  Fault fault;
  Location where;
};

// One SIPp process. A caller (calls: target) sends its INVITE to the target's ingress with the
// case token as Request-URI user; a callee waits for the target to call it.
// The scenario name of a party that is only an address: no SIPp process listens there.
inline constexpr std::string_view kNoScenario = "none";

struct Party {
  std::string name;                         // used as {{name}} (its host:port) and in selectors
  std::string scenario;                     // file name in sipp-scenarios/
  std::map<std::string, std::string> vars;  // SIPp -key name value; values may use {{party}}
  bool calls_target = false;
  std::string transport = "udp";            // udp, tcp, tls
  int calls = 1;                            // how many calls it makes or takes
  bool must_pass = true;                    // its exit status counts towards expect.parties
  bool at_pstn_gateway = false;             // `at: pstn-gateway`: bound at the profile's gateway
  // `at: outside`: an address in <party_network>.0.0/24, which the profile's ACL domain does
  // not admit [inbound.ip-acl].
  bool at_outside = false;
  // `auth: {username, password}`: what SIPp's [authentication] answers a 401/407 with (-au/-ap).
  std::string auth_username;
  std::string auth_password;
  // `after: <party>`: a caller started only once that earlier caller's SIPp has exited (e.g. a
  // call placed once a registrant's REGISTER got its 200), instead of a pause that hopes it has.
  std::string after;
  Location where;
};

struct ParamCheck {
  enum class Op { equals, matches, absent, present };
  std::string name;
  Op op = Op::equals;
  std::string value;  // equals: exact text after {{party}} substitution; matches: ECMAScript regex
};

// Where a target posts its alerts (the account's debugger webhook [webhook.alerts]). The mock
// server answers it for any case, and no_unexpected_requests ignores it unless a case expects it.
inline constexpr std::string_view kDebuggerPath = "/debugger";

// A webhook request that must have been seen (or, with count 0, must not have been).
struct RequestCheck {
  std::string path;
  std::optional<std::string> method;  // GET or POST
  std::vector<ParamCheck> params;
  // Members of the JSON in the `Payload` parameter (debugger alerts), by dotted path.
  std::vector<ParamCheck> payload;
  std::optional<int> count;  // exact number of matching requests; default: at least one
  // X-Twilio-Signature verified by the mock server with the account's auth token: valid (true)
  // or not (false); unchecked when unset.
  std::optional<bool> signature_valid;
  Level level = Level::doc;
  Location where;
};

// Ordering over the merged timeline: `first` happens before `second`. Selectors name SIP
// messages as "<party> <- <what>" (received by the party) or "<party> -> <what>" (sent by it),
// <what> being a method ("BYE"), a status ("486") or a status and the CSeq method ("200 INVITE");
// and webhook requests as "webhook <path>". The first matching event counts.
struct OrderCheck {
  std::string first;
  std::string second;
  // Bounds on the time from `first` to `second` (a <Pause> lasts N seconds).
  std::optional<int> at_least_ms;
  std::optional<int> at_most_ms;
  Level level = Level::doc;
  Location where;
};

// A fact about SIP messages on the wire (from the capture), selected like OrderCheck.
struct WireCheck {
  std::string message;                 // selector
  std::optional<int> count;            // exact number of matching messages (0: never sent)
  std::optional<std::string> source;   // "edge:<name>" (its CIDRs in the target profile) or an IP
  std::optional<std::string> header;   // a header name, with one of the three below
  std::optional<std::string> equals;   // header value (first) equals, after {{party}} substitution
  std::optional<std::string> matches;  // header value matches this regex
  std::optional<bool> present;         // header present (true) or absent (false)
  // The host the header names (Via sent-by, or the URI of Contact/From/To/…) lies in
  // "edge:<name>"'s CIDRs or is that IPv4 address [sip.edge.source].
  std::optional<std::string> names;
  std::optional<std::string> request_uri_matches;
  Level level = Level::doc;
  Location where;
};

// RTP packets on the wire at a party's media address (the harness gives each SIPp party its own
// -mp port). Needs capability `media`. Selected packets: those the party received ("<party> <-")
// or sent ("<party> ->"), of `payload_type` when given, before the first `before` event when given.
struct RtpCheck {
  std::string stream;                 // "<party> <-" or "<party> ->", as written
  std::string party;
  bool sent = false;
  std::optional<std::string> source;  // every selected packet comes from "edge:<name>" or an IPv4
  std::optional<int> payload_type;    // 0-127
  std::optional<std::string> before;  // an event selector ("caller <- 200 INVITE"); must occur
  int min_packets = 1;                // at least this many selected packets …
  std::optional<int> count;           // … or exactly this many (0: none at all)
  Level level = Level::doc;
  Location where;
};

struct Expectations {
  bool parties_pass = true;              // every party with must_pass exits 0
  std::vector<RequestCheck> requests;
  bool no_unexpected_requests = false;   // every request seen matched some RequestCheck
  std::vector<OrderCheck> order;
  std::vector<WireCheck> wire;
  std::vector<RtpCheck> rtp;
};

// One REST request a case sends to the target's API during the run [api.*], with what its answer
// must be. Steps run in order on one thread, concurrently with the callers.
struct ApiStep {
  enum class Auth {
    account,        // Basic <profile account SID>:<auth token>
    none,           // no Authorization header
    wrong_token,    // the right SID with a wrong token
    other_account,  // a well-formed SID of no configured account with the real token
  };
  // The step's name as written, or "step<N>" (1-based) when it has none; used as
  // {{api:NAME.<json path>}}, in selectors ("api NAME") and in check names.
  std::string name;
  // `after: { webhook: PATH, params: {…} }`: send only once the mock server has seen a request of
  // this case to PATH carrying these exact parameter values (templated).
  std::optional<std::string> after_webhook;
  std::vector<std::pair<std::string, std::string>> after_params;
  std::string method;  // GET, POST or DELETE
  // Relative to /2010-04-01/Accounts/<profile account SID>, unless it starts with /2010-04-01/.
  std::string path;
  std::vector<std::pair<std::string, std::string>> form;  // in order; a repeated key repeats
  std::vector<std::pair<std::string, std::string>> query;
  Auth auth = Auth::account;
  std::optional<int> status;                        // expect.status
  std::vector<ParamCheck> json;                     // expect.json: name is a dotted path
  std::vector<std::pair<std::string, int>> counts;  // expect.count: array path -> length
  Level level = Level::doc;
  Location where;
};

struct Case {
  std::string id;                     // "<section>/<name>", e.g. "sip/headers-custom"
  std::string title;
  std::vector<std::string> checks;    // behaviour IDs of the catalogue
  // YAML key `requires`; the member cannot carry that name (a C++20 keyword).
  std::vector<std::string> requirements;  // target capabilities (tls, tcp, refer …)
  std::vector<WebhookDoc> webhooks;
  std::vector<Party> parties;
  std::vector<ApiStep> api;  // REST steps, in the order they are sent
  Expectations expect;
  double timeout_s = 30;              // the whole case, scaled by --timeout-scale
  Location where;
  // Where the id and each item of checks/requirements were written (parallel to those vectors;
  // empty when the case was built in code), so lint can point at the offending item.
  Location id_where;
  std::vector<Location> checks_where;
  std::vector<Location> requirements_where;
};

}  // namespace sipconform
