// REST steps [api.*]: JSON paths and flattening, form encoding, and the step runner against a
// small httplib server standing in for a target's REST API (auth headers, repeated form keys,
// queries, answers feeding later steps, `after:` waits, transport errors, api.log).
#include "run/api_steps.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "check/checker.h"
#include "util/json.h"
#include "util/json_path.h"

namespace sipconform {
namespace {

using ::testing::HasSubstr;
using Pairs = std::vector<std::pair<std::string, std::string>>;

const std::string kSid = "ACc0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0";
const std::string kToken = "secret-token";
const std::string kCallSid = "CA0123456789abcdef0123456789abcdef";
const std::string kCalls = "/2010-04-01/Accounts/" + kSid + "/Calls";

double now_epoch() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

// --- JSON paths -------------------------------------------------------------------------------

TEST(JsonPath, MembersByKeyAndIndex) {
  auto json =
      parse_json(R"({"sid":"CA1","n":2,"ok":true,"none":null,"calls":[{"sid":"CA2"},{"sid":"CA3"}],
                             "uris":{"events":"/e"}})");
  ASSERT_TRUE(json) << json.error().message;
  EXPECT_EQ(json_text(*json_at(*json, "sid")), "CA1");
  EXPECT_EQ(json_text(*json_at(*json, "n")), "2");
  EXPECT_EQ(json_text(*json_at(*json, "ok")), "true");
  EXPECT_EQ(json_text(*json_at(*json, "none")), "null");
  EXPECT_EQ(json_text(*json_at(*json, "calls.1.sid")), "CA3");
  EXPECT_EQ(json_text(*json_at(*json, "uris")), R"({"events":"/e"})");
  EXPECT_EQ(json_at(*json, "calls.2.sid"), nullptr) << "past the end";
  EXPECT_EQ(json_at(*json, "calls.x"), nullptr) << "an array takes indexes only";
  EXPECT_EQ(json_at(*json, "sid.more"), nullptr) << "a scalar has no members";
  EXPECT_EQ(json_at(*json, "missing"), nullptr);
  EXPECT_EQ(json_at(*json, ""), &*json);
}

TEST(JsonPath, FlattenGivesEveryScalarInOrder) {
  auto json = parse_json(
      R"({"sid":"CA1","calls":[{"sid":"CA2"}],"uris":{"events":"/e"},"price":null,"n":1.5})");
  ASSERT_TRUE(json);
  EXPECT_EQ(flatten_json(*json), (Pairs{{"sid", "CA1"},
                                        {"calls.0.sid", "CA2"},
                                        {"uris.events", "/e"},
                                        {"price", "null"},
                                        {"n", "1.5"}}));
  EXPECT_TRUE(flatten_json(Json("just text")).empty()) << "a bare scalar has no path";
}

TEST(ApiSubstitutions, AnswersBecomePlaceholders) {
  std::map<std::string, std::string> substitutions{{"token", "tk000001"}};
  add_api_substitutions(
      "create",
      R"({"sid":"CA1","subresource_uris":{"events":"/Events.json"},"calls":[{"sid":"CA2"}]})",
      substitutions);
  add_api_substitutions("broken", "<html>not json</html>", substitutions);
  EXPECT_EQ(substitute("/Calls/{{api:create.sid}}.json {{api:create.subresource_uris.events}} "
                       "{{api:create.calls.0.sid}} {{token}} {{api:broken.sid}}",
                       substitutions),
            "/Calls/CA1.json /Events.json CA2 tk000001 {{api:broken.sid}}");
}

TEST(ApiRequest, PathsAndFormEncoding) {
  EXPECT_EQ(api_request_path("/Calls.json", kSid), "/2010-04-01/Accounts/" + kSid + "/Calls.json");
  EXPECT_EQ(api_request_path("/2010-04-01/Accounts/ACother/Calls.json", kSid),
            "/2010-04-01/Accounts/ACother/Calls.json");
  EXPECT_EQ(
      form_encode({{"To", "sip:a b@127.0.0.1:5060?X-A=1&B=2"},
                   {"E", "initiated"},
                   {"E", "ringing"},
                   {"Ü", "~._-"}}),
      "To=sip%3Aa%20b%40127.0.0.1%3A5060%3FX-A%3D1%26B%3D2&E=initiated&E=ringing&%C3%9C=~._-");
  EXPECT_EQ(form_encode({}), "");
}

// --- the runner against a stand-in REST API -----------------------------------------------------

struct Seen {
  std::string method;
  std::string target;  // path and query as sent
  std::string body;
  std::string content_type;
  bool has_authorization = false;
  std::string authorization;
  std::vector<std::string> events;  // StatusCallbackEvent values as the server decoded them
};

// Answers like a REST API: create 201, fetch/list 200, delete 204; records every request.
class StandInApi {
 public:
  StandInApi() {
    const auto handler = [this](const httplib::Request& req, httplib::Response& res) {
      answer(req, res);
    };
    server_.Get(".*", handler);
    server_.Post(".*", handler);
    server_.Delete(".*", handler);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() before the loop runs would be lost and the destructor's join would wait forever.
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~StandInApi() {
    server_.stop();
    thread_.join();
  }
  std::uint16_t port() const { return static_cast<std::uint16_t>(port_); }
  std::vector<Seen> seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  void answer(const httplib::Request& req, httplib::Response& res) {
    Seen one{req.method,
             req.target,
             req.body,
             req.get_header_value("Content-Type"),
             req.has_header("Authorization"),
             req.get_header_value("Authorization"),
             {}};
    for (std::size_t i = 0; i < req.get_param_value_count("StatusCallbackEvent"); ++i)
      one.events.push_back(req.get_param_value("StatusCallbackEvent", i));
    {
      std::lock_guard lock(mutex_);
      seen_.push_back(one);
    }
    if (req.method == "DELETE") {
      res.status = 204;
      return;
    }
    res.status = req.method == "POST" ? 201 : 200;
    res.set_content(R"({"sid":")" + kCallSid +
                        R"(","status":"queued","subresource_uris":{"events":"/e.json"},)" +
                        R"("calls":[{"sid":")" + kCallSid + R"("}]})",
                    "application/json");
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<Seen> seen_;
};

ApiStep step(std::string name, std::string method, std::string path) {
  ApiStep out;
  out.name = std::move(name);
  out.method = std::move(method);
  out.path = std::move(path);
  return out;
}

ApiStepSettings settings_for(std::uint16_t port) {
  ApiStepSettings settings;
  settings.host = "127.0.0.1";
  settings.port = port;
  settings.account_sid = kSid;
  settings.auth_token = kToken;
  settings.deadline_epoch = now_epoch() + 5;
  settings.request_timeout_s = 5;
  return settings;
}

std::string basic(const std::string& user, const std::string& password) {
  // Written out so the test does not share the runner's encoder.
  static const std::map<std::string, std::string> known = {
      {kSid + ":" + kToken, "QUNjMGMwYzBjMGMwYzBjMGMwYzBjMGMwYzBjMGMwYzBjMDpzZWNyZXQtdG9rZW4="},
      {kSid + ":" + kToken + "-wrong",
       "QUNjMGMwYzBjMGMwYzBjMGMwYzBjMGMwYzBjMGMwYzBjMDpzZWNyZXQtdG9rZW4td3Jvbmc="},
      {"AC" + std::string(32, 'f') + ":" + kToken,
       "QUNmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZjpzZWNyZXQtdG9rZW4="}};
  return "Basic " + known.at(user + ":" + password);
}

TEST(ApiSteps, SendsBasicAuthAsEachStepAsks) {
  StandInApi api;
  std::vector<ApiStep> steps = {step("a", "GET", "/Calls.json"), step("b", "GET", "/Calls.json"),
                                step("c", "GET", "/Calls.json"), step("d", "GET", "/Calls.json")};
  steps[1].auth = ApiStep::Auth::none;
  steps[2].auth = ApiStep::Auth::wrong_token;
  steps[3].auth = ApiStep::Auth::other_account;
  std::map<std::string, std::string> substitutions;
  const auto exchanges = run_api_steps(steps, settings_for(api.port()), substitutions);
  const auto seen = api.seen();
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0].authorization, basic(kSid, kToken));
  EXPECT_FALSE(seen[1].has_authorization);
  EXPECT_EQ(seen[2].authorization, basic(kSid, kToken + "-wrong"));
  EXPECT_EQ(seen[3].authorization, basic("AC" + std::string(32, 'f'), kToken));
  ASSERT_EQ(exchanges.size(), 4u);
  EXPECT_EQ(exchanges[0].authorization, "Basic " + kSid + ":*** (the account's auth token)");
  EXPECT_EQ(exchanges[1].authorization, "(none)");
  EXPECT_EQ(exchanges[2].authorization, "Basic " + kSid + ":*** (a wrong token)");
  for (const auto& exchange : exchanges) {
    EXPECT_EQ(exchange.authorization.find(kToken), std::string::npos)
        << "the secret stays out of the evidence";
    EXPECT_EQ(exchange.status, 200);
    EXPECT_TRUE(exchange.sent);
    EXPECT_LE(exchange.sent_epoch, exchange.answered_epoch);
  }
}

