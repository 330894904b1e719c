#include "api/basic_auth.h"

#include <openssl/crypto.h>

#include <cstdint>

namespace sipref::api {
namespace {

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// RFC 4648 base64 with optional '=' padding; nullopt on any other byte or a dangling sixth.
std::optional<std::string> base64_decode(std::string_view text) {
  while (text.ends_with('=')) text.remove_suffix(1);
  if (text.size() % 4 == 1) return std::nullopt;
  std::string bytes;
  std::uint32_t bits = 0;
  int pending = 0;
  for (char c : text) {
    const int value = base64_value(c);
    if (value < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<std::uint32_t>(value);
    pending += 6;
    if (pending >= 8) {
      pending -= 8;
      bytes.push_back(static_cast<char>((bits >> pending) & 0xFF));
    }
  }
  return bytes;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

std::optional<BasicCredentials> parse_basic_authorization(std::string_view header) {
  const auto space = header.find(' ');
  if (space == std::string_view::npos || !equals_ignoring_case(header.substr(0, space), "basic"))
    return std::nullopt;
  std::string_view encoded = header.substr(space + 1);
  while (encoded.starts_with(' ')) encoded.remove_prefix(1);
  while (encoded.ends_with(' ')) encoded.remove_suffix(1);
  auto decoded = base64_decode(encoded);
  if (!decoded) return std::nullopt;
  const auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return BasicCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

bool constant_time_equal(std::string_view given, std::string_view secret) {
  if (given.size() != secret.size()) {
    // Same work as a comparison of equal lengths, so that a wrong length is not faster.
    (void)CRYPTO_memcmp(secret.data(), secret.data(), secret.size());
    return false;
  }
  return CRYPTO_memcmp(given.data(), secret.data(), secret.size()) == 0;
}

bool authenticate(std::string_view authorization, std::string_view path_account,
                  const config::Config& config) {
  auto credentials = parse_basic_authorization(authorization);
  if (!credentials || credentials->username != path_account) return false;
  const config::Account* account = config.find_account(path_account);
  if (account == nullptr) return false;
  return constant_time_equal(credentials->password, account->auth_token);
}

}  // namespace sipref::api
