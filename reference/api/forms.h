// The form fields of the REST requests checked and turned into the engine's request values
// [api.calls.create, api.calls.update, api.applications]; a field that is wrong is a 400 Refusal.
#pragma once

#include <expected>
#include <string_view>

#include "call/rest_model.h"
#include "webhook/params.h"

namespace sipref::api {

// The longest Twiml a request may carry, in characters (Unicode code points).
inline constexpr std::size_t kMaxTwimlCharacters = 4000;
inline constexpr std::size_t kMaxFriendlyNameCharacters = 64;
inline constexpr int kMaxCallTimeoutSeconds = 600;

// POST …/Calls.json. A field sent empty counts as not sent. Url wins over Twiml, and
// ApplicationSid makes the Url, Method, Fallback* and StatusCallback* fields ignored (provider's
// documentation for create), so those are not checked then.
std::expected<call::OutboundCall, call::Refusal> outbound_call_from_form(
    const webhook::Params& form, std::string_view account_sid);

// POST …/Calls/{Sid}.json: Url (+ Method), Twiml, Status.
std::expected<call::CallUpdate, call::Refusal> call_update_from_form(const webhook::Params& form);

// POST …/Applications.json and …/Applications/{Sid}.json. A URL field sent empty clears it.
std::expected<call::AppChange, call::Refusal> app_change_from_form(const webhook::Params& form);

}  // namespace sipref::api
