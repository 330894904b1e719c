// The JSON texts the REST API answers with [api.*]: a call, an application and an error in the
// provider's shapes (keys in the provider's order), built with a small object writer.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "call/rest_model.h"

namespace sipref::api {

// Appends `"key": value` members in call order; `text()` closes the object. Values are written
// as given, so a member's place in the output is the place of its call.
class JsonObjectWriter {
 public:
  JsonObjectWriter& string(std::string_view key, std::string_view value);
  JsonObjectWriter& string_or_null(std::string_view key, const std::optional<std::string>& value);
  JsonObjectWriter& number(std::string_view key, long long value);
  JsonObjectWriter& boolean(std::string_view key, bool value);
  JsonObjectWriter& null(std::string_view key);
  JsonObjectWriter& raw(std::string_view key, std::string_view json);  // already JSON text
  std::string text() const { return text_ + "}"; }

 private:
  std::string text_ = "{";
};

// "/2010-04-01/Accounts/{account}/Calls/{sid}.json" and ".../Applications/{sid}.json".
std::string call_uri(std::string_view account_sid, std::string_view call_sid);
std::string application_uri(std::string_view account_sid, std::string_view app_sid);

std::string call_json(const call::CallRecord& call);
std::string application_json(const call::AppRecord& app);
// {"code": N, "message": "...", "more_info": "https://www.twilio.com/docs/errors/N", "status": H}
std::string error_json(int http_status, int code, std::string_view message);

}  // namespace sipref::api
