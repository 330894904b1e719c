// Tests of the case loader (every field, every error class with its file:line:column), the
// catalogue loader and fixtures/spec/behaviours.yaml, lint, and the list/coverage tables.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "cases/case_loader.h"
#include "cases/catalogue.h"
#include "cases/lint.h"
#include "cases/selector.h"

namespace sipconform {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kData = std::string(SIPCONFORM_TEST_DATA) + "/cases";

std::filesystem::path scratch_root() {
  return std::filesystem::path(::testing::TempDir()) /
         ("sipconform-cases-" + std::to_string(::getpid()));
}

// Removes the files the tests wrote.
class ScratchCleanup : public ::testing::Environment {
 public:
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(scratch_root(), ignored);
  }
};
const auto* const kCleanup = ::testing::AddGlobalTestEnvironment(new ScratchCleanup);

// Writes `yaml` as <fresh temp dir>/<relative> and returns its path.
std::string write_file(const std::string& relative, const std::string& yaml) {
  static int counter = 0;
  const auto dir = scratch_root() / std::to_string(counter++);
  const auto path = dir / relative;
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << yaml;
  return path.string();
}

// Loads `yaml` as sip/x.yaml and expects an error at `position` ("line:column") containing `text`.
void expect_case_error(const std::string& yaml, const std::string& position,
                       const std::string& text) {
  const std::string path = write_file("sip/x.yaml", yaml);
  const auto loaded = load_case(path);
  ASSERT_FALSE(loaded.has_value()) << "loaded without error:\n" << yaml;
  EXPECT_THAT(loaded.error().message, StartsWith(path + ":" + position + ": ")) << yaml;
  EXPECT_THAT(loaded.error().message, HasSubstr(text));
}

const std::string kHead =
    "id: sip/x\n"
    "title: t\n"
    "checks: [sip.headers.custom]\n";

const std::string kCaller =
    "parties:\n"
    "  caller: { scenario: caller-hangs-up.xml, calls: target }\n";

// ---- a valid case, every field -------------------------------------------------------------

class ValidCase : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = load_case(path_);
    ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
    test_ = std::move(*loaded);
  }
  const std::string path_ = kData + "/valid/sip/headers-custom.yaml";
  Case test_;
};

TEST_F(ValidCase, Header) {
  EXPECT_EQ(test_.id, "sip/headers-custom");
  EXPECT_EQ(test_.title, "X- headers from the <Sip> URI reach the INVITE percent-decoded");
  EXPECT_EQ(test_.checks, (std::vector<std::string>{"sip.headers.custom", "sip.headers.identity"}));
  EXPECT_EQ(test_.requirements, (std::vector<std::string>{"tcp"}));
  EXPECT_EQ(test_.timeout_s, 20);
  EXPECT_EQ(test_.where.to_string(), path_ + ":2:1");
  EXPECT_EQ(test_.id_where.to_string(), path_ + ":2:5");
  ASSERT_EQ(test_.checks_where.size(), 2u);
  EXPECT_EQ(test_.checks_where[1].to_string(), path_ + ":4:30");
  ASSERT_EQ(test_.requirements_where.size(), 1u);
  EXPECT_EQ(test_.requirements_where[0].to_string(), path_ + ":5:12");
}

TEST_F(ValidCase, Webhooks) {
  ASSERT_EQ(test_.webhooks.size(), 5u);
  const WebhookDoc& voice = test_.webhooks[0];
  EXPECT_EQ(voice.path, "/voice");
  EXPECT_EQ(voice.body,
            "<Response><Dial "
            "action=\"/action\"><Sip>sip:callee@{{callee}}?X-A=1%2C2</Sip></Dial></Response>");
  EXPECT_EQ(voice.content_type, "text/xml");
  EXPECT_EQ(voice.fault.kind, Fault::Kind::none);
  EXPECT_EQ(voice.where.to_string(), path_ + ":8:3");
  const WebhookDoc& action = test_.webhooks[1];
  EXPECT_EQ(action.path, "/action");
  EXPECT_EQ(action.body, "<Response/>");
  EXPECT_EQ(action.content_type, "application/xml");
  EXPECT_EQ(action.fault.kind, Fault::Kind::status);
  EXPECT_EQ(action.fault.status, 500);
  EXPECT_EQ(test_.webhooks[2].fault.kind, Fault::Kind::delay);
  EXPECT_EQ(test_.webhooks[2].fault.delay_ms, 2500);
  EXPECT_EQ(test_.webhooks[3].fault.kind, Fault::Kind::redirect);
  EXPECT_EQ(test_.webhooks[3].fault.location, "/voice?from={{token}}");
  EXPECT_EQ(test_.webhooks[3].body, "");
  EXPECT_EQ(test_.webhooks[4].fault.kind, Fault::Kind::content_type);
  EXPECT_EQ(test_.webhooks[4].fault.content_type, "");
}

TEST_F(ValidCase, Parties) {
  ASSERT_EQ(test_.parties.size(), 2u);
  const Party& caller = test_.parties[0];
  EXPECT_EQ(caller.name, "caller");
  EXPECT_EQ(caller.scenario, "caller-hangs-up.xml");
  EXPECT_TRUE(caller.calls_target);
  EXPECT_EQ(caller.transport, "udp");
  EXPECT_EQ(caller.calls, 1);
  EXPECT_TRUE(caller.must_pass);
  EXPECT_TRUE(caller.vars.empty());
  const Party& callee = test_.parties[1];
  EXPECT_EQ(callee.name, "callee");
  EXPECT_FALSE(callee.calls_target);
  EXPECT_EQ(callee.vars, (std::map<std::string, std::string>{{"peer", "{{caller}}"}, {"n", "3"}}));
  EXPECT_EQ(callee.transport, "tcp");
  EXPECT_EQ(callee.calls, 2);
  EXPECT_FALSE(callee.must_pass);
  EXPECT_EQ(callee.where.to_string(), path_ + ":23:3");
}

