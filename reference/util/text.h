// Text checks shared by every layer that writes caller-supplied text onto the wire (TwiML values,
// digest usernames, SIP header values): one rule for what can go out as it is.
#pragma once

#include <algorithm>
#include <string_view>

namespace sipref {

// A control byte other than HTAB (CR and LF included) would end a SIP header line early, or is
// not allowed in it at all (RFC 3261 §25.1): such text cannot be written into a header verbatim.
inline bool has_control_byte(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return c < 0x20 ? c != '\t' : c == 0x7f;
  });
}

}  // namespace sipref
