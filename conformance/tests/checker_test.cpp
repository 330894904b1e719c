// Tests of the checker, the timeline helpers and the verdict arithmetic, on hand-built timelines:
// each expectation type passing and failing, with the exact Expected/Actual texts a reader sees.
#include <gtest/gtest.h>

#include "check/checker.h"
#include "check/payload.h"
#include "check/selector.h"
#include "util/cidr.h"

namespace sipconform {
namespace {

const std::map<std::string, std::string> kAddresses = {
    {"caller", "127.20.1.1:5060"}, {"callee", "127.20.1.1:5061"}, {"target", "127.0.1.1:5060"}};

Event sip_request(double time, const std::string& from, const std::string& to,
                  const std::string& method,
                  const std::string& uri = "sip:callee@127.20.1.1:5061") {
  Event event;
  event.time = time;
  event.sip.src = kAddresses.at(from);
  event.sip.dst = kAddresses.at(to);
  event.sip.transport = "udp";
  event.sip.from_party = from;
  event.sip.to_party = to;
  event.sip.request = true;
  event.sip.method = method;
  event.sip.request_uri = uri;
  event.sip.cseq_method = method;
  event.sip.call_id = "call-1";
  return event;
}

Event sip_response(double time, const std::string& from, const std::string& to, int status,
                   const std::string& reason, const std::string& cseq_method) {
  Event event = sip_request(time, from, to, "");
  event.sip.request = false;
  event.sip.request_uri.clear();
  event.sip.status = status;
  event.sip.reason = reason;
  event.sip.cseq_method = cseq_method;
  return event;
}

Event webhook(double time, const std::string& method, const std::string& path,
              std::vector<std::pair<std::string, std::string>> params) {
  Event event;
  event.time = time;
  event.kind = Event::Kind::webhook;
  event.webhook.method = method;
  event.webhook.path = path;
  event.webhook.params = std::move(params);
  event.webhook.answered_status = 200;
  return event;
}

// A basic call: caller -> target INVITE, target fetches /voice, dials callee, everyone hangs up.
Timeline basic_call() {
  Timeline timeline;
  timeline.events = {
      sip_request(0.010, "caller", "target", "INVITE", "sip:tk000001@example.test"),  // 0
      sip_response(0.012, "target", "caller", 100, "Trying", "INVITE"),               // 1
      sip_response(0.013, "target", "caller", 180, "Ringing", "INVITE"),              // 2
      webhook(0.020, "POST", "/voice",
              {{"CallSid", "CA0123456789abcdef0123456789abcdef"},
               {"To", "sip:tk000001@example.test"},
               {"CallStatus", "ringing"}}),                          // 3
      sip_response(0.050, "target", "caller", 200, "OK", "INVITE"),  // 4
      sip_request(0.055, "target", "callee", "INVITE"),              // 5
      sip_response(0.060, "callee", "target", 200, "OK", "INVITE"),  // 6
      sip_request(1.000, "caller", "target", "BYE"),                 // 7
      sip_request(1.002, "target", "callee", "BYE"),                 // 8
  };
  timeline.events[5].sip.headers = {{"Via", "SIP/2.0/UDP 127.0.1.1:5060;branch=z9hG4bK1"},
                                    {"v", "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK0"},
                                    {"f", "<sip:caller@example.test>;tag=1"},
                                    {"X-Custom", "hello"}};
  return timeline;
}

// Builders: the case model's aggregates have many optional members, and -Wextra wants every
// member named in an aggregate initialiser.
struct Req {
  RequestCheck check;
  explicit Req(std::string path) { check.path = std::move(path); }
  Req& method(std::string m) { return check.method = std::move(m), *this; }
  Req& param(std::string name, ParamCheck::Op op, std::string value = "") {
    return check.params.push_back(ParamCheck{std::move(name), op, std::move(value)}), *this;
  }
  Req& payload(std::string path, ParamCheck::Op op, std::string value = "") {
    return check.payload.push_back(ParamCheck{std::move(path), op, std::move(value)}), *this;
  }
  Req& count(int n) { return check.count = n, *this; }
  Req& signature(bool valid) { return check.signature_valid = valid, *this; }
  Req& level(Level l) { return check.level = l, *this; }
  Req& line(int n) { return check.where = Location{"case.yaml", n, 7}, *this; }
  operator RequestCheck() const { return check; }
};

struct Wire {
  WireCheck check;
  explicit Wire(std::string message) { check.message = std::move(message); }
  Wire& count(int n) { return check.count = n, *this; }
  Wire& source(std::string s) { return check.source = std::move(s), *this; }
  Wire& equals(std::string header, std::string value) {
    return check.header = std::move(header), check.equals = std::move(value), *this;
  }
  Wire& matches(std::string header, std::string pattern) {
    return check.header = std::move(header), check.matches = std::move(pattern), *this;
  }
  Wire& present(std::string header, bool yes) {
    return check.header = std::move(header), check.present = yes, *this;
  }
  Wire& uri(std::string pattern) { return check.request_uri_matches = std::move(pattern), *this; }
  Wire& names(std::string header, std::string place) {
    check.header = std::move(header);
    return check.names = std::move(place), *this;
  }
  Wire& level(Level l) { return check.level = l, *this; }
  operator WireCheck() const { return check; }
};

OrderCheck order(std::string first, std::string second, Level level = Level::doc, int line = 0) {
  OrderCheck check;
  check.first = std::move(first);
  check.second = std::move(second);
  check.level = level;
  check.where = Location{"case.yaml", line, 7};
  return check;
}

Party party(std::string name, std::string scenario, bool must_pass = true, int line = 0) {
  Party p;
  p.name = std::move(name);
  p.scenario = std::move(scenario);
  p.must_pass = must_pass;
  p.where = Location{"case.yaml", line, 3};
  return p;
}

PartyResult party_result(std::string name, int exit_code, std::vector<std::string> files = {}) {
  PartyResult result;
  result.name = std::move(name);
  result.exit_code = exit_code;
  result.files = std::move(files);
  return result;
}

CheckResult check_with(Verdict verdict) {
  CheckResult check;
  check.verdict = verdict;
  return check;
}

TargetProfile vendor_profile() {
  TargetProfile profile;
  profile.name = "vendor";
  profile.reference = false;
  profile.edges = {{"ashburn", {"127.0.1.1/32"}}, {"dublin", {"127.0.1.3/32"}}};
  return profile;
}

TargetProfile reference_profile() {
  TargetProfile profile = vendor_profile();
  profile.name = "reference";
  profile.reference = true;
  return profile;
}

struct Fixture {
  Case test;
  TargetProfile target = reference_profile();
  CheckContext context;
  Fixture() {
    test.id = "sip/example";
    test.where = {"fixtures/cases/sip/example.yaml", 1, 1};
    test.expect.parties_pass = false;
    context.test = &test;
    context.target = &target;
    context.substitutions = {
        {"token", "tk000001"}, {"domain", "example.test"}, {"callee", "127.20.1.1:5061"}};
  }
  // Checks other than the automatic well-formedness one, which every evaluation appends.
  std::vector<CheckResult> run(const Timeline& timeline,
                               const std::vector<PartyResult>& parties = {}) {
    auto results = evaluate(context, timeline, parties);
    EXPECT_FALSE(results.empty());
    EXPECT_EQ(results.back().name, "target sent well-formed SIP");
    results.pop_back();
    return results;
  }
  CheckResult only(const Timeline& timeline, const std::vector<PartyResult>& parties = {}) {
    auto results = run(timeline, parties);
    EXPECT_EQ(results.size(), 1u);
    return results.empty() ? CheckResult{} : results.front();
  }
};

// --- timeline -----------------------------------------------------------------------------

TEST(Timeline, FirstLinesAndLabels) {
  const Timeline timeline = basic_call();
  EXPECT_EQ(timeline.events[0].sip.first_line(), "INVITE sip:tk000001@example.test SIP/2.0");
  EXPECT_EQ(timeline.events[4].sip.first_line(), "SIP/2.0 200 OK");
  EXPECT_EQ(timeline.events[0].label(), "caller -> INVITE");
  EXPECT_EQ(timeline.events[4].label(), "target -> 200 INVITE");
  EXPECT_EQ(timeline.events[3].label(), "webhook POST /voice");
}

TEST(Timeline, HeadersAreCaseInsensitiveAndCompactFormAware) {
  const Timeline timeline = basic_call();
  const SipEvent& invite = timeline.events[5].sip;
  ASSERT_NE(invite.header("via"), nullptr);
  EXPECT_EQ(*invite.header("VIA"), "SIP/2.0/UDP 127.0.1.1:5060;branch=z9hG4bK1");  // the first one
  EXPECT_EQ(*invite.header("v"), "SIP/2.0/UDP 127.0.1.1:5060;branch=z9hG4bK1");
  EXPECT_EQ(*invite.header("From"), "<sip:caller@example.test>;tag=1");  // sent as "f"
  EXPECT_EQ(*invite.header("x-custom"), "hello");
  EXPECT_EQ(invite.header("Contact"), nullptr);
  SipEvent compact;
  compact.headers = {{"i", "a"}, {"m", "b"}, {"e", "c"}, {"l", "d"}, {"c", "e"},
                     {"s", "f"}, {"k", "g"}, {"t", "h"}, {"r", "i"}, {"b", "j"},
                     {"o", "k"}, {"u", "l"}, {"x", "m"}};
  const std::vector<std::pair<std::string, std::string>> long_forms = {
      {"Call-ID", "a"},        {"Contact", "b"},      {"Content-Encoding", "c"},
      {"Content-Length", "d"}, {"Content-Type", "e"}, {"Subject", "f"},
      {"Supported", "g"},      {"To", "h"},           {"Refer-To", "i"},
      {"Referred-By", "j"},    {"Event", "k"},        {"Allow-Events", "l"},
      {"Session-Expires", "m"}};
  for (const auto& [name, value] : long_forms) {
    ASSERT_NE(compact.header(name), nullptr) << name;
    EXPECT_EQ(*compact.header(name), value) << name;
  }
}

TEST(Timeline, WebhookParamsAreCaseSensitive) {
  const Timeline timeline = basic_call();
  const WebhookEvent& hook = timeline.events[3].webhook;
  ASSERT_NE(hook.param("CallStatus"), nullptr);
  EXPECT_EQ(*hook.param("CallStatus"), "ringing");
  EXPECT_EQ(hook.param("callstatus"), nullptr);
}

TEST(Timeline, SortIsStableByTime) {
  Timeline timeline;
  timeline.events = {webhook(2, "POST", "/b", {}), webhook(1, "POST", "/a1", {}),
                     webhook(2, "POST", "/c", {}), webhook(1, "POST", "/a2", {})};
  timeline.sort();
  std::vector<std::string> paths;
  for (const auto& event : timeline.events) paths.push_back(event.webhook.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"/a1", "/a2", "/b", "/c"}));
}

