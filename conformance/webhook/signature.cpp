#include "webhook/signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

#include "webhook/mock_server.h"

namespace sipconform {
namespace {

std::string base64(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  const int written =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(std::max(written, 0)));
  return out;
}

// Where the authority of an absolute URL ends, and where its port (the ':' before it) starts,
// or npos when it names none. IPv6 literals keep their colons inside brackets.
struct Authority {
  std::size_t begin = std::string::npos;
  std::size_t end = std::string::npos;
  std::size_t port_colon = std::string::npos;
};

Authority find_authority(const std::string& url) {
  Authority a;
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return a;
  a.begin = scheme_end + 3;
  a.end = url.find_first_of("/?#", a.begin);
  if (a.end == std::string::npos) a.end = url.size();
  const std::size_t bracket = url.rfind(']', a.end - 1);
  const std::size_t colon = url.rfind(':', a.end - 1);
  const bool in_authority = colon != std::string::npos && colon >= a.begin;
  const bool after_ipv6 = bracket == std::string::npos || bracket < a.begin || colon > bracket;
  if (in_authority && after_ipv6) a.port_colon = colon;
  return a;
}

}  // namespace

std::string expected_signature(
    const std::string& auth_token, const std::string& url,
    const std::vector<std::pair<std::string, std::string>>& post_params) {
  auto sorted = post_params;
  std::sort(sorted.begin(), sorted.end());  // by name, then value: byte order on both
  std::string data = url;
  for (const auto& [name, value] : sorted) data += name + value;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  HMAC(EVP_sha1(), auth_token.data(), static_cast<int>(auth_token.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &digest_size);
  return base64(digest, digest_size);
}

std::vector<std::string> signed_url_variants(const std::string& url) {
  std::vector<std::string> variants{url};
  const Authority a = find_authority(url);
  if (a.begin == std::string::npos) return variants;
  if (a.port_colon != std::string::npos) {
    variants.push_back(url.substr(0, a.port_colon) + url.substr(a.end));
  } else {
    const bool https = url.starts_with("https://");
    variants.push_back(url.substr(0, a.end) + (https ? ":443" : ":80") + url.substr(a.end));
  }
  return variants;
}

bool signature_matches(const std::string& auth_token, std::string_view header,
                       const std::string& url, const Params& post_params) {
  bool matched = false;
  // Every variant is computed and compared so the time taken does not say which one matched.
  for (const std::string& candidate : signed_url_variants(url)) {
    const std::string expected = expected_signature(auth_token, candidate, post_params);
    if (expected.size() == header.size() &&
        CRYPTO_memcmp(expected.data(), header.data(), expected.size()) == 0) {
      matched = true;
    }
  }
  return matched;
}

}  // namespace sipconform