TEST_F(ValidCase, Requests) {
  const Expectations& expect = test_.expect;
  EXPECT_FALSE(expect.parties_pass);
  EXPECT_TRUE(expect.no_unexpected_requests);
  ASSERT_EQ(expect.requests.size(), 2u);
  const RequestCheck& voice = expect.requests[0];
  EXPECT_EQ(voice.path, "/voice");
  EXPECT_EQ(voice.method, "POST");
  EXPECT_EQ(voice.count, 1);
  EXPECT_EQ(voice.level, Level::ref);
  EXPECT_EQ(voice.signature_valid, true);
  EXPECT_EQ(voice.where.to_string(), path_ + ":27:7");
  ASSERT_EQ(voice.params.size(), 6u);
  const std::vector<std::tuple<std::string, ParamCheck::Op, std::string>> params = {
      {"CallSid", ParamCheck::Op::matches, "^CA[0-9a-f]{32}$"},
      {"To", ParamCheck::Op::equals, "sip:{{token}}@{{domain}}"},
      {"Foo", ParamCheck::Op::absent, ""},
      {"Bar", ParamCheck::Op::present, ""},
      {"Baz", ParamCheck::Op::equals, "x"},
      {"Qux", ParamCheck::Op::present, ""}};
  for (std::size_t i = 0; i < params.size(); ++i) {
    EXPECT_EQ(voice.params[i].name, std::get<0>(params[i]));
    EXPECT_EQ(voice.params[i].op, std::get<1>(params[i])) << voice.params[i].name;
    EXPECT_EQ(voice.params[i].value, std::get<2>(params[i])) << voice.params[i].name;
  }
  const RequestCheck& action = expect.requests[1];
  EXPECT_EQ(action.path, "/action");
  EXPECT_FALSE(action.method.has_value());
  EXPECT_FALSE(action.count.has_value());
  EXPECT_FALSE(action.signature_valid.has_value());
  EXPECT_EQ(action.level, Level::doc);
}

TEST_F(ValidCase, Order) {
  const auto& order = test_.expect.order;
  ASSERT_EQ(order.size(), 3u);
  EXPECT_EQ(order[0].first, "callee -> 200 INVITE");
  EXPECT_EQ(order[0].second, "caller <- 200 INVITE");
  EXPECT_EQ(order[0].level, Level::doc);
  // "after" is stored swapped, and blanks are normalised.
  EXPECT_EQ(order[1].first, "webhook /action");
  EXPECT_EQ(order[1].second, "caller <- BYE");
  EXPECT_EQ(order[2].first, "callee <- INVITE");
  EXPECT_EQ(order[2].second, "target -> 486");
  EXPECT_EQ(order[2].level, Level::ref);
  EXPECT_EQ(order[2].where.to_string(), path_ + ":35:7");
}

TEST_F(ValidCase, Wire) {
  const auto& wire = test_.expect.wire;
  ASSERT_EQ(wire.size(), 6u);
  EXPECT_EQ(wire[0].message, "callee <- INVITE");
  EXPECT_EQ(wire[0].source, "edge:ashburn");
  EXPECT_EQ(wire[1].header, "X-A");
  EXPECT_EQ(wire[1].equals, "1,2");
  EXPECT_EQ(wire[2].matches, "^[0-9]+$");
  EXPECT_EQ(wire[2].level, Level::ref);
  EXPECT_EQ(wire[3].present, false);
  EXPECT_EQ(wire[4].source, "127.0.1.2");
  EXPECT_EQ(wire[4].request_uri_matches, "^sip:callee@");
  EXPECT_EQ(wire[5].message, "caller <- CANCEL");
  EXPECT_EQ(wire[5].count, 0);
  EXPECT_FALSE(wire[5].header.has_value());
}

TEST(CaseLoader, DefaultsOfAMinimalCase) {
  const auto loaded = load_case(write_file("sip/x.yaml", kHead + kCaller));
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
  EXPECT_TRUE(loaded->requirements.empty());
  EXPECT_EQ(loaded->timeout_s, 30);
  EXPECT_TRUE(loaded->webhooks.empty());
  EXPECT_TRUE(loaded->expect.parties_pass);
  EXPECT_FALSE(loaded->expect.no_unexpected_requests);
}

TEST(CaseLoader, OutsidePartiesAndDigestCredentials) {
  const auto loaded = load_case(write_file(
      "inbound/x.yaml", kHead +
                            "parties:\n"
                            "  caller:\n"
                            "    scenario: caller-auth-awaits-bye.xml\n"
                            "    calls: target\n"
                            "    at: outside\n"
                            "    vars: { domain: \"{{domain:credentials}}\" }\n"
                            "    auth: { username: \"{{username:credentials}}\", password: \"p{{token}}\" }\n"));
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
  const Party& caller = loaded->parties.at(0);
  EXPECT_TRUE(caller.at_outside);
  EXPECT_FALSE(caller.at_pstn_gateway);
  EXPECT_EQ(caller.vars.at("domain"), "{{domain:credentials}}");
  EXPECT_EQ(caller.auth_username, "{{username:credentials}}");
  EXPECT_EQ(caller.auth_password, "p{{token}}");
}

TEST(CaseLoaderErrors, BadOutsideAndAuth) {
  const std::string party = kHead + "parties:\n  caller: { scenario: a.xml, ";
  expect_case_error(party + "at: inside }\n", "5:34", "bad value 'inside' for at: expected pstn-gateway or outside");
  expect_case_error(party + "auth: { username: u } }\n", "5:36", "auth is missing the required key 'password'");
  expect_case_error(party + "auth: { username: \"{{domain:mail}}\", password: p } }\n", "5:48",
                    "unknown placeholder '{{domain:mail}}'");
}

TEST(CaseLoader, CallerAfterAnotherCaller) {
  const auto loaded = load_case(write_file(
      "sip/x.yaml", kHead +
                        "parties:\n"
                        "  registrant: { scenario: register-contact.xml, calls: target }\n"
                        "  caller: { scenario: caller-hangs-up.xml, calls: target, after: registrant }\n"));
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
  EXPECT_EQ(loaded->parties.at(0).after, "");
  EXPECT_EQ(loaded->parties.at(1).after, "registrant");
}

