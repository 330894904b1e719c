// Members of the JSON document a webhook request carries in its `Payload` form parameter (the
// debugger webhook's alerts [webhook.alerts]), named by dotted path, as text a check compares.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "check/timeline.h"
#include "util/error.h"

namespace sipconform {

inline constexpr std::string_view kPayloadParam = "Payload";

// The member at `path` ("error_code", "webhook.request.url") of the request's Payload: a string
// as its text, any other value as compact JSON (`11200`, `true`, `{"a":1}`); nullopt when a
// member on the path is missing or the value is JSON null. An error when the request has no
// Payload parameter or it is not a JSON object.
Result<std::optional<std::string>> payload_member(const WebhookEvent& request,
                                                  std::string_view path);

}  // namespace sipconform
