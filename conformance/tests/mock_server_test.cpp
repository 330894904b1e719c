// Tests of the mock webhook server against a real HTTP client: routing by each rule, every
// fault as a client sees it, recording, and X-Twilio-Signature checking.
#include "webhook/mock_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <thread>

#include "webhook/form.h"
#include "webhook/signature.h"

namespace sipconform {
namespace {

constexpr const char* kAuthToken = "0123456789abcdef0123456789abcdef";
constexpr const char* kToken = "c0a1b2c3d4";
constexpr const char* kOtherToken = "c9f8e7d6c5";
constexpr const char* kTwiml =
    "<Response><Dial><Sip>sip:agent@127.0.0.1:5070</Sip></Dial></Response>";
constexpr const char* kForm = "application/x-www-form-urlencoded";

// The body whose signatures below were computed with Python's hmac, hashlib and base64 over
// "<url>" + "A1A2CallSidCA0123Digits1 2From+15551230000Tosip:c0a1b2c3d4@example.com".
constexpr const char* kSignedBody =
    "CallSid=CA0123&From=%2B15551230000&To=sip%3Ac0a1b2c3d4%40example.com&Digits=1+2&A=2&A=1";
// POST to http://127.0.0.1:8080/c/c0a1b2c3d4/voice
constexpr const char* kSigPost = "Tt9roWeZUYoUMcsUZQvZY5bThWA=";
// POST, signed over http://127.0.0.1/c/c0a1b2c3d4/voice (no port)
constexpr const char* kSigPostNoPort = "rd3UJH6EOV//mXbx3Mowzpu+s4k=";
// POST, signed over http://hooks.example.com:80/c/c0a1b2c3d4/voice (default port added)
constexpr const char* kSigPostPort80 = "QR00pSPpm17eTsgyUc4Gm/f43po=";
// POST to http://127.0.0.1:8080/c/c0a1b2c3d4/voice?x=1 (the query is part of the URL)
constexpr const char* kSigPostQuery = "22+O3vgJuQ7pxsH1OZwun9ytKVM=";
// GET: over the URL alone, nothing appended:
// http://127.0.0.1:8080/c/c0a1b2c3d4/voice?CallSid=CA0123&From=%2B15551230000
constexpr const char* kSigGet = "N+hDWoG9pAkN0x2p3YfrSmB156I=";

Fault fault(Fault::Kind kind) {
  Fault f;
  f.kind = kind;
  return f;
}

WebhookDoc doc(std::string path, Fault fault = {}) {
  WebhookDoc d;
  d.path = std::move(path);
  d.body = kTwiml;
  d.fault = std::move(fault);
  return d;
}

std::string param_of(const WebhookEvent& event, std::string_view name) {
  for (const auto& [key, value] : event.params) {
    if (key == name) return value;
  }
  return "<absent>";
}

class MockServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = server_.start();
    ASSERT_TRUE(started) << started.error().message;
    ASSERT_NE(server_.port(), 0);
    Fault delay = fault(Fault::Kind::delay);
    delay.delay_ms = 300;
    Fault status = fault(Fault::Kind::status);
    status.status = 503;
    Fault content_type = fault(Fault::Kind::content_type);
    content_type.content_type = "audio/mpeg";
    Fault redirect = fault(Fault::Kind::redirect);
    redirect.location = "/c/c0a1b2c3d4/voice";
    server_.add_case(CaseRoute{kToken,
                               "sip/example",
                               {
                                   doc("/voice"),
                                   doc("/delay", delay),
                                   doc("/status", status),
                                   doc("/ctype", content_type),
                                   doc("/malformed", fault(Fault::Kind::malformed)),
                                   doc("/drop", fault(Fault::Kind::drop)),
                                   doc("/redirect", redirect),
                                   doc("/empty", fault(Fault::Kind::empty)),
                               }});
    server_.add_case(CaseRoute{kOtherToken, "sip/other", {doc("/voice")}});
  }

  // Targets are sent exactly as written: the tests control every byte of the signed URL.
  httplib::Client client() {
    httplib::Client c("127.0.0.1", server_.port());
    c.set_url_encode(false);
    return c;
  }

  httplib::Result post(const std::string& path, const std::string& body,
                       httplib::Headers headers = {}) {
    return client().Post(path.c_str(), headers, body, kForm);
  }

  MockServer server_{"127.0.0.1", 0, kAuthToken};
};

