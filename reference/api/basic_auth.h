// HTTP Basic authentication of REST requests [api.auth]: the username must be the AccountSid of
// the request's path and the password that account's auth token, compared in constant time.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/config.h"

namespace sipref::api {

struct BasicCredentials {
  std::string username;
  std::string password;
};

// "Basic base64(username:password)" (scheme in any letter case); nullopt when the header is
// missing, of another scheme, not base64, or without the ':'.
std::optional<BasicCredentials> parse_basic_authorization(std::string_view header);

// Whether `given` equals `secret`, taking a time that depends only on the secret's length: a
// guess must not learn from the answer's timing how many leading bytes it had right.
bool constant_time_equal(std::string_view given, std::string_view secret);

// The request may act on `path_account`: the header names that account and its auth token.
bool authenticate(std::string_view authorization, std::string_view path_account,
                  const config::Config& config);

}  // namespace sipref::api
