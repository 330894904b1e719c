#include "webhook/mock_server.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

#include "util/json.h"
#include "webhook/form.h"
#include "webhook/http_server.h"
#include "webhook/signature.h"

namespace sipconform {
namespace {

constexpr std::string_view kCasePrefix = "/c/";

// Parameters whose value carries the case token when the target copies it from the SIP side
// (Request-URI user, To, From, X-Conformance-Case), in the order they are searched.
constexpr std::string_view kTokenParams[] = {"To",
                                             "Called",
                                             "From",
                                             "Caller",
                                             "ForwardedFrom",
                                             "ReferTransferTarget",
                                             "SipHeader_X-Conformance-Case",
                                             "CustomerId"};

// An Application Connect request [app.*] has no SIP side and no ParentCallSid: the case's
// <Application> puts its token in a <Parameter>, which arrives as Param_<name>.
constexpr std::string_view kAppParamPrefix = "Param_";

double now_epoch() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

const std::string* find_param(const Params& params, std::string_view name) {
  for (const auto& [key, value] : params) {
    if (key == name) return &value;
  }
  return nullptr;
}

// An alert's call: `resource_sid` of the JSON Payload [webhook.alerts]; "" when there is none.
std::string alert_resource(const Params& params) {
  const std::string* payload = find_param(params, "Payload");
  if (payload == nullptr) return "";
  auto json = parse_json(*payload);
  const Json* sid = json ? json->find("resource_sid") : nullptr;
  return sid != nullptr && sid->is_string() ? sid->as_string() : "";
}

// Pseudo-headers httplib adds to every request; they were never on the wire.
bool is_wire_header(const std::string& name) {
  return name != "REMOTE_ADDR" && name != "REMOTE_PORT" && name != "LOCAL_ADDR" &&
         name != "LOCAL_PORT";
}

bool is_form(const httplib::Request& req) {
  return req.get_header_value("Content-Type").starts_with("application/x-www-form-urlencoded");
}

// How one request is answered, decided under the lock and carried out after it is released.
struct Answer {
  int status = 200;
  std::string content_type;
  std::string body;
  std::string location;
  int delay_ms = 0;
  bool drop = false;
};

Answer content(int status, std::string content_type, std::string body) {
  Answer a;
  a.status = status;
  a.content_type = std::move(content_type);
  a.body = std::move(body);
  return a;
}

Answer answer_for(const WebhookDoc& doc) {
  const Fault& fault = doc.fault;
  Answer a = content(200, doc.content_type, doc.body);
  switch (fault.kind) {
    case Fault::Kind::none:
      break;
    case Fault::Kind::delay:
      a.delay_ms = fault.delay_ms;
      break;
    case Fault::Kind::status:
      a = content(fault.status, "text/plain",
                  "fault: status " + std::to_string(fault.status) + "\n");
      break;
    case Fault::Kind::content_type:
      a.content_type = fault.content_type;
      break;
    case Fault::Kind::malformed:
      a = content(200, "text/xml", "<Response><Dial>");
      break;
    case Fault::Kind::drop:
      a = Answer{};
      a.status = 0;  // recorded as not answered
      a.drop = true;
      break;
    case Fault::Kind::redirect:
      a = Answer{};
      a.status = 302;
      a.location = fault.location;
      break;
    case Fault::Kind::empty:
      a = content(200, "text/xml", "");
      break;
  }
  return a;
}

Answer not_found(std::string body) {
  return content(404, "text/plain", std::move(body));
}

void apply(const Answer& a, httplib::Response& res) {
  if (a.drop) {
    HttpServer::drop_connection();
    res.status = 200;  // never written; keeps httplib from composing an error page
    return;
  }
  if (!a.location.empty()) {
    res.set_redirect(a.location, a.status);
    return;
  }
  res.status = a.status;
  if (a.status != 204) res.set_content(a.body, a.content_type);
}

}  // namespace

struct MockServer::Impl {
  Impl(std::string address, std::uint16_t port, std::string auth_token)
      : address_(std::move(address)), port_(port), auth_token_(std::move(auth_token)) {}

  struct Route {
    std::string token;
    std::string doc_path;  // the request path without any /c/<token> prefix
  };

  void handle(const httplib::Request& req, httplib::Response& res);
  WebhookEvent describe(const httplib::Request& req) const;
  bool signature_valid(const httplib::Request& req, const Params& post_params) const;
  std::optional<Route> route(const std::string& path, const Params& params) const;
  Answer serve(const Route& route, const Params& params);
  void record(const std::string* token, RecordedRequest request);