TEST_F(MockServerTest, RoutesByPathPrefixAndServesTheDocument) {
  auto res = client().Get("/c/c0a1b2c3d4/voice");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/xml");
  EXPECT_EQ(res->body, kTwiml);
  auto seen = server_.requests_of(kToken);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].event.path, "/voice");  // the doc path, prefix removed
  EXPECT_EQ(seen[0].event.answered_status, 200);
  EXPECT_TRUE(server_.requests_of(kOtherToken).empty());
  EXPECT_TRUE(server_.unrouted().empty());
}

TEST_F(MockServerTest, RoutesByTokenInTo) {
  auto res = post("/voice", "CallSid=CA1&To=sip%3Ac9f8e7d6c5%40target.example");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  ASSERT_EQ(server_.requests_of(kOtherToken).size(), 1u);
  EXPECT_EQ(server_.requests_of(kOtherToken)[0].event.path, "/voice");
  EXPECT_TRUE(server_.requests_of(kToken).empty());
}

TEST_F(MockServerTest, RoutesBySipHeaderConformanceCase) {
  auto res =
      post("/voice", "CallSid=CA2&To=sip%3Aagent%40x&SipHeader_X-Conformance-Case=c9f8e7d6c5");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(server_.requests_of(kOtherToken).size(), 1u);
}

TEST_F(MockServerTest, RoutesByRememberedCallSidDialCallSidAndParentCallSid) {
  ASSERT_TRUE(post("/c/c0a1b2c3d4/voice", "CallSid=CAparent"));
  // Later requests carry no token: only the call SIDs tie them to the case.
  auto action = post("/voice", "CallSid=CAparent&DialCallSid=CAchild&DialCallStatus=completed");
  ASSERT_TRUE(action);
  EXPECT_EQ(action->status, 200);
  auto child = post("/voice", "CallSid=CAchild&CallStatus=ringing");
  ASSERT_TRUE(child);
  auto other_child = post("/voice", "CallSid=CAunknown&ParentCallSid=CAparent");
  ASSERT_TRUE(other_child);
  EXPECT_EQ(server_.requests_of(kToken).size(), 4u);
  EXPECT_TRUE(server_.unrouted().empty());
}

// [app.*] An App's voice request (<base>/app/<role>) names no case: the token travels in a
// Param_ value; the App's later requests follow its CallSid, and its path is the document's.
TEST_F(MockServerTest, RoutesApplicationRequestsByTokenInParamValues) {
  server_.add_case(CaseRoute{"c1a2b3c4d5", "app/example", {doc("/app/same"), doc("/app/action")}});
  auto res = post("/app/same", "CallSid=CAapp&To=AP0123&From=sip%3Acaller%40x&Param_Case=c1a2b3c4d5");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, kTwiml);
  auto later = post("/app/action", "CallSid=CAapp&DialCallStatus=completed");
  ASSERT_TRUE(later);
  EXPECT_EQ(later->status, 200);
  auto seen = server_.requests_of("c1a2b3c4d5");
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].event.path, "/app/same");
  EXPECT_EQ(seen[1].event.path, "/app/action");
  // A CustomerId may carry it too; with neither, the request is nobody's.
  ASSERT_TRUE(post("/app/same", "CallSid=CAapp2&To=AP0123&CustomerId=c1a2b3c4d5"));
  EXPECT_EQ(server_.requests_of("c1a2b3c4d5").size(), 3u);
  auto lost = post("/app/same", "CallSid=CAapp3&To=AP0123&Case=c1a2b3c4d5");
  ASSERT_TRUE(lost);
  EXPECT_EQ(lost->status, 404);
  EXPECT_EQ(server_.unrouted().size(), 1u);
}

// A debugger alert as the target posts it: the call is named only inside the JSON Payload.
std::string alert_body(const std::string& resource_sid, const std::string& msg = "x") {
  const std::string payload = "{\"resource_sid\":\"" + resource_sid +
                              "\",\"error_code\":\"12200\",\"more_info\":{\"msg\":\"" + msg + "\"}}";
  return "AccountSid=AC1&Level=WARNING&PayloadType=application%2Fjson&Payload=" +
         httplib::detail::encode_query_param(payload);
}

TEST_F(MockServerTest, RoutesAlertsByTheCallSidInTheirPayload) {
  ASSERT_TRUE(post("/c/c9f8e7d6c5/voice", "CallSid=CAalerted"));
  auto res = post("/debugger", alert_body("CAalerted"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 204);  // no case serves /debugger: taken all the same
  auto seen = server_.requests_of(kOtherToken);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].event.path, "/debugger");
  EXPECT_EQ(seen[1].event.answered_status, 204);
  EXPECT_EQ(param_of(seen[1].event, "Level"), "WARNING");
  EXPECT_TRUE(server_.requests_of(kToken).empty());
  EXPECT_TRUE(server_.unrouted().empty());
}

