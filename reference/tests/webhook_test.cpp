// Webhook client, grouped by catalogue row: webhook.signature, webhook.method,
// webhook.relative-url, webhook.timeout (overrides), webhook.http-error, webhook.content-type. The
// HTTP cases run against a real httplib::Server on 127.0.0.1 and wait on futures, never on fixed
// sleeps.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

#include "webhook/client.h"
#include "webhook/params.h"
#include "webhook/signature.h"
#include "webhook/url.h"

namespace sipref::webhook {
namespace {

using namespace std::chrono_literals;

// ---- webhook.signature ---------------------------------------------------------------------

// The provider's own documentation example (twilio-php validation guide); the expected value
// was also recomputed with Python's hmac/hashlib.
TEST(Signature, ProviderDocumentationExample) {
  Params params{{"CallSid", "CA1234567890ABCDE"},
                {"Caller", "+14158675309"},
                {"Digits", "1234"},
                {"From", "+14158675309"},
                {"To", "+18005551212"}};
  EXPECT_EQ(compute_signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params),
            "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
}

// twilio-ruby's request validator spec: a real voice request, with empty values.
TEST(Signature, HelperLibraryVoiceRequest) {
  Params params{{"ToState", "California"},
                {"CalledState", "California"},
                {"Direction", "inbound"},
                {"FromState", "CA"},
                {"AccountSid", "ACba8bc05eacf94afdae398e642c9cc32d"},
                {"Caller", "+14153595711"},
                {"CallerZip", "94108"},
                {"CallerCountry", "US"},
                {"From", "+14153595711"},
                {"FromCity", "SAN FRANCISCO"},
                {"CallerCity", "SAN FRANCISCO"},
                {"To", "+14157669926"},
                {"FromZip", "94108"},
                {"FromCountry", "US"},
                {"ToCity", ""},
                {"CallStatus", "ringing"},
                {"CalledCity", ""},
                {"CallerState", "CA"},
                {"CalledZip", ""},
                {"ToZip", ""},
                {"ToCountry", "US"},
                {"CallSid", "CA136d09cd59a3c0ec8dbff44da5c03f31"},
                {"CalledCountry", "US"},
                {"Called", "+14157669926"},
                {"ApiVersion", "2010-04-01"},
                {"ApplicationSid", "AP44efecad51364e80b133bb7c07eb8204"}};
  EXPECT_EQ(compute_signature("2bd9e9638872de601313dc77410d3b23",
                              "http://twiliotests.heroku.com/validate/voice", params),
            "oVb2kXoVy8GEfwBDjR8bk/ZZ6eA=");
}

// Byte order puts upper case first; equal names sort by value; a repeated identical pair counts
// once; values are UTF-8 bytes. Expected value from python3 hmac/hashlib.
TEST(Signature, SortsByNameThenValueInByteOrder) {
  Params params{
      {"b", "2"}, {"B", "1"}, {"a", "z"}, {"a", "y"}, {"SipHeader_X-Foo", "caf\xc3\xa9 & more"}};
  const char* url = "http://127.0.0.1:8080/voice?x=1";
  EXPECT_EQ(compute_signature("secret-token", url, params), "4S0EQhAiKj2UtXXP5ci/3kHUf5Y=");
  params.add("a", "y");
  EXPECT_EQ(compute_signature("secret-token", url, params), "4S0EQhAiKj2UtXXP5ci/3kHUf5Y=");
}

TEST(Signature, GetSignsTheUrlAlone) {
  EXPECT_EQ(
      compute_signature("secret-token", "http://127.0.0.1:8080/voice?CallSid=CA1&From=%2B1555", {}),
      "7g06tpzu0ENKEWf/kyQ/lF/4Pzk=");
}

// ---- parameters ----------------------------------------------------------------------------

TEST(Params, FormEncodingRoundTrips) {
  Params params{{"From", "+15005550006"}, {"SipHeader_X-A", "a b&c=d%"}, {"E", ""}, {"E", "x~_.-"}};
  std::string body = form_encode(params);
  EXPECT_EQ(body, "From=%2B15005550006&SipHeader_X-A=a+b%26c%3Dd%25&E=&E=x~_.-");
  auto back = form_decode(body);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, params);
}

TEST(Params, DecodeAcceptsLowerCaseEscapesAndRejectsBrokenOnes) {
  EXPECT_EQ(form_decode("a=%2b1&b&&c=x%3d").value(), (Params{{"a", "+1"}, {"b", ""}, {"c", "x="}}));
  EXPECT_FALSE(form_decode("a=%2").has_value());
  EXPECT_FALSE(form_decode("a=%zz").has_value());
}

TEST(Params, SetReplacesEveryValueAndKeepsThePosition) {
  Params params{{"A", "1"}, {"B", "2"}, {"A", "3"}};
  params.set("A", "9");
  EXPECT_EQ(params, (Params{{"A", "9"}, {"B", "2"}}));
  params.set("C", "4");
  EXPECT_EQ(params.find("C"), "4");
  EXPECT_EQ(params.find_all("A").size(), 1u);
  EXPECT_FALSE(params.find("D").has_value());
}

// ---- URLs (webhook.relative-url) -------------------------------------------------------------

TEST(Url, ParsesAndNormalises) {
  auto url = parse_url("HTTPS://user:pw@Example.COM:8443/a/./b/../c?x=1&y=%2F#rt=500");
  ASSERT_TRUE(url.has_value()) << url.error().message;
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->userinfo, "user:pw");
  EXPECT_EQ(url->host, "example.com");
  EXPECT_EQ(url->port, 8443);
  EXPECT_EQ(url->path, "/a/c");
  EXPECT_EQ(url->query, "x=1&y=%2F");
  EXPECT_EQ(url->fragment, "rt=500");
  EXPECT_EQ(url->target(), "/a/c?x=1&y=%2F");
  EXPECT_EQ(url->origin(), "https://example.com:8443");
  EXPECT_EQ(url->without_fragment(), "https://user:pw@example.com:8443/a/c?x=1&y=%2F");
  EXPECT_EQ(url->to_string(), "https://user:pw@example.com:8443/a/c?x=1&y=%2F#rt=500");

