// Status callbacks of dialled legs: which events a leg's noun subscribed to, what each request
// carries, and the per-leg queue that keeps requests in SequenceNumber order on the wire.
#include "call/status_callbacks.h"
#include "call/call_records.h"
#include "util/deviations.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <utility>

#include "sip/headers.h"
#include "util/log.h"
#include "webhook/url.h"

namespace sipref::call {
namespace {

using twiml::CallEvent;

// Events only move forward: a 180 overtaken by the 200, or a second 183, fires nothing.
int rank_of(CallEvent event) {
  return static_cast<int>(event);
}

std::string_view event_name(CallEvent event) {
  switch (event) {
    case CallEvent::initiated:
      return "initiated";
    case CallEvent::ringing:
      return "ringing";
    case CallEvent::answered:
      return "answered";
    case CallEvent::completed:
      return "completed";
  }
  return "?";
}

bool valid_label(std::string_view label) {
  return !label.empty() && label.size() <= 63 && label.front() != '-' && label.back() != '-' &&
         std::ranges::all_of(label, [](unsigned char c) { return std::isalnum(c) || c == '-'; });
}

// The statusCallback as an absolute URL: relative ones against the document that held the noun.
Result<webhook::Url> callback_url(std::string_view document_url, std::string_view reference) {
  auto url = webhook::resolve_in_document(document_url, reference);
  if (!url) return url;
  if (!valid_callback_host(url->host)) return fail("'" + url->host + "' is not a valid hostname");
  return url;
}

}  // namespace

// Only for the timestamp-iso8601 deviation (self-test): the wrong format on purpose.
static std::string wrong_iso8601_timestamp(std::chrono::system_clock::time_point when) {
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string rfc2822_utc(std::chrono::system_clock::time_point when) {
  static constexpr std::array<const char*, 7> days = {"Sun", "Mon", "Tue", "Wed",
                                                      "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d +0000", days.at(utc.tm_wday),
                utc.tm_mday, months.at(utc.tm_mon), utc.tm_year + 1900, utc.tm_hour, utc.tm_min,
                utc.tm_sec);
  return text;
}

bool valid_callback_host(std::string_view host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') return true;  // IPv6 literal
  if (host.empty() || host.size() > 253) return false;
  if (host.back() == '.') host.remove_suffix(1);  // a fully qualified name's root dot
  for (std::size_t at = 0; at <= host.size();) {
    const std::size_t dot = std::min(host.find('.', at), host.size());
    if (!valid_label(host.substr(at, dot - at))) return false;
    at = dot + 1;
  }
  return true;
}

webhook::Params dialled_leg_params(const Session& s, const Leg& child) {
  const bool parent = child.call_sid == s.call_sid;  // a REST call's own leg [api.calls.create]
  const std::string from = parent ? s.from : sip::uri_of_name_addr(child.invite.header("From").value_or(""));
  const std::string to = parent ? s.to : sip::uri_of_name_addr(child.invite.header("To").value_or(""));
  webhook::Params p;
  p.add("CallSid", child.call_sid);
  if (!parent && !deviates(Deviation::no_parent_call_sid)) p.add("ParentCallSid", s.call_sid);
  p.add("AccountSid", s.account ? s.account->sid : "");
  p.add("From", from);
  p.add("To", to);
  p.add("Caller", from);
  p.add("Called", to);
  p.add("ApiVersion", "2010-04-01");
  p.add("Direction", parent ? s.direction : "outbound-dial");
  return p;
}

StatusCallbacks::StatusCallbacks(Send send, WallClock wall_clock)
    : send_(std::move(send)), wall_clock_(std::move(wall_clock)) {}

std::expected<void, Alert> StatusCallbacks::leg_started(const Session& s, const Leg& child,
                                                        const twiml::StatusCallback& callback) {
  if (!callback.url) return {};
  auto url = callback_url(s.document_url, *callback.url);
  if (!url) {
    return std::unexpected(Alert{11100, "invalid statusCallback URL '" + *callback.url + "' on " +
                                            child.call_sid + ": " + url.error().message +
                                            "; no status callbacks for this leg"});
  }
  Watch watch;
  watch.base.method = callback.method.value;
  watch.base.url = url->to_string();
  watch.base.params = dialled_leg_params(s, child);
  watch.base.auth_token = s.account ? s.account->auth_token : "";
  watch.base.expect_twiml = false;  // a 2xx is all a status callback needs; its body is ignored
  watch.base.call_sid = child.call_sid;
  // [sip.status-callback]: a statusCallback with no statusCallbackEvent reports `completed` only.
  watch.events = callback.events.empty() ? std::vector{CallEvent::completed} : callback.events;
  watches_.insert_or_assign(child.id, std::move(watch));
  fire(child.id, CallEvent::initiated, "initiated", {});
  return {};
}

void StatusCallbacks::leg_ringing(LegId leg) {
  fire(leg, CallEvent::ringing, "ringing", {});
}

void StatusCallbacks::leg_answered(LegId leg) {
  fire(leg, CallEvent::answered, "in-progress", {});
}

void StatusCallbacks::leg_ended(const Leg& leg, sip::Clock::time_point now) {
  auto it = watches_.find(leg.id);
  if (it == watches_.end() || it->second.ended) return;
  webhook::Params extra;
  if (leg.answered_at) {
    const auto talked = leg.ended_at.value_or(now) - *leg.answered_at;
    extra.add("CallDuration",
              std::to_string(std::chrono::duration_cast<std::chrono::seconds>(talked).count()));
  }
  if (leg.final_status != 0) extra.add("SipResponseCode", std::to_string(leg.final_status));
  fire(leg.id, CallEvent::completed, ended_status(leg), extra);
  it->second.ended = true;
  if (!it->second.sending) watches_.erase(it);  // otherwise forgotten once its queue is sent
}

void StatusCallbacks::fire(LegId leg, CallEvent event, std::string_view call_status,
                           const webhook::Params& extra) {
  auto it = watches_.find(leg);
  if (it == watches_.end() || it->second.ended) return;
  Watch& w = it->second;
  if (rank_of(event) <= w.last_rank) return;
  w.last_rank = rank_of(event);
  if (std::ranges::find(w.events, event) == w.events.end()) return;
  webhook::Request request = w.base;
  request.params.add("CallStatus", std::string(call_status));
  request.params.append(extra);
  request.params.add("Timestamp", deviates(Deviation::timestamp_iso8601) ? wrong_iso8601_timestamp(wall_clock_())
                                                                          : rfc2822_utc(wall_clock_()));
  request.params.add("CallbackSource", "call-progress-events");
  request.params.add("SequenceNumber",
                     std::to_string(w.next_sequence++ + (deviates(Deviation::sequence_number_from_one) ? 1 : 0)));
  log::info(w.base.call_sid, "status-callback",
            std::string(event_name(event)) + " " + std::string(to_string(request.method)) + " " +
                request.url);
  w.waiting.push_back(std::move(request));
  if (!w.sending) send_next(leg);
}

// One request of a leg at a time, so that SequenceNumber order is also arrival order.
void StatusCallbacks::send_next(LegId leg) {
  auto it = watches_.find(leg);
  if (it == watches_.end()) return;
  Watch& w = it->second;
  if (w.waiting.empty()) {
    w.sending = false;
    if (w.ended) watches_.erase(it);
    return;
  }
  w.sending = true;
  webhook::Request request = std::move(w.waiting.front());
  w.waiting.pop_front();
  send_(std::move(request), [this, leg](webhook::Response response) { on_sent(leg, response); });
}

void StatusCallbacks::on_sent(LegId leg, const webhook::Response& response) {
  // The call never depends on the answer; a failure is only worth a log line.
  if (!response.ok()) {
    auto it = watches_.find(leg);
    log::warn(it == watches_.end() ? "" : it->second.base.call_sid, "status-callback-failed",
              response.url + ": " + std::string(webhook::to_string(response.outcome)) + " " +
                  response.detail);
  }
  send_next(leg);
}

}  // namespace sipref::call
