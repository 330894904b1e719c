// The REST API without sockets, grouped by catalogue row: api.auth, api.calls.create,
// api.calls.update, api.calls.fetch-list, api.applications, plus routing and the JSON shapes.
// A fake Backend records what the router asked and answers with canned records or refusals.
#include "api/router.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "api/basic_auth.h"
#include "api/json_shapes.h"

namespace sipref::api {
namespace {

using namespace std::chrono_literals;
using twiml::CallEvent;

const std::string kAccount = "AC0123456789abcdef0123456789abcdef";
const std::string kToken = "0123456789abcdef0123456789abcdef";
const std::string kOtherAccount = "ACfedcba9876543210fedcba9876543210";
const std::string kOtherToken = "fedcba9876543210fedcba9876543210";
const std::string kCallSid = "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const std::string kAppSid = "APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const std::string kCalls = "/2010-04-01/Accounts/" + kAccount + "/Calls.json";
const std::string kCall = "/2010-04-01/Accounts/" + kAccount + "/Calls/" + kCallSid + ".json";
const std::string kApps = "/2010-04-01/Accounts/" + kAccount + "/Applications.json";
const std::string kApp = "/2010-04-01/Accounts/" + kAccount + "/Applications/" + kAppSid + ".json";
const std::string kForm = "application/x-www-form-urlencoded";

// Tue, 24 Nov 2026 04:31:02 +0000
const call::WallTime kCreated =
    std::chrono::sys_days{std::chrono::year{2026} / 11 / 24} + 4h + 31min + 2s;

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    unsigned chunk = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) chunk |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) chunk |= static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(chunk >> 18) & 63];
    out += kAlphabet[(chunk >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(chunk >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[chunk & 63] : '=';
  }
  return out;
}

std::string basic(std::string_view user, std::string_view password) {
  return "Basic " + base64(std::string(user) + ":" + std::string(password));
}

config::Config two_accounts() {
  config::Config config;
  for (const auto& [sid, token] :
       {std::pair{kAccount, kToken}, std::pair{kOtherAccount, kOtherToken}}) {
    config::Account account;
    account.sid = sid;
    account.auth_token = token;
    config.accounts.push_back(account);
  }
  return config;
}

call::CallRecord answered_call() {
  call::CallRecord call;
  call.sid = kCallSid;
  call.account_sid = kAccount;
  call.from = "+15005550006";
  call.to = "sip:alice@example.com";
  call.status = "in-progress";
  call.direction = "outbound-api";
  call.date_created = kCreated;
  call.date_updated = kCreated + 5s;
  call.start_time = kCreated + 3s;
  return call;
}

call::AppRecord an_app() {
  call::AppRecord app;
  app.sid = kAppSid;
  app.account_sid = kAccount;
  app.friendly_name = "Support line";
  app.voice_url = "https://example.com/voice";
  app.voice_method = HttpMethod::get;
  app.public_application_connect_enabled = true;
  app.date_created = kCreated;
  app.date_updated = kCreated;
  return app;
}

// Records the last request of each kind; answers with `calls`/`apps` or with `refusal` when set.
struct FakeBackend final : Backend {
  std::optional<call::Refusal> refusal;
  std::vector<call::CallRecord> calls{answered_call()};
  std::vector<call::AppRecord> apps{an_app()};
  std::optional<call::OutboundCall> created;
  std::optional<call::CallUpdate> updated;
  std::optional<call::CallFilter> filter;
  std::optional<call::AppChange> app_change;
  std::string last_account, last_sid, last_operation;
  int requests = 0;

  template <class T>
  std::expected<T, call::Refusal> reply(std::string operation, T value) {
    ++requests;
    last_operation = std::move(operation);
    if (refusal) return std::unexpected(*refusal);
    return value;
  }
  std::expected<call::CallRecord, call::Refusal> create_call(
      const call::OutboundCall& request) override {
    created = request;
    last_account = request.account_sid;
    return reply("create_call", calls.front());
  }
  std::expected<call::CallRecord, call::Refusal> find_call(const std::string& account,
                                                           const std::string& sid) override {
    last_account = account, last_sid = sid;
    return reply("find_call", calls.front());
  }
  std::expected<std::vector<call::CallRecord>, call::Refusal> list_calls(
      const std::string& account, const call::CallFilter& asked) override {
    last_account = account, filter = asked;
    return reply("list_calls", calls);
  }
  std::expected<call::CallRecord, call::Refusal> update_call(
      const std::string& account, const std::string& sid, const call::CallUpdate& update) override {
    last_account = account, last_sid = sid, updated = update;
    return reply("update_call", calls.front());
  }
  std::expected<call::AppRecord, call::Refusal> create_application(
      const std::string& account, const call::AppChange& fields) override {
    last_account = account, app_change = fields;
    return reply("create_application", apps.front());
  }
  std::expected<call::AppRecord, call::Refusal> find_application(const std::string& account,
                                                                 const std::string& sid) override {
    last_account = account, last_sid = sid;
    return reply("find_application", apps.front());
  }
  std::expected<std::vector<call::AppRecord>, call::Refusal> list_applications(
      const std::string& account) override {
    last_account = account;
    return reply("list_applications", apps);
  }
  std::expected<call::AppRecord, call::Refusal> update_application(
      const std::string& account, const std::string& sid, const call::AppChange& fields) override {
    last_account = account, last_sid = sid, app_change = fields;
    return reply("update_application", apps.front());
  }
  std::expected<void, call::Refusal> delete_application(const std::string& account,
                                                        const std::string& sid) override {
    last_account = account, last_sid = sid, last_operation = "delete_application", ++requests;
    if (refusal) return std::unexpected(*refusal);
    return {};
  }
};

class RestRouter : public ::testing::Test {
 protected:
  HttpResponse send(HttpRequest request) { return handle_rest(request, backend, config); }
  HttpResponse post(const std::string& path, const std::string& body) {
    return send({.method = "POST",
                 .path = path,
                 .query = "",
                 .authorization = basic(kAccount, kToken),
                 .content_type = kForm,
                 .body = body});
  }
  HttpResponse get(const std::string& path, const std::string& query = "") {
    return send({.method = "GET",
                 .path = path,
                 .query = query,
                 .authorization = basic(kAccount, kToken),
                 .content_type = "",
                 .body = ""});
  }
  HttpResponse create_call(const std::string& extra) {
    return post(kCalls, "To=sip%3Aalice%40example.com&From=%2B15005550006&" + extra);
  }

  FakeBackend backend;
  config::Config config = two_accounts();
};

// Expected / Actual of an error answer: its status and the code and message of its body.
void expect_error(const HttpResponse& response, int status, int code, const std::string& message) {
  EXPECT_EQ(response.status, status) << response.body;
  EXPECT_EQ(response.body, error_json(status, code, message));
}

// Every `"key": ` appears, in this order.
void expect_keys_in_order(const std::string& json, const std::vector<std::string>& keys) {
  std::size_t at = 0;
  for (const auto& key : keys) {
    auto found = json.find("\"" + key + "\": ", at);
    ASSERT_NE(found, std::string::npos) << "key " << key << " missing or out of order in " << json;
    at = found + key.size();
  }
}

// ---- api.auth --------------------------------------------------------------------------------

TEST_F(RestRouter, AuthMissingHeaderIs401WithChallenge) {
  auto response = send({.method = "GET",
                        .path = kCalls,
                        .query = "",
                        .authorization = "",
                        .content_type = "",
                        .body = ""});
  expect_error(response, 401, 20003, "Authenticate");
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0].first, "WWW-Authenticate");
  EXPECT_EQ(response.headers[0].second, "Basic realm=\"Twilio API\"");
  EXPECT_EQ(backend.requests, 0);
}