  auto bare = parse_url("http://[::1]");
  ASSERT_TRUE(bare.has_value());
  EXPECT_EQ(bare->host, "[::1]");
  EXPECT_EQ(bare->effective_port(), 80);
  EXPECT_EQ(bare->to_string(), "http://[::1]/");
}

TEST(Url, RejectsWhatCannotBeRequested) {
  for (const char* bad :
       {"ftp://x/y", "/relative", "http://", "http://host:0/", "http://host:99999/",
        "http://host:8x/", "http://a b/", "http:g", "http://[::1/"})
    EXPECT_FALSE(parse_url(bad).has_value()) << bad;
}

// RFC 3986 §5.4.1 and §5.4.2, base "http://a/b/c/d;p?q". Differences from the RFC's table: an
// empty path becomes "/", and "g:h" / "http:g" are refused (not http URLs with a host).
TEST(Url, ResolvesReferencesAsRfc3986Section5Says) {
  const Url base = parse_url("http://a/b/c/d;p?q").value();
  const std::pair<const char*, const char*> table[] = {
      {"g", "http://a/b/c/g"},
      {"./g", "http://a/b/c/g"},
      {"g/", "http://a/b/c/g/"},
      {"/g", "http://a/g"},
      {"//g", "http://g/"},
      {"?y", "http://a/b/c/d;p?y"},
      {"g?y", "http://a/b/c/g?y"},
      {"#s", "http://a/b/c/d;p?q#s"},
      {"g#s", "http://a/b/c/g#s"},
      {"g?y#s", "http://a/b/c/g?y#s"},
      {";x", "http://a/b/c/;x"},
      {"g;x", "http://a/b/c/g;x"},
      {"g;x?y#s", "http://a/b/c/g;x?y#s"},
      {"", "http://a/b/c/d;p?q"},
      {".", "http://a/b/c/"},
      {"./", "http://a/b/c/"},
      {"..", "http://a/b/"},
      {"../", "http://a/b/"},
      {"../g", "http://a/b/g"},
      {"../..", "http://a/"},
      {"../../", "http://a/"},
      {"../../g", "http://a/g"},
      // abnormal examples
      {"../../../g", "http://a/g"},
      {"../../../../g", "http://a/g"},
      {"/./g", "http://a/g"},
      {"/../g", "http://a/g"},
      {"g.", "http://a/b/c/g."},
      {".g", "http://a/b/c/.g"},
      {"g..", "http://a/b/c/g.."},
      {"..g", "http://a/b/c/..g"},
      {"./../g", "http://a/b/g"},
      {"./g/.", "http://a/b/c/g/"},
      {"g/./h", "http://a/b/c/g/h"},
      {"g/../h", "http://a/b/c/h"},
      {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
      {"g;x=1/../y", "http://a/b/c/y"},
      {"g?y/./x", "http://a/b/c/g?y/./x"},
      {"g?y/../x", "http://a/b/c/g?y/../x"},
      {"g#s/./x", "http://a/b/c/g#s/./x"},
      {"g#s/../x", "http://a/b/c/g#s/../x"},
      // absolute references replace the base
      {"https://other.example:444/x/../y", "https://other.example:444/y"},
  };
  for (auto [reference, expected] : table) {
    auto resolved = resolve_url(base, reference);
    ASSERT_TRUE(resolved.has_value()) << reference << ": " << resolved.error().message;
    EXPECT_EQ(resolved->to_string(), expected) << "reference '" << reference << "'";
  }
  EXPECT_FALSE(resolve_url(base, "g:h").has_value());
  EXPECT_FALSE(resolve_url(base, "http:g").has_value());
}

TEST(Url, InDocumentRelativeToItsUrlAndAbsoluteOnlyWithoutOne) {
  EXPECT_EQ(resolve_in_document("http://app.example/voice", "/after").value().to_string(),
            "http://app.example/after");
  // Inline TwiML from the REST API has no URL: absolute URLs work, relative ones cannot.
  EXPECT_EQ(resolve_in_document("", "http://app.example/next").value().to_string(), "http://app.example/next");
  EXPECT_FALSE(resolve_in_document("", "/after").has_value());
}

TEST(Url, ResolutionKeepsTheBaseAuthorityWithPortAndCredentials) {
  const Url base = parse_url("https://u:p@app.example:8443/voice/start.xml?x=1#rt=500").value();
  EXPECT_EQ(resolve_url(base, "/action").value().to_string(),
            "https://u:p@app.example:8443/action");
  EXPECT_EQ(resolve_url(base, "next?step=2").value().to_string(),
            "https://u:p@app.example:8443/voice/next?step=2");
  // The base's fragment (its overrides) is never inherited.
  EXPECT_EQ(resolve_url(base, "refer").value().fragment, std::nullopt);
}

// ---- webhook.timeout: connection overrides -------------------------------------------------

TEST(Overrides, DefaultsAreTheProvidersFigures) {
  ConnectionOverrides o = parse_overrides("");
  EXPECT_EQ(o.connect_timeout, 5000ms);
  EXPECT_EQ(o.read_timeout, 15000ms);
  EXPECT_EQ(o.total_timeout, 15000ms);
  EXPECT_EQ(o.retry_count, 1);
  EXPECT_EQ(o.retry_policy, (RetryPolicy{true, false, false, false}));
  EXPECT_TRUE(o.ignored.empty());
}

TEST(Overrides, EveryKeyIsRead) {
  ConnectionOverrides o =
      parse_overrides("ct=1000&rt=2000&tt=3000&rc=3&rp=rt,5xx&e=ashburn-ix&sni=y");
  EXPECT_EQ(o.connect_timeout, 1000ms);
  EXPECT_EQ(o.read_timeout, 2000ms);
  EXPECT_EQ(o.total_timeout, 3000ms);
  EXPECT_EQ(o.retry_count, 3);
  EXPECT_EQ(o.retry_policy, (RetryPolicy{false, true, false, true}));
  EXPECT_EQ(o.edge, "ashburn-ix");
  EXPECT_EQ(o.sni, "y");
  EXPECT_TRUE(o.ignored.empty());
  EXPECT_EQ(parse_overrides("rp=all").retry_policy, (RetryPolicy{true, true, true, true}));
  EXPECT_EQ(parse_overrides("rp=4xx%2Cct").retry_policy, (RetryPolicy{true, false, true, false}));
}

TEST(Overrides, OutOfRangeValuesAreClamped) {
  ConnectionOverrides low = parse_overrides("ct=1&rt=99&tt=0&rc=-2");
  EXPECT_EQ(low.connect_timeout, 100ms);
  EXPECT_EQ(low.read_timeout, 100ms);
  EXPECT_EQ(low.total_timeout, 100ms);
  EXPECT_EQ(low.retry_count, 0);
  ConnectionOverrides high = parse_overrides("ct=10001&rt=60000&tt=99999999999999999999999&rc=9");
  EXPECT_EQ(high.connect_timeout, 10000ms);
  EXPECT_EQ(high.read_timeout, 15000ms);
  EXPECT_EQ(high.total_timeout, 15000ms);
  EXPECT_EQ(high.retry_count, 5);
}

TEST(Overrides, WhatIsNotUnderstoodIsIgnoredAndListed) {
  ConnectionOverrides o = parse_overrides("section-2&ct=fast&xx=1&rp=sometimes&&rt=500");
  EXPECT_EQ(o.connect_timeout, 5000ms);
  EXPECT_EQ(o.retry_policy, RetryPolicy{});
  EXPECT_EQ(o.read_timeout, 500ms);
  EXPECT_EQ(o.ignored, (std::vector<std::string>{"section-2", "ct=fast", "xx=1", "rp=sometimes"}));
}

// ---- the client against a real server ------------------------------------------------------

// Stands in for the SIP event loop: runs posted tasks on its own thread.
class Loop {
 public:
  Loop() : thread_([this] { run(); }) {}
  ~Loop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  void post(std::function<void()> task) {
    {
      std::lock_guard lock(mutex_);
      tasks_.push_back(std::move(task));
    }
    wake_.notify_all();
  }
  std::thread::id id() const { return thread_.get_id(); }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;
      auto task = std::move(tasks_.front());
      tasks_.pop_front();
      lock.unlock();
      task();
      lock.lock();
    }
  }
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::thread thread_;
};

