// The REST API on a real socket (api.auth end to end, the raw query and form body reaching the
// router, DELETE's 204, /metrics) and EngineBackend running each call on the io_context's thread.
#include "api/rest_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <mutex>
#include <stdexcept>
#include <thread>

#include "api/engine_backend.h"

namespace sipref::api {
namespace {

using namespace std::chrono_literals;

const std::string kAccount = "AC0123456789abcdef0123456789abcdef";
const std::string kToken = "0123456789abcdef0123456789abcdef";
const std::string kCallSid = "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const std::string kCalls = "/2010-04-01/Accounts/" + kAccount + "/Calls.json";
const std::string kCall = "/2010-04-01/Accounts/" + kAccount + "/Calls/" + kCallSid + ".json";
const std::string kApp =
    "/2010-04-01/Accounts/" + kAccount + "/Applications/APbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.json";

// Thread-safe (httplib answers on its worker threads); remembers the thread and the last
// filter and outbound call it saw.
struct FakeBackend final : Backend {
  std::mutex mutex;
  std::thread::id ran_on;
  std::optional<call::CallFilter> filter;
  std::optional<call::OutboundCall> created;

  call::CallRecord record() {
    ran_on = std::this_thread::get_id();
    call::CallRecord call;
    call.sid = kCallSid;
    call.account_sid = kAccount;
    call.status = "queued";
    call.direction = "outbound-api";
    return call;
  }
  std::unexpected<call::Refusal> unsupported() {
    return std::unexpected(call::Refusal{501, 20001, "not in this fake"});
  }

  std::expected<call::CallRecord, call::Refusal> create_call(
      const call::OutboundCall& request) override {
    std::lock_guard lock(mutex);
    created = request;
    return record();
  }
  std::expected<call::CallRecord, call::Refusal> find_call(const std::string&,
                                                           const std::string&) override {
    std::lock_guard lock(mutex);
    return record();
  }
  std::expected<std::vector<call::CallRecord>, call::Refusal> list_calls(
      const std::string&, const call::CallFilter& asked) override {
    std::lock_guard lock(mutex);
    filter = asked;
    return std::vector<call::CallRecord>{record()};
  }
  std::expected<call::CallRecord, call::Refusal> update_call(const std::string&, const std::string&,
                                                             const call::CallUpdate&) override {
    return unsupported();
  }
  std::expected<call::AppRecord, call::Refusal> create_application(
      const std::string&, const call::AppChange&) override {
    return unsupported();
  }
  std::expected<call::AppRecord, call::Refusal> find_application(const std::string&,
                                                                 const std::string&) override {
    return unsupported();
  }
  std::expected<std::vector<call::AppRecord>, call::Refusal> list_applications(
      const std::string&) override {
    return unsupported();
  }
  std::expected<call::AppRecord, call::Refusal> update_application(
      const std::string&, const std::string&, const call::AppChange&) override {
    return unsupported();
  }
  std::expected<void, call::Refusal> delete_application(const std::string&,
                                                        const std::string&) override {
    return {};
  }
};

config::Config one_account() {
  config::Config config;
  config::Account account;
  account.sid = kAccount;
  account.auth_token = kToken;
  config.accounts.push_back(account);
  return config;
}

class RestServerOnSocket : public ::testing::Test {
 protected:
  httplib::Client client() {
    httplib::Client c("127.0.0.1", server.port());
    c.set_connection_timeout(5s);
    c.set_read_timeout(5s);
    return c;
  }

  FakeBackend backend;
  config::Config config = one_account();
  std::optional<std::string> metrics_text = "sipref_active_calls 0\n";
  RestServer server{config::RestListen{"127.0.0.1", 0}, backend, config,
                    [this] { return metrics_text; }};
};

TEST_F(RestServerOnSocket, AuthenticatedGetAnswersJson) {
  auto c = client();
  c.set_basic_auth(kAccount.c_str(), kToken.c_str());
  auto response = c.Get(kCall.c_str());
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->get_header_value("Content-Type"), "application/json");
  EXPECT_NE(response->body.find("\"sid\": \"" + kCallSid + "\""), std::string::npos)
      << response->body;
}

TEST_F(RestServerOnSocket, MissingCredentialsAre401WithChallenge) {
  auto response = client().Get(kCall.c_str());
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 401);
  EXPECT_EQ(response->get_header_value("WWW-Authenticate"), "Basic realm=\"Twilio API\"");
  EXPECT_NE(response->body.find("\"code\": 20003"), std::string::npos) << response->body;
}