TEST(Substitute, ReplacesKnownNamesAndKeepsUnknownOnes) {
  const std::map<std::string, std::string> values = {{"agentA", "127.20.1.2:5061"},
                                                     {"token", "tk1"}};
  EXPECT_EQ(substitute("sip:a@{{agentA}};x={{ token }}", values), "sip:a@127.20.1.2:5061;x=tk1");
  EXPECT_EQ(substitute("{{unknown}} and {{token}}", values), "{{unknown}} and tk1");
  EXPECT_EQ(substitute("open {{token", values), "open {{token");
  EXPECT_EQ(substitute("", values), "");
}

TEST(Selector, ParsesTheThreeForms) {
  auto received = parse_selector("agentB <- 200 INVITE");
  ASSERT_TRUE(received);
  EXPECT_EQ(received->party, "agentB");
  EXPECT_FALSE(received->sent);
  EXPECT_EQ(received->status, 200);
  EXPECT_EQ(received->method, "INVITE");
  auto sent = parse_selector("target -> BYE");
  ASSERT_TRUE(sent);
  EXPECT_TRUE(sent->sent);
  EXPECT_EQ(sent->method, "BYE");
  auto hook = parse_selector("webhook /refer");
  ASSERT_TRUE(hook);
  EXPECT_EQ(hook->kind, Selector::Kind::webhook);
  EXPECT_EQ(hook->path, "/refer");
  EXPECT_TRUE(parse_selector("caller <- 1xx"));
  EXPECT_FALSE(parse_selector("caller BYE"));
  EXPECT_FALSE(parse_selector("caller <- bye"));
  EXPECT_FALSE(parse_selector("caller <- 20 INVITE"));
  EXPECT_FALSE(parse_selector("webhook voice"));
}