TEST(CaseLoaderErrors, AfterNamesAnEarlierCaller) {
  const std::string head = kHead + "parties:\n  registrant: { scenario: r.xml, calls: target }\n"
                                   "  agent: { scenario: a.xml }\n";
  expect_case_error(head + "  caller: { scenario: c.xml, calls: target, after: nobody }\n", "7:52",
                    "after: 'nobody' must be a caller declared before caller");
  expect_case_error(head + "  caller: { scenario: c.xml, calls: target, after: agent }\n", "7:52",
                    "after: 'agent' must be a caller declared before caller");
  expect_case_error(head + "  callee: { scenario: c.xml, after: registrant }\n", "7:37",
                    "after: only a party with calls: target may wait for another");
}

TEST(CaseLoader, PayloadChecksAndOrderBounds) {
  const auto loaded = load_case(write_file(
      "sip/x.yaml", kHead + "requires: [debugger-webhook]\n" + kCaller +
                        "expect:\n"
                        "  requests:\n"
                        "    - path: /debugger\n"
                        "      params: { Level: ERROR }\n"
                        "      payload: { error_code: \"11200\", webhook.request.url: { matches: "
                        "\"/voice$\" }, service_sid: { absent: true } }\n"
                        "  order:\n"
                        "    - { first: \"webhook /voice\", second: \"caller <- 200\", "
                        "at_least_ms: 2000, at_most_ms: 2800 }\n"
                        "    - { first: \"webhook /voice\", second: \"caller <- 200\", "
                        "at_most_ms: 0 }\n"));
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
  const RequestCheck& alert = loaded->expect.requests.at(0);
  ASSERT_EQ(alert.params.size(), 1u);
  ASSERT_EQ(alert.payload.size(), 3u);
  EXPECT_EQ(alert.payload[0].name, "error_code");
  EXPECT_EQ(alert.payload[0].value, "11200");
  EXPECT_EQ(alert.payload[1].name, "webhook.request.url");
  EXPECT_EQ(alert.payload[1].op, ParamCheck::Op::matches);
  EXPECT_EQ(alert.payload[2].op, ParamCheck::Op::absent);
  const auto& order = loaded->expect.order;
  ASSERT_EQ(order.size(), 2u);
  EXPECT_EQ(order[0].at_least_ms, 2000);
  EXPECT_EQ(order[0].at_most_ms, 2800);
  EXPECT_FALSE(order[1].at_least_ms.has_value());
  EXPECT_EQ(order[1].at_most_ms, 0);
}

TEST(CaseLoaderErrors, BadPayloadAndOrderBounds) {
  const std::string expect = kHead + kCaller + "expect:\n";
  expect_case_error(expect + "  requests:\n    - { path: /debugger, payload: { error_code: { is: 1 } } }\n",
                    "8:51", "unknown key 'is'");
  expect_case_error(expect + "  order:\n    - { first: \"webhook /voice\", second: \"webhook /next\", at_least_ms: -1 }\n",
                    "8:72", "at_least_ms must be a whole number");
  expect_case_error(expect + "  order:\n    - { first: \"webhook /voice\", second: \"webhook /next\", at_least_ms: 2, at_most_ms: 1 }\n",
                    "8:7", "at_least_ms is greater than at_most_ms");
}

// ---- api steps [api.*] -------------------------------------------------------------------------

TEST(CaseLoader, ApiStepsEveryField) {
  const auto loaded = load_case(kData + "/valid/api/calls-create.yaml");
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
  ASSERT_EQ(loaded->api.size(), 4u);
  const ApiStep& create = loaded->api[0];
  EXPECT_EQ(create.name, "create");
  EXPECT_EQ(create.method, "POST");
  EXPECT_EQ(create.path, "/Calls.json");
  EXPECT_EQ(create.auth, ApiStep::Auth::account);
  EXPECT_EQ(create.level, Level::ref);
  EXPECT_FALSE(create.after_webhook.has_value());
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(create.form, (Pairs{{"To", "sip:{{token}}@{{callee}}"},
                                {"From", "+15005550006"},
                                {"Url", "{{webhook}}/voice"},
                                {"StatusCallback", "{{webhook}}/status"},
                                {"StatusCallbackEvent", "initiated"},
                                {"StatusCallbackEvent", "ringing"},
                                {"StatusCallbackEvent", "answered"},
                                {"StatusCallbackEvent", "completed"}}));
  EXPECT_EQ(create.status, 201);
  ASSERT_EQ(create.json.size(), 4u);
  EXPECT_EQ(create.json[0].name, "status");
  EXPECT_EQ(create.json[0].op, ParamCheck::Op::equals);
  EXPECT_EQ(create.json[0].value, "queued");
  EXPECT_EQ(create.json[1].op, ParamCheck::Op::matches);
  EXPECT_EQ(create.json[3].op, ParamCheck::Op::absent);
  EXPECT_EQ(create.where.line, 12);

  const ApiStep& fetch = loaded->api[1];
  EXPECT_EQ(fetch.name, "step2") << "an unnamed step is step<N>";
  EXPECT_EQ(fetch.after_webhook, "/voice");
  EXPECT_EQ(fetch.after_params,
            (Pairs{{"CallStatus", "in-progress"}, {"CallSid", "{{api:create.sid}}"}}));
  EXPECT_EQ(fetch.path, "/Calls/{{api:create.sid}}.json");
  EXPECT_EQ(fetch.level, Level::doc);

  const ApiStep& list = loaded->api[2];
  EXPECT_EQ(list.query, (Pairs{{"To", "sip:{{token}}@{{callee}}"}}));
  EXPECT_FALSE(list.status.has_value());
  EXPECT_EQ(list.counts, (std::vector<std::pair<std::string, int>>{{"calls", 1}}));
  EXPECT_EQ(list.json.at(0).name, "calls.0.sid");

  EXPECT_EQ(loaded->api[3].auth, ApiStep::Auth::none);
  EXPECT_EQ(loaded->api[3].method, "DELETE");
  EXPECT_EQ(loaded->expect.order.at(0).first, "api create");
  EXPECT_TRUE(lint_references(*loaded).empty());
}

