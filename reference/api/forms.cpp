#include "api/forms.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <utility>

#include "config/config.h"

namespace sipref::api {
namespace {

std::unexpected<call::Refusal> bad_request(int code, std::string message) {
  return std::unexpected(call::Refusal{400, code, std::move(message)});
}

// The first value of `name`; a value sent empty is the same as none (helper libraries send
// unset options as empty strings in some languages).
std::optional<std::string> field(const webhook::Params& form, std::string_view name) {
  auto value = form.find(name);
  if (!value || value->empty()) return std::nullopt;
  return std::string(*value);
}

std::size_t character_count(std::string_view text) {
  // Every UTF-8 continuation byte is 10xxxxxx; the others each start one character.
  return static_cast<std::size_t>(std::ranges::count_if(
      text, [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::expected<HttpMethod, call::Refusal> method_field(const webhook::Params& form,
                                                      std::string_view name) {
  auto text = field(form, name);
  if (!text) return HttpMethod::post;
  if (auto method = parse_http_method(*text)) return *method;
  return bad_request(21209, std::string(name) + " is not valid: " + *text);
}

// An absent URL is nullopt; a present one must be absolute http(s).
std::expected<std::optional<std::string>, call::Refusal> url_field(const webhook::Params& form,
                                                                   std::string_view name,
                                                                   int code) {
  auto text = field(form, name);
  if (text && !config::is_http_url(*text))
    return bad_request(code, std::string(name) + " is not a valid URL: " + *text);
  return text;
}

// A whole number of seconds from 1; anything above the provider's maximum rings for the maximum.
std::expected<int, call::Refusal> timeout_field(const webhook::Params& form) {
  auto text = field(form, "Timeout");
  if (!text) return 60;
  const bool digits_only = std::ranges::all_of(*text, [](char c) { return c >= '0' && c <= '9'; });
  const auto significant = text->find_first_not_of('0');
  if (!digits_only || significant == std::string::npos)
    return bad_request(21208, "Timeout is not valid: " + *text);
  if (text->size() - significant > 3) return kMaxCallTimeoutSeconds;  // 1000 or more
  return std::min(std::stoi(text->substr(significant)), kMaxCallTimeoutSeconds);
}

// Every StatusCallbackEvent value in order; one value may hold several space-separated words.
std::expected<std::vector<twiml::CallEvent>, call::Refusal> events_field(
    const webhook::Params& form) {
  static constexpr std::array<std::pair<std::string_view, twiml::CallEvent>, 4> kWords{{
      {"initiated", twiml::CallEvent::initiated},
      {"ringing", twiml::CallEvent::ringing},
      {"answered", twiml::CallEvent::answered},
      {"completed", twiml::CallEvent::completed},
  }};
  std::vector<twiml::CallEvent> events;
  for (std::string_view value : form.find_all("StatusCallbackEvent")) {
    for (std::size_t at = 0; at < value.size();) {
      const auto end = std::min(value.find(' ', at), value.size());
      const std::string_view word = value.substr(at, end - at);
      at = end + 1;
      if (word.empty()) continue;
      auto known =
          std::ranges::find(kWords, word, &std::pair<std::string_view, twiml::CallEvent>::first);
      if (known == kWords.end())
        return bad_request(21626, "StatusCallbackEvent is not valid: " + std::string(word));
      events.push_back(known->second);
    }
  }
  return events;
}

// Where a call without ApplicationSid gets its TwiML from, and its fallback.
std::expected<void, call::Refusal> apply_document_fields(const webhook::Params& form,
                                                         call::OutboundCall& call) {
  auto url = url_field(form, "Url", 21205);
  if (!url) return std::unexpected(url.error());
  auto fallback_url = url_field(form, "FallbackUrl", 21205);
  if (!fallback_url) return std::unexpected(fallback_url.error());
  auto method = method_field(form, "Method");
  if (!method) return std::unexpected(method.error());
  auto fallback_method = method_field(form, "FallbackMethod");
  if (!fallback_method) return std::unexpected(fallback_method.error());
  call.url = *url;
  call.method = *method;
  call.fallback_url = *fallback_url;
  call.fallback_method = *fallback_method;
  if (!call.url) {  // Twiml counts only without Url, and then it was sent (checked by the caller)
    call.twiml = field(form, "Twiml");
    if (call.twiml && character_count(*call.twiml) > kMaxTwimlCharacters)
      return bad_request(20001, "Twiml is longer than 4000 characters");
  }
  return {};
}

std::expected<void, call::Refusal> apply_status_callback_fields(const webhook::Params& form,
                                                                call::OutboundCall& call) {
  auto method = method_field(form, "StatusCallbackMethod");
  if (!method) return std::unexpected(method.error());
  auto url = url_field(form, "StatusCallback", 21609);
  if (!url) return std::unexpected(url.error());
  auto events = events_field(form);
  if (!events) return std::unexpected(events.error());
  call.status_callback = *url;
  call.status_callback_method = *method;
  call.status_callback_events = std::move(*events);
  return {};
}

// A URL of an application: sent empty clears it, so only a non-empty value must be http(s).
std::expected<std::optional<std::string>, call::Refusal> app_url_field(const webhook::Params& form,
                                                                       std::string_view name,
                                                                       int code) {
  auto value = form.find(name);
  if (!value) return std::nullopt;
  if (!value->empty() && !config::is_http_url(*value))
    return bad_request(code, std::string(name) + " is not a valid URL: " + std::string(*value));
  return std::string(*value);
}

std::expected<std::optional<HttpMethod>, call::Refusal> app_method_field(
    const webhook::Params& form, std::string_view name) {
  if (!field(form, name)) return std::nullopt;
  auto method = method_field(form, name);
  if (!method) return std::unexpected(method.error());
  return *method;
}

std::expected<std::optional<bool>, call::Refusal> app_flag_field(const webhook::Params& form,
                                                                 std::string_view name) {
  auto text = field(form, name);
  if (!text) return std::nullopt;
  std::string lower = *text;
  std::ranges::transform(lower, lower.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  if (lower == "true") return true;
  if (lower == "false") return false;
  return bad_request(20001, std::string(name) + " must be true or false");
}

}  // namespace

std::expected<call::OutboundCall, call::Refusal> outbound_call_from_form(
    const webhook::Params& form, std::string_view account_sid) {
  call::OutboundCall call;
  call.account_sid = std::string(account_sid);
  auto to = field(form, "To");
  if (!to) return bad_request(21201, "No 'To' number is specified");
  auto from = field(form, "From");
  if (!from) return bad_request(21213, "No 'From' number is specified");
  call.to = std::move(*to);
  call.from = std::move(*from);
  call.application_sid = field(form, "ApplicationSid");
  if (!call.application_sid && !field(form, "Url") && !field(form, "Twiml"))
    return bad_request(21205, "Url parameter is required");
  if (!call.application_sid) {  // with one, the app's own URLs and callbacks apply
    if (auto applied = apply_document_fields(form, call); !applied)
      return std::unexpected(applied.error());
  }
  auto timeout = timeout_field(form);
  if (!timeout) return std::unexpected(timeout.error());
  call.timeout_s = *timeout;
  if (!call.application_sid) {
    if (auto applied = apply_status_callback_fields(form, call); !applied)
      return std::unexpected(applied.error());
  }
  call.sip_auth_username = field(form, "SipAuthUsername");
  call.sip_auth_password = field(form, "SipAuthPassword");
  return call;
}

std::expected<call::CallUpdate, call::Refusal> call_update_from_form(const webhook::Params& form) {
  call::CallUpdate update;
  update.url = field(form, "Url");
  update.twiml = field(form, "Twiml");
  update.status = field(form, "Status");
  if (update.url && update.twiml) return bad_request(20001, "Twiml and Url are mutually exclusive");
  if (update.status && *update.status != "completed" && *update.status != "canceled")
    return bad_request(20001, "Status must be completed or canceled");
  if (!update.url && !update.twiml && !update.status)
    return bad_request(20001, "Nothing to update: give Url, Twiml or Status");
  if (update.url && !config::is_http_url(*update.url))
    return bad_request(21205, "Url is not a valid URL: " + *update.url);
  auto method = method_field(form, "Method");
  if (!method) return std::unexpected(method.error());
  update.method = *method;
  if (update.twiml && character_count(*update.twiml) > kMaxTwimlCharacters)
    return bad_request(20001, "Twiml is longer than 4000 characters");
  return update;
}

std::expected<call::AppChange, call::Refusal> app_change_from_form(const webhook::Params& form) {
  call::AppChange change;
  if (auto name = form.find("FriendlyName")) {
    if (character_count(*name) > kMaxFriendlyNameCharacters)
      return bad_request(20001, "FriendlyName is longer than 64 characters");
    change.friendly_name = std::string(*name);
  }
  auto voice_url = app_url_field(form, "VoiceUrl", 21205);
  if (!voice_url) return std::unexpected(voice_url.error());
  auto voice_fallback_url = app_url_field(form, "VoiceFallbackUrl", 21205);
  if (!voice_fallback_url) return std::unexpected(voice_fallback_url.error());
  auto status_callback = app_url_field(form, "StatusCallback", 21609);
  if (!status_callback) return std::unexpected(status_callback.error());
  auto voice_method = app_method_field(form, "VoiceMethod");
  if (!voice_method) return std::unexpected(voice_method.error());
  auto voice_fallback_method = app_method_field(form, "VoiceFallbackMethod");
  if (!voice_fallback_method) return std::unexpected(voice_fallback_method.error());
  auto status_callback_method = app_method_field(form, "StatusCallbackMethod");
  if (!status_callback_method) return std::unexpected(status_callback_method.error());
  auto public_flag = app_flag_field(form, "PublicApplicationConnectEnabled");
  if (!public_flag) return std::unexpected(public_flag.error());
  change.voice_url = *voice_url;
  change.voice_fallback_url = *voice_fallback_url;
  change.status_callback = *status_callback;
  change.voice_method = *voice_method;
  change.voice_fallback_method = *voice_fallback_method;
  change.status_callback_method = *status_callback_method;
  change.public_application_connect_enabled = *public_flag;
  return change;
}

}  // namespace sipref::api
