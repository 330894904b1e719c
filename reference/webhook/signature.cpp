#include "webhook/signature.h"
#include "util/deviations.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <tuple>

namespace sipref::webhook {

std::string compute_signature(std::string_view auth_token, std::string_view url,
                              const Params& post_params) {
  std::vector<Param> sorted = post_params.items();
  if (!deviates(Deviation::signature_unsorted))
    std::ranges::sort(sorted, [](const Param& a, const Param& b) {
      return std::tie(a.name, a.value) < std::tie(b.name, b.value);  // std::string: byte order
    });
  auto duplicates = std::ranges::unique(sorted);
  sorted.erase(duplicates.begin(), duplicates.end());

  std::string data(url);
  for (const auto& p : sorted) data += p.name + p.value;

  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  HMAC(EVP_sha1(), auth_token.data(), static_cast<int>(auth_token.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &digest_size);

  std::string encoded(4 * ((digest_size + 2) / 3), '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()), digest,
                                static_cast<int>(digest_size));
  encoded.resize(static_cast<std::size_t>(written));
  return encoded;
}

}  // namespace sipref::webhook