TEST(Cidr, MatchesRangesAndIgnoresPorts) {
  EXPECT_TRUE(address_in_cidrs("127.0.1.1:5060", {"127.0.1.1/32"}));
  EXPECT_TRUE(address_in_cidrs("10.1.2.3", {"192.168.0.0/16", "10.0.0.0/8"}));
  EXPECT_TRUE(address_in_cidrs("8.8.8.8", {"0.0.0.0/0"}));
  EXPECT_TRUE(address_in_cidrs("127.0.1.1", {"127.0.1.1"}));
  EXPECT_FALSE(address_in_cidrs("127.0.1.2", {"127.0.1.1/32"}));
  EXPECT_FALSE(address_in_cidrs("127.0.1.1", {"127.0.1.1/33", "garbage"}));
  EXPECT_FALSE(address_in_cidrs("not-an-ip", {"0.0.0.0/0"}));
}

// --- parties ------------------------------------------------------------------------------

TEST(Checker, PartiesPassAndFailWithTheErrorLog) {
  Fixture f;
  f.test.expect.parties_pass = true;
  f.test.parties = {party("caller", "caller-hangs-up.xml", true, 7),
                    party("callee", "callee-answer.xml"), party("observer", "none", false)};
  std::vector<PartyResult> parties = {
      party_result("caller", 0),
      party_result("callee", 1, {"callee_messages.log", "callee-answer_4242_errors.log"}),
      party_result("observer", 1)};
  auto results = f.run(Timeline{}, parties);
  ASSERT_EQ(results.size(), 2u);  // the observer does not count
  EXPECT_EQ(results[0].name, "party caller (caller-hangs-up.xml) passes");
  EXPECT_EQ(results[0].verdict, Verdict::pass);
  EXPECT_EQ(results[0].observed, "caller exited 0");
  EXPECT_EQ(results[0].where.line, 7);
  EXPECT_EQ(results[1].verdict, Verdict::fail);
  EXPECT_EQ(results[1].expected, "callee exits 0 (every step of callee-answer.xml passed)");
  EXPECT_EQ(results[1].observed, "callee exited 1; see callee-answer_4242_errors.log");
}

TEST(Checker, PartyKilledOrMissing) {
  Fixture f;
  f.test.expect.parties_pass = true;
  f.test.parties = {party("caller", "caller.xml"), party("callee", "callee.xml")};
  auto results = f.run(Timeline{}, {party_result("caller", -1)});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].verdict, Verdict::fail);
  EXPECT_EQ(results[0].observed,
            "caller was killed at the timeout (exit -1); it wrote no error log");
  EXPECT_EQ(results[1].observed, "callee did not run");
}

// --- webhook requests ---------------------------------------------------------------------

TEST(Checker, RequestPasses) {
  Fixture f;
  f.test.expect.requests = {Req("/voice")
                                .method("POST")
                                .param("CallSid", ParamCheck::Op::matches, "^CA[0-9a-f]{32}$")
                                .param("To", ParamCheck::Op::equals, "sip:{{token}}@{{domain}}")
                                .param("ParentCallSid", ParamCheck::Op::absent)
                                .param("CallStatus", ParamCheck::Op::present)
                                .count(1)};
  const CheckResult result = f.only(basic_call());
  EXPECT_EQ(result.verdict, Verdict::pass);
  EXPECT_EQ(result.name, "request POST /voice");
  EXPECT_EQ(
      result.expected,
      "POST /voice with CallSid matching /^CA[0-9a-f]{32}$/, To = \"sip:tk000001@example.test\", "
      "ParentCallSid absent, CallStatus present (exactly 1)");
  EXPECT_EQ(result.observed, "1 matching: #3 at 0.020 s");
  EXPECT_EQ(result.event, 3u);
}

TEST(Checker, RequestFailsShowingTheClosestRequestsValues) {
  Fixture f;
  f.test.expect.requests = {Req("/voice")
                                .method("POST")
                                .param("CallStatus", ParamCheck::Op::equals, "in-progress")
                                .param("To", ParamCheck::Op::equals, "sip:{{token}}@{{domain}}")
                                .param("ParentCallSid", ParamCheck::Op::present)
                                .line(12)};
  Timeline timeline = basic_call();
  timeline.events.push_back(
      webhook(2.0, "GET", "/voice", {{"CallStatus", "in-progress"}}));  // 9: wrong method
  const CheckResult result = f.only(timeline);
  EXPECT_EQ(result.verdict, Verdict::fail);
  EXPECT_EQ(result.expected,
            "POST /voice with CallStatus = \"in-progress\", To = \"sip:tk000001@example.test\", "
            "ParentCallSid present "
            "(at least one)");
  EXPECT_EQ(
      result.observed,
      "no matching request; closest: #3 at 0.020 s: POST /voice with CallStatus = \"ringing\", "
      "ParentCallSid = absent");
  EXPECT_EQ(result.event, 3u);
  EXPECT_EQ(result.where.line, 12);
}

