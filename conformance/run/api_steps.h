// The REST side of a case [api.*]: sends its api steps in order to the target's REST address
// (HTTP Basic auth, form bodies, JSON answers), waits where a step says for a webhook of the
// case, and records each exchange; answers feed {{api:STEP.path}} for later steps and checks.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "cases/case.h"
#include "check/timeline.h"

namespace sipconform {

struct ApiStepSettings {
  std::string host;  // the profile's rest address
  std::uint16_t port = 0;
  std::string account_sid;
  std::string auth_token;
  // The webhook requests of this case so far (the mock server's record), polled by `after:`.
  std::function<std::vector<WebhookEvent>()> webhooks_seen;
  double deadline_epoch = 0;      // `after:` waits give up here: the case's timeout
  double request_timeout_s = 10;  // connect, write and read, each
};

// Runs `steps` in order and returns what each got, in the same order. After each answered step,
// `substitutions` gains "api:<step>.<path>" for every scalar of its JSON answer, which the
// next steps' texts (path, form, query, after params) are substituted with.
std::vector<ApiEvent> run_api_steps(const std::vector<ApiStep>& steps,
                                    const ApiStepSettings& settings,
                                    std::map<std::string, std::string>& substitutions);

// Where a step's path goes: under /2010-04-01/Accounts/<account sid> unless it already starts
// with /2010-04-01/.
std::string api_request_path(const std::string& path, const std::string& account_sid);

// application/x-www-form-urlencoded as twilio-node's qs.stringify writes it: every byte but
// RFC 3986's unreserved ones as %XX, a repeated name repeated.
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& pairs);

// Adds "api:<step>.<path>" -> text for every scalar of `body` when it is JSON; nothing otherwise.
void add_api_substitutions(const std::string& step, const std::string& body,
                           std::map<std::string, std::string>& substitutions);

// The case folder's api.log: one block per step (times relative to `origin`, seconds since
// 1970): the request with its form, then the status and the body, pretty-printed when JSON.
std::string render_api_log(const std::vector<ApiEvent>& exchanges, double origin);

}  // namespace sipconform