class TestServer {
 public:
  TestServer() {
    http.set_keep_alive_timeout(1);
    port_ = http.bind_to_any_port("127.0.0.1");  // listening from here on: no wait needed
    thread_ = std::thread([this] { http.listen_after_bind(); });
  }
  ~TestServer() {
    while (!http.is_running()) std::this_thread::yield();  // stop() is a no-op before that
    http.stop();
    thread_.join();
  }
  std::string url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }
  int port() const { return port_; }

  httplib::Server http;

 private:
  int port_ = 0;
  std::thread thread_;
};

Request request(HttpMethod method, std::string url, Params params = {}) {
  Request r;
  r.method = method;
  r.url = std::move(url);
  r.params = std::move(params);
  return r;
}

constexpr const char* kToken = "0123456789abcdef0123456789abcdef";
constexpr const char* kTwiml = "<Response><Dial><Sip>sip:a@example.com</Sip></Dial></Response>";

class Client : public ::testing::Test {
 protected:
  Response fetch(Request request) {
    request.auth_token = kToken;
    auto promise = std::make_shared<std::promise<Response>>();
    auto future = promise->get_future();
    client_.fetch(std::move(request), [this, promise](Response r) {
      on_loop_ = std::this_thread::get_id() == loop_.id();
      promise->set_value(std::move(r));
    });
    if (future.wait_for(30s) != std::future_status::ready) {
      ADD_FAILURE() << "no answer within 30 s";
      return {};
    }
    return future.get();
  }
  Request post(std::string_view path, Params params = {}) {
    return request(HttpMethod::post, server_.url(path), std::move(params));
  }