TEST(Checker, RequestToAPathNeverRequested) {
  Fixture f;
  f.test.expect.requests = {Req("/refer").method("POST")};
  const CheckResult result = f.only(basic_call());
  EXPECT_EQ(result.verdict, Verdict::fail);
  EXPECT_EQ(result.observed, "no request to /refer; closest: #3 at 0.020 s: POST /voice");
  Timeline empty;
  EXPECT_EQ(f.only(empty).observed, "no webhook requests at all");
}

TEST(Checker, RequestCountMismatch) {
  Fixture f;
  f.test.expect.requests = {Req("/voice").count(1)};
  Timeline timeline = basic_call();
  timeline.events.push_back(webhook(3.0, "POST", "/voice", {}));  // 9
  const CheckResult result = f.only(timeline);
  EXPECT_EQ(result.verdict, Verdict::fail);
  EXPECT_EQ(result.name, "request /voice");
  EXPECT_EQ(result.expected, "/voice (exactly 1)");
  EXPECT_EQ(result.observed, "2 matching: #3 at 0.020 s, #9 at 3.000 s");
  EXPECT_EQ(result.event, 9u);  // the first one too many
}

TEST(Checker, RequestCountZero) {
  Fixture f;
  f.test.expect.requests = {Req("/fallback").count(0)};
  CheckResult result = f.only(basic_call());
  EXPECT_EQ(result.verdict, Verdict::pass);
  EXPECT_EQ(result.expected, "no /fallback");
  EXPECT_EQ(result.observed, "none");
  Timeline timeline = basic_call();
  timeline.events.push_back(webhook(3.0, "POST", "/fallback", {}));
  result = f.only(timeline);
  EXPECT_EQ(result.verdict, Verdict::fail);
  EXPECT_EQ(result.observed, "1 matching: #9 at 3.000 s");
  EXPECT_EQ(result.event, 9u);
}

TEST(Checker, RequestSignature) {
  Fixture f;
  f.test.expect.requests = {Req("/voice").method("POST").signature(true)};
  Timeline timeline = basic_call();
  timeline.events[3].webhook.signature_valid = true;
  CheckResult result = f.only(timeline);
  EXPECT_EQ(result.verdict, Verdict::pass);
  EXPECT_EQ(result.expected, "POST /voice with a valid X-Twilio-Signature (at least one)");

  timeline.events[3].webhook.signature_valid = false;
  result = f.only(timeline);
  EXPECT_EQ(result.verdict, Verdict::fail);
  EXPECT_EQ(result.observed,
            "no matching request; closest: #3 at 0.020 s: POST /voice with X-Twilio-Signature "
            "invalid");

  // Expecting an invalid one (a harness self-test of the mock server's verdict) and alongside
  // parameters.
  f.test.expect.requests = {
      Req("/voice").param("CallStatus", ParamCheck::Op::equals, "ringing").signature(false)};
  result = f.only(timeline);
  EXPECT_EQ(result.verdict, Verdict::pass);
  EXPECT_EQ(result.expected,
            "/voice with CallStatus = \"ringing\", an invalid X-Twilio-Signature (at least one)");
}

TEST(Checker, BadRegexIsAHarnessError) {
  Fixture f;
  f.test.expect.requests = {Req("/voice").param("CallSid", ParamCheck::Op::matches, "([")};
  const CheckResult result = f.only(basic_call());
  EXPECT_EQ(result.verdict, Verdict::harness_error);
  EXPECT_TRUE(result.observed.starts_with("bad regular expression /([/")) << result.observed;
}

TEST(Checker, NoUnexpectedRequests) {
  Fixture f;
  f.test.expect.requests = {Req("/voice").method("POST"), Req("/fallback").count(0)};
  f.test.expect.no_unexpected_requests = true;
  auto results = f.run(basic_call());
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[2].name, "no unexpected webhook requests");
  EXPECT_EQ(results[2].verdict, Verdict::pass);
  EXPECT_EQ(results[2].expected, "only the expected requests (POST /voice)");
  EXPECT_EQ(results[2].observed, "1 request(s), all expected");

  Timeline timeline = basic_call();
  timeline.events.push_back(
      webhook(3.0, "POST", "/fallback", {}));  // 9: forbidden, so unexpected too
  timeline.events.push_back(webhook(3.5, "POST", "/status", {}));  // 10
  results = f.run(timeline);
  EXPECT_EQ(results[2].verdict, Verdict::fail);
  EXPECT_EQ(results[2].observed,
            "unexpected: #9 at 3.000 s: POST /fallback; #10 at 3.500 s: POST /status");
  EXPECT_EQ(results[2].event, 9u);
}

// --- alerts (/debugger) and their JSON Payload ----------------------------------------------

constexpr const char* kAlertPayload =
    R"({"resource_sid":"CA01","service_sid":null,"error_code":"11217",)"
    R"("more_info":{"msg":"HTTP 500 on \"/voice\"","LogLevel":"ERROR"},)"
    R"("webhook":{"request":{"url":"http://h/voice","method":"POST"},"response":{"status_code":500}},)"
    R"("list":[1,2],"flag":true})";

Event alert(double time, std::string payload = kAlertPayload) {
  return webhook(time, "POST", "/debugger",
                 {{"Level", "ERROR"}, {"PayloadType", "application/json"}, {"Payload", payload}});
}