TEST(CaseLoader, ApiStepsAloneMakeACase) {
  const auto loaded = load_case(
      write_file("api/x.yaml", kHead + "requires: [rest-api]\napi:\n  - { method: GET, path: "
                                       "/Applications.json, auth: wrong-token, "
                                       "expect: { status: 401 } }\n  - { method: GET, path: "
                                       "/Applications.json, auth: other-account }\n"));
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
  ASSERT_EQ(loaded->api.size(), 2u);
  EXPECT_EQ(loaded->api[0].auth, ApiStep::Auth::wrong_token);
  EXPECT_EQ(loaded->api[1].auth, ApiStep::Auth::other_account);
  EXPECT_EQ(loaded->api[1].name, "step2");
  EXPECT_TRUE(loaded->parties.empty());
}

TEST(CaseLoaderErrors, ApiSteps) {
  const std::string api = kHead + "requires: [rest-api]\napi:\n";
  const std::string get = "  - { method: GET, path: /Calls.json";
  expect_case_error(api + get + ", colour: red }\n", "6:39",
                    "unknown key 'colour' in api step 1 (allowed: name, after,");
  expect_case_error(api + "  - { path: /Calls.json }\n", "6:5",
                    "api step 1 is missing the required key 'method'");
  expect_case_error(api + "  - { method: PUT, path: /Calls.json }\n", "6:15",
                    "bad value 'PUT' for method: expected GET or POST or DELETE");
  expect_case_error(
      api + get + ", auth: admin }\n", "6:45",
      "bad value 'admin' for auth: expected account or none or wrong-token or other-account");
  expect_case_error(api + get + ", expect: { status: 600 } }\n", "6:57",
                    "expect.status must be a whole number from 100 to 599, not '600'");
  expect_case_error(api + get + ", expect: { body: x } }\n", "6:49",
                    "unknown key 'body' in api expect");
  expect_case_error(api + get + ", form: { To: x } }\n", "6:45",
                    "form is sent only with POST; GET takes query");
  expect_case_error(api + "  - { method: GET, path: Calls.json }\n", "6:26",
                    "api path 'Calls.json' must start with '/'");
  expect_case_error(api + get + ", name: \"my step\" }\n", "6:45",
                    "api step name 'my step' must start with a letter");
  expect_case_error(api + get + ", name: a }\n" + get + ", name: a }\n", "7:45",
                    "api step name 'a' is used twice");
  expect_case_error(api + get + ", name: step2 }\n" + get + " }\n", "7:5",
                    "api step name 'step2' is used twice");
  expect_case_error(api + get + ", query: { To: [] } }\n", "6:52",
                    "query 'To' must list at least one value");
  expect_case_error(api + get + ", expect: { json: { calls..sid: x } } }\n", "6:57",
                    "json path 'calls..sid' must be dotted names or indexes");
  expect_case_error(api + get + ", expect: { count: { calls: many } } }\n", "6:65",
                    "count of calls must be a whole number from 0 to 100000, not 'many'");
  expect_case_error(api + get + ", after: { webhook: /voice, params: { A: { matches: x } } } }\n",
                    "6:78", "after param 'A' (an exact value) must be text, not a map");
  expect_case_error(api + get + ", after: { step: a } }\n", "6:48",
                    "unknown key 'step' in after (allowed: webhook, params)");
  expect_case_error(kHead + "api: []\n", "4:6", "api must list at least one step");
}

TEST(CaseLoaderErrors, ApiPlaceholdersNameEarlierSteps) {
  const std::string api = kHead + "requires: [rest-api]\napi:\n";
  // A step's request may use only the answers of the steps before it …
  expect_case_error(api + "  - { name: a, method: GET, path: \"/Calls/{{api:a.sid}}.json\" }\n",
                    "6:35",
                    "placeholder '{{api:a.sid}}' names no earlier api step (earlier steps: none)");
  expect_case_error(
      api +
          "  - { method: POST, path: /Calls.json, form: { To: \"{{api:later.to}}\" } }\n"
          "  - { name: later, method: GET, path: /Calls.json }\n",
      "6:52", "names no earlier api step");
  expect_case_error(api + "  - { name: a, method: GET, path: \"/Calls/{{api:a}}.json\" }\n", "6:35",
                    "malformed placeholder '{{api:a}}': write {{api:STEP.field}}");
  // … its own expectations and the case's also its own; webhook bodies none at all.
  const auto loaded = load_case(write_file(
      "api/x.yaml", api + "  - { name: a, method: GET, path: /Calls.json, expect: { json: { uri: "
                          "\"/Calls/{{api:a.sid}}.json\" } } }\nexpect:\n  order: [ [ \"api a\", "
                          "before, \"api a\" ] ]\n"));
  EXPECT_TRUE(loaded.has_value()) << loaded.error().message;
  expect_case_error(
      kHead +
          "webhooks:\n  /voice: \"<Response>{{api:a.sid}}</Response>\"\n"
          "requires: [rest-api]\napi:\n  - { name: a, method: GET, path: /Calls.json }\n",
      "5:11", "names no earlier api step");
  expect_case_error(api +
                        "  - { name: a, method: GET, path: /Calls.json }\nexpect:\n  order: [ [ "
                        "\"api b\", before, \"api a\" ] ]\n",
                    "8:14", "unknown api step 'b' in selector 'api b' (steps: a)");
  expect_case_error(api +
                        "  - { name: a, method: GET, path: /Calls.json }\nexpect:\n  wire: [ { "
                        "message: \"api a\", count: 1 } ]\n",
                    "8:22", "a wire expectation selects SIP messages, not api steps");
}

// ---- loader errors, each with its position ---------------------------------------------------

TEST(CaseLoaderErrors, UnknownKeyAtTopLevel) {
  expect_case_error(kHead + kCaller + "tiemout: 5\n", "6:1",
                    "unknown key 'tiemout' in the case (allowed: id, title,");
}

TEST(CaseLoaderErrors, UnknownKeyInParty) {
  expect_case_error(kHead + "parties:\n  caller: { scenaro: caller-hangs-up.xml }\n", "5:13",
                    "unknown key 'scenaro' in party 'caller'");
}

