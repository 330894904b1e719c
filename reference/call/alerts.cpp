// Alerts: the log line, the debugger payload (JSON built by hand: a handful of fixed keys) and
// its form, and the fire-and-forget post.
#include "call/alerts.h"

#include <cstdio>
#include <ctime>
#include <utility>

#include "sip/transaction.h"
#include "util/json.h"
#include "util/log.h"

namespace sipref::call {
namespace {

std::string_view level_name(AlertLevel level) {
  return level == AlertLevel::error ? "ERROR" : "WARNING";
}

std::string webhook_object(const Alert& alert) {
  if (!alert.request) return "{}";
  const AlertRequest& r = *alert.request;
  return "{\"request\":{\"url\":" + json::quote(r.url) +
         ",\"method\":" + json::quote(to_string(r.method)) +
         "},\"response\":{\"status_code\":" + (r.status ? std::to_string(r.status) : "null") +
         "}}";
}

}  // namespace

std::string iso8601_utc(std::chrono::system_clock::time_point when) {
  using namespace std::chrono;
  const auto millis = duration_cast<milliseconds>(when.time_since_epoch()).count() % 1000;
  const std::time_t seconds = system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[80];  // room for any int the compiler can imagine in each field
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis < 0 ? millis + 1000 : millis));
  return text;
}

std::string debugger_payload(const Alert& alert, std::string_view resource_sid) {
  const std::string code = std::to_string(alert.code);
  return "{\"resource_sid\":" + json::quote(resource_sid) +
         ",\"service_sid\":null,\"error_code\":" + json::quote(code) +
         ",\"more_info\":{\"msg\":" + json::quote(alert.message) +
         ",\"ErrorCode\":" + json::quote(code) +
         ",\"LogLevel\":" + json::quote(level_name(alert.level())) +
         "},\"webhook\":" + webhook_object(alert) + "}";
}

webhook::Params debugger_params(const Alert& alert, std::string_view account_sid,
                                std::string_view resource_sid, const AlertStamp& stamp) {
  return {{"AccountSid", std::string(account_sid)},
          {"Sid", stamp.sid},
          {"Level", std::string(level_name(alert.level()))},
          {"Timestamp", iso8601_utc(stamp.when)},
          {"PayloadType", "application/json"},
          {"Payload", debugger_payload(alert, resource_sid)}};
}

Alerts::Alerts(Send send, WallClock wall_clock)
    : send_(std::move(send)), wall_clock_(std::move(wall_clock)) {}

void Alerts::raise(const Alert& alert, const config::Account* account,
                   std::string_view resource_sid) {
  const bool error = alert.level() == AlertLevel::error;
  (error ? log::error : log::warn)(resource_sid, "alert",
                                   std::to_string(alert.code) + " " + alert.message);
  if (!account || !account->debugger_webhook) return;
  const std::string resource = resource_sid.empty() ? account->sid : std::string(resource_sid);
  webhook::Request request;
  request.url = *account->debugger_webhook;
  request.params = debugger_params(alert, account->sid, resource,
                                   AlertStamp{"NO" + sip::random_token(32), wall_clock_()});
  request.auth_token = account->auth_token;
  request.expect_twiml = false;  // any 2xx will do
  request.call_sid = resource;
  // A failed post is logged, never alerted: an alert about alerts could only loop.
  send_(std::move(request), [resource](webhook::Response response) {
    if (!response.ok())
      log::warn(resource, "debugger-post-failed",
                std::string(webhook::to_string(response.outcome)) + " " + response.detail);
  });
}

}  // namespace sipref::call