  Loop loop_;
  TestServer server_;
  WebhookClient client_{2, [this](WebhookClient::Task task) { loop_.post(std::move(task)); }};
  std::atomic<bool> on_loop_{false};
};

// webhook.method + webhook.signature: a POST form body, signed as the helper libraries check it.
TEST_F(Client, PostSendsASignedFormBody) {
  std::promise<httplib::Request> seen;
  server_.http.Post("/voice", [&](const httplib::Request& req, httplib::Response& res) {
    seen.set_value(req);
    res.set_content(kTwiml, "text/xml");
  });
  Params params{{"CallSid", "CA0123456789abcdef0123456789abcdef"},
                {"From", "sip:+1555@x.example"},
                {"SipHeader_X-Name", "a b&c"},
                {"StatusCallbackEvent", "ringing"},
                {"StatusCallbackEvent", "answered"}};
  Response r = fetch(post("/voice?case=42#rt=5000", params));
  ASSERT_TRUE(r.ok()) << r.detail;
  EXPECT_TRUE(on_loop_) << "done must run on the loop thread";
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, kTwiml);
  EXPECT_EQ(r.content_type, "text/xml");
  EXPECT_EQ(r.url, server_.url("/voice?case=42"));
  EXPECT_EQ(r.attempts, 1);

  httplib::Request req = seen.get_future().get();
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/voice?case=42");  // the fragment is never sent
  EXPECT_EQ(req.get_header_value("Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(req.get_header_value("User-Agent"), "TwilioProxy/1.1");
  auto body = form_decode(req.body);
  ASSERT_TRUE(body.has_value());
  EXPECT_EQ(*body, params);
  // Server side, as validateRequest does it: the URL it was called at plus the body's parameters.
  EXPECT_EQ(req.get_header_value("X-Twilio-Signature"),
            compute_signature(
                kToken, "http://127.0.0.1:" + std::to_string(server_.port()) + req.target, *body));
}

// webhook.method: GET puts the same parameters in the query string and signs the whole URL.
TEST_F(Client, GetSendsTheParametersInTheQuery) {
  std::promise<httplib::Request> seen;
  server_.http.Get("/voice", [&](const httplib::Request& req, httplib::Response& res) {
    seen.set_value(req);
    res.set_content(kTwiml, "application/xml; charset=utf-8");
  });
  Response r = fetch(
      request(HttpMethod::get, server_.url("/voice?case=7"), {{"From", "+1 555"}, {"To", "bob"}}));
  ASSERT_TRUE(r.ok()) << r.detail;
  httplib::Request req = seen.get_future().get();
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.target, "/voice?case=7&From=%2B1+555&To=bob");
  EXPECT_TRUE(req.body.empty());
  EXPECT_EQ(req.get_header_value("X-Twilio-Signature"),
            compute_signature(kToken, server_.url(req.target), {}));
  EXPECT_EQ(r.url, server_.url("/voice?case=7"));
}