TEST(CaseLoaderErrors, UnknownKeyInExpect) {
  expect_case_error(kHead + kCaller + "expect:\n  request: []\n", "7:3",
                    "unknown key 'request' in expect");
}

TEST(CaseLoaderErrors, MissingRequiredKey) {
  expect_case_error("id: sip/x\nchecks: [sip.headers.custom]\n" + kCaller, "1:1",
                    "the case is missing the required key 'title'");
  expect_case_error(kHead + "parties:\n  caller: { calls: target }\n", "5:11",
                    "party 'caller' is missing the required key 'scenario'");
}

TEST(CaseLoaderErrors, NeitherWebhooksNorParties) {
  expect_case_error(kHead, "1:1", "the case needs webhooks, parties or api steps");
}

TEST(CaseLoaderErrors, WrongTypes) {
  expect_case_error(kHead + kCaller + "timeout: soon\n", "6:10",
                    "timeout must be a number from 1 to 3600, not 'soon'");
  expect_case_error("id: sip/x\ntitle: t\nchecks: sip.headers.custom\n" + kCaller, "3:9",
                    "checks must be a list, not a scalar");
  expect_case_error(kHead + "parties:\n  caller: { scenario: a.xml, count: [1] }\n", "5:37",
                    "count must be a whole number from 1 to 10000, not a list");
  expect_case_error(kHead + "parties:\n  caller: { scenario: a.xml, must_pass: yes }\n", "5:41",
                    "must_pass must be true or false, not 'yes'");
  expect_case_error(kHead + "webhooks:\n  /voice: [a]\n", "5:11",
                    "webhook /voice must be text, not a list");
}

TEST(CaseLoaderErrors, BadEnumValues) {
  expect_case_error(kHead + "parties:\n  caller: { scenario: a.xml, calls: caller }\n", "5:37",
                    "bad value 'caller' for calls: expected target or callee");
  expect_case_error(kHead + "parties:\n  caller: { scenario: a.xml, transport: sctp }\n", "5:41",
                    "bad value 'sctp' for transport: expected udp or tcp or tls");
  expect_case_error(kHead + kCaller + "expect:\n  requests: [ { path: /voice, level: strict } ]\n",
                    "7:38", "bad value 'strict' for level: expected doc or ref");
  expect_case_error(kHead + kCaller + "expect:\n  requests: [ { path: /voice, signature: yes } ]\n",
                    "7:42", "bad value 'yes' for signature: expected valid or invalid");
}

TEST(CaseLoaderErrors, BadFaultKind) {
  expect_case_error(
      kHead + "webhooks:\n  /voice:\n    body: <Response/>\n    fault: { kind: explode }\n", "7:20",
      "bad value 'explode' for fault kind: expected delay or status or content_type or malformed "
      "or "
      "drop or redirect or empty");
}

TEST(CaseLoaderErrors, FaultParameters) {
  expect_case_error(kHead + "webhooks:\n  /voice:\n    fault: { kind: drop, status: 500 }\n",
                    "6:26", "'status' does not apply to fault kind drop");
  expect_case_error(kHead + "webhooks:\n  /voice:\n    fault: { kind: status }\n", "6:12",
                    "fault kind status needs 'status'");
  expect_case_error(kHead + "webhooks:\n  /voice:\n    fault: { kind: delay, delay_ms: 10 }\n",
                    "6:5", "webhook /voice is missing the required key 'body'");
}

TEST(CaseLoaderErrors, BadSelector) {
  const std::string expect =
      kCaller + "expect:\n  order:\n    - [ \"caller <= BYE\", before, \"webhook /voice\" ]\n";
  expect_case_error(kHead + expect, "8:9", "bad selector 'caller <= BYE'");
  expect_case_error(
      kHead + kCaller + "expect:\n  wire:\n    - { message: \"caller <- bye\", count: 0 }\n",
      "8:18",
      "after the arrow write a method (BYE), a status (486), a class (2xx) or a status and a "
      "method (200 INVITE)");
  expect_case_error(
      kHead + kCaller +
          "expect:\n  order:\n    - { first: webhook voice, second: caller <- BYE }\n",
      "8:16", "a webhook selector is \"webhook [METHOD] <path>\"");
}

TEST(CaseLoaderErrors, BadOrderRelation) {
  expect_case_error(
      kHead + kCaller +
          "expect:\n  order:\n    - [ \"caller <- BYE\", during, \"webhook /voice\" ]\n",
      "8:26", "bad value 'during' for order relation: expected before or after");
  expect_case_error(kHead + kCaller + "expect:\n  order:\n    - [ \"caller <- BYE\", before ]\n",
                    "8:7", "an order entry is [first, before|after, second]");
}

TEST(CaseLoaderErrors, UnknownPartyInSelector) {
  expect_case_error(
      kHead + kCaller +
          "expect:\n  order:\n    - [ \"agentC <- BYE\", before, \"caller <- BYE\" ]\n",
      "8:9", "unknown party 'agentC' in selector 'agentC <- BYE' (declared: caller; or target)");
}

TEST(CaseLoaderErrors, UnknownPlaceholder) {
  expect_case_error(
      kHead + kCaller +
          "webhooks:\n  /voice: <Response><Dial><Sip>sip:x@{{calee}}</Sip></Dial></Response>\n",
      "7:11",
      "unknown placeholder '{{calee}}': not a declared party (caller) nor one of token, target,");
  expect_case_error(
      kHead + "parties:\n  caller: { scenario: a.xml, vars: { peer: \"{{ caller }}\" } }\n", "5:44",
      "malformed placeholder '{{ caller }}'");
  expect_case_error(
      kHead + kCaller +
          "expect:\n  requests: [ { path: /voice, params: { To: \"{{nobody}}\" } } ]\n",
      "7:45", "unknown placeholder '{{nobody}}'");
}

