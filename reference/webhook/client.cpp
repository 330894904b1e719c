#include "webhook/client.h"

#include <httplib.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>

#include "util/log.h"
#include "webhook/signature.h"
#include "webhook/url.h"

namespace sipref::webhook {

int alert_code(Outcome outcome) {
  switch (outcome) {
    case Outcome::ok:
      return 0;
    case Outcome::connect_failed:
      return 11205;
    case Outcome::timeout:
      return 11203;
    case Outcome::http_error:
      return 11217;
    case Outcome::too_many_redirects:
      return 11215;
    case Outcome::bad_content_type:
      return 12300;
    case Outcome::invalid_url:
      return 11100;
    case Outcome::body_too_large:
      return 11750;
    case Outcome::other_failure:
      return 11200;
  }
  return 11200;
}

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::ok:
      return "ok";
    case Outcome::connect_failed:
      return "connect-failed";
    case Outcome::timeout:
      return "timeout";
    case Outcome::http_error:
      return "http-error";
    case Outcome::too_many_redirects:
      return "too-many-redirects";
    case Outcome::bad_content_type:
      return "bad-content-type";
    case Outcome::invalid_url:
      return "invalid-url";
    case Outcome::body_too_large:
      return "body-too-large";
    case Outcome::other_failure:
      return "other-failure";
  }
  return "?";
}

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
}

// One worker's keep-alive connections, one client per scheme://host:port. Used by one thread.
class Connections {
 public:
  httplib::Client& get(const Url& url) {
    auto& client = clients_[url.origin()];
    if (!client) {
      if (clients_.size() > 16) {  // many different servers: start afresh rather than hoard
        clients_.clear();
        return get(url);
      }
      client = std::make_unique<httplib::Client>(url.origin());
      client->set_keep_alive(true);
      client->set_tcp_nodelay(true);  // headers and body go in separate writes: no Nagle wait
      client->set_url_encode(false);  // targets are already encoded; '+' must stay '+'
    }
    return *client;
  }
  void drop(const Url& url) { clients_.erase(url.origin()); }

 private:
  std::map<std::string, std::unique_ptr<httplib::Client>> clients_;
};

// The answer to one HTTP exchange, or the failure that replaced it.
struct Exchange {
  std::optional<Outcome> failure;
  std::string detail;
  httplib::Response response;  // status and headers; the body only when it fitted
  bool body_over_limit = false;  // the body ran past kMaxTwimlBody: reading stopped there
};

// The HTTP request for `url`: GET carries the parameters in the query, POST in a form body;
// both are signed over the URL as requested (without fragment) [webhook-security doc].
httplib::Request build(const Url& url, HttpMethod method, const Request& request) {
  httplib::Request req;
  req.method = std::string(to_string(method));
  std::string signed_url = url.without_fragment();
  req.path = url.target();
  Params signed_params;
  if (method == HttpMethod::get) {
    if (!request.params.empty()) {
      std::string query = (url.query ? "&" : "?") + form_encode(request.params);
      signed_url += query;
      req.path += query;
    }
  } else {
    req.body = form_encode(request.params);
    req.set_header("Content-Type", "application/x-www-form-urlencoded");
    signed_params = request.params;
  }
  req.set_header("X-Twilio-Signature",
                 compute_signature(request.auth_token, signed_url, signed_params));
  req.set_header("User-Agent", std::string(kUserAgent));
  req.set_header("Accept", "*/*");
  if (!url.userinfo.empty()) {  // https://user:password@host/… [security doc]: Basic auth
    auto colon = url.userinfo.find(':');
    auto header = httplib::make_basic_authentication_header(
        url.userinfo.substr(0, colon),
        colon == std::string::npos ? "" : url.userinfo.substr(colon + 1));
    req.set_header(header.first, header.second);
  }
  return req;
}