TEST(ApiSteps, FormWithRepeatedKeysQueryAndSubstitution) {
  StandInApi api;
  ApiStep create = step("create", "POST", "/Calls.json");
  create.form = {{"To", "sip:{{token}}@{{callee}}"},
                 {"StatusCallbackEvent", "initiated"},
                 {"StatusCallbackEvent", "ringing"},
                 {"Pad", "{{fill:5:x}}"}};
  ApiStep fetch = step("fetch", "GET", "/Calls/{{api:create.sid}}.json");
  ApiStep list = step("list", "GET", "/Calls.json");
  list.query = {{"To", "sip:{{token}}@{{callee}}"}, {"Status", "in progress"}};
  ApiStep remove = step("remove", "DELETE",
                        "/2010-04-01/Accounts/" + kSid + "/Calls/{{api:list.calls.0.sid}}.json");
  std::map<std::string, std::string> substitutions{{"token", "tk000001"},
                                                   {"callee", "127.20.1.1:5061"}};
  const auto exchanges =
      run_api_steps({create, fetch, list, remove}, settings_for(api.port()), substitutions);
  const auto seen = api.seen();
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].target, kCalls + ".json");
  EXPECT_EQ(seen[0].content_type, "application/x-www-form-urlencoded");
  EXPECT_EQ(seen[0].body,
            "To=sip%3Atk000001%40127.20.1.1%3A5061&StatusCallbackEvent=initiated&"
            "StatusCallbackEvent=ringing&Pad=xxxxx");
  EXPECT_EQ(seen[0].events, (std::vector<std::string>{"initiated", "ringing"}));
  EXPECT_EQ(seen[1].target, kCalls + "/" + kCallSid + ".json");
  EXPECT_EQ(seen[2].target,
            kCalls + ".json?To=sip%3Atk000001%40127.20.1.1%3A5061&Status=in%20progress");
  EXPECT_EQ(seen[3].method, "DELETE");
  EXPECT_EQ(seen[3].target, kCalls + "/" + kCallSid + ".json");

  ASSERT_EQ(exchanges.size(), 4u);
  EXPECT_EQ(exchanges[0].status, 201);
  EXPECT_EQ(exchanges[0].form, (Pairs{{"To", "sip:tk000001@127.20.1.1:5061"},
                                      {"StatusCallbackEvent", "initiated"},
                                      {"StatusCallbackEvent", "ringing"},
                                      {"Pad", "xxxxx"}}));
  EXPECT_EQ(exchanges[1].path, kCalls + "/" + kCallSid + ".json");
  EXPECT_EQ(exchanges[3].status, 204);
  EXPECT_EQ(substitutions.at("api:create.sid"), kCallSid);
  EXPECT_EQ(substitutions.at("api:fetch.subresource_uris.events"), "/e.json");
  EXPECT_EQ(substitutions.count("api:remove.sid"), 0u) << "204 has no JSON body";
}

