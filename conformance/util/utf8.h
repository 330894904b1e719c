// UTF-8 validation for the report writers: captured SIP and webhook data may carry any bytes,
// while JSON and XML output must be valid UTF-8.
#pragma once

#include <cstddef>
#include <string_view>

namespace sipconform {

// Length (1-4) of the valid UTF-8 sequence starting at text[at], or 0 when it is not one
// (stray continuation bytes, overlong forms, surrogates, code points above U+10FFFF).
std::size_t utf8_sequence_length(std::string_view text, std::size_t at);

// U+FFFD in UTF-8: what the writers put in place of each byte that is not valid UTF-8.
inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";

}  // namespace sipconform