TEST_F(RestRouter, AuthWrongTokenIs401) {
  auto response = send({.method = "GET",
                        .path = kCalls,
                        .query = "",
                        .authorization = basic(kAccount, kOtherToken),
                        .content_type = "",
                        .body = ""});
  expect_error(response, 401, 20003, "Authenticate");
  EXPECT_EQ(backend.requests, 0);
}

TEST_F(RestRouter, AuthOtherAccountsCredentialsAre401) {
  // Right credentials, but of another account than the path's.
  auto response = send({.method = "GET",
                        .path = kCalls,
                        .query = "",
                        .authorization = basic(kOtherAccount, kOtherToken),
                        .content_type = "",
                        .body = ""});
  expect_error(response, 401, 20003, "Authenticate");
}

TEST_F(RestRouter, AuthUnknownAccountIs401) {
  const std::string stranger = "AC99999999999999999999999999999999";
  auto response = send({.method = "GET",
                        .path = "/2010-04-01/Accounts/" + stranger + "/Calls.json",
                        .query = "",
                        .authorization = basic(stranger, kToken),
                        .content_type = "",
                        .body = ""});
  expect_error(response, 401, 20003, "Authenticate");
}

TEST_F(RestRouter, AuthMalformedHeadersAre401) {
  for (std::string header :
       {std::string("Bearer abc"), std::string("Basic !!!notbase64"),
        "Basic " + base64(kAccount + kToken) /* no colon */, std::string("Basic")}) {
    auto response = send({.method = "GET",
                          .path = kCalls,
                          .query = "",
                          .authorization = header,
                          .content_type = "",
                          .body = ""});
    EXPECT_EQ(response.status, 401) << header;
  }
}

TEST_F(RestRouter, AuthRightCredentialsReachTheBackend) {
  auto response = get(kCall);
  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(backend.last_operation, "find_call");
  EXPECT_EQ(backend.last_account, kAccount);
  EXPECT_EQ(backend.last_sid, kCallSid);
}

TEST_F(RestRouter, AuthSchemeIsCaseInsensitive) {
  auto response = send({.method = "GET",
                        .path = kCall,
                        .query = "",
                        .authorization = "basic " + base64(kAccount + ":" + kToken),
                        .content_type = "",
                        .body = ""});
  EXPECT_EQ(response.status, 200);
}

