// The mock webhook server: plays the customer's web application for every case of a run at
// once, routing each request to its case by token, serving that case's TwiML (or fault), and
// recording every request with its signature verdict.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cases/case.h"
#include "check/timeline.h"
#include "util/error.h"

namespace sipconform {

struct RecordedRequest {
  double epoch = 0;  // absolute receive time (seconds since 1970)
  WebhookEvent event;
};

// What one case serves: its documents by path (substitutions already applied by the caller).
struct CaseRoute {
  std::string token;    // e.g. "c0a1b2c3": appears in Request-URI users, To, From, X-Conformance-Case
  std::string case_id;
  std::vector<WebhookDoc> docs;
};

class MockServer {
 public:
  // `auth_token` verifies X-Twilio-Signature (the URL signed is the one requested, as the client
  // saw it: scheme://host:port/path?query, rebuilt from the Host header).
  MockServer(std::string address, std::uint16_t port, std::string auth_token);
  ~MockServer();
  MockServer(const MockServer&) = delete;
  MockServer& operator=(const MockServer&) = delete;

  Result<void> start();  // binds (port 0: any) and serves on a background thread pool
  void stop();
  std::uint16_t port() const;
  std::string base_url() const;  // "http://address:port"

  void add_case(CaseRoute route);
  void remove_case(const std::string& token);
  // Requests routed to the case so far, in arrival order.
  std::vector<RecordedRequest> requests_of(const std::string& token) const;
  // Requests no case claimed (each is a harness or target problem worth reporting).
  std::vector<RecordedRequest> unrouted() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// base64(HMAC-SHA1(token, url + sorted name+value pairs)) — the provider's algorithm
// [webhook-security doc], written again here because the harness shares no code with sipref.
std::string expected_signature(const std::string& auth_token, const std::string& url,
                               const std::vector<std::pair<std::string, std::string>>& post_params);

}  // namespace sipconform