TEST(ApiSteps, AfterWaitsForTheWebhookOfTheCase) {
  StandInApi api;
  std::mutex mutex;
  std::vector<WebhookEvent> hooks;
  auto settings = settings_for(api.port());
  settings.webhooks_seen = [&] {
    std::lock_guard lock(mutex);
    return hooks;
  };
  ApiStep update = step("update", "POST", "/Calls/x.json");
  update.after_webhook = "/voice";
  update.after_params = {{"CallStatus", "in-progress"}, {"Case", "{{token}}"}};
  std::thread target([&] {
    const auto hook = [](std::string path, Pairs params) {
      WebhookEvent event;
      event.path = std::move(path);
      event.params = std::move(params);
      return event;
    };
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    std::lock_guard lock(mutex);
    hooks.push_back(hook("/voice", {{"CallStatus", "ringing"}, {"Case", "tk1"}}));  // not yet
    hooks.push_back(
        hook("/status", {{"CallStatus", "in-progress"}, {"Case", "tk1"}}));  // other path
  });
  std::thread later([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    std::lock_guard lock(mutex);
    WebhookEvent event;
    event.path = "/voice";
    event.params = {{"Extra", "1"}, {"CallStatus", "in-progress"}, {"Case", "tk1"}};
    hooks.push_back(event);
  });
  std::map<std::string, std::string> substitutions{{"token", "tk1"}};
  const double start = now_epoch();
  const auto exchanges = run_api_steps({update}, settings, substitutions);
  target.join();
  later.join();
  ASSERT_EQ(exchanges.size(), 1u);
  EXPECT_TRUE(exchanges[0].sent);
  EXPECT_GE(exchanges[0].sent_epoch - start, 0.19) << "not before the matching request";
  EXPECT_EQ(api.seen().size(), 1u);
}