TEST_F(RestRouter, AuthComesBeforeNotFoundUnderAccounts) {
  auto response = send({.method = "GET",
                        .path = "/2010-04-01/Accounts/" + kAccount + "/Nothing.json",
                        .query = "",
                        .authorization = "",
                        .content_type = "",
                        .body = ""});
  EXPECT_EQ(response.status, 401);
}

TEST(BasicAuth, ParsesUsernameAndPasswordWithColons) {
  auto credentials = parse_basic_authorization(basic("user", "pa:ss"));
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->username, "user");
  EXPECT_EQ(credentials->password, "pa:ss");
  EXPECT_FALSE(parse_basic_authorization(""));
}

TEST(BasicAuth, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal(kToken, kToken));
  EXPECT_FALSE(constant_time_equal(kOtherToken, kToken));
  EXPECT_FALSE(constant_time_equal(kToken.substr(0, 31), kToken));  // a prefix
  EXPECT_FALSE(constant_time_equal(kToken + "0", kToken));
  EXPECT_FALSE(constant_time_equal("", kToken));
  EXPECT_TRUE(constant_time_equal("", ""));
}

// ---- routing -------------------------------------------------------------------------------

TEST_F(RestRouter, UnknownPathIs404) {
  expect_error(
      get("/2010-04-01/Accounts/" + kAccount + "/Queues.json"), 404, 20404,
      "The requested resource /2010-04-01/Accounts/" + kAccount + "/Queues.json was not found");
  EXPECT_EQ(get("/2010-04-01/Other").status, 404);
  EXPECT_EQ(get("/2010-04-01/Accounts/" + kAccount + "/Calls/" + kCallSid).status,
            404);  // no .json
  EXPECT_EQ(get("/2010-04-01/Accounts/" + kAccount + "/Calls/.json").status, 404);
  EXPECT_EQ(backend.requests, 0);
}

TEST_F(RestRouter, OtherMethodOnKnownPathIs405) {
  auto send_as = [&](std::string method, std::string path) {
    return send({.method = std::move(method),
                 .path = std::move(path),
                 .query = "",
                 .authorization = basic(kAccount, kToken),
                 .content_type = "",
                 .body = ""});
  };
  expect_error(send_as("DELETE", kCalls), 405, 20004, "Method not allowed");
  expect_error(send_as("DELETE", kCall), 405, 20004, "Method not allowed");
  expect_error(send_as("PUT", kApps), 405, 20004, "Method not allowed");
  expect_error(send_as("PATCH", kApp), 405, 20004, "Method not allowed");
  EXPECT_EQ(backend.requests, 0);
}

TEST_F(RestRouter, BackendRefusalBecomesTheErrorBody) {
  backend.refusal = call::Refusal{404, 20404, "The requested resource was not found"};
  expect_error(get(kCall), 404, 20404, "The requested resource was not found");
}

TEST_F(RestRouter, ErrorBodyShape) {
  EXPECT_EQ(error_json(400, 21201, "No 'To' number is specified"),
            "{\"code\": 21201, \"message\": \"No 'To' number is specified\", "
            "\"more_info\": \"https://www.twilio.com/docs/errors/21201\", \"status\": 400}");
}

TEST_F(RestRouter, PostBodyMustBeAForm) {
  auto response = send({.method = "POST",
                        .path = kCalls,
                        .query = "",
                        .authorization = basic(kAccount, kToken),
                        .content_type = "application/json",
                        .body = "{\"To\":\"x\"}"});
  expect_error(response, 400, 20001, "Content-Type must be application/x-www-form-urlencoded");
  EXPECT_EQ(post(kCalls, "To=%zz").status, 400);  // not decodable
  EXPECT_EQ(post(kCalls, "To=%zz").body.find("\"code\": 20001") != std::string::npos, true);
  // A charset parameter is fine.
  auto with_charset = send({.method = "POST",
                            .path = kCalls,
                            .query = "",
                            .authorization = basic(kAccount, kToken),
                            .content_type = "Application/X-WWW-Form-Urlencoded; charset=utf-8",
                            .body = "To=a&From=b&Url=https%3A%2F%2Fexample.com%2Fa"});
  EXPECT_EQ(with_charset.status, 201) << with_charset.body;
  EXPECT_EQ(backend.requests, 1);
}

// ---- api.calls.create ----------------------------------------------------------------------

