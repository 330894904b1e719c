// What the fuzz targets accept as sendable on the SIP wire, written apart from sipref's own
// checks so that a target judges the code under test by an independent rule (RFC 3261 §25.1).
#pragma once

#include <cctype>
#include <string_view>

namespace sipref::fuzz {

// A header name: an RFC 3261 token.
inline bool is_token(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name)
    if (!std::isalnum(c) && std::string_view("-.!%*_+`'~").find(static_cast<char>(c)) == std::string_view::npos)
      return false;
  return true;
}

// A header value the serializer can write verbatim: no CR, LF or other control byte but HTAB.
inline bool is_sendable_value(std::string_view value) {
  for (unsigned char c : value)
    if ((c < 0x20 && c != '\t') || c == 0x7F) return false;
  return true;
}

}  // namespace sipref::fuzz