TEST(PayloadMember, ReadsMembersByDottedPath) {
  const WebhookEvent event = alert(1.0).webhook;
  auto text = [&](std::string_view path) {
    auto member = payload_member(event, path);
    EXPECT_TRUE(member) << path;
    return member && *member ? **member : std::string("<absent>");
  };
  EXPECT_EQ(text("error_code"), "11217");
  EXPECT_EQ(text("more_info.msg"), "HTTP 500 on \"/voice\"");  // JSON escapes undone
  EXPECT_EQ(text("webhook.request.url"), "http://h/voice");
  EXPECT_EQ(text("webhook.response.status_code"), "500");  // a number as its JSON text
  EXPECT_EQ(text("flag"), "true");
  EXPECT_EQ(text("list"), "[1,2]");
  EXPECT_EQ(text("webhook.request"), R"({"url":"http://h/voice","method":"POST"})");
  EXPECT_EQ(text("service_sid"), "<absent>");  // null counts as absent
  EXPECT_EQ(text("more_info.nothing"), "<absent>");
  EXPECT_EQ(text("error_code.deeper"), "<absent>");  // a string has no members
}

TEST(PayloadMember, NoPayloadOrNotAJsonObjectIsAnError) {
  EXPECT_EQ(payload_member(webhook(0, "POST", "/debugger", {}).webhook, "x").error().message,
            "no Payload parameter");
  EXPECT_TRUE(payload_member(alert(0, "{\"a\":").webhook, "a")
                  .error()
                  .message.starts_with("Payload is not JSON: "));
  EXPECT_EQ(payload_member(alert(0, "[1]").webhook, "a").error().message,
            "Payload is not a JSON object");
}

TEST(Checker, RequestWithPayloadChecks) {
  Fixture f;
  f.test.expect.requests = {Req("/debugger")
                                .method("POST")
                                .param("Level", ParamCheck::Op::equals, "ERROR")
                                .payload("error_code", ParamCheck::Op::equals, "11217")
                                .payload("webhook.request.url", ParamCheck::Op::matches, "/voice$")
                                .payload("service_sid", ParamCheck::Op::absent)
                                .count(1)};
  Timeline timeline = basic_call();
  timeline.events.push_back(alert(2.0));  // 9
  CheckResult result = f.only(timeline);
  EXPECT_EQ(result.verdict, Verdict::pass) << result.observed;
  EXPECT_EQ(result.expected,
            "POST /debugger with Level = \"ERROR\", Payload.error_code = \"11217\", "
            "Payload.webhook.request.url matching //voice$/, Payload.service_sid absent "
            "(exactly 1)");

  f.test.expect.requests = {Req("/debugger").payload("error_code", ParamCheck::Op::equals, "12100")};
  result = f.only(timeline);
  EXPECT_EQ(result.verdict, Verdict::fail);
  EXPECT_EQ(result.observed,
            "no matching request; closest: #9 at 2.000 s: POST /debugger with "
            "Payload.error_code = \"11217\"");

  // Without a JSON Payload every Payload check fails, `absent` too.
  f.test.expect.requests = {Req("/debugger").payload("service_sid", ParamCheck::Op::absent)};
  timeline.events.back() = alert(2.0, "not json");
  result = f.only(timeline);
  EXPECT_EQ(result.verdict, Verdict::fail);
  EXPECT_TRUE(result.observed.find("Payload.service_sid = (Payload is not JSON: ") !=
              std::string::npos)
      << result.observed;
}

TEST(Checker, NoUnexpectedRequestsIgnoresAlertsUnlessTheCaseExpectsThem) {
  Fixture f;
  f.test.expect.requests = {Req("/voice")};
  f.test.expect.no_unexpected_requests = true;
  Timeline timeline = basic_call();
  timeline.events.push_back(alert(2.0));  // 9
  auto results = f.run(timeline);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[1].verdict, Verdict::pass);
  EXPECT_EQ(results[1].observed,
            "1 request(s), all expected (and 1 alert(s) to /debugger, not checked here)");

  // Once the case expects an alert, every alert must be one it expects.
  f.test.expect.requests = {Req("/voice"),
                            Req("/debugger").payload("error_code", ParamCheck::Op::equals, "11217")};
  timeline.events.push_back(alert(2.5, R"({"error_code":"12200"})"));  // 10
  results = f.run(timeline);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[2].verdict, Verdict::fail);
  EXPECT_EQ(results[2].observed, "unexpected: #10 at 2.500 s: POST /debugger");
}

// --- order --------------------------------------------------------------------------------

TEST(Checker, OrderWithTimeBounds) {
  Fixture f;
  OrderCheck at_least = order("webhook /voice", "caller <- 200 INVITE");  // 30 ms apart
  at_least.at_least_ms = 20;
  OrderCheck at_most = at_least;
  at_most.at_least_ms.reset();
  at_most.at_most_ms = 40;
  OrderCheck too_soon = at_least;
  too_soon.at_least_ms = 31;
  OrderCheck too_late = at_most;
  too_late.at_most_ms = 29;
  OrderCheck both = at_least;
  both.at_most_ms = 40;
  f.test.expect.order = {at_least, at_most, too_soon, too_late, both};
  auto results = f.run(basic_call());
  ASSERT_EQ(results.size(), 5u);
  EXPECT_EQ(results[0].verdict, Verdict::pass) << results[0].observed;
  EXPECT_EQ(results[0].expected,
            "\"webhook /voice\" before \"caller <- 200 INVITE\" by at least 20 ms");
  EXPECT_EQ(results[1].verdict, Verdict::pass) << results[1].observed;
  EXPECT_EQ(results[1].expected,
            "\"webhook /voice\" before \"caller <- 200 INVITE\" by at most 40 ms");
  EXPECT_EQ(results[2].verdict, Verdict::fail);
  EXPECT_EQ(results[2].observed,
            "\"webhook /voice\" #3 at 0.020 s, then \"caller <- 200 INVITE\" #4 at 0.050 s: "
            "30 ms apart");
  EXPECT_EQ(results[3].verdict, Verdict::fail);
  EXPECT_EQ(results[4].verdict, Verdict::pass);
  EXPECT_EQ(results[4].expected,
            "\"webhook /voice\" before \"caller <- 200 INVITE\" by 20 to 40 ms");
}

