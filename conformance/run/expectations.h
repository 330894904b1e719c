// Known-failure files (fixtures/expectations/<target>.yaml): which cases a target is known to
// fail and why, so that only unexpected results fail a run; and their rewrite after a run.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "check/verdict.h"
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

// The file load_known_failures reads, entries sorted by case id one a line, so that a rewrite
// diffs as the list of cases that changed. Comments of a hand-written file are not kept.
std::string render_known_failures(const KnownFailures& known);
Result<void> write_known_failures(const std::string& path, const KnownFailures& known);

// What `run --update-expectations` changes. Judged on the verdict the run counts (a strict run's
// PASS_NONSTRICT is a FAIL): a FAIL is listed (a new entry's reason is its first failed check); a
// listed PASS is removed. Everything else keeps its entry as it was: cases the run did not reach
// (filtered out, another shard), SKIP (not evidence either way), HARNESS_ERROR (the harness's
// bug, never a known failure of the target) and a non-strict PASS_NONSTRICT (the REF detail
// still differs, as RunResult::unexpected() treats it).
struct ExpectationsUpdate {
  KnownFailures updated;
  std::vector<std::string> added;    // case ids, sorted
  std::vector<std::string> removed;  // no longer failing
  bool changed() const { return !added.empty() || !removed.empty(); }
};
ExpectationsUpdate update_known_failures(const KnownFailures& old, const RunResult& run);

// A FAIL's reason for the file: its first failed check on one line, shortened.
std::string failure_reason(const CaseResult& result);

}  // namespace sipconform