TEST_F(RestRouter, CreateCallPassesEveryField) {
  auto response = create_call(
      "Url=https%3A%2F%2Fexample.com%2Fvoice&Method=get&FallbackUrl=http%3A%2F%2Fexample.com%2Ffb"
      "&FallbackMethod=GET&StatusCallback=https%3A%2F%2Fexample.com%2Fstatus&StatusCallbackMethod="
      "Get"
      "&Timeout=30&SipAuthUsername=bob&SipAuthPassword=secret&Unknown=ignored");
  ASSERT_EQ(response.status, 201) << response.body;
  EXPECT_EQ(response.body, call_json(answered_call()));
  ASSERT_TRUE(backend.created);
  const auto& call = *backend.created;
  EXPECT_EQ(call.account_sid, kAccount);
  EXPECT_EQ(call.to, "sip:alice@example.com");
  EXPECT_EQ(call.from, "+15005550006");
  EXPECT_EQ(call.url, "https://example.com/voice");
  EXPECT_EQ(call.method, HttpMethod::get);
  EXPECT_EQ(call.fallback_url, "http://example.com/fb");
  EXPECT_EQ(call.fallback_method, HttpMethod::get);
  EXPECT_EQ(call.status_callback, "https://example.com/status");
  EXPECT_EQ(call.status_callback_method, HttpMethod::get);
  EXPECT_TRUE(call.status_callback_events.empty());
  EXPECT_EQ(call.timeout_s, 30);
  EXPECT_EQ(call.sip_auth_username, "bob");
  EXPECT_EQ(call.sip_auth_password, "secret");
  EXPECT_FALSE(call.twiml);
  EXPECT_FALSE(call.application_sid);
}

TEST_F(RestRouter, CreateCallDefaults) {
  ASSERT_EQ(create_call("Twiml=%3CResponse%2F%3E").status, 201);
  const auto& call = *backend.created;
  EXPECT_EQ(call.twiml, "<Response/>");
  EXPECT_FALSE(call.url);
  EXPECT_EQ(call.method, HttpMethod::post);
  EXPECT_EQ(call.timeout_s, 60);
  EXPECT_FALSE(call.status_callback);
  EXPECT_FALSE(call.sip_auth_username);
}

TEST_F(RestRouter, CreateCallRequiredFields) {
  expect_error(post(kCalls, "From=%2B1&Url=https%3A%2F%2Fa.example"), 400, 21201,
               "No 'To' number is specified");
  expect_error(post(kCalls, "To=&From=%2B1&Url=https%3A%2F%2Fa.example"), 400, 21201,
               "No 'To' number is specified");
  expect_error(post(kCalls, "To=%2B1&Url=https%3A%2F%2Fa.example"), 400, 21213,
               "No 'From' number is specified");
  expect_error(create_call("Method=GET"), 400, 21205, "Url parameter is required");
  EXPECT_EQ(backend.requests, 0);
}

TEST_F(RestRouter, CreateCallUrlsMustBeAbsoluteHttp) {
  expect_error(create_call("Url=%2Fvoice"), 400, 21205, "Url is not a valid URL: /voice");
  expect_error(create_call("Url=ftp%3A%2F%2Fa.example%2Fx"), 400, 21205,
               "Url is not a valid URL: ftp://a.example/x");
  expect_error(create_call("Url=https%3A%2F%2Fa.example&FallbackUrl=fallback"), 400, 21205,
               "FallbackUrl is not a valid URL: fallback");
  expect_error(create_call("Url=https%3A%2F%2Fa.example&StatusCallback=status"), 400, 21609,
               "StatusCallback is not a valid URL: status");
  EXPECT_EQ(backend.requests, 0);
}

TEST_F(RestRouter, CreateCallMethodsMustBeGetOrPost) {
  expect_error(create_call("Url=https%3A%2F%2Fa.example&Method=PUT"), 400, 21209,
               "Method is not valid: PUT");
  expect_error(create_call("Url=https%3A%2F%2Fa.example&FallbackMethod=HEAD"), 400, 21209,
               "FallbackMethod is not valid: HEAD");
  expect_error(create_call("Url=https%3A%2F%2Fa.example&StatusCallbackMethod=DELETE"), 400, 21209,
               "StatusCallbackMethod is not valid: DELETE");
  ASSERT_EQ(create_call("Url=https%3A%2F%2Fa.example&Method=pOsT").status, 201);
  EXPECT_EQ(backend.created->method, HttpMethod::post);
}

TEST_F(RestRouter, CreateCallTimeout) {
  for (std::string bad : {"0", "-5", "abc", "1.5", "00"})
    expect_error(create_call("Url=https%3A%2F%2Fa.example&Timeout=" + bad), 400, 21208,
                 "Timeout is not valid: " + bad);
  expect_error(create_call("Url=https%3A%2F%2Fa.example&Timeout=%2B5"), 400, 21208,
               "Timeout is not valid: +5");
  ASSERT_EQ(create_call("Url=https%3A%2F%2Fa.example&Timeout=1").status, 201);
  EXPECT_EQ(backend.created->timeout_s, 1);
  ASSERT_EQ(create_call("Url=https%3A%2F%2Fa.example&Timeout=600").status, 201);
  EXPECT_EQ(backend.created->timeout_s, 600);
  ASSERT_EQ(create_call("Url=https%3A%2F%2Fa.example&Timeout=601").status, 201);
  EXPECT_EQ(backend.created->timeout_s, 600);
  ASSERT_EQ(create_call("Url=https%3A%2F%2Fa.example&Timeout=99999999999999999999").status, 201);
  EXPECT_EQ(backend.created->timeout_s, 600);
  ASSERT_EQ(create_call("Url=https%3A%2F%2Fa.example&Timeout=007").status, 201);
  EXPECT_EQ(backend.created->timeout_s, 7);
}