// What a failed exchange counts as. httplib reports a response timeout and a reset alike (a
// read error), so the time the attempt took tells them apart.
Exchange failure_of(httplib::Error error, bool timed_out) {
  std::string detail = httplib::to_string(error);
  switch (error) {
    case httplib::Error::Connection:
    case httplib::Error::ConnectionTimeout:
      return {Outcome::connect_failed, detail, {}};
    case httplib::Error::Read:
    case httplib::Error::Canceled:  // by the progress callback at the total deadline
      return {timed_out ? Outcome::timeout : Outcome::other_failure, detail, {}};
    default:
      return {Outcome::other_failure, detail, {}};
  }
}

// Sends once. A keep-alive connection the server closed meanwhile fails at once with a read or
// write error; that is retried on a new connection without counting as an attempt.
Exchange send_once(Connections& connections, const Url& url, const httplib::Request& prototype,
                   const ConnectionOverrides& limits, Clock::time_point deadline) {
  for (int fresh = 0;; ++fresh) {
    auto remaining = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (remaining <= milliseconds(0)) return {Outcome::timeout, "no time left for an attempt", {}};
    auto read_limit = std::min(limits.read_timeout, remaining);
    httplib::Client& client = connections.get(url);
    client.set_connection_timeout(std::min(limits.connect_timeout, remaining));
    client.set_read_timeout(read_limit);
    client.set_write_timeout(read_limit);
    bool reused = client.is_socket_open() > 0;
    httplib::Request req = prototype;
    // The body is kept here, never past kMaxTwimlBody: httplib calls the receiver for every
    // framing (length, chunked, until close), where its progress callback sees only the first.
    std::string body;
    bool over_limit = false;
    req.content_receiver = [&](const char* data, std::size_t size, std::uint64_t, std::uint64_t) {
      if (body.size() + size > kMaxTwimlBody) {
        over_limit = true;
        return false;  // cancels the exchange; the connection, body half read, is dropped
      }
      body.append(data, size);
      return Clock::now() < deadline;
    };
    auto start = Clock::now();
    Exchange out;
    httplib::Error error = httplib::Error::Success;
    if (client.send(req, out.response, error)) {
      out.response.body = std::move(body);
      return out;
    }
    connections.drop(url);
    // The status line and headers had come: the answer stands, its outcome decided by them.
    if (over_limit) {
      out.body_over_limit = true;
      return out;
    }
    bool stale = reused && (error == httplib::Error::Read || error == httplib::Error::Write) &&
                 since(start) < milliseconds(100);
    if (stale && fresh == 0) continue;
    bool timed_out = since(start) >= read_limit - milliseconds(20) || Clock::now() >= deadline;
    return failure_of(error, timed_out);
  }
}

bool should_retry(const Exchange& e, const RetryPolicy& policy) {
  if (e.failure == Outcome::connect_failed) return policy.connect;
  if (e.failure == Outcome::timeout) return policy.read;
  if (e.failure) return false;
  int status = e.response.status;
  return (status >= 400 && status < 500 && policy.status_4xx) ||
         (status >= 500 && policy.status_5xx);
}

// One URL: the first attempt plus up to `rc` retries for the failures `rp` names, within `tt`.
Exchange exchange(Connections& connections, const Url& url, const httplib::Request& req,
                  const ConnectionOverrides& limits, Clock::time_point deadline, int& attempts) {
  for (int attempt = 0;; ++attempt) {
    Exchange e = send_once(connections, url, req, limits, deadline);
    ++attempts;
    if (attempt >= limits.retry_count || Clock::now() >= deadline ||
        !should_retry(e, limits.retry_policy))
      return e;
  }
}

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