TEST(CaseLoaderErrors, BadValues) {
  expect_case_error("id: Sip/X\ntitle: t\nchecks: [sip.headers.custom]\n" + kCaller, "1:5",
                    "id 'Sip/X' must be <section>/<name>");
  expect_case_error("id: sip/x\ntitle: t\nchecks: [headers]\n" + kCaller, "3:10",
                    "'headers' is not a behaviour ID");
  expect_case_error(kHead + "parties:\n  target: { scenario: a.xml }\n", "5:3",
                    "party name 'target' is reserved");
  expect_case_error(kHead + "webhooks:\n  voice: <Response/>\n", "5:3",
                    "webhook path 'voice' must start with '/'");
  expect_case_error(
      kHead + kCaller + "expect:\n  wire: [ { message: caller <- BYE, source: edge:mars } ]\n",
      "7:45", "source 'edge:mars' must be edge:<name>");
  expect_case_error(
      kHead + kCaller +
          "expect:\n  wire: [ { message: caller <- BYE, header: X-A, matches: \"(\" } ]\n",
      "7:59", "matches is not a valid regular expression");
  expect_case_error(
      kHead + kCaller + "expect:\n  wire: [ { message: caller <- BYE, header: X-A } ]\n", "7:11",
      "header X-A needs exactly one of equals, matches, present");
  expect_case_error(
      kHead + kCaller +
          "expect:\n  requests: [ { path: /voice, params: { A: { equals: x, absent: true } } } ]\n",
      "7:44", "param 'A' needs exactly one of equals, matches, absent, present");
}

TEST(CaseLoaderErrors, DuplicateKey) {
  expect_case_error(kHead + kCaller + "title: again\n", "6:1", "duplicate key 'title' in the case");
}

TEST(CaseLoaderErrors, YamlSyntax) {
  expect_case_error(kHead + "parties:\n  caller: { scenario: a.xml\n", "6:1", "");
}

TEST(CaseLoaderErrors, MissingFile) {
  const auto loaded = load_case(kData + "/no-such-file.yaml");
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().message, kData + "/no-such-file.yaml: cannot read the file");
}

TEST(CaseLoader, LoadCasesSortsByIdAndGathersEveryError) {
  const auto loaded = load_cases(kData + "/lint");
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
  std::vector<std::string> ids;
  for (const auto& test : *loaded) ids.push_back(test.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"sip/good", "sip/good", "sip/problems", "sip/renamed"}));

  const std::string first = write_file("sip/a.yaml", kHead + kCaller + "bogus: 1\n");
  const std::string root = std::filesystem::path(first).parent_path().parent_path().string();
  std::ofstream(root + "/sip/b.yaml") << kHead;
  std::ofstream(root + "/sip/c.yml") << kHead + kCaller;
  const auto broken = load_cases(root);
  ASSERT_FALSE(broken.has_value());
  EXPECT_THAT(broken.error().message, HasSubstr(root + "/sip/a.yaml:6:1: unknown key 'bogus'"));
  EXPECT_THAT(broken.error().message, HasSubstr(root + "/sip/b.yaml:1:1: the case needs webhooks"));
  EXPECT_THAT(broken.error().message, HasSubstr(root + "/sip/c.yml: case files end in .yaml"));
}

// ---- selectors and placeholders ----------------------------------------------------------------

TEST(Selectors, Syntax) {
  const NameSet parties = {"caller", "callee"};
  for (const char* good :
       {"caller <- BYE", "callee -> 200 INVITE", "target -> 486", "target <- INVITE",
        "webhook /voice", "callee <- 2xx", "caller <- 1xx INVITE", "webhook POST /voice"}) {
    EXPECT_EQ(selector_problem(good, parties), std::nullopt) << good;
  }
  for (const char* bad :
       {"", "caller", "caller <- bye", "caller <- 200 invite", "caller <- 99", "caller <- 700",
        "webhook voice", "webhook", "caller BYE", "caller <- INVITE 200", "caller <- 200 INVITE x",
        "caller <- 7xx", "caller <- 2x", "webhook post /voice", "webhook POST voice"}) {
    EXPECT_NE(selector_problem(bad, parties), std::nullopt) << bad;
  }
}

TEST(Selectors, ApiSteps) {
  const NameSet parties = {"caller"};
  const NameSet steps = {"create", "step2"};
  for (const char* good : {"api create", "api step2", "api  create"})
    EXPECT_EQ(selector_problem(good, parties, steps), std::nullopt) << good;
  for (const char* bad : {"api", "api create now", "api 2create", "api cre.ate", "api fetch"})
    EXPECT_NE(selector_problem(bad, parties, steps), std::nullopt) << bad;
  auto parsed = parse_selector("api create");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->kind, Selector::Kind::api);
  EXPECT_EQ(parsed->api_step, "create");
}

TEST(Placeholders, ApiStepAnswers) {
  const NameSet parties = {"callee"};
  const NameSet steps = {"create"};
  EXPECT_EQ(
      placeholder_problem("/Calls/{{api:create.sid}}.json {{api:create.subresource_uris.events}} "
                          "{{api:create.calls.0.sid}}",
                          parties, steps),
      std::nullopt);
  EXPECT_NE(placeholder_problem("{{api:create.sid}}", parties), std::nullopt) << "no step known";
  EXPECT_NE(placeholder_problem("{{api:fetch.sid}}", parties, steps), std::nullopt);
  EXPECT_NE(placeholder_problem("{{api:create}}", parties, steps), std::nullopt);
  EXPECT_NE(placeholder_problem("{{api:create.}}", parties, steps), std::nullopt);
  EXPECT_NE(placeholder_problem("{{api:create..sid}}", parties, steps), std::nullopt);
}