TEST_F(RestRouter, CreateCallRepeatedStatusCallbackEventKeepsOrder) {
  ASSERT_EQ(
      create_call(
          "Url=https%3A%2F%2Fa.example&StatusCallbackEvent=completed&StatusCallbackEvent=initiated"
          "&StatusCallbackEvent=ringing+answered")
          .status,
      201);
  EXPECT_EQ(backend.created->status_callback_events,
            (std::vector<CallEvent>{CallEvent::completed, CallEvent::initiated, CallEvent::ringing,
                                    CallEvent::answered}));
}

TEST_F(RestRouter, CreateCallUnknownStatusCallbackEvent) {
  expect_error(create_call("Url=https%3A%2F%2Fa.example&StatusCallbackEvent=initiated+queued"), 400,
               21626, "StatusCallbackEvent is not valid: queued");
}

TEST_F(RestRouter, CreateCallTwimlIgnoredWhenUrlPresent) {
  // Too long for a Twiml, but ignored: Url wins (provider's documentation for create).
  ASSERT_EQ(create_call("Url=https%3A%2F%2Fa.example&Twiml=" + std::string(5000, 'x')).status, 201);
  EXPECT_EQ(backend.created->url, "https://a.example");
  EXPECT_FALSE(backend.created->twiml);
}

TEST_F(RestRouter, CreateCallTwimlLength) {
  ASSERT_EQ(create_call("Twiml=" + std::string(4000, 'x')).status, 201);
  // 4000 characters of two bytes each are still 4000 characters.
  std::string two_byte_characters;
  for (int i = 0; i < 4000; ++i) two_byte_characters += "%C3%A9";
  ASSERT_EQ(create_call("Twiml=" + two_byte_characters).status, 201);
  expect_error(create_call("Twiml=" + std::string(4001, 'x')), 400, 20001,
               "Twiml is longer than 4000 characters");
}

TEST_F(RestRouter, CreateCallApplicationSidIgnoresUrlAndCallbacks) {
  // All of these would be refused without ApplicationSid.
  auto response = create_call(
      "ApplicationSid=" + kAppSid +
      "&Url=not-a-url&Method=PUT&FallbackUrl=x&FallbackMethod=Y&StatusCallback=z"
      "&StatusCallbackMethod=W&StatusCallbackEvent=bogus&Twiml=%3CResponse%2F%3E&Timeout=20");
  ASSERT_EQ(response.status, 201) << response.body;
  const auto& call = *backend.created;
  EXPECT_EQ(call.application_sid, kAppSid);
  EXPECT_FALSE(call.url);
  EXPECT_FALSE(call.twiml);
  EXPECT_FALSE(call.fallback_url);
  EXPECT_FALSE(call.status_callback);
  EXPECT_TRUE(call.status_callback_events.empty());
  EXPECT_EQ(call.timeout_s, 20);  // Timeout still applies
  expect_error(create_call("ApplicationSid=" + kAppSid + "&Timeout=x"), 400, 21208,
               "Timeout is not valid: x");
}

TEST_F(RestRouter, CreateCallUsesThePathsAccount) {
  ASSERT_EQ(create_call("Url=https%3A%2F%2Fa.example&AccountSid=" + kOtherAccount).status, 201);
  EXPECT_EQ(backend.created->account_sid, kAccount);
}

// ---- api.calls.update ----------------------------------------------------------------------

TEST_F(RestRouter, UpdateCallRedirect) {
  auto response = post(kCall, "Url=https%3A%2F%2Fexample.com%2Fnext&Method=GET");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.body, call_json(answered_call()));
  EXPECT_EQ(backend.last_sid, kCallSid);
  EXPECT_EQ(backend.updated->url, "https://example.com/next");
  EXPECT_EQ(backend.updated->method, HttpMethod::get);
  EXPECT_FALSE(backend.updated->status);
}

TEST_F(RestRouter, UpdateCallStatusAndTwiml) {
  ASSERT_EQ(post(kCall, "Status=completed").status, 200);
  EXPECT_EQ(backend.updated->status, "completed");
  ASSERT_EQ(post(kCall, "Status=canceled").status, 200);
  EXPECT_EQ(backend.updated->status, "canceled");
  ASSERT_EQ(post(kCall, "Twiml=%3CResponse%3E%3CHangup%2F%3E%3C%2FResponse%3E").status, 200);
  EXPECT_EQ(backend.updated->twiml, "<Response><Hangup/></Response>");
}

TEST_F(RestRouter, UpdateCallValidation) {
  expect_error(post(kCall, "Url=https%3A%2F%2Fa.example&Twiml=%3CResponse%2F%3E"), 400, 20001,
               "Twiml and Url are mutually exclusive");
  expect_error(post(kCall, "Status=busy"), 400, 20001, "Status must be completed or canceled");
  expect_error(post(kCall, ""), 400, 20001, "Nothing to update: give Url, Twiml or Status");
  expect_error(post(kCall, "Method=GET"), 400, 20001,
               "Nothing to update: give Url, Twiml or Status");
  expect_error(post(kCall, "Url=https%3A%2F%2Fa.example&Method=PUT"), 400, 21209,
               "Method is not valid: PUT");
  expect_error(post(kCall, "Url=relative"), 400, 21205, "Url is not a valid URL: relative");
  EXPECT_EQ(backend.requests, 0);
}

