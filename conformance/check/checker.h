// Evaluates a case's expectations against what its run observed (timeline and party exit codes)
// and turns them into check results and one case verdict.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cases/case.h"
#include "check/timeline.h"
#include "check/verdict.h"
#include "target/profile.h"

namespace sipconform {

struct CheckContext {
  const Case* test = nullptr;
  const TargetProfile* target = nullptr;
  std::map<std::string, std::string> substitutions;  // {{party}} -> "ip:port", {{token}} …
  bool strict = false;  // --strict: PASS_NONSTRICT becomes FAIL
  bool wire_available = true;  // false: wire checks are SKIP (no capture rights)
  std::string wire_unavailable_reason;
};

// Every expectation of the case as one CheckResult (parties, api steps, requests, unexpected
// requests, order, wire), plus a FAIL for any malformed SIP the target sent. `api[i]` is what
// the case's step i got (check/api_check.h).
std::vector<CheckResult> evaluate(const CheckContext& context, const Timeline& timeline,
                                  const std::vector<PartyResult>& parties,
                                  const std::vector<ApiEvent>& api = {});

// The case verdict from its checks: any FAIL → FAIL; else any PASS_NONSTRICT → that; else PASS
// (SKIP only when every check skipped).
Verdict case_verdict(const std::vector<CheckResult>& checks);

// "{{name}}" replaced by substitutions[name]; unknown names are left as written.
std::string substitute(std::string_view text, const std::map<std::string, std::string>& substitutions);

}  // namespace sipconform
