// Reports rendered from one RunResult: results.json (stable, diffable: cases sorted, no
// timestamps in keys), junit.xml, index.html with per-case SVG ladders; and their merge.
#pragma once

#include <string>
#include <vector>

#include "check/verdict.h"
#include "util/error.h"

namespace sipconform {

std::string render_results_json(const RunResult& run);
Result<RunResult> parse_results_json(const std::string& text);
// One case as results.json holds it: the case folder's verdict.json.
std::string render_case_json(const CaseResult& result);
// The merged timeline as text, one event a line ("   0.012 caller -> INVITE  127.20.1.1:5060 ->
// 127.0.1.1:5060  Call-ID …"), followed by the checks: the case folder's timeline.txt.
std::string render_timeline_text(const CaseResult& result);
std::string render_junit(const RunResult& run);
std::string render_html(const RunResult& run);
// The SVG ladder of one case: a column per party, the target and the webhook server; every SIP
// message and webhook request on one time axis; the failed checks' events highlighted.
std::string render_ladder_svg(const CaseResult& result);

// Writes results.json, junit.xml and index.html into `dir` (which must exist).
Result<void> write_reports(const RunResult& run, const std::string& dir);
// Combines shard outputs (each a results.json) into one run; a case present twice is an error.
Result<RunResult> merge_runs(const std::vector<RunResult>& shards);

}  // namespace sipconform