TEST(Checker, OrderPasses) {
  Fixture f;
  f.test.expect.order = {order("caller <- 180", "webhook /voice"),
                         order("webhook POST /voice", "callee <- INVITE"),
                         order("caller <- 200 INVITE", "{{callee_name}} <- INVITE"),
                         order("target -> 1xx", "caller -> BYE")};
  f.context.substitutions["callee_name"] = "callee";
  auto results = f.run(basic_call());
  ASSERT_EQ(results.size(), 4u);
  for (const auto& result : results)
    EXPECT_EQ(result.verdict, Verdict::pass) << result.name << ": " << result.observed;
  EXPECT_EQ(results[0].name, "order: caller <- 180 before webhook /voice");
  EXPECT_EQ(results[0].expected, "\"caller <- 180\" before \"webhook /voice\"");
  EXPECT_EQ(results[0].observed,
            "\"caller <- 180\" #2 at 0.013 s, then \"webhook /voice\" #3 at 0.020 s");
  EXPECT_EQ(results[2].name, "order: caller <- 200 INVITE before callee <- INVITE");
}

TEST(Checker, OrderFailsWhenReversed) {
  Fixture f;
  f.test.expect.order = {order("callee <- BYE", "caller -> BYE", Level::doc, 20)};
  const CheckResult result = f.only(basic_call());
  EXPECT_EQ(result.verdict, Verdict::fail);
  EXPECT_EQ(result.expected, "\"callee <- BYE\" before \"caller -> BYE\"");
  EXPECT_EQ(result.observed,
            "\"caller -> BYE\" came first: #7 at 1.000 s: caller -> target BYE "
            "sip:callee@127.20.1.1:5061 SIP/2.0; "
            "\"callee <- BYE\" only #8 at 1.002 s");
  EXPECT_EQ(result.event, 7u);
}

TEST(Checker, OrderFailsNamingTheSelectorThatMatchedNothing) {
  Fixture f;
  f.test.expect.order = {order("callee <- CANCEL", "caller -> BYE"),
                         order("agentA <- BYE", "webhook /refer")};
  auto results = f.run(basic_call());
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].verdict, Verdict::fail);
  EXPECT_EQ(results[0].observed, "\"callee <- CANCEL\" matched no event");
  EXPECT_EQ(results[0].event, 7u);
  EXPECT_EQ(results[1].observed,
            "neither \"agentA <- BYE\" nor \"webhook /refer\" matched any event");
  EXPECT_FALSE(results[1].event);
}

TEST(Checker, OrderWithABadSelectorIsAHarnessError) {
  Fixture f;
  f.test.expect.order = {order("caller gets BYE", "webhook /voice")};
  const CheckResult result = f.only(basic_call());
  EXPECT_EQ(result.verdict, Verdict::harness_error);
  EXPECT_TRUE(result.observed.starts_with("bad selector 'caller gets BYE'")) << result.observed;
}

// --- wire ---------------------------------------------------------------------------------

TEST(Checker, WireCountAndSource) {
  Fixture f;
  f.test.expect.wire = {
      Wire("callee <- INVITE").count(1), Wire("callee <- INVITE").source("edge:ashburn"),
      Wire("callee <- INVITE").source("127.0.1.1"), Wire("callee <- CANCEL").count(0)};
  auto results = f.run(basic_call());
  ASSERT_EQ(results.size(), 4u);
  for (const auto& result : results)
    EXPECT_EQ(result.verdict, Verdict::pass) << result.name << ": " << result.observed;
  EXPECT_EQ(results[0].name, "wire: callee <- INVITE exactly 1 message(s)");
  EXPECT_EQ(results[1].expected, "callee <- INVITE: sent from edge ashburn (127.0.1.1/32)");
  EXPECT_EQ(results[1].observed, "1 message(s), all as expected: #5 at 0.055 s");
  EXPECT_EQ(results[1].event, 5u);
  EXPECT_EQ(results[3].observed, "no message matched \"callee <- CANCEL\"");
}

// A loaded machine makes UDP retransmissions: the same INVITE again is one message; a new
// transaction (another branch) is another.
TEST(Checker, WireCountLeavesOutRetransmissions) {
  Fixture f;
  f.test.expect.wire = {Wire("callee <- INVITE").count(1)};
  Timeline timeline = basic_call();
  Event again = timeline.events[5];
  again.time = 0.555;
  timeline.events.insert(timeline.events.begin() + 6, again);
  CheckResult result = f.only(timeline);
  EXPECT_EQ(result.verdict, Verdict::pass) << result.observed;

  again.time = 0.600;
  again.sip.headers[0].second = "SIP/2.0/UDP 127.0.1.1:5060;branch=z9hG4bK2";
  timeline.events.insert(timeline.events.begin() + 7, again);
  result = f.only(timeline);
  EXPECT_EQ(result.verdict, Verdict::fail);
  EXPECT_EQ(result.observed, "2 message(s) (retransmissions left out): #5 at 0.055 s, #7 at 0.600 s");
}

TEST(Checker, WireSourceFromTheWrongEdge) {
  Fixture f;
  f.test.expect.wire = {Wire("callee <- INVITE").source("edge:dublin"),
                        Wire("callee <- INVITE").count(2),
                        Wire("callee <- INVITE").source("edge:mars")};
  auto results = f.run(basic_call());
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].verdict, Verdict::fail);
  EXPECT_EQ(results[0].expected, "callee <- INVITE: sent from edge dublin (127.0.1.3/32)");
  EXPECT_EQ(results[0].observed,
            "#5 at 0.055 s sent from 127.0.1.1:5060, not from edge dublin (127.0.1.3/32)");
  EXPECT_EQ(results[0].event, 5u);
  EXPECT_EQ(results[1].verdict, Verdict::fail);
  EXPECT_EQ(results[1].observed, "1 message(s): #5 at 0.055 s");
  EXPECT_EQ(results[2].verdict, Verdict::harness_error);
  EXPECT_EQ(results[2].observed, "the target profile names no edge 'mars'");
}

