// Verdicts and results: per check, per case (with its evidence) and per run, as the reports
// render them. Stable names: these strings appear in results.json and junit.xml.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cases/case.h"
#include "check/timeline.h"

namespace sipconform {

enum class Verdict { pass, pass_nonstrict, fail, skip, harness_error };
std::string_view to_string(Verdict verdict);  // "PASS", "PASS_NONSTRICT", "FAIL", "SKIP", "HARNESS_ERROR"
std::optional<Verdict> parse_verdict(std::string_view text);
// The worse of two verdicts for aggregation: harness_error > fail > pass_nonstrict > pass > skip.
Verdict worst(Verdict a, Verdict b);

struct CheckResult {
  std::string name;      // what was checked, e.g. "request POST /voice has CallSid"
  Verdict verdict = Verdict::pass;
  std::string expected;  // for failures: what the case asked for
  std::string observed;  // and what was seen instead
  std::optional<std::size_t> event;  // index in the timeline of the message in question
  Location where;        // the case file line of the expectation
};

struct PartyResult {
  std::string name;
  std::string scenario;
  std::string address;  // "ip:port"
  std::string command;  // the full SIPp command line
  int exit_code = -1;   // -1: killed at the timeout
  std::vector<std::string> files;  // evidence files relative to the case folder
};

struct CaseResult {
  std::string id;
  std::string title;
  std::vector<std::string> behaviours;
  Verdict verdict = Verdict::pass;
  std::string reason;  // SKIP: the missing capability; HARNESS_ERROR: what broke
  std::vector<CheckResult> checks;
  std::vector<PartyResult> parties;
  // Every REST step of the case in order, sent or not; the answered ones are also on the timeline.
  std::vector<ApiEvent> api;
  Timeline timeline;
  std::string evidence_dir;  // relative to the report folder: "cases/<id with / as __>"
  double duration_s = 0;
  bool expected_failure = false;  // listed in the expectations file
};

struct RunResult {
  std::string target;  // profile name
  bool strict = false;
  std::vector<CaseResult> cases;  // sorted by id
  std::vector<std::string> catalogue;  // every behaviour ID, catalogue order (empty: not known)
  // The profile's edges (name -> source CIDRs): which edge a target address belongs to, for
  // readers of the report without the profile (`diff` names the target's addresses by edge).
  std::vector<std::pair<std::string, std::vector<std::string>>> edges;
  // Catalogue IDs that no case of this run names.
  std::vector<std::string> not_tested() const;
  // Per behaviour ID: the worst verdict of the cases naming it; IDs no case names are absent.
  std::vector<std::pair<std::string, Verdict>> behaviours() const;
  // Results the expectations file did not predict (what makes the run exit 1).
  std::vector<const CaseResult*> unexpected() const;
};

}  // namespace sipconform