TEST_F(MockServerTest, RoutesAlertsByATokenInTheirPayloadWhenTheCallIsUnknown) {
  auto res = post("/debugger", alert_body("CAnever", "fetch of /c/c0a1b2c3d4/voice failed"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 204);
  EXPECT_EQ(server_.requests_of(kToken).size(), 1u);
}

TEST_F(MockServerTest, UnroutableAlertIsRecordedAsUnrouted) {
  auto res = post("/debugger", alert_body("CAnobody"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  auto unrouted = server_.unrouted();
  ASSERT_EQ(unrouted.size(), 1u);
  EXPECT_EQ(unrouted[0].event.path, "/debugger");
  EXPECT_NE(param_of(unrouted[0].event, "Payload").find("CAnobody"), std::string::npos);
  // Not JSON at all: still recorded, never lost.
  ASSERT_TRUE(post("/debugger", "Payload=%7Bnot+json"));
  EXPECT_EQ(server_.unrouted().size(), 2u);
}

TEST_F(MockServerTest, CaseMayServeItsOwnDebuggerDocument) {
  Fault status = fault(Fault::Kind::status);
  status.status = 500;
  server_.add_case(CaseRoute{"c5a5a5a5a5", "webhook/x", {doc("/debugger", status)}});
  ASSERT_TRUE(post("/c/c5a5a5a5a5/voice", "CallSid=CAfaulted"));
  auto res = post("/debugger", alert_body("CAfaulted"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 500);
}

TEST_F(MockServerTest, RemovedCaseForgetsItsCallsAndRecords) {
  ASSERT_TRUE(post("/c/c0a1b2c3d4/voice", "CallSid=CAgone"));
  server_.remove_case(kToken);
  EXPECT_TRUE(server_.requests_of(kToken).empty());
  auto late = post("/voice", "CallSid=CAgone");
  ASSERT_TRUE(late);
  EXPECT_EQ(late->status, 404);
  EXPECT_EQ(server_.unrouted().size(), 1u);
}

TEST_F(MockServerTest, UnroutedRequestIsAnswered404AndRecorded) {
  auto res = post("/voice?x=1", "CallSid=CAnobody&To=sip%3Anobody%40example.com");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  auto unrouted = server_.unrouted();
  ASSERT_EQ(unrouted.size(), 1u);
  EXPECT_EQ(unrouted[0].event.path, "/voice");
  EXPECT_EQ(unrouted[0].event.query, "x=1");
  EXPECT_EQ(unrouted[0].event.answered_status, 404);
  EXPECT_EQ(param_of(unrouted[0].event, "CallSid"), "CAnobody");
  EXPECT_TRUE(server_.requests_of(kToken).empty());
}

TEST_F(MockServerTest, MissingDocumentIs404NamingPathAndCase) {
  auto res = client().Get("/c/c0a1b2c3d4/nothing");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain");
  EXPECT_NE(res->body.find("no document for /nothing in case sip/example"), std::string::npos);
  auto seen = server_.requests_of(kToken);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].event.answered_status, 404);
}

TEST_F(MockServerTest, DelayFaultWaitsThenServes) {
  const auto before = std::chrono::steady_clock::now();
  auto res = client().Get("/c/c0a1b2c3d4/delay");
  const auto waited = std::chrono::steady_clock::now() - before;
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, kTwiml);
  EXPECT_GE(waited, std::chrono::milliseconds(300));
}

TEST_F(MockServerTest, StatusFaultAnswersThatStatus) {
  auto res = client().Get("/c/c0a1b2c3d4/status");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain");
  EXPECT_EQ(server_.requests_of(kToken).at(0).event.answered_status, 503);
}

TEST_F(MockServerTest, ContentTypeFaultServesBodyWithThatType) {
  auto res = client().Get("/c/c0a1b2c3d4/ctype");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "audio/mpeg");
  EXPECT_EQ(res->body, kTwiml);
}

TEST_F(MockServerTest, MalformedFaultServesBrokenXml) {
  auto res = client().Get("/c/c0a1b2c3d4/malformed");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/xml");
  EXPECT_EQ(res->body, "<Response><Dial>");
}

