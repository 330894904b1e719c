// X-Twilio-Signature checking for the mock server: which URLs a request may have been signed
// over, and a constant-time match against them (expected_signature is in mock_server.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "webhook/form.h"

namespace sipconform {

// The URL as requested plus the variants the provider's helper library also accepts
// (twilio-node validateRequest): the same URL with its port removed, or with the scheme's
// default port added when it had none.
std::vector<std::string> signed_url_variants(const std::string& url);

// True when `header` is the signature of any variant of `url`; `post_params` are the form body
// parameters (empty for GET, whose parameters are already in the URL).
bool signature_matches(const std::string& auth_token, std::string_view header,
                       const std::string& url, const Params& post_params);

}  // namespace sipconform
