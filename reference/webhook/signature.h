// X-Twilio-Signature: how every webhook request is signed with the account's auth token, so that
// the provider's helper libraries (validateRequest) accept the reference's requests.
#pragma once

#include <string>
#include <string_view>

#include "webhook/params.h"

namespace sipref::webhook {

// base64(HMAC-SHA1(auth_token, url + name1 + value1 + name2 + value2 …)) [webhook-security doc].
// `url` is the URL requested, without any fragment (and, for GET, with the parameters already
// in its query); `post_params` are the form body's parameters (empty for GET). They are sorted
// by name in byte order, then by value; identical name/value pairs count once, as the helper
// libraries' validators (which see a set of values per name) count them.
std::string compute_signature(std::string_view auth_token, std::string_view url,
                              const Params& post_params);

}  // namespace sipref::webhook