// webhook.http-error: 4xx/5xx is 11217.
TEST_F(Client, ServerErrorIsHttpError) {
  server_.http.Post("/voice", [](const httplib::Request&, httplib::Response& res) {
    res.status = 500;
    res.set_content(kTwiml, "text/xml");
  });
  Response r = fetch(post("/voice"));
  EXPECT_EQ(r.outcome, Outcome::http_error);
  EXPECT_EQ(r.alert, 11217);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.attempts, 1);  // 5xx is not retried by default (rp=ct)
}

// A port nothing listens on: bound (not listening) to learn a free number, then closed.
int unused_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof addr;
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), size), 0);
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size), 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// webhook.timeout: a refused connection is 11205, after the default second try.
TEST_F(Client, RefusedConnectionIsConnectFailedAfterTwoTries) {
  int port = unused_port();
  Response r =
      fetch(request(HttpMethod::post, "http://127.0.0.1:" + std::to_string(port) + "/voice"));
  EXPECT_EQ(r.outcome, Outcome::connect_failed);
  EXPECT_EQ(r.alert, 11205);
  EXPECT_EQ(r.attempts, 2);
  EXPECT_EQ(r.status, 0);
  r = fetch(request(HttpMethod::post, "http://127.0.0.1:" + std::to_string(port) + "/voice#rc=0"));
  EXPECT_EQ(r.attempts, 1);
}

