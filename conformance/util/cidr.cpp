#include "util/cidr.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstdint>
#include <optional>

namespace sipconform {
namespace {

std::optional<std::uint32_t> parse_ipv4(std::string_view text) {
  if (const auto colon = text.find(':'); colon != std::string_view::npos)
    text = text.substr(0, colon);
  const std::string copy(text);
  in_addr address{};
  if (::inet_pton(AF_INET, copy.c_str(), &address) != 1) return std::nullopt;
  return ntohl(address.s_addr);
}

bool in_cidr(std::uint32_t address, std::string_view cidr) {
  int bits = 32;
  if (const auto slash = cidr.find('/'); slash != std::string_view::npos) {
    const auto prefix = cidr.substr(slash + 1);
    auto [end, ec] = std::from_chars(prefix.data(), prefix.data() + prefix.size(), bits);
    if (ec != std::errc() || end != prefix.data() + prefix.size() || bits < 0 || bits > 32)
      return false;
    cidr = cidr.substr(0, slash);
  }
  if (cidr.find(':') != std::string_view::npos) return false;  // no port in a range
  const auto network = parse_ipv4(cidr);
  if (!network) return false;
  // Shifting a 32-bit value by 32 is undefined: /0 gets its mask explicitly.
  const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
  return (address & mask) == (*network & mask);
}

}  // namespace

bool address_in_cidrs(std::string_view ip, const std::vector<std::string>& cidrs) {
  const auto address = parse_ipv4(ip);
  if (!address) return false;
  for (const auto& cidr : cidrs)
    if (in_cidr(*address, cidr)) return true;
  return false;
}

}  // namespace sipconform
