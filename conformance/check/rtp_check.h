// Evaluates a case's rtp expectations against the RTP packets of its capture: that media reached
// (or left) a party, from where (an edge's media address proves anchoring), and when.
#pragma once

#include "cases/case.h"
#include "check/checker.h"
#include "check/timeline.h"
#include "check/verdict.h"

namespace sipconform {

CheckResult check_rtp(const RtpCheck& check, const CheckContext& context, const Timeline& timeline);

}  // namespace sipconform
