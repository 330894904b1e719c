#include "util/cidr.h"

#include <arpa/inet.h>

#include <charconv>

namespace sipref {
namespace {

bool parse_ipv4(std::string_view text, std::uint32_t& out) {
  in_addr addr{};
  if (inet_pton(AF_INET, std::string(text).c_str(), &addr) != 1) return false;
  out = ntohl(addr.s_addr);
  return true;
}

}  // namespace

bool Cidr::contains(std::string_view ipv4) const {
  std::uint32_t address = 0;
  return parse_ipv4(ipv4, address) && (address & mask) == network;
}

Result<Cidr> parse_cidr(std::string_view text) {
  const auto slash = text.find('/');
  unsigned bits = 32;
  if (slash != std::string_view::npos) {
    const auto digits = text.substr(slash + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), bits);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || bits > 32)
      return fail("'" + std::string(text) + "' has no prefix length 0..32 after '/'");
  }
  Cidr cidr;
  if (!parse_ipv4(text.substr(0, slash), cidr.network))
    return fail("'" + std::string(text) + "' is not an IPv4 address or CIDR (a.b.c.d/n)");
  cidr.mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
  if ((cidr.network & ~cidr.mask) != 0)
    return fail("'" + std::string(text) + "' has bits set after the /" + std::to_string(bits) +
                " prefix");
  return cidr;
}

bool in_any_cidr(std::string_view ipv4, const std::vector<std::string>& cidrs) {
  for (const auto& text : cidrs)
    if (auto cidr = parse_cidr(text); cidr && cidr->contains(ipv4)) return true;
  return false;
}

}  // namespace sipref