TEST(ApiSteps, NeverSeenWebhookOrUnknownAnswerMeansNotSent) {
  StandInApi api;
  auto settings = settings_for(api.port());
  settings.deadline_epoch = now_epoch() + 0.15;
  settings.webhooks_seen = [] { return std::vector<WebhookEvent>{}; };
  ApiStep waits = step("waits", "GET", "/Calls.json");
  waits.after_webhook = "/voice";
  waits.after_params = {{"CallStatus", "in-progress"}};
  ApiStep unknown = step("unknown", "GET", "/Calls/{{api:waits.sid}}.json");
  std::map<std::string, std::string> substitutions;
  const auto exchanges = run_api_steps({waits, unknown}, settings, substitutions);
  ASSERT_EQ(exchanges.size(), 2u);
  EXPECT_FALSE(exchanges[0].sent);
  EXPECT_EQ(exchanges[0].error,
            "never saw webhook /voice with CallStatus=in-progress before the case's timeout");
  EXPECT_FALSE(exchanges[1].sent);
  EXPECT_THAT(exchanges[1].error, HasSubstr("{{api:waits.sid}} is unknown"));
  EXPECT_TRUE(api.seen().empty());
}

TEST(ApiSteps, TransportErrorIsRecordedWithoutAStatus) {
  std::uint16_t closed = 0;
  {
    StandInApi gone;  // a port that was just free, then closed again
    closed = gone.port();
  }
  auto settings = settings_for(closed);
  settings.request_timeout_s = 1;
  std::map<std::string, std::string> substitutions;
  const auto exchanges = run_api_steps({step("a", "GET", "/Calls.json")}, settings, substitutions);
  ASSERT_EQ(exchanges.size(), 1u);
  EXPECT_TRUE(exchanges[0].sent);
  EXPECT_EQ(exchanges[0].status, 0);
  EXPECT_THAT(exchanges[0].error, HasSubstr("REST API at 127.0.0.1:" + std::to_string(closed)));
}

TEST(ApiSteps, LogShowsEachExchange) {
  ApiEvent created;
  created.name = "create";
  created.method = "POST";
  created.path = kCalls + ".json";
  created.form = {{"To", "sip:x@y"}};
  created.authorization = "Basic " + kSid + ":*** (the account's auth token)";
  created.sent = true;
  created.status = 201;
  created.body = R"({"sid":"CA1"})";
  created.sent_epoch = 100.5;
  created.answered_epoch = 100.75;
  ApiEvent skipped;
  skipped.name = "step2";
  skipped.method = "GET";
  skipped.path = "/Calls/{{api:create.sid}}.json";
  skipped.error = "never saw webhook /voice before the case's timeout";
  skipped.answered_epoch = 130;
  EXPECT_EQ(render_api_log({created, skipped}, 100),
            "[create] 0.500 s: POST " + kCalls +
                ".json\n"
                "  Authorization: Basic " +
                kSid +
                ":*** (the account's auth token)\n"
                "  To=sip:x@y\n"
                "  -> 201 at 0.750 s\n"
                "     {\n"
                "       \"sid\": \"CA1\"\n"
                "     }\n"
                "\n"
                "[step2] GET /Calls/{{api:create.sid}}.json not sent at 30.000 s: never saw "
                "webhook /voice before "
                "the case's timeout\n");
}

}  // namespace
}  // namespace sipconform