// A handler that answers only when the test lets it, so "slow" needs no sleep.
struct Gate {
  std::promise<void> open;
  std::shared_future<void> opened = open.get_future().share();
};

// webhook.timeout: no response within #rt is 11203; rc/rp=rt retries it.
TEST_F(Client, SlowServerBeyondReadTimeoutIsTimeout) {
  auto gate = std::make_shared<Gate>();  // shared: handlers may still run when the test ends
  server_.http.Post("/slow", [gate](const httplib::Request&, httplib::Response& res) {
    gate->opened.wait();
    res.set_content(kTwiml, "text/xml");
  });
  Response r = fetch(post("/slow#rt=300"));
  EXPECT_EQ(r.outcome, Outcome::timeout);
  EXPECT_EQ(r.alert, 11203);
  EXPECT_GE(r.elapsed, 280ms);
  EXPECT_LT(r.elapsed, 5000ms);
  EXPECT_EQ(r.attempts, 1);

  r = fetch(post("/slow#rt=200&rc=2&rp=rt"));
  EXPECT_EQ(r.outcome, Outcome::timeout);
  EXPECT_EQ(r.attempts, 3);

  r = fetch(post("/slow#rt=5000&tt=300"));  // the total time bounds the wait too
  EXPECT_EQ(r.outcome, Outcome::timeout);
  EXPECT_LT(r.elapsed, 2000ms);
  gate->open.set_value();
}

// webhook.http-error: redirects are followed (relative Location resolved) up to 10 times.
TEST_F(Client, RedirectChainIsFollowed) {
  std::atomic<int> posts{0};
  server_.http.Post(
      "/r1", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("r2", 302); });
  server_.http.Post("/r2", [&](const httplib::Request&, httplib::Response& res) {
    res.set_redirect("/final?x=1", 307);
  });
  server_.http.Post("/final", [&](const httplib::Request& req, httplib::Response& res) {
    posts += req.body == "CallSid=CA1" ? 1 : 100;
    res.set_content(kTwiml, "text/xml");
  });
  Response r = fetch(post("/r1", {{"CallSid", "CA1"}}));
  ASSERT_TRUE(r.ok()) << r.detail;
  EXPECT_EQ(r.url, server_.url("/final?x=1"));
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(posts, 1);  // method and body kept
}

TEST_F(Client, SeeOtherSwitchesToGet) {
  server_.http.Post("/form", [](const httplib::Request&, httplib::Response& res) {
    res.set_redirect("/doc", 303);
  });
  server_.http.Get("/doc", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(req.get_param_value("CallSid") == "CA1" ? kTwiml : "", "text/xml");
  });
  Response r = fetch(post("/form", {{"CallSid", "CA1"}}));
  ASSERT_TRUE(r.ok()) << r.detail;
  EXPECT_EQ(r.body, kTwiml);
}