TEST(Checker, WireHeaders) {
  Fixture f;
  f.test.expect.wire = {Wire("callee <- INVITE").matches("Via", "^SIP/2.0/UDP 127\\.0\\.1\\.1[:;]"),
                        Wire("callee <- INVITE").equals("x-custom", "hello"),
                        Wire("callee <- INVITE").present("X-Custom", true),
                        Wire("callee <- INVITE").present("X-Secret", false),
                        Wire("callee <- INVITE").uri("^sip:callee@{{callee}}$")};
  for (const auto& result : f.run(basic_call()))
    EXPECT_EQ(result.verdict, Verdict::pass) << result.name << ": " << result.observed;

  f.test.expect.wire = {Wire("callee <- INVITE").matches("Via", "^SIP/2.0/UDP 127\\.0\\.1\\.3[:;]"),
                        Wire("callee <- INVITE").equals("X-Custom", "bye"),
                        Wire("callee <- INVITE").present("Contact", true),
                        Wire("callee <- INVITE").present("X-Custom", false),
                        Wire("callee <- INVITE").uri("^sip:other@"),
                        Wire("callee <- INVITE").matches("Contact", ".")};
  auto results = f.run(basic_call());
  ASSERT_EQ(results.size(), 6u);
  for (const auto& result : results) {
    EXPECT_EQ(result.verdict, Verdict::fail) << result.name;
    EXPECT_EQ(result.event, 5u) << result.name;
  }
  EXPECT_EQ(results[0].name,
            "wire: callee <- INVITE Via matching /^SIP/2.0/UDP 127\\.0\\.1\\.3[:;]/");
  EXPECT_EQ(results[0].observed,
            "#5 at 0.055 s has Via: SIP/2.0/UDP 127.0.1.1:5060;branch=z9hG4bK1");
  EXPECT_EQ(results[1].expected, "callee <- INVITE: X-Custom = \"bye\"");
  EXPECT_EQ(results[1].observed, "#5 at 0.055 s has X-Custom: hello");
  EXPECT_EQ(results[2].observed, "#5 at 0.055 s has no Contact header");
  EXPECT_EQ(results[3].observed, "#5 at 0.055 s has X-Custom: hello");
  EXPECT_EQ(results[4].expected, "callee <- INVITE: Request-URI matching /^sip:other@/");
  EXPECT_EQ(results[4].observed, "#5 at 0.055 s has Request-URI sip:callee@127.20.1.1:5061");
  EXPECT_EQ(results[5].observed, "#5 at 0.055 s has no Contact header");
}

TEST(Checker, WireHeaderNamesAnEdge) {
  Fixture f;
  f.test.expect.wire = {Wire("callee <- INVITE").names("Via", "edge:ashburn"),
                        Wire("callee <- INVITE").names("Via", "127.0.1.1"),
                        Wire("callee <- INVITE").names("Via", "edge:dublin"),
                        Wire("callee <- INVITE").names("Contact", "edge:ashburn")};
  auto results = f.run(basic_call());
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[0].verdict, Verdict::pass) << results[0].observed;
  EXPECT_EQ(results[0].expected, "callee <- INVITE: Via naming edge ashburn (127.0.1.1/32)");
  EXPECT_EQ(results[1].verdict, Verdict::pass) << results[1].observed;
  EXPECT_EQ(results[2].verdict, Verdict::fail);
  EXPECT_EQ(results[2].observed, "#5 at 0.055 s has Via: SIP/2.0/UDP 127.0.1.1:5060;branch=z9hG4bK1");
  EXPECT_EQ(results[3].verdict, Verdict::fail) << "the fixture's INVITE has no Contact";
}

TEST(Checker, WireChecksSkipWithoutCapture) {
  Fixture f;
  f.context.wire_available = false;
  f.context.wire_unavailable_reason = "dumpcap may not capture on lo (run tools/bootstrap)";
  f.test.expect.wire = {Wire("callee <- INVITE").count(1)};
  auto results = evaluate(f.context, basic_call(), {});
  ASSERT_EQ(results.size(), 2u);
  for (const auto& result : results) {
    EXPECT_EQ(result.verdict, Verdict::skip);
    EXPECT_EQ(result.observed, "dumpcap may not capture on lo (run tools/bootstrap)");
  }
  EXPECT_EQ(case_verdict(results), Verdict::skip);
}

TEST(Checker, MalformedMessagesFromTheTargetFail) {
  Fixture f;
  Timeline timeline = basic_call();
  timeline.events[6].sip.malformed = true;  // from callee: not the target's fault
  auto results = evaluate(f.context, timeline, {});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].verdict, Verdict::pass);
  EXPECT_EQ(results[0].observed, "5 message(s) from the target, none malformed");
  timeline.events[4].sip.malformed = true;
  timeline.events[8].sip.malformed = true;
  results = evaluate(f.context, timeline, {});
  EXPECT_EQ(results[0].verdict, Verdict::fail);
  EXPECT_EQ(results[0].expected, "every SIP message from the target parses");
  EXPECT_EQ(results[0].observed,
            "malformed: #4 at 0.050 s: target -> caller SIP/2.0 200 OK (and 1 more)");
  EXPECT_EQ(results[0].event, 4u);
}

// --- levels -------------------------------------------------------------------------------