// ---- api.calls.fetch-list ------------------------------------------------------------------

TEST_F(RestRouter, CallJsonShape) {
  auto call = answered_call();
  call.parent_call_sid = "";
  auto json = call_json(call);
  expect_keys_in_order(json, {"sid",
                              "date_created",
                              "date_updated",
                              "parent_call_sid",
                              "account_sid",
                              "to",
                              "to_formatted",
                              "from",
                              "from_formatted",
                              "phone_number_sid",
                              "status",
                              "start_time",
                              "end_time",
                              "duration",
                              "price",
                              "price_unit",
                              "direction",
                              "answered_by",
                              "api_version",
                              "forwarded_from",
                              "group_sid",
                              "caller_name",
                              "queue_time",
                              "trunk_sid",
                              "uri",
                              "subresource_uris"});
  EXPECT_NE(json.find("\"date_created\": \"Tue, 24 Nov 2026 04:31:02 +0000\""), std::string::npos)
      << json;
  EXPECT_NE(json.find("\"start_time\": \"Tue, 24 Nov 2026 04:31:05 +0000\""), std::string::npos);
  EXPECT_NE(json.find("\"parent_call_sid\": null"), std::string::npos);
  EXPECT_NE(json.find("\"end_time\": null"), std::string::npos);
  EXPECT_NE(json.find("\"duration\": null"), std::string::npos);
  EXPECT_NE(json.find("\"to_formatted\": \"sip:alice@example.com\""), std::string::npos);
  EXPECT_NE(json.find("\"price_unit\": \"USD\""), std::string::npos);
  EXPECT_NE(json.find("\"queue_time\": \"0\""), std::string::npos);
  EXPECT_NE(json.find("\"api_version\": \"2010-04-01\""), std::string::npos);
  EXPECT_NE(json.find("\"uri\": \"" + kCall + "\""), std::string::npos);
  const std::string base = kCall.substr(0, kCall.size() - 5);
  expect_keys_in_order(
      json, {"subresource_uris", "notifications", "recordings", "payments", "events", "siprec",
             "streams", "user_defined_message_subscriptions", "user_defined_messages"});
  EXPECT_NE(json.find("\"notifications\": \"" + base + "/Notifications.json\""), std::string::npos);
  EXPECT_NE(json.find("\"user_defined_message_subscriptions\": \"" + base +
                      "/UserDefinedMessageSubscriptions.json\""),
            std::string::npos);
  EXPECT_TRUE(json.ends_with("/UserDefinedMessages.json\"}}")) << json;
}

TEST_F(RestRouter, CallJsonOfAnEndedChildLeg) {
  auto call = answered_call();
  call.parent_call_sid = "CAcccccccccccccccccccccccccccccccc";
  call.direction = "outbound-dial";
  call.status = "completed";
  call.end_time = kCreated + 45s;
  call.duration_s = 42;
  auto json = call_json(call);
  EXPECT_NE(json.find("\"parent_call_sid\": \"CAcccccccccccccccccccccccccccccccc\""),
            std::string::npos);
  EXPECT_NE(json.find("\"end_time\": \"Tue, 24 Nov 2026 04:31:47 +0000\""), std::string::npos);
  EXPECT_NE(json.find("\"duration\": \"42\""), std::string::npos);  // a string, as the provider's
  EXPECT_NE(json.find("\"direction\": \"outbound-dial\""), std::string::npos);
}

TEST_F(RestRouter, FetchCall) {
  auto response = get(kCall);
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(response.body, call_json(answered_call()));
}

std::vector<call::CallRecord> numbered_calls(int count) {
  std::vector<call::CallRecord> calls;
  for (int i = 0; i < count; ++i) {
    auto call = answered_call();
    call.sid = "CA" + std::string(30, '0') + (i < 10 ? "0" : "") + std::to_string(i);
    calls.push_back(call);
  }
  return calls;
}

TEST_F(RestRouter, ListCallsFirstPage) {
  backend.calls = numbered_calls(3);
  auto response = get(kCalls, "PageSize=2");
  ASSERT_EQ(response.status, 200) << response.body;
  const auto& body = response.body;
  expect_keys_in_order(body, {"calls", "end", "first_page_uri", "next_page_uri",
                              "previous_page_uri", "page", "page_size", "start", "uri"});
  EXPECT_TRUE(body.starts_with("{\"calls\": [" + call_json(backend.calls[0]) + ", " +
                               call_json(backend.calls[1]) + "], "))
      << body;
  EXPECT_NE(body.find("\"end\": 1, "), std::string::npos);
  EXPECT_NE(body.find("\"first_page_uri\": \"" + kCalls + "?PageSize=2&Page=0\""),
            std::string::npos);
  EXPECT_NE(body.find("\"next_page_uri\": \"" + kCalls + "?PageSize=2&Page=1\""),
            std::string::npos);
  EXPECT_NE(body.find("\"previous_page_uri\": null"), std::string::npos);
  EXPECT_NE(body.find("\"page\": 0, \"page_size\": 2, \"start\": 0, "), std::string::npos);
  EXPECT_NE(body.find("\"uri\": \"" + kCalls + "?PageSize=2&Page=0\"}"), std::string::npos);
}

