// The webhook client: blocking HTTP requests on a small worker pool, each result handed back to
// the SIP event loop through a poster, so call state is only ever touched on the loop thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "util/http_method.h"
#include "webhook/params.h"

namespace sipref::webhook {

// The provider's user agent, so that applications that look for it treat sipref alike.
inline constexpr std::string_view kUserAgent = "TwilioProxy/1.1";
inline constexpr int kMaxRedirects = 10;  // [TwiML request doc]; one more is 11215
// The provider's TwiML size limit [errors/11750, "64 kB"], read as 64 KiB: a longer body is never
// buffered; reading stops there [webhook.http-error].
inline constexpr std::size_t kMaxTwimlBody = 64 * 1024;

struct Request {
  HttpMethod method = HttpMethod::post;
  std::string url;         // absolute; a connection-override fragment (#rt=…) is read, never sent
  Params params;           // POST: the form body; GET: appended to the query string
  std::string auth_token;  // signs X-Twilio-Signature
  // Voice URLs, action, referUrl … must answer TwiML (text/xml, application/xml, text/html);
  // status callbacks and debugger posts need only a 2xx (e.g. 204).
  bool expect_twiml = true;
  std::string call_sid;  // names the call in log lines; not sent
};

// How a request ended; every failure has the alert code the catalogue gives it.
enum class Outcome {
  ok,
  connect_failed,      // 11205: refused, unreachable, or not connected within ct (after retries)
  timeout,             // 11203: no complete response within rt / tt
  http_error,          // 11217: a 4xx or 5xx answer
  too_many_redirects,  // 11215: an 11th redirect
  bad_content_type,    // 12300: a 2xx that is not TwiML
  invalid_url,         // 11100: the URL (or a redirect's Location) is not an http(s) URL
  body_too_large,      // 11750: a 2xx TwiML answer longer than kMaxTwimlBody
  other_failure,       // 11200: reset, malformed response, TLS failure, 3xx without Location …
};
int alert_code(Outcome outcome);  // 0 for ok
std::string_view to_string(Outcome outcome);

struct Response {
  Outcome outcome = Outcome::other_failure;
  int alert = 0;   // alert_code(outcome)
  int status = 0;  // HTTP status of the last answer; 0 when none came
  std::string content_type;
  std::string body;  // never more than kMaxTwimlBody bytes; empty when the answer ran past it
  std::string url;  // the last URL requested (after redirects), without fragment or GET params:
                    // the base for the document's relative URLs and the fallback's ErrorUrl
  HttpMethod method = HttpMethod::post;  // of that last request (a 303 turns POST into GET)
  std::chrono::milliseconds elapsed{0};
  int attempts = 0;    // HTTP requests sent, redirects and retries included
  std::string detail;  // what went wrong, for the log
  bool ok() const { return outcome == Outcome::ok; }
};

// One request, redirects and retries included, on the calling thread with fresh connections.
// For tools and tests; the call engine goes through WebhookClient.
Response fetch_blocking(const Request& request);

class WebhookClient {
 public:
  using Task = std::function<void()>;
  using Poster = std::function<void(Task)>;  // e.g. asio::post(io_context, task)
  using Done = std::function<void(Response)>;

  WebhookClient(unsigned workers, Poster post_to_loop);
  // Waits for requests in progress (their `done` is still posted); queued ones are dropped.
  // Destroy it before the loop stops running posted tasks.
  ~WebhookClient();
  WebhookClient(const WebhookClient&) = delete;
  WebhookClient& operator=(const WebhookClient&) = delete;

  // Queues the request; `done` runs through the poster when it has ended, however it ended.
  void fetch(Request request, Done done);

 private:
  struct Job {
    Request request;
    Done done;
  };
  void work();

  Poster post_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace sipref::webhook