TEST(Lint, ApiStepsNeedRestApiAndEarlierSteps) {
  Case test;
  test.id = "api/x";
  test.where = {"x.yaml", 1, 1};
  ApiStep create;
  create.name = "create";
  create.method = "POST";
  create.path = "/Calls/{{api:fetch.sid}}.json";
  create.where = {"x.yaml", 5, 5};
  test.api.push_back(create);
  ApiStep fetch = create;
  fetch.name = "fetch";
  fetch.path = "/Calls/{{api:create.sid}}.json";
  fetch.where = {"x.yaml", 6, 5};
  test.api.push_back(fetch);
  test.api.push_back(fetch);
  test.api.back().where = {"x.yaml", 7, 5};
  std::vector<std::string> texts;
  for (const auto& issue : lint_references(test)) texts.push_back(issue.to_string());
  EXPECT_EQ(
      texts,
      (std::vector<std::string>{
          "x.yaml:5:5: error: placeholder '{{api:fetch.sid}}' names no earlier api step (earlier "
          "steps: none)",
          "x.yaml:7:5: error: api step name 'fetch' is used twice"}));
  const Catalogue catalogue;
  const auto has = [&](const std::string& text) {
    const auto issues = lint({test}, catalogue, kData + "/scenarios", false);
    return std::any_of(issues.begin(), issues.end(),
                       [&](const LintIssue& i) { return i.to_string() == text; });
  };
  const std::string needs =
      "x.yaml:5:5: error: the case has api steps but does not require rest-api";
  EXPECT_TRUE(has(needs));
  test.requirements = {"rest-api"};
  EXPECT_FALSE(has(needs));
}

TEST(Placeholders, BuiltinsAndParties) {
  const NameSet parties = {"agentA"};
  EXPECT_EQ(placeholder_problem("{{token}} {{target}} {{domain}} {{webhook}} {{agentA}}", parties),
            std::nullopt);
  EXPECT_EQ(placeholder_problem("no placeholders { at all }", parties), std::nullopt);
  EXPECT_NE(placeholder_problem("{{agentB}}", parties), std::nullopt);
  EXPECT_NE(placeholder_problem("{{agentA", parties), std::nullopt);
  EXPECT_NE(placeholder_problem("{{}}", parties), std::nullopt);
  // A field of one of the profile's extra domains.
  EXPECT_EQ(placeholder_problem("{{domain:acl}} {{username:credentials}} {{password:registration}}", parties),
            std::nullopt);
  EXPECT_NE(placeholder_problem("{{domain:mail}}", parties), std::nullopt);
  EXPECT_NE(placeholder_problem("{{secret:acl}}", parties), std::nullopt);
  EXPECT_NE(placeholder_problem("{{domain:}}", parties), std::nullopt);
}

TEST(Lint, ReferencesOfACaseBuiltInCode) {
  Case test;
  test.id = "sip/x";
  test.where = {"x.yaml", 1, 1};
  Party caller;
  caller.name = "caller";
  caller.where = {"x.yaml", 4, 3};
  test.parties.push_back(caller);
  WebhookDoc voice;
  voice.path = "/voice";
  voice.body = "{{callee}}";
  voice.where = {"x.yaml", 2, 3};
  test.webhooks.push_back(voice);
  OrderCheck order;
  order.first = "caller <- BYE";
  order.second = "callee <- BYE";
  order.where = {"x.yaml", 9, 7};
  test.expect.order.push_back(order);
  const auto issues = lint_references(test);
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].to_string(),
            "x.yaml:2:3: error: unknown placeholder '{{callee}}': not a declared party (caller) "
            "nor one of token, target, domain, webhook");
  EXPECT_EQ(issues[1].to_string(),
            "x.yaml:9:7: error: unknown party 'callee' in selector 'callee <- BYE' (declared: "
            "caller; or target)");
}

// ---- catalogue ---------------------------------------------------------------------------------

TEST(Catalogue, FixtureHasEveryBehaviourOfTheSpec) {
  const std::string path = std::string(SIPCONFORM_SOURCE_DIR) + "/fixtures/spec/behaviours.yaml";
  const auto catalogue = load_catalogue(path);
  ASSERT_TRUE(catalogue.has_value()) << catalogue.error().message;
  // spec/behaviours.md (revised 2026-11-24) lists 97 IDs in 9 sections.
  EXPECT_EQ(catalogue->behaviours.size(), 97u);
  std::vector<std::string> sections;
  for (const auto& behaviour : catalogue->behaviours) {
    if (sections.empty() || sections.back() != behaviour.section)
      sections.push_back(behaviour.section);
    EXPECT_FALSE(behaviour.text.empty()) << behaviour.id;
    EXPECT_FALSE(behaviour.source.empty()) << behaviour.id;
  }
  EXPECT_EQ(sections, (std::vector<std::string>{"webhook", "twiml", "dial", "sip", "multi", "refer",
                                                "app", "api", "inbound"}));
  const std::vector<std::pair<std::string, Level>> samples = {
      {"webhook.params.standard", Level::doc},
      {"webhook.failure-no-fallback", Level::ref},
      {"twiml.say-play", Level::ref},
      {"dial.status-mapping", Level::ref},
      {"sip.headers.custom", Level::doc},
      {"sip.edge.source", Level::ref},
      {"multi.client", Level::ref},
      {"refer.aob-true.no-answer", Level::doc},
      {"refer.outbound", Level::doc},
      {"app.return-params", Level::doc},
      {"api.applications", Level::doc},
      {"inbound.register", Level::doc}};
  for (const auto& [id, level] : samples) {
    const Behaviour* behaviour = catalogue->find(id);
    ASSERT_NE(behaviour, nullptr) << id;
    EXPECT_EQ(behaviour->level, level) << id;
  }
  EXPECT_EQ(catalogue->find("sip.headers.custom")->source, "seeds 002, 003");
  EXPECT_EQ(catalogue->find("sip.nonexistent"), nullptr);
}

TEST(Catalogue, Errors) {
  auto error_of = [](const std::string& yaml) {
    const std::string path = write_file("behaviours.yaml", yaml);
    const auto loaded = load_catalogue(path);
    return loaded ? std::string("loaded") : loaded.error().message.substr(path.size());
  };
  EXPECT_EQ(
      error_of(
          "behaviours:\n  - { id: a.b, level: doc, section: a, source: s, text: t, note: n }\n"),
      ":2:60: unknown key 'note' in a behaviour (allowed: id, level, section, text, source)");
  EXPECT_EQ(error_of("behaviours:\n  - { id: a.b, level: doc, section: b, source: s, text: t }\n"),
            ":2:37: section 'b' does not match the ID a.b");
  EXPECT_EQ(error_of("behaviours:\n  - { id: a.b, level: must, section: a, source: s, text: t }\n"),
            ":2:23: bad value 'must' for level: expected doc or ref");
  EXPECT_EQ(error_of("behaviours:\n  - { id: a.b, level: doc, section: a, source: s, text: t }\n"
                     "  - { id: a.b, level: ref, section: a, source: s, text: t }\n"),
            ":3:11: duplicate behaviour ID a.b");
  EXPECT_EQ(error_of("behaviours:\n  - { id: a.b, level: doc, section: a, text: t }\n"),
            ":2:5: a behaviour is missing the required key 'source'");
}