TEST_F(Client, RedirectLoopIsTooManyRedirects) {
  std::atomic<int> hits{0};
  server_.http.Post("/loop", [&](const httplib::Request&, httplib::Response& res) {
    ++hits;
    res.set_redirect("/loop", 302);
  });
  Response r = fetch(post("/loop"));
  EXPECT_EQ(r.outcome, Outcome::too_many_redirects);
  EXPECT_EQ(r.alert, 11215);
  EXPECT_EQ(hits, 11);  // the first request and 10 redirects followed
}

// webhook.content-type: only text/xml, application/xml and text/html are TwiML.
TEST_F(Client, ContentTypeDecidesWhetherItIsTwiml) {
  server_.http.Post("/typed", [](const httplib::Request& req, httplib::Response& res) {
    std::string type = req.get_param_value("type");
    if (type.empty()) {
      res.body = kTwiml;  // no Content-Type at all
    } else {
      res.set_content(kTwiml, type.c_str());
    }
  });
  auto outcome_for = [&](std::string type) {
    return fetch(post("/typed?type=" + form_encode_component(type))).outcome;
  };
  EXPECT_EQ(outcome_for("text/xml"), Outcome::ok);
  EXPECT_EQ(outcome_for("Text/XML; charset=utf-8"), Outcome::ok);
  EXPECT_EQ(outcome_for("application/xml"), Outcome::ok);
  EXPECT_EQ(outcome_for("text/html"), Outcome::ok);
  EXPECT_EQ(outcome_for("text/plain"), Outcome::bad_content_type);
  EXPECT_EQ(outcome_for("audio/mpeg"), Outcome::bad_content_type);
  Response r = fetch(post("/typed"));
  EXPECT_EQ(r.outcome, Outcome::bad_content_type);
  EXPECT_EQ(r.alert, 12300);
}

TEST_F(Client, CallbacksNeedOnlyA2xx) {
  server_.http.Post("/status",
                    [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
  Request request = post("/status");
  request.expect_twiml = false;
  EXPECT_EQ(fetch(request).outcome, Outcome::ok);
  request.expect_twiml = true;
  EXPECT_EQ(fetch(request).outcome, Outcome::bad_content_type);
}

// A TwiML document of exactly `size` bytes: a comment pads a valid <Response>.
std::string twiml_of_size(std::size_t size) {
  const std::string head = "<Response><Hangup/><!--", tail = "--></Response>";
  return head + std::string(size - head.size() - tail.size(), 'x') + tail;
}

// webhook.http-error: 64 KiB of TwiML is read; one byte more is 11750, and the body is dropped.
TEST_F(Client, TwimlLongerThan64KiBIs11750) {
  server_.http.Post("/doc", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(twiml_of_size(std::stoul(req.get_param_value("size"))), "text/xml");
  });
  Response r = fetch(post("/doc?size=" + std::to_string(kMaxTwimlBody)));
  ASSERT_TRUE(r.ok()) << r.detail;
  EXPECT_EQ(r.body.size(), kMaxTwimlBody);

  r = fetch(post("/doc?size=" + std::to_string(kMaxTwimlBody + 1)));
  EXPECT_EQ(r.outcome, Outcome::body_too_large);
  EXPECT_EQ(r.alert, 11750);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_TRUE(r.body.empty());

  r = fetch(post("/doc?size=70000"));  // the connection cut mid-body is not reused afterwards
  EXPECT_EQ(r.alert, 11750);
  r = fetch(post("/doc?size=100"));
  EXPECT_TRUE(r.ok()) << r.detail;
}

// Without a Content-Length (chunked) the limit holds too: an endless body is not buffered.
TEST_F(Client, EndlessChunkedBodyStopsAtTheLimit) {
  server_.http.Post("/endless", [](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("text/xml", [](std::size_t, httplib::DataSink& sink) {
      static const std::string chunk = "<Response>" + std::string(4086, ' ');
      return sink.write(chunk.data(), chunk.size());  // false once the client has gone
    });
  });
  Response r = fetch(post("/endless"));
  EXPECT_EQ(r.outcome, Outcome::body_too_large);
  EXPECT_EQ(r.alert, 11750);
  EXPECT_LT(r.elapsed, 5000ms);
}

// The status and the type are judged first: a long error page is 11217, a long text/plain
// answer 12300, and a callback needs only its 2xx, however long the body.
TEST_F(Client, LimitFailsOnlyOtherwiseUsableTwiml) {
  const std::string large = twiml_of_size(70000);
  server_.http.Post("/error", [&](const httplib::Request&, httplib::Response& res) {
    res.status = 500;
    res.set_content(large, "text/html");
  });
  server_.http.Post("/plain", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(large, "text/plain");
  });
  server_.http.Post("/status", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(large, "text/xml");
  });
  EXPECT_EQ(fetch(post("/error")).alert, 11217);
  EXPECT_EQ(fetch(post("/plain")).alert, 12300);
  Request callback = post("/status");
  callback.expect_twiml = false;
  EXPECT_EQ(fetch(callback).outcome, Outcome::ok);
}