TEST_F(RestRouter, ListCallsLastPage) {
  backend.calls = numbered_calls(3);
  auto body = get(kCalls, "PageSize=2&Page=1&PageToken=PAxyz").body;
  EXPECT_TRUE(body.starts_with("{\"calls\": [" + call_json(backend.calls[2]) + "], ")) << body;
  EXPECT_NE(body.find("\"end\": 2, "), std::string::npos);
  EXPECT_NE(body.find("\"next_page_uri\": null"), std::string::npos);
  EXPECT_NE(body.find("\"previous_page_uri\": \"" + kCalls + "?PageSize=2&Page=0\""),
            std::string::npos);
  EXPECT_NE(body.find("\"page\": 1, \"page_size\": 2, \"start\": 2, "), std::string::npos);
}

TEST_F(RestRouter, ListCallsDefaultsAndBeyondTheEnd) {
  auto body = get(kCalls).body;
  EXPECT_NE(body.find("\"page_size\": 50"), std::string::npos);
  EXPECT_NE(body.find("\"next_page_uri\": null"), std::string::npos);
  body = get(kCalls, "Page=7").body;
  EXPECT_TRUE(body.starts_with("{\"calls\": [], \"end\": 350, ")) << body;
  backend.calls.clear();
  body = get(kCalls).body;
  EXPECT_TRUE(body.starts_with("{\"calls\": [], \"end\": 0, ")) << body;
}

TEST_F(RestRouter, ListCallsFiltersReachTheBackendAndThePageUris) {
  auto response = get(kCalls, "Status=in-progress&To=%2B15005550006&ParentCallSid=" + kCallSid +
                                  "&From=sip%3Abob%40example.com&PageSize=10");
  ASSERT_EQ(response.status, 200);
  ASSERT_TRUE(backend.filter);
  EXPECT_EQ(backend.filter->to, "+15005550006");
  EXPECT_EQ(backend.filter->from, "sip:bob@example.com");
  EXPECT_EQ(backend.filter->status, "in-progress");
  EXPECT_EQ(backend.filter->parent_call_sid, kCallSid);
  EXPECT_NE(
      response.body.find("\"first_page_uri\": \"" + kCalls +
                         "?To=%2B15005550006&From=sip%3Abob%40example.com" +
                         "&Status=in-progress&ParentCallSid=" + kCallSid + "&PageSize=10&Page=0\""),
      std::string::npos)
      << response.body;
  get(kCalls);
  EXPECT_FALSE(backend.filter->to);
  EXPECT_FALSE(backend.filter->status);
}

TEST_F(RestRouter, ListCallsPageSizeBounds) {
  for (std::string bad : {"0", "1001", "x", "-1"})
    expect_error(get(kCalls, "PageSize=" + bad), 400, 20001,
                 "PageSize must be a whole number from 1 to 1000");
  expect_error(get(kCalls, "Page=-1"), 400, 20001, "Page must be a whole number from 0");
  EXPECT_EQ(get(kCalls, "PageSize=1000").status, 200);
  EXPECT_EQ(get(kCalls, "PageSize=1").status, 200);
}

// ---- api.applications ----------------------------------------------------------------------

TEST_F(RestRouter, ApplicationJsonShape) {
  auto json = application_json(an_app());
  expect_keys_in_order(json, {"account_sid",
                              "api_version",
                              "date_created",
                              "date_updated",
                              "friendly_name",
                              "message_status_callback",
                              "sid",
                              "sms_fallback_method",
                              "sms_fallback_url",
                              "sms_method",
                              "sms_status_callback",
                              "sms_url",
                              "status_callback",
                              "status_callback_method",
                              "uri",
                              "voice_caller_id_lookup",
                              "voice_fallback_method",
                              "voice_fallback_url",
                              "voice_method",
                              "voice_url",
                              "public_application_connect_enabled"});
  EXPECT_NE(json.find("\"message_status_callback\": null"), std::string::npos);
  EXPECT_NE(json.find("\"voice_caller_id_lookup\": false"), std::string::npos);
  EXPECT_NE(json.find("\"voice_method\": \"GET\""), std::string::npos);
  EXPECT_NE(json.find("\"voice_fallback_method\": \"POST\""), std::string::npos);
  EXPECT_NE(json.find("\"status_callback\": \"\""), std::string::npos);
  EXPECT_NE(json.find("\"uri\": \"" + kApp + "\""), std::string::npos);
  EXPECT_TRUE(json.ends_with("\"public_application_connect_enabled\": true}")) << json;
}

