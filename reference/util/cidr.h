// IPv4 CIDR blocks ("a.b.c.d/n") for SIP domain IP access lists [inbound.ip-acl]: parsed once,
// then asked whether a source address lies inside.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace sipref {

struct Cidr {
  std::uint32_t network = 0;  // host byte order, host bits cleared
  std::uint32_t mask = 0;
  bool contains(std::string_view ipv4) const;  // false for anything that is not IPv4
};

// "a.b.c.d/n" with n in 0..32, or a bare address meaning /32. Set host bits are an error, so
// that "10.0.0.1/8" (probably a typo) is not silently read as 10.0.0.0/8.
Result<Cidr> parse_cidr(std::string_view text);

// True when `ipv4` lies in one of `cidrs`; entries that do not parse never match.
bool in_any_cidr(std::string_view ipv4, const std::vector<std::string>& cidrs);

}  // namespace sipref