TEST(Checker, RefLevelFailureIsNonStrictOnAnotherTarget) {
  Fixture f;
  f.target = vendor_profile();
  f.test.expect.wire = {
      Wire("callee <- INVITE").matches("Via", "127\\.0\\.1\\.3").level(Level::ref),
      Wire("callee <- INVITE").source("edge:ashburn")};
  f.test.expect.order = {order("callee <- BYE", "caller -> BYE", Level::ref)};
  f.test.expect.requests = {Req("/refer").level(Level::ref)};
  auto results = evaluate(f.context, basic_call(), {});
  ASSERT_EQ(results.size(), 5u);
  EXPECT_EQ(results[0].verdict, Verdict::pass_nonstrict);  // request
  EXPECT_EQ(results[1].verdict, Verdict::pass_nonstrict);  // order
  EXPECT_EQ(results[2].verdict, Verdict::pass_nonstrict);  // wire header
  EXPECT_EQ(results[3].verdict, Verdict::pass);
  EXPECT_EQ(case_verdict(results), Verdict::pass_nonstrict);

  f.context.strict = true;
  results = evaluate(f.context, basic_call(), {});
  EXPECT_EQ(results[0].verdict, Verdict::fail);
  EXPECT_EQ(results[2].verdict, Verdict::fail);
  EXPECT_EQ(case_verdict(results), Verdict::fail);

  f.context.strict = false;
  f.target = reference_profile();  // the reference is held to its own decisions
  results = evaluate(f.context, basic_call(), {});
  EXPECT_EQ(results[2].verdict, Verdict::fail);
}

TEST(Checker, DocLevelFailureIsAlwaysAFailure) {
  Fixture f;
  f.target = vendor_profile();
  f.test.expect.requests = {Req("/refer")};
  EXPECT_EQ(f.only(basic_call()).verdict, Verdict::fail);
}

// --- verdicts -----------------------------------------------------------------------------

TEST(Verdicts, NamesRoundTrip) {
  for (Verdict verdict : {Verdict::pass, Verdict::pass_nonstrict, Verdict::fail, Verdict::skip,
                          Verdict::harness_error})
    EXPECT_EQ(parse_verdict(to_string(verdict)), verdict);
  EXPECT_EQ(to_string(Verdict::pass_nonstrict), "PASS_NONSTRICT");
  EXPECT_EQ(parse_verdict("pass"), std::nullopt);
}

TEST(Verdicts, WorstAndCaseVerdict) {
  EXPECT_EQ(worst(Verdict::skip, Verdict::pass), Verdict::pass);
  EXPECT_EQ(worst(Verdict::pass_nonstrict, Verdict::pass), Verdict::pass_nonstrict);
  EXPECT_EQ(worst(Verdict::fail, Verdict::harness_error), Verdict::harness_error);
  EXPECT_EQ(worst(Verdict::fail, Verdict::pass_nonstrict), Verdict::fail);
  const auto check = check_with;
  EXPECT_EQ(case_verdict({}), Verdict::pass);
  EXPECT_EQ(case_verdict({check(Verdict::skip), check(Verdict::skip)}), Verdict::skip);
  EXPECT_EQ(case_verdict({check(Verdict::skip), check(Verdict::pass)}), Verdict::pass);
  EXPECT_EQ(case_verdict({check(Verdict::pass_nonstrict), check(Verdict::pass)}),
            Verdict::pass_nonstrict);
  EXPECT_EQ(case_verdict({check(Verdict::pass_nonstrict), check(Verdict::fail)}), Verdict::fail);
}

CaseResult case_result(std::string id, Verdict verdict, std::vector<std::string> behaviours,
                       bool expected_failure = false) {
  CaseResult result;
  result.id = std::move(id);
  result.verdict = verdict;
  result.behaviours = std::move(behaviours);
  result.expected_failure = expected_failure;
  return result;
}

TEST(Verdicts, BehavioursTakeTheWorstCaseAndSkipOnlyWhenAllSkip) {
  RunResult run;
  run.cases = {case_result("a/1", Verdict::pass, {"x.one", "x.two"}),
               case_result("a/2", Verdict::fail, {"x.two"}),
               case_result("a/3", Verdict::skip, {"x.one", "x.three"}),
               case_result("a/4", Verdict::skip, {"x.three"})};
  const auto behaviours = run.behaviours();
  ASSERT_EQ(behaviours.size(), 3u);
  EXPECT_EQ(behaviours[0], (std::pair<std::string, Verdict>{"x.one", Verdict::pass}));
  EXPECT_EQ(behaviours[1], (std::pair<std::string, Verdict>{"x.three", Verdict::skip}));
  EXPECT_EQ(behaviours[2], (std::pair<std::string, Verdict>{"x.two", Verdict::fail}));
}

std::vector<std::string> ids(const std::vector<const CaseResult*>& cases) {
  std::vector<std::string> out;
  for (const auto* result : cases) out.push_back(result->id);
  return out;
}

TEST(Verdicts, UnexpectedResults) {
  RunResult run;
  run.cases = {case_result("a/pass", Verdict::pass, {}),
               case_result("a/fail", Verdict::fail, {}),
               case_result("a/error", Verdict::harness_error, {}),
               case_result("a/known-fail", Verdict::fail, {}, true),
               case_result("a/known-now-passes", Verdict::pass, {}, true),
               case_result("a/known-nonstrict", Verdict::pass_nonstrict, {}, true),
               case_result("a/nonstrict", Verdict::pass_nonstrict, {}),
               case_result("a/skip", Verdict::skip, {})};
  EXPECT_EQ(ids(run.unexpected()),
            (std::vector<std::string>{"a/fail", "a/error", "a/known-now-passes"}));
  run.strict = true;
  EXPECT_EQ(ids(run.unexpected()),
            (std::vector<std::string>{"a/fail", "a/error", "a/known-now-passes", "a/nonstrict"}));
}

}  // namespace
}  // namespace sipconform