  std::string address_;
  std::uint16_t port_;
  std::string auth_token_;
  HttpServer server_;
  std::thread thread_;
  std::atomic<bool> listen_returned_{false};

  mutable std::mutex mutex_;                                      // guards everything below
  std::map<std::string, CaseRoute> cases_;                        // by token
  std::map<std::string, std::string> call_cases_;                 // CallSid / DialCallSid -> token
  std::map<std::string, std::vector<RecordedRequest>> recorded_;  // by token
  std::vector<RecordedRequest> unrouted_;
};

void MockServer::Impl::handle(const httplib::Request& req, httplib::Response& res) {
  RecordedRequest request{.epoch = now_epoch(), .event = describe(req)};
  WebhookEvent& event = request.event;
  Answer answer;
  std::optional<Route> routed;
  {
    std::lock_guard lock(mutex_);
    routed = route(event.path, event.params);
    answer = routed ? serve(*routed, event.params) : not_found("no case for " + event.path + "\n");
  }
  if (routed) event.path = routed->doc_path;
  event.answered_status = answer.status;
  // Recorded before any delay: the event is the request's arrival, and a checker waiting for
  // the case to go quiet should already see it.
  record(routed ? &routed->token : nullptr, std::move(request));
  if (answer.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(answer.delay_ms));
  apply(answer, res);
}

WebhookEvent MockServer::Impl::describe(const httplib::Request& req) const {
  WebhookEvent event;
  event.method = req.method;
  event.path = req.path;
  if (const auto mark = req.target.find('?'); mark != std::string::npos) {
    event.query = req.target.substr(mark + 1);
  }
  event.params = parse_form(event.query);
  Params post_params;
  if (req.method == "POST" && is_form(req)) {
    post_params = parse_form(req.body);
    event.params.insert(event.params.end(), post_params.begin(), post_params.end());
  }
  // httplib keeps headers in a case-insensitive map, so they come out sorted by name, not in
  // wire order.
  for (const auto& [name, value] : req.headers) {
    if (is_wire_header(name)) event.headers.emplace_back(name, value);
  }
  event.signature_valid = signature_valid(req, post_params);
  return event;
}

bool MockServer::Impl::signature_valid(const httplib::Request& req,
                                       const Params& post_params) const {
  if (!req.has_header("X-Twilio-Signature")) return false;
  std::string host = req.get_header_value("Host");
  if (host.empty()) host = address_ + ":" + std::to_string(port_);
  // The URL as the client asked for it, the raw request target included byte for byte.
  const std::string url = "http://" + host + req.target;
  return signature_matches(auth_token_, req.get_header_value("X-Twilio-Signature"), url,
                           post_params);
}

std::optional<MockServer::Impl::Route> MockServer::Impl::route(const std::string& path,
                                                               const Params& params) const {
  if (path.starts_with(kCasePrefix)) {
    const std::size_t end = path.find('/', kCasePrefix.size());
    const std::string token = path.substr(kCasePrefix.size(), end - kCasePrefix.size());
    if (cases_.contains(token)) {
      return Route{token, end == std::string::npos ? "/" : path.substr(end)};
    }
  }
  for (const char* name : {"CallSid", "ParentCallSid"}) {
    const std::string* sid = find_param(params, name);
    if (sid == nullptr) continue;
    if (const auto it = call_cases_.find(*sid); it != call_cases_.end()) {
      return Route{it->second, path};
    }
  }
  const bool alert = path == kDebuggerPath;
  if (alert) {  // an alert names its call only inside the Payload
    const auto it = call_cases_.find(alert_resource(params));
    if (it != call_cases_.end()) return Route{it->second, path};
  }
  std::vector<const std::string*> haystacks;
  for (std::string_view name : kTokenParams) {
    if (const std::string* value = find_param(params, name)) haystacks.push_back(value);
  }
  for (const auto& [key, value] : params)
    if (key.starts_with(kAppParamPrefix)) haystacks.push_back(&value);
  // A URL of the case (/c/<token>/…) quoted in the alert's text ties it to the case too.
  if (const std::string* payload = find_param(params, "Payload"); alert && payload)
    haystacks.push_back(payload);
  haystacks.push_back(&path);
  for (const std::string* haystack : haystacks) {
    for (const auto& [token, route] : cases_) {
      if (haystack->find(token) != std::string::npos) return Route{token, path};
    }
  }
  return std::nullopt;
}

Answer MockServer::Impl::serve(const Route& route, const Params& params) {
  // Later requests of the same call (status callbacks, action URLs) may carry no token at all.
  for (const char* name : {"CallSid", "DialCallSid"}) {
    const std::string* sid = find_param(params, name);
    if (sid != nullptr && !sid->empty()) call_cases_[*sid] = route.token;
  }
  const CaseRoute& route_of_case = cases_.at(route.token);
  for (const WebhookDoc& doc : route_of_case.docs) {
    if (doc.path == route.doc_path) return answer_for(doc);
  }
  // Alerts need no document: every case takes them (one may still serve /debugger to fault it).
  if (route.doc_path == kDebuggerPath) return content(204, "", "");
  return not_found("no document for " + route.doc_path + " in case " + route_of_case.case_id +
                   "\n");
}

void MockServer::Impl::record(const std::string* token, RecordedRequest request) {
  std::lock_guard lock(mutex_);
  auto& list = token != nullptr ? recorded_[*token] : unrouted_;
  // Handlers on different threads may reach the lock out of arrival order.
  const auto at = std::upper_bound(
      list.begin(), list.end(), request.epoch,
      [](double epoch, const RecordedRequest& other) { return epoch < other.epoch; });
  list.insert(at, std::move(request));
}

MockServer::MockServer(std::string address, std::uint16_t port, std::string auth_token)
    : impl_(std::make_unique<Impl>(std::move(address), port, std::move(auth_token))) {
  const auto handler = [impl = impl_.get()](const httplib::Request& req, httplib::Response& res) {
    impl->handle(req, res);
  };
  impl_->server_.Get(".*", handler)
      .Post(".*", handler)
      .Put(".*", handler)
      .Patch(".*", handler)
      .Delete(".*", handler)
      .Options(".*", handler);
}

MockServer::~MockServer() {
  stop();
}

Result<void> MockServer::start() {
  Impl& impl = *impl_;
  if (impl.thread_.joinable()) return fail("mock webhook server: already started");
  impl.server_.set_tcp_nodelay(true);  // answers go out at once: no Nagle wait in call timelines
  if (impl.port_ == 0) {
    const int bound = impl.server_.bind_to_any_port(impl.address_);
    if (bound <= 0) {
      return fail("mock webhook server: cannot listen on " + impl.address_ +
                  " (is it an address of this host?)");
    }
    impl.port_ = static_cast<std::uint16_t>(bound);
  } else if (!impl.server_.bind_to_port(impl.address_, impl.port_)) {
    return fail("mock webhook server: cannot listen on " + impl.address_ + ":" +
                std::to_string(impl.port_) + " (port in use, or not an address of this host?)");
  }
  impl.thread_ = std::thread([&impl] {
    impl.server_.listen_after_bind();
    impl.listen_returned_ = true;
  });
  // stop() before the listen loop runs would be lost, so start() returns only once it runs.
  while (!impl.server_.is_running() && !impl.listen_returned_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!impl.server_.is_running()) {
    impl.thread_.join();
    return fail("mock webhook server: the listen loop ended at once");
  }
  return {};
}

void MockServer::stop() {
  if (!impl_ || !impl_->thread_.joinable()) return;
  impl_->server_.stop();
  impl_->thread_.join();
}

std::uint16_t MockServer::port() const {
  return impl_->port_;
}

std::string MockServer::base_url() const {
  const std::string& host = impl_->address_;
  const bool ipv6 = host.find(':') != std::string::npos;
  return "http://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(impl_->port_);
}

void MockServer::add_case(CaseRoute route) {
  std::lock_guard lock(impl_->mutex_);
  std::string token = route.token;
  impl_->cases_[token] = std::move(route);
}

void MockServer::remove_case(const std::string& token) {
  std::lock_guard lock(impl_->mutex_);
  impl_->cases_.erase(token);
  // What the case saw has been read by now; a late request of its calls is then unrouted,
  // which is worth reporting.
  impl_->recorded_.erase(token);
  std::erase_if(impl_->call_cases_, [&](const auto& entry) { return entry.second == token; });
}

std::vector<RecordedRequest> MockServer::requests_of(const std::string& token) const {
  std::lock_guard lock(impl_->mutex_);
  const auto it = impl_->recorded_.find(token);
  return it == impl_->recorded_.end() ? std::vector<RecordedRequest>{} : it->second;
}

std::vector<RecordedRequest> MockServer::unrouted() const {
  std::lock_guard lock(impl_->mutex_);
  return impl_->unrouted_;
}

}  // namespace sipconform
