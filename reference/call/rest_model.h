// What the REST API asks of the call engine and what it gets back [api.*]: plain values, so that
// the REST layer (api/) knows nothing of sessions, legs or SIP, and the engine nothing of HTTP.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "twiml/document.h"
#include "util/http_method.h"

namespace sipref::call {

using WallTime = std::chrono::system_clock::time_point;

// A call as the Calls resource shows it: a parent call (inbound or outbound-api) or a leg that a
// <Dial> created (outbound-dial, with its parent's SID).
struct CallRecord {
  std::string sid;
  std::string parent_call_sid;  // empty for parent calls
  std::string account_sid;
  std::string from;
  std::string to;
  // queued, ringing, in-progress, completed, busy, failed, no-answer, canceled
  std::string status;
  std::string direction;  // inbound, outbound-api, outbound-dial
  WallTime date_created;
  WallTime date_updated;
  std::optional<WallTime> start_time;  // when it was answered
  std::optional<WallTime> end_time;
  std::optional<long> duration_s;      // seconds from answer to end, once it has ended
};

// A REST request the engine refuses: the HTTP status and the provider's error code and message.
struct Refusal {
  int http_status = 400;
  int code = 0;
  std::string message;
};

// POST …/Calls.json, already checked for form (required fields, methods, numbers) by the REST
// layer; the engine checks what needs the call model (the To, the ApplicationSid).
struct OutboundCall {
  std::string account_sid;
  std::string to;    // sip: URI (same rules as <Sip>), client:identity, or a phone number
  std::string from;
  std::optional<std::string> url;  // exactly one of url, twiml, application_sid is set
  HttpMethod method = HttpMethod::post;
  std::optional<std::string> fallback_url;
  HttpMethod fallback_method = HttpMethod::post;
  std::optional<std::string> twiml;
  std::optional<std::string> application_sid;
  std::optional<std::string> status_callback;  // absolute URL
  HttpMethod status_callback_method = HttpMethod::post;
  std::vector<twiml::CallEvent> status_callback_events;  // empty: `completed` only
  int timeout_s = 60;  // 1..600: how long the callee may ring
  std::optional<std::string> sip_auth_username;  // answers the callee's digest challenge
  std::optional<std::string> sip_auth_password;
};

// POST …/Calls/{Sid}.json: a redirect (url or twiml) or a status change, or both.
struct CallUpdate {
  std::optional<std::string> url;
  HttpMethod method = HttpMethod::post;
  std::optional<std::string> twiml;
  std::optional<std::string> status;  // "completed" or "canceled"
};

struct CallFilter {
  std::optional<std::string> to;
  std::optional<std::string> from;
  std::optional<std::string> status;
  std::optional<std::string> parent_call_sid;
};

// A TwiML App as the Applications resource shows it [api.applications, app.*].
struct AppRecord {
  std::string sid;
  std::string account_sid;
  std::string friendly_name;
  std::string voice_url;
  HttpMethod voice_method = HttpMethod::post;
  std::string voice_fallback_url;
  HttpMethod voice_fallback_method = HttpMethod::post;
  std::string status_callback;
  HttpMethod status_callback_method = HttpMethod::post;
  bool public_application_connect_enabled = false;
  WallTime date_created;
  WallTime date_updated;
};

// The fields a create or update sets; unset ones keep their value (defaults on create).
struct AppChange {
  std::optional<std::string> friendly_name;
  std::optional<std::string> voice_url;
  std::optional<HttpMethod> voice_method;
  std::optional<std::string> voice_fallback_url;
  std::optional<HttpMethod> voice_fallback_method;
  std::optional<std::string> status_callback;
  std::optional<HttpMethod> status_callback_method;
  std::optional<bool> public_application_connect_enabled;
};

}  // namespace sipref::call