bool is_twiml(std::string_view content_type) {
  auto media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  std::string lower(media);
  std::ranges::transform(lower, lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower == "text/xml" || lower == "application/xml" || lower == "text/html";
}

Response& finish(Response& out, Outcome outcome, std::string detail, Clock::time_point start) {
  out.outcome = outcome;
  out.alert = alert_code(outcome);
  out.detail = std::move(detail);
  out.elapsed = since(start);
  return out;
}

// The final answer (after redirects) decides the outcome. Its status and type come first: a long
// error page is still 11217, and a long text/plain answer 12300.
Response& conclude(Response& out, Exchange& answer, const Request& request,
                   Clock::time_point start) {
  out.status = answer.response.status;
  out.content_type = answer.response.get_header_value("Content-Type");
  out.body = std::move(answer.response.body);
  if (out.status >= 400)
    return finish(out, Outcome::http_error, "HTTP " + std::to_string(out.status), start);
  if (out.status < 200 || out.status >= 300)
    return finish(out, Outcome::other_failure, "unexpected HTTP " + std::to_string(out.status),
                  start);
  if (request.expect_twiml && !is_twiml(out.content_type))
    return finish(out, Outcome::bad_content_type,
                  "Content-Type '" + out.content_type + "' is not TwiML", start);
  // A callback needs only the 2xx; TwiML cut short could not be run [webhook.http-error].
  if (request.expect_twiml && answer.body_over_limit)
    return finish(out, Outcome::body_too_large,
                  "TwiML response body larger than " + std::to_string(kMaxTwimlBody) + " bytes",
                  start);
  return finish(out, Outcome::ok, {}, start);
}

Response fetch_with(Connections& connections, const Request& request) {
  auto start = Clock::now();
  Response out;
  auto url = parse_url(request.url);
  if (!url) return finish(out, Outcome::invalid_url, url.error().message, start);
  const ConnectionOverrides limits = overrides_of(*url);  // the first URL's fragment rules all hops
  auto deadline = start + limits.total_timeout;
  HttpMethod method = request.method;
  for (int redirects = 0;; ++redirects) {
    out.url = url->without_fragment();
    out.method = method;
    Exchange e =
        exchange(connections, *url, build(*url, method, request), limits, deadline, out.attempts);
    if (e.failure) return finish(out, *e.failure, e.detail, start);
    if (!is_redirect(e.response.status)) return conclude(out, e, request, start);
    out.status = e.response.status;
    if (redirects == kMaxRedirects)
      return finish(out, Outcome::too_many_redirects, "more than 10 redirects", start);
    auto location = e.response.get_header_value("Location");
    if (location.empty())
      return finish(out, Outcome::other_failure, "redirect without Location", start);
    url = resolve_url(*url, location);
    if (!url) return finish(out, Outcome::invalid_url, "redirect: " + url.error().message, start);
    if (e.response.status == 303) method = HttpMethod::get;  // RFC 9110 §15.4.4; others keep it
  }
}

Response fetch_logged(Connections& connections, const Request& request) {
  Response r = fetch_with(connections, request);
  log::debug(request.call_sid.empty() ? "-" : request.call_sid, "webhook",
             std::string(to_string(request.method)) + " " + r.url + " -> " +
                 std::string(to_string(r.outcome)) + " " + std::to_string(r.status) + " in " +
                 std::to_string(r.elapsed.count()) + " ms, " + std::to_string(r.attempts) +
                 " attempt(s)" + (r.detail.empty() ? "" : ": " + r.detail));
  return r;
}

}  // namespace

Response fetch_blocking(const Request& request) {
  Connections connections;
  return fetch_logged(connections, request);
}

WebhookClient::WebhookClient(unsigned workers, Poster post_to_loop)
    : post_(std::move(post_to_loop)) {
  for (unsigned i = 0; i < std::max(1u, workers); ++i) threads_.emplace_back([this] { work(); });
}

WebhookClient::~WebhookClient() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    queue_.clear();
  }
  wake_.notify_all();
  for (auto& thread : threads_) thread.join();
}

void WebhookClient::fetch(Request request, Done done) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    queue_.push_back(Job{std::move(request), std::move(done)});
  }
  wake_.notify_one();
}

void WebhookClient::work() {
  Connections connections;  // per worker: no locking, and keep-alive per server
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    Response response = fetch_logged(connections, job.request);
    post_([done = std::move(job.done), response = std::move(response)]() mutable {
      done(std::move(response));
    });
  }
}

}  // namespace sipref::webhook