// ---- lint, list, coverage ----------------------------------------------------------------------

class LintTree : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = load_cases(kData + "/lint");
    ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
    cases_ = std::move(*loaded);
    auto catalogue = load_catalogue(kData + "/lint-catalogue.yaml");
    ASSERT_TRUE(catalogue.has_value()) << catalogue.error().message;
    catalogue_ = std::move(*catalogue);
  }
  std::vector<std::string> issues(bool full_coverage) const {
    std::vector<std::string> out;
    for (const auto& issue : lint(cases_, catalogue_, kData + "/scenarios", full_coverage)) {
      out.push_back(issue.to_string());
    }
    return out;
  }
  std::vector<Case> cases_;
  Catalogue catalogue_;
};

TEST_F(LintTree, ReportsEachProblemAtItsPlace) {
  const std::string dir = kData + "/lint";
  EXPECT_THAT(
      issues(false),
      ::testing::UnorderedElementsAre(
          dir + "/sip/good.yaml:1:5: error: duplicate id 'sip/good' (first in " + dir +
              "/extra/sip/good.yaml)",
          dir + "/sip/problems.yaml:3:30: error: unknown behaviour ID 'sip.headers.custum' (not in "
                "the catalogue)",
          dir + "/sip/problems.yaml:4:17: error: unknown capability 'teleport' (known: udp, tcp, "
                "tls, refer, app-connect, "
                "registration, rest-api, debugger-webhook, dtmf, enhanced-sip, media, pstn, "
                "direct-ingress)",
          dir +
              "/sip/problems.yaml:7:3: error: scenario 'callee-missing.xml' of party 'callee' is "
              "not in " +
              kData + "/scenarios",
          dir + "/sip/problems.yaml:7:3: warning: party 'callee' uses tls but the case does not "
                "require tls",
          dir + "/sip/misnamed.yaml:1:5: error: id 'sip/renamed' does not match the file's path: "
                "the file must be "
                "<cases folder>/sip/renamed.yaml",
          kData +
              "/lint-catalogue.yaml:5:5: warning: behaviour refer.accept is checked by no case"));
}

TEST_F(LintTree, FullCoverageTurnsUntestedIdsIntoErrors) {
  EXPECT_THAT(
      issues(true),
      ::testing::Contains(
          kData + "/lint-catalogue.yaml:5:5: error: behaviour refer.accept is checked by no case"));
}

TEST_F(LintTree, AlertExpectationsNeedTheDebuggerWebhookCapability) {
  Case test = cases_.front();
  RequestCheck alert;
  alert.path = "/debugger";
  alert.where = {"/x/sip/good.yaml", 12, 7};
  test.expect.requests.push_back(alert);
  const std::string issue =
      "/x/sip/good.yaml:12:7: error: a request to /debugger is expected but the case does not "
      "require debugger-webhook";
  auto texts = [&](const Case& c) {
    std::vector<std::string> out;
    for (const auto& i : lint({c}, catalogue_, kData + "/scenarios", false))
      out.push_back(i.to_string());
    return out;
  };
  EXPECT_THAT(texts(test), ::testing::Contains(issue));
  test.expect.requests.back().count = 0;  // "no alert" needs no alerts to be posted
  EXPECT_THAT(texts(test), ::testing::Not(::testing::Contains(issue)));
  test.expect.requests.back().count.reset();
  test.requirements.push_back("debugger-webhook");
  EXPECT_THAT(texts(test), ::testing::Not(::testing::Contains(issue)));
}

TEST_F(LintTree, SectionOfTheIdMustBeInTheCatalogue) {
  Case test = cases_.front();
  test.id = "media/good";
  test.where.file = "/x/media/good.yaml";
  test.id_where = {"/x/media/good.yaml", 1, 5};
  const auto found = lint({test}, catalogue_, kData + "/scenarios", false);
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found.front().to_string(),
            "/x/media/good.yaml:1:5: error: id 'media/good' must start with a catalogue section "
            "(refer, sip)");
}

TEST_F(LintTree, CoverageRowsAndTable) {
  const auto rows = coverage(catalogue_, cases_, {{"sip.headers.custom", "FAIL"}});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].id, "sip.headers.custom");
  EXPECT_EQ(rows[0].cases,
            (std::vector<std::string>{"sip/good", "sip/good", "sip/problems", "sip/renamed"}));
  EXPECT_EQ(rows[0].last_verdict, "FAIL");
  EXPECT_EQ(rows[1].cases, (std::vector<std::string>{"sip/good"}));
  EXPECT_EQ(rows[1].last_verdict, "");
  EXPECT_TRUE(rows[2].cases.empty());
  const std::string table = coverage_table(rows);
  EXPECT_THAT(table, HasSubstr("sip.headers.custom    DOC  4      FAIL            sip/good, "
                               "sip/good, sip/problems, sip/renamed\n"));
  EXPECT_THAT(table, HasSubstr("refer.accept          DOC  0      -               (untested)\n"));
  EXPECT_THAT(table, HasSubstr("2 of 3 behaviour IDs have cases; 1 untested\n"));
}

TEST_F(LintTree, CaseList) {
  const std::string list = case_list(cases_);
  EXPECT_THAT(list, HasSubstr("sip/good      sip.headers.custom, sip.headers.identity\n"));
  EXPECT_THAT(
      list,
      HasSubstr(
          "sip/problems  sip.headers.custom, sip.headers.custum  (requires tcp, teleport)\n"));
}

}  // namespace
}  // namespace sipconform