TEST_F(MockServerTest, DropFaultClosesWithoutAnswer) {
  auto res = post("/c/c0a1b2c3d4/drop", "CallSid=CAdrop");
  EXPECT_FALSE(res);
  EXPECT_NE(res.error(), httplib::Error::Success);
  auto seen = server_.requests_of(kToken);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].event.answered_status, 0);
  // The server keeps serving after a drop.
  auto next = client().Get("/c/c0a1b2c3d4/voice");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(MockServerTest, RedirectFaultAnswers302WithLocation) {
  auto res = client().Get("/c/c0a1b2c3d4/redirect");  // httplib does not follow by default
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 302);
  EXPECT_EQ(res->get_header_value("Location"), "/c/c0a1b2c3d4/voice");
}

TEST_F(MockServerTest, EmptyFaultServesEmptyXml) {
  auto res = client().Get("/c/c0a1b2c3d4/empty");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/xml");
  EXPECT_TRUE(res->body.empty());
}

TEST_F(MockServerTest, RecordsGetQueryParamsAndHeaders) {
  auto res = client().Get("/c/c0a1b2c3d4/voice?CallSid=CA9&From=%2B1555&Note=a+b%21",
                          httplib::Headers{{"X-Custom", "yes"}});
  ASSERT_TRUE(res);
  auto seen = server_.requests_of(kToken);
  ASSERT_EQ(seen.size(), 1u);
  const WebhookEvent& e = seen[0].event;
  EXPECT_EQ(e.method, "GET");
  EXPECT_EQ(e.query, "CallSid=CA9&From=%2B1555&Note=a+b%21");
  const Params expected{{"CallSid", "CA9"}, {"From", "+1555"}, {"Note", "a b!"}};
  EXPECT_EQ(e.params, expected);
  bool has_custom = false;
  for (const auto& [name, value] : e.headers) {
    has_custom |= name == "X-Custom" && value == "yes";
    EXPECT_NE(name, "REMOTE_ADDR");  // httplib's pseudo-header, never on the wire
  }
  EXPECT_TRUE(has_custom);
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_GT(seen[0].epoch, now - 60);
  EXPECT_LE(seen[0].epoch, now);
}

TEST_F(MockServerTest, RecordsPostQueryThenFormParamsInOrder) {
  auto res = post("/c/c0a1b2c3d4/voice?q=1", "Zeta=last&Alpha=%2B1+2&Alpha=second");
  ASSERT_TRUE(res);
  auto seen = server_.requests_of(kToken);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].event.method, "POST");
  EXPECT_EQ(seen[0].event.query, "q=1");
  const Params expected{{"q", "1"}, {"Zeta", "last"}, {"Alpha", "+1 2"}, {"Alpha", "second"}};
  EXPECT_EQ(seen[0].event.params, expected);
}

TEST_F(MockServerTest, RecordsConcurrentRequestsPerCaseInArrivalOrder) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < 10; ++i) {
        const std::string token = t % 2 == 0 ? kToken : kOtherToken;
        EXPECT_TRUE(client().Get(("/c/" + token + "/voice?i=" + std::to_string(i)).c_str()));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const char* token : {kToken, kOtherToken}) {
    auto seen = server_.requests_of(token);
    ASSERT_EQ(seen.size(), 20u);
    for (std::size_t i = 1; i < seen.size(); ++i) EXPECT_LE(seen[i - 1].epoch, seen[i].epoch);
  }
}

bool signature_accepted(MockServer& server, const char* token) {
  auto seen = server.requests_of(token);
  return !seen.empty() && seen.back().event.signature_valid;
}

TEST_F(MockServerTest, AcceptsCorrectPostSignature) {
  ASSERT_TRUE(post("/c/c0a1b2c3d4/voice", kSignedBody,
                   {{"Host", "127.0.0.1:8080"}, {"X-Twilio-Signature", kSigPost}}));
  EXPECT_TRUE(signature_accepted(server_, kToken));
  ASSERT_TRUE(post("/c/c0a1b2c3d4/voice?x=1", kSignedBody,
                   {{"Host", "127.0.0.1:8080"}, {"X-Twilio-Signature", kSigPostQuery}}));
  EXPECT_TRUE(signature_accepted(server_, kToken));
}

TEST_F(MockServerTest, AcceptsCorrectGetSignature) {
  ASSERT_TRUE(client().Get("/c/c0a1b2c3d4/voice?CallSid=CA0123&From=%2B15551230000",
                           {{"Host", "127.0.0.1:8080"}, {"X-Twilio-Signature", kSigGet}}));
  EXPECT_TRUE(signature_accepted(server_, kToken));
}

