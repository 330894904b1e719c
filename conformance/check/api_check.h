// Check results for a case's REST steps [api.*]: each step's expected status, JSON members and
// array lengths against the answer it got, one result each, named "api <step>: …".
#pragma once

#include <vector>

#include "check/checker.h"
#include "check/timeline.h"
#include "check/verdict.h"

namespace sipconform {

// `exchanges[i]` is what step i of the case got (missing entries: the step never ran). A step
// with no expectation still gets one check: that it was answered at all.
std::vector<CheckResult> check_api_steps(const CheckContext& context, const Timeline& timeline,
                                         const std::vector<ApiEvent>& exchanges);

}  // namespace sipconform
