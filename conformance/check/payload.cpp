#include "check/payload.h"

#include <algorithm>

#include "util/json.h"

namespace sipconform {

Result<std::optional<std::string>> payload_member(const WebhookEvent& request,
                                                  std::string_view path) {
  const std::string* text = request.param(kPayloadParam);
  if (text == nullptr) return fail("no Payload parameter");
  auto document = parse_json(*text);
  if (!document) return fail("Payload is not JSON: " + document.error().message);
  if (!document->is_object()) return fail("Payload is not a JSON object");
  const Json* at = &*document;
  for (std::size_t from = 0; from <= path.size();) {
    const std::size_t dot = std::min(path.find('.', from), path.size());
    at = at->find(path.substr(from, dot - from));  // nullptr too when `at` is no object
    if (at == nullptr) return std::optional<std::string>();
    from = dot + 1;
  }
  if (at->is_null()) return std::optional<std::string>();
  if (at->is_string()) return std::optional<std::string>(at->as_string());
  return std::optional<std::string>(at->dump(0));
}

}  // namespace sipconform
