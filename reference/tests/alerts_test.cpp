// Alerts to the debugger webhook (webhook.alerts): JSON string escaping, the Payload and the form
// it travels in, and who gets posted (an account with a debugger webhook) and who only logged.
#include "call/alerts.h"

#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <string>
#include <vector>

#include "util/json.h"

namespace sipref::call {
namespace {

using namespace std::chrono_literals;

// 2026-11-24T04:31:02.045Z
const std::chrono::system_clock::time_point kWhen =
    std::chrono::system_clock::time_point(1795494662s) + 45ms;

std::string param(const webhook::Params& params, std::string_view name) {
  return std::string(params.find(name).value_or("<absent>"));
}

TEST(JsonQuote, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(json::quote(""), R"("")");
  EXPECT_EQ(json::quote(R"(say "hi" \ bye)"), R"("say \"hi\" \\ bye")");
  EXPECT_EQ(json::quote("a\nb\rc\td\b\f"), R"("a\nb\rc\td\b\f")");
  EXPECT_EQ(json::quote(std::string("\x01\x1f\x7f", 3)), R"("\u0001\u001f\u007f")");
  EXPECT_EQ(json::quote(std::string("nul\0here", 8)), R"("nul\u0000here")");
  EXPECT_EQ(json::quote("</Response> & 'x'"), R"("</Response> & 'x'")");
}

TEST(JsonQuote, PassesValidUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(json::quote("Zürich → 日本 😀"), "\"Zürich → 日本 😀\"");
  EXPECT_EQ(json::quote("a\xff" "b"), "\"a\xEF\xBF\xBD" "b\"");           // never a lead byte
  EXPECT_EQ(json::quote("\xc3"), "\"\xEF\xBF\xBD\"");                      // truncated sequence
  EXPECT_EQ(json::quote("\xc0\xaf"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");      // overlong '/'
  EXPECT_EQ(json::quote("\xed\xa0\x80"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");  // surrogate
  EXPECT_EQ(json::quote("\xf4\x90\x80\x80"),
            "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");  // above U+10FFFF
}

TEST(Iso8601, IsUtcToTheMillisecond) {
  EXPECT_EQ(iso8601_utc(kWhen), "2026-11-24T04:31:02.045Z");
  EXPECT_EQ(iso8601_utc(std::chrono::system_clock::time_point{}), "1970-01-01T00:00:00.000Z");
}

TEST(DebuggerPayload, CarriesCodeMoreInfoResourceAndTheRequest) {
  Alert alert{11217, "webhook http://h/voice failed: HTTP 500",
              AlertRequest{"http://h/voice", HttpMethod::post, 500}};
  EXPECT_EQ(debugger_payload(alert, "CA0123"),
            R"({"resource_sid":"CA0123","service_sid":null,"error_code":"11217",)"
            R"("more_info":{"msg":"webhook http://h/voice failed: HTTP 500","ErrorCode":"11217",)"
            R"("LogLevel":"ERROR"},)"
            R"("webhook":{"request":{"url":"http://h/voice","method":"POST"},)"
            R"("response":{"status_code":500}}})");
}

TEST(DebuggerPayload, WarningWithoutRequestHasAnEmptyWebhookAndEscapedText) {
  Alert alert{12200, "Attribute 'x\"y' is not allowed\n\\ here"};
  EXPECT_EQ(debugger_payload(alert, "CA1"),
            R"({"resource_sid":"CA1","service_sid":null,"error_code":"12200",)"
            R"("more_info":{"msg":"Attribute 'x\"y' is not allowed\n\\ here","ErrorCode":"12200",)"
            R"("LogLevel":"WARNING"},"webhook":{}})");
}

TEST(DebuggerPayload, RequestThatGotNoAnswerHasNullStatus) {
  Alert alert{11205, "refused", AlertRequest{"http://h:1/x?a=\"1\"", HttpMethod::get, 0}};
  const std::string payload = debugger_payload(alert, "CA1");
  EXPECT_NE(payload.find(R"("webhook":{"request":{"url":"http://h:1/x?a=\"1\"","method":"GET"},)"
                         R"("response":{"status_code":null}})"),
            std::string::npos)
      << payload;
}

TEST(DebuggerParams, AreTheSixDocumentedParametersInOrder) {
  Alert alert{13214, "invalid callerId"};
  auto params = debugger_params(alert, "ACabc", "CAdef", AlertStamp{"NO0123", kWhen});
  std::vector<std::string> names;
  for (const auto& p : params) names.push_back(p.name);
  EXPECT_EQ(names, (std::vector<std::string>{"AccountSid", "Sid", "Level", "Timestamp",
                                             "PayloadType", "Payload"}));
  EXPECT_EQ(param(params, "AccountSid"), "ACabc");
  EXPECT_EQ(param(params, "Sid"), "NO0123");
  EXPECT_EQ(param(params, "Level"), "WARNING");
  EXPECT_EQ(param(params, "Timestamp"), "2026-11-24T04:31:02.045Z");
  EXPECT_EQ(param(params, "PayloadType"), "application/json");
  EXPECT_EQ(param(params, "Payload"), debugger_payload(alert, "CAdef"));
  EXPECT_EQ(param(debugger_params({12100, "x"}, "AC", "CA", {"NO", kWhen}), "Level"), "ERROR");
}

struct Sent {
  std::vector<webhook::Request> requests;
  std::vector<webhook::WebhookClient::Done> done;
  Alerts::Send send() {
    return [this](webhook::Request request, webhook::WebhookClient::Done d) {
      requests.push_back(std::move(request));
      done.push_back(std::move(d));
    };
  }
};

config::Account account(std::optional<std::string> debugger) {
  return config::Account{"ACc0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0", "secret", std::move(debugger), false};
}

TEST(Alerts, PostsASignedFormToTheAccountsDebuggerWebhook) {
  Sent sent;
  Alerts alerts(sent.send(), [] { return kWhen; });
  const auto acc = account("http://127.0.0.1:8080/debugger");
  alerts.raise({12200, "unknown verb <Gather>"}, &acc, "CA0123");
  ASSERT_EQ(sent.requests.size(), 1u);
  const webhook::Request& r = sent.requests[0];
  EXPECT_EQ(r.url, "http://127.0.0.1:8080/debugger");
  EXPECT_EQ(r.method, HttpMethod::post);
  EXPECT_EQ(r.auth_token, "secret");  // signed like every request [webhook.signature]
  EXPECT_FALSE(r.expect_twiml);       // any 2xx (e.g. 204) is a success
  EXPECT_EQ(param(r.params, "AccountSid"), acc.sid);
  EXPECT_TRUE(std::regex_match(param(r.params, "Sid"), std::regex("NO[0-9a-f]{32}")));
  EXPECT_EQ(param(r.params, "Timestamp"), "2026-11-24T04:31:02.045Z");
  EXPECT_NE(param(r.params, "Payload").find(R"("resource_sid":"CA0123")"), std::string::npos);
  // A failed post is only logged: completing it raises nothing more.
  webhook::Response failed;
  failed.outcome = webhook::Outcome::http_error;
  sent.done[0](failed);
  EXPECT_EQ(sent.requests.size(), 1u);
}

TEST(Alerts, EachPostHasItsOwnSid) {
  Sent sent;
  Alerts alerts(sent.send());
  const auto acc = account("http://h/debugger");
  alerts.raise({12200, "a"}, &acc, "CA1");
  alerts.raise({12200, "a"}, &acc, "CA1");
  ASSERT_EQ(sent.requests.size(), 2u);
  EXPECT_NE(param(sent.requests[0].params, "Sid"), param(sent.requests[1].params, "Sid"));
}

TEST(Alerts, WithoutCallTheAccountIsTheResource) {
  Sent sent;
  Alerts alerts(sent.send());
  const auto acc = account("http://h/debugger");
  alerts.raise({21227, "headers too long"}, &acc, "");
  ASSERT_EQ(sent.requests.size(), 1u);
  EXPECT_NE(param(sent.requests[0].params, "Payload").find(R"("resource_sid":")" + acc.sid),
            std::string::npos);
}

TEST(Alerts, NoDebuggerWebhookOrNoAccountIsLoggedOnly) {
  Sent sent;
  Alerts alerts(sent.send());
  const auto acc = account(std::nullopt);
  alerts.raise({12200, "x"}, &acc, "CA1");
  alerts.raise({11100, "config-level"}, nullptr, "");
  EXPECT_TRUE(sent.requests.empty());
}

}  // namespace
}  // namespace sipref::call
