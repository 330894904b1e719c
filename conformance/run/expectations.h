// Known-failure files (fixtures/expectations/<target>.yaml): which cases a target is known to
// fail and why, so that only unexpected results fail a run.
#pragma once

#include <map>
#include <string>

#include "util/error.h"

namespace sipconform {

struct KnownFailures {
  std::string target;                         // the profile name it is for
  std::map<std::string, std::string> cases;  // case id -> reason
};

// Format:  target: <name>
//          known_failures:
//            - { case: sip/uri-length-255, reason: "accepts 255 characters" }
Result<KnownFailures> load_known_failures(const std::string& path);

}  // namespace sipconform