TEST_F(RestServerOnSocket, RawQueryAndFormBodyReachTheRouter) {
  auto c = client();
  c.set_basic_auth(kAccount.c_str(), kToken.c_str());
  auto listed = c.Get((kCalls + "?To=%2B15005550006&Status=queued").c_str());
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->status, 200) << listed->body;
  {
    std::lock_guard lock(backend.mutex);
    ASSERT_TRUE(backend.filter);
    EXPECT_EQ(backend.filter->to, "+15005550006");
    EXPECT_EQ(backend.filter->status, "queued");
  }
  auto created = c.Post(kCalls.c_str(),
                        "To=%2B1&From=%2B2&Url=https%3A%2F%2Fa.example&StatusCallbackEvent=ringing"
                        "&StatusCallbackEvent=initiated",
                        "application/x-www-form-urlencoded");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 201) << created->body;
  std::lock_guard lock(backend.mutex);
  ASSERT_TRUE(backend.created);
  EXPECT_EQ(
      backend.created->status_callback_events,
      (std::vector<twiml::CallEvent>{twiml::CallEvent::ringing, twiml::CallEvent::initiated}));
}

TEST_F(RestServerOnSocket, DeleteAnswers204WithoutBody) {
  auto c = client();
  c.set_basic_auth(kAccount.c_str(), kToken.c_str());
  auto response = c.Delete(kApp.c_str());
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 204);
  EXPECT_TRUE(response->body.empty());
}

TEST_F(RestServerOnSocket, Metrics) {
  auto served = client().Get("/metrics");
  ASSERT_TRUE(served);
  EXPECT_EQ(served->status, 200);
  EXPECT_EQ(served->body, "sipref_active_calls 0\n");
  metrics_text.reset();  // the engine did not answer
  auto unavailable = client().Get("/metrics");
  ASSERT_TRUE(unavailable);
  EXPECT_EQ(unavailable->status, 503);
}

TEST(RestServer, CannotBindIsAStartUpError) {
  FakeBackend backend;
  auto config = one_account();
  // 192.0.2.1 (TEST-NET-1) is no address of this machine.
  EXPECT_THROW(RestServer(config::RestListen{"192.0.2.1", 8080}, backend, config, {}),
               std::runtime_error);
}

TEST(RestServer, StopsRightAfterStarting) {
  FakeBackend backend;
  auto config = one_account();
  for (int i = 0; i < 5; ++i) RestServer(config::RestListen{"127.0.0.1", 0}, backend, config, {});
}

// ---- EngineBackend ---------------------------------------------------------------------------

TEST(EngineBackend, RunsEachCallOnTheLoopThread) {
  boost::asio::io_context io;
  auto guard = boost::asio::make_work_guard(io);
  std::thread loop([&] { io.run(); });
  const auto loop_thread = loop.get_id();
  FakeBackend engine_side;
  ForwardingBackend<FakeBackend> forwarding(engine_side);  // as main.cpp wraps call::Engine
  EngineBackend backend(io, forwarding);
  auto found = backend.find_call(kAccount, kCallSid);
  auto deleted = backend.delete_application(kAccount, "AP1");
  guard.reset();
  loop.join();
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->sid, kCallSid);
  EXPECT_TRUE(deleted);
  EXPECT_EQ(engine_side.ran_on, loop_thread);
}

TEST(EngineBackend, AnEngineThatDoesNotAnswerIs503) {
  boost::asio::io_context io;  // never run while the request waits
  FakeBackend engine_side;
  EngineBackend backend(io, engine_side, 50ms);
  auto found = backend.find_call(kAccount, kCallSid);
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().http_status, 503);
  EXPECT_EQ(found.error().code, 20500);
  EXPECT_EQ(found.error().message, "the call engine did not answer within 50 ms");
  io.run();  // the abandoned call still runs later, on copies of its arguments
  EXPECT_NE(engine_side.ran_on, std::thread::id());
}

}  // namespace
}  // namespace sipref::api