TEST_F(MockServerTest, AcceptsSignatureOverUrlWithoutPortOrWithDefaultPort) {
  // Signed without the port, requested with it.
  ASSERT_TRUE(post("/c/c0a1b2c3d4/voice", kSignedBody,
                   {{"Host", "127.0.0.1:8080"}, {"X-Twilio-Signature", kSigPostNoPort}}));
  EXPECT_TRUE(signature_accepted(server_, kToken));
  // Signed with :80, requested without a port.
  ASSERT_TRUE(post("/c/c0a1b2c3d4/voice", kSignedBody,
                   {{"Host", "hooks.example.com"}, {"X-Twilio-Signature", kSigPostPort80}}));
  EXPECT_TRUE(signature_accepted(server_, kToken));
}

TEST_F(MockServerTest, FlagsWrongOrMissingSignature) {
  ASSERT_TRUE(post("/c/c0a1b2c3d4/voice", kSignedBody,
                   {{"Host", "127.0.0.1:8080"}, {"X-Twilio-Signature", kSigGet}}));
  EXPECT_FALSE(signature_accepted(server_, kToken));
  // Right signature, one parameter changed.
  ASSERT_TRUE(post("/c/c0a1b2c3d4/voice", std::string(kSignedBody) + "&Extra=1",
                   {{"Host", "127.0.0.1:8080"}, {"X-Twilio-Signature", kSigPost}}));
  EXPECT_FALSE(signature_accepted(server_, kToken));
  ASSERT_TRUE(post("/c/c0a1b2c3d4/voice", kSignedBody, {{"Host", "127.0.0.1:8080"}}));
  EXPECT_FALSE(signature_accepted(server_, kToken));
  auto seen = server_.requests_of(kToken);
  EXPECT_EQ(seen.back().event.answered_status, 200);  // an invalid signature is still served
}

TEST(ExpectedSignature, MatchesTheProviderDocumentationExample) {
  // The example of the provider's webhook-security page and twilio-python's tests.
  const Params params{{"CallSid", "CA1234567890ABCDE"},
                      {"Caller", "+14158675309"},
                      {"Digits", "1234"},
                      {"From", "+14158675309"},
                      {"To", "+18005551212"}};
  EXPECT_EQ(expected_signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params),
            "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
}

TEST(ExpectedSignature, SortsByNameThenValueWhateverTheInputOrder) {
  const Params decoded = parse_form(kSignedBody);
  Params reversed(decoded.rbegin(), decoded.rend());
  EXPECT_EQ(expected_signature(kAuthToken, "http://127.0.0.1:8080/c/c0a1b2c3d4/voice", decoded),
            kSigPost);
  EXPECT_EQ(expected_signature(kAuthToken, "http://127.0.0.1:8080/c/c0a1b2c3d4/voice", reversed),
            kSigPost);
}

TEST(SignedUrlVariants, RemovesOrAddsThePort) {
  using V = std::vector<std::string>;
  EXPECT_EQ(signed_url_variants("http://h:8080/p?q=1"),
            (V{"http://h:8080/p?q=1", "http://h/p?q=1"}));
  EXPECT_EQ(signed_url_variants("http://h/p"), (V{"http://h/p", "http://h:80/p"}));
  EXPECT_EQ(signed_url_variants("https://h?x"), (V{"https://h?x", "https://h:443?x"}));
  EXPECT_EQ(signed_url_variants("http://[::1]:81/p"), (V{"http://[::1]:81/p", "http://[::1]/p"}));
  EXPECT_EQ(signed_url_variants("http://[::1]/p"), (V{"http://[::1]/p", "http://[::1]:80/p"}));
}

TEST(FormDecode, DecodesPlusAndPercentAndKeepsBadEscapes) {
  EXPECT_EQ(form_decode("a+b%2B%3a%zz%4"), "a b+:%zz%4");
  const Params expected{{"a", ""}, {"b", "1=2"}};
  EXPECT_EQ(parse_form("a&&b=1%3D2&"), expected);
}

TEST(MockServerLifecycle, StopThenDestroyIsClean) {
  MockServer server("127.0.0.1", 0, kAuthToken);
  ASSERT_TRUE(server.start());
  httplib::Client client("127.0.0.1", server.port());
  client.set_keep_alive(true);
  ASSERT_TRUE(client.Get("/anything"));  // leaves an idle kept-alive connection
  server.stop();
  server.stop();  // idempotent
  httplib::Client fresh("127.0.0.1", server.port());
  EXPECT_FALSE(fresh.Get("/anything"));
}

TEST(MockServerLifecycle, StartFailsOnAForeignAddress) {
  MockServer server("192.0.2.1", 0, kAuthToken);  // TEST-NET-1: never an address of this host
  EXPECT_FALSE(server.start());
}

}  // namespace
}  // namespace sipconform
