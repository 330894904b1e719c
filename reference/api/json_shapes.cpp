#include "api/json_shapes.h"

#include <array>
#include <utility>

#include "call/status_callbacks.h"
#include "util/json.h"

namespace sipref::api {
namespace {

constexpr std::string_view kApiVersion = "2010-04-01";

std::optional<std::string> optional_date(const std::optional<call::WallTime>& when) {
  if (!when) return std::nullopt;
  return call::rfc2822_utc(*when);
}

std::optional<std::string> not_empty(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return text;
}

// The call's subresources, named as the provider names them: the JSON key in snake_case, the
// path segment in CamelCase, each under the call's own URI.
std::string call_subresource_uris(const std::string& call_uri_text) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kSubresources{{
      {"notifications", "Notifications"},
      {"recordings", "Recordings"},
      {"payments", "Payments"},
      {"events", "Events"},
      {"siprec", "Siprec"},
      {"streams", "Streams"},
      {"user_defined_message_subscriptions", "UserDefinedMessageSubscriptions"},
      {"user_defined_messages", "UserDefinedMessages"},
  }};
  const std::string base =
      call_uri_text.substr(0, call_uri_text.size() - std::string_view(".json").size());
  JsonObjectWriter uris;
  for (const auto& [key, segment] : kSubresources)
    uris.string(key, base + "/" + std::string(segment) + ".json");
  return uris.text();
}

}  // namespace

JsonObjectWriter& JsonObjectWriter::raw(std::string_view key, std::string_view json) {
  if (text_.size() > 1) text_ += ", ";
  text_ += json::quote(key);
  text_ += ": ";
  text_ += json;
  return *this;
}

JsonObjectWriter& JsonObjectWriter::string(std::string_view key, std::string_view value) {
  return raw(key, json::quote(value));
}

JsonObjectWriter& JsonObjectWriter::string_or_null(std::string_view key,
                                                   const std::optional<std::string>& value) {
  return value ? string(key, *value) : null(key);
}

JsonObjectWriter& JsonObjectWriter::number(std::string_view key, long long value) {
  return raw(key, std::to_string(value));
}

JsonObjectWriter& JsonObjectWriter::boolean(std::string_view key, bool value) {
  return raw(key, value ? "true" : "false");
}

JsonObjectWriter& JsonObjectWriter::null(std::string_view key) {
  return raw(key, "null");
}

std::string call_uri(std::string_view account_sid, std::string_view call_sid) {
  return "/2010-04-01/Accounts/" + std::string(account_sid) + "/Calls/" + std::string(call_sid) +
         ".json";
}

std::string application_uri(std::string_view account_sid, std::string_view app_sid) {
  return "/2010-04-01/Accounts/" + std::string(account_sid) + "/Applications/" +
         std::string(app_sid) + ".json";
}

std::string call_json(const call::CallRecord& call) {
  const std::string uri = call_uri(call.account_sid, call.sid);
  std::optional<std::string> duration;
  if (call.duration_s) duration = std::to_string(*call.duration_s);
  return JsonObjectWriter()
      .string("sid", call.sid)
      .string("date_created", call::rfc2822_utc(call.date_created))
      .string("date_updated", call::rfc2822_utc(call.date_updated))
      .string_or_null("parent_call_sid", not_empty(call.parent_call_sid))
      .string("account_sid", call.account_sid)
      .string("to", call.to)
      .string("to_formatted", call.to)
      .string("from", call.from)
      .string("from_formatted", call.from)
      .null("phone_number_sid")
      .string("status", call.status)
      .string_or_null("start_time", optional_date(call.start_time))
      .string_or_null("end_time", optional_date(call.end_time))
      .string_or_null("duration", duration)
      .null("price")
      .string("price_unit", "USD")
      .string("direction", call.direction)
      .null("answered_by")
      .string("api_version", kApiVersion)
      .null("forwarded_from")
      .null("group_sid")
      .null("caller_name")
      .string("queue_time", "0")
      .null("trunk_sid")
      .string("uri", uri)
      .raw("subresource_uris", call_subresource_uris(uri))
      .text();
}

std::string application_json(const call::AppRecord& app) {
  // The SMS fields exist in the provider's shape; sipref has no messaging, so they keep the
  // provider's defaults.
  return JsonObjectWriter()
      .string("account_sid", app.account_sid)
      .string("api_version", kApiVersion)
      .string("date_created", call::rfc2822_utc(app.date_created))
      .string("date_updated", call::rfc2822_utc(app.date_updated))
      .string("friendly_name", app.friendly_name)
      .null("message_status_callback")
      .string("sid", app.sid)
      .string("sms_fallback_method", "POST")
      .string("sms_fallback_url", "")
      .string("sms_method", "POST")
      .string("sms_status_callback", "")
      .string("sms_url", "")
      .string("status_callback", app.status_callback)
      .string("status_callback_method", to_string(app.status_callback_method))
      .string("uri", application_uri(app.account_sid, app.sid))
      .boolean("voice_caller_id_lookup", false)
      .string("voice_fallback_method", to_string(app.voice_fallback_method))
      .string("voice_fallback_url", app.voice_fallback_url)
      .string("voice_method", to_string(app.voice_method))
      .string("voice_url", app.voice_url)
      .boolean("public_application_connect_enabled", app.public_application_connect_enabled)
      .text();
}

std::string error_json(int http_status, int code, std::string_view message) {
  return JsonObjectWriter()
      .number("code", code)
      .string("message", message)
      .string("more_info", "https://www.twilio.com/docs/errors/" + std::to_string(code))
      .number("status", http_status)
      .text();
}

}  // namespace sipref::api
