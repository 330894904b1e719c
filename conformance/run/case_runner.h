// Runs one case against a running target: registers its documents with the mock server, starts
// the capture and the SIPp parties, waits for them, builds the timeline and judges it.
#pragma once

#include <string>

#include "cases/case.h"
#include "check/verdict.h"
#include "target/profile.h"
#include "webhook/mock_server.h"

namespace sipconform {

struct CaseEnvironment {
  const TargetProfile* target = nullptr;
  MockServer* mock = nullptr;
  std::string scenarios_dir;  // sipp-scenarios/
  std::string report_dir;     // the run's output folder; evidence goes to cases/<id>/ in it
  double timeout_scale = 1.0;
  bool strict = false;
  bool capture = true;        // dumpcap/tshark usable
  std::string capture_unavailable_reason;
};

// `index` is the case's position in the run; it gives the case its token and party addresses,
// so that cases running at once never share either.
CaseResult run_case(const Case& test, int index, const CaseEnvironment& env);

// "sip/headers-custom" -> "cases/sip__headers-custom"
std::string evidence_dir_for(const std::string& case_id);

}  // namespace sipconform
