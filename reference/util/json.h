// JSON string literals for the few JSON texts sipref writes (debugger payloads): RFC 8259
// escapes, and always valid UTF-8 whatever bytes the value held.
#pragma once

#include <string>
#include <string_view>

namespace sipref::json {

// `text` as a JSON string literal, quotes included. `"` `\` and control characters are escaped;
// valid UTF-8 passes through; each byte that is not part of valid UTF-8 becomes U+FFFD, since
// alert texts quote what peers sent (SIP header names, URLs) and a receiver must parse the JSON.
std::string quote(std::string_view text);

}  // namespace sipref::json