TEST_F(Client, RetryPolicyForServerErrors) {
  std::atomic<int> hits{0};
  server_.http.Post("/flaky", [&](const httplib::Request&, httplib::Response& res) {
    res.status = ++hits < 3 ? 503 : 200;
    res.set_content(kTwiml, "text/xml");
  });
  Response r = fetch(post("/flaky#rc=2&rp=5xx"));
  EXPECT_TRUE(r.ok()) << r.detail;
  EXPECT_EQ(r.attempts, 3);
}

TEST_F(Client, ConnectionsAreKeptAlive) {
  std::vector<int> ports;
  std::mutex mutex;
  server_.http.Post("/voice", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mutex);
    ports.push_back(req.remote_port);
    res.set_content(kTwiml, "text/xml");
  });
  WebhookClient single(1, [this](WebhookClient::Task task) { loop_.post(std::move(task)); });
  for (int i = 0; i < 3; ++i) {
    std::promise<Response> done;
    single.fetch(post("/voice"), [&](Response r) { done.set_value(std::move(r)); });
    ASSERT_TRUE(done.get_future().get().ok());
  }
  ASSERT_EQ(ports.size(), 3u);
  EXPECT_EQ(ports[0], ports[1]);
  EXPECT_EQ(ports[1], ports[2]);
}

TEST_F(Client, CredentialsInTheUrlAreSentAsBasicAuth) {
  std::promise<std::string> seen;
  server_.http.Post("/private", [&](const httplib::Request& req, httplib::Response& res) {
    seen.set_value(req.get_header_value("Authorization"));
    res.set_content(kTwiml, "text/xml");
  });
  Response r = fetch(request(HttpMethod::post, "http://alice:s3cret@127.0.0.1:" +
                                                   std::to_string(server_.port()) + "/private"));
  EXPECT_TRUE(r.ok()) << r.detail;
  EXPECT_EQ(seen.get_future().get(), "Basic YWxpY2U6czNjcmV0");
}

TEST_F(Client, InvalidUrlIs11100) {
  Response r = fetch(request(HttpMethod::post, "ftp://127.0.0.1/voice"));
  EXPECT_EQ(r.outcome, Outcome::invalid_url);
  EXPECT_EQ(r.alert, 11100);
  EXPECT_EQ(r.attempts, 0);
}

TEST(FetchBlocking, WorksWithoutAPool) {
  TestServer server;
  server.http.Get("/doc", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(kTwiml, "text/xml");
  });
  Response r = fetch_blocking(request(HttpMethod::get, server.url("/doc")));
  EXPECT_TRUE(r.ok()) << r.detail;
  EXPECT_EQ(r.body, kTwiml);
}

}  // namespace
}  // namespace sipref::webhook
