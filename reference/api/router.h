// The REST API without sockets [api.*]: a request's path, auth, form or query turned into one
// Backend call, and its answer (or Refusal) into the provider's JSON response.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "api/backend.h"
#include "config/config.h"

namespace sipref::api {

struct HttpRequest {
  std::string method;         // "GET", "POST", "DELETE" …
  std::string path;           // without the query
  std::string query;          // raw, undecoded, without the '?'
  std::string authorization;  // the Authorization header
  std::string content_type;
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";  // empty with an empty body (204)
  std::vector<std::pair<std::string, std::string>> headers;
};

// Everything under /2010-04-01/: Calls.json, Calls/{Sid}.json, Applications.json and
// Applications/{Sid}.json of an account. Auth comes first for every path under …/Accounts/, so
// that an unauthenticated client learns nothing of what exists.
HttpResponse handle_rest(const HttpRequest& request, Backend& backend,
                         const config::Config& config);

}  // namespace sipref::api
