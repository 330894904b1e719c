// IPv4 CIDR matching for the harness's lower layers (check/ needs it for `source: edge:NAME`
// wire checks and may not link target/), so it lives in util/ under its own name.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sipconform {

// True when the IPv4 address `ip` ("a.b.c.d", an optional ":port" is ignored) lies in one of
// `cidrs` ("a.b.c.d/n", or a bare address meaning /32). Malformed entries never match.
bool address_in_cidrs(std::string_view ip, const std::vector<std::string>& cidrs);

}  // namespace sipconform