TEST_F(RestRouter, CreateApplication) {
  auto response = post(
      kApps,
      "FriendlyName=Support+line&VoiceUrl=https%3A%2F%2Fexample.com%2Fvoice&VoiceMethod=get"
      "&VoiceFallbackUrl=&StatusCallback=http%3A%2F%2Fexample.com%2Fs&StatusCallbackMethod=POST"
      "&PublicApplicationConnectEnabled=TRUE");
  ASSERT_EQ(response.status, 201) << response.body;
  EXPECT_EQ(response.body, application_json(an_app()));
  EXPECT_EQ(backend.last_operation, "create_application");
  EXPECT_EQ(backend.last_account, kAccount);
  const auto& change = *backend.app_change;
  EXPECT_EQ(change.friendly_name, "Support line");
  EXPECT_EQ(change.voice_url, "https://example.com/voice");
  EXPECT_EQ(change.voice_method, HttpMethod::get);
  EXPECT_EQ(change.voice_fallback_url, "");  // sent empty: cleared
  EXPECT_FALSE(change.voice_fallback_method);
  EXPECT_EQ(change.status_callback, "http://example.com/s");
  EXPECT_EQ(change.status_callback_method, HttpMethod::post);
  EXPECT_EQ(change.public_application_connect_enabled, true);
}

TEST_F(RestRouter, UpdateApplicationSetsOnlyWhatWasSent) {
  auto response = post(kApp, "PublicApplicationConnectEnabled=false");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(backend.last_operation, "update_application");
  EXPECT_EQ(backend.last_sid, kAppSid);
  const auto& change = *backend.app_change;
  EXPECT_EQ(change.public_application_connect_enabled, false);
  EXPECT_FALSE(change.friendly_name);
  EXPECT_FALSE(change.voice_url);
  EXPECT_FALSE(change.voice_method);
  EXPECT_FALSE(change.status_callback);
}

TEST_F(RestRouter, ApplicationValidation) {
  expect_error(post(kApps, "FriendlyName=" + std::string(65, 'a')), 400, 20001,
               "FriendlyName is longer than 64 characters");
  EXPECT_EQ(post(kApps, "FriendlyName=" + std::string(64, 'a')).status, 201);
  expect_error(post(kApps, "VoiceUrl=voice"), 400, 21205, "VoiceUrl is not a valid URL: voice");
  expect_error(post(kApp, "VoiceFallbackUrl=fb"), 400, 21205,
               "VoiceFallbackUrl is not a valid URL: fb");
  expect_error(post(kApp, "StatusCallback=cb"), 400, 21609,
               "StatusCallback is not a valid URL: cb");
  expect_error(post(kApps, "VoiceMethod=PUT"), 400, 21209, "VoiceMethod is not valid: PUT");
  expect_error(post(kApps, "VoiceFallbackMethod=x"), 400, 21209,
               "VoiceFallbackMethod is not valid: x");
  expect_error(post(kApps, "StatusCallbackMethod=x"), 400, 21209,
               "StatusCallbackMethod is not valid: x");
  expect_error(post(kApps, "PublicApplicationConnectEnabled=yes"), 400, 20001,
               "PublicApplicationConnectEnabled must be true or false");
  EXPECT_EQ(backend.requests, 1);
}

TEST_F(RestRouter, FetchListAndDeleteApplication) {
  auto fetched = get(kApp);
  ASSERT_EQ(fetched.status, 200);
  EXPECT_EQ(fetched.body, application_json(an_app()));
  EXPECT_EQ(backend.last_operation, "find_application");

  auto listed = get(kApps);
  ASSERT_EQ(listed.status, 200);
  EXPECT_TRUE(listed.body.starts_with("{\"applications\": [" + application_json(an_app()) + "], "))
      << listed.body;
  EXPECT_NE(listed.body.find("\"uri\": \"" + kApps + "?PageSize=50&Page=0\""), std::string::npos);

  auto deleted = send({.method = "DELETE",
                       .path = kApp,
                       .query = "",
                       .authorization = basic(kAccount, kToken),
                       .content_type = "",
                       .body = ""});
  EXPECT_EQ(deleted.status, 204);
  EXPECT_TRUE(deleted.body.empty());
  EXPECT_TRUE(deleted.content_type.empty());
  EXPECT_EQ(backend.last_operation, "delete_application");
  EXPECT_EQ(backend.last_sid, kAppSid);

  backend.refusal = call::Refusal{404, 20404, "The requested resource was not found"};
  auto missing = send({.method = "DELETE",
                       .path = kApp,
                       .query = "",
                       .authorization = basic(kAccount, kToken),
                       .content_type = "",
                       .body = ""});
  expect_error(missing, 404, 20404, "The requested resource was not found");
}

TEST_F(RestRouter, ListApplicationsByFriendlyName) {
  auto other = an_app();
  other.friendly_name = "Sales";
  other.sid = "APcccccccccccccccccccccccccccccccc";
  backend.apps.push_back(other);
  auto body = get(kApps, "FriendlyName=Sales").body;
  EXPECT_TRUE(body.starts_with("{\"applications\": [" + application_json(other) + "], ")) << body;
  EXPECT_NE(
      body.find("\"first_page_uri\": \"" + kApps + "?FriendlyName=Sales&PageSize=50&Page=0\""),
      std::string::npos);
}

}  // namespace
}  // namespace sipref::api
