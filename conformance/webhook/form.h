// Decoding of webhook parameters as the mock server receives them: query strings and
// application/x-www-form-urlencoded bodies, kept in wire order so recorded requests read as sent.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sipconform {

using Params = std::vector<std::pair<std::string, std::string>>;

// '+' is a space and %XX a byte; a '%' not followed by two hex digits is kept as it is, because a
// recorded request should show what a sloppy client sent rather than fail to record.
std::string form_decode(std::string_view text);

// "a=1&b=2" -> {{"a","1"},{"b","2"}}; empty pieces are skipped and a name without '=' has an
// empty value.
Params parse_form(std::string_view text);

}  // namespace sipconform
