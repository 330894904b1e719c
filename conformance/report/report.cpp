#include "report/report.h"

#include <algorithm>
#include <fstream>
#include <set>

namespace sipconform {
namespace {

Result<void> write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out)
    return fail(path +
                ": cannot open for writing (does the report folder exist and is it writable?)");
  out << text;
  out.close();
  if (!out) return fail(path + ": write failed (disk full?)");
  return {};
}

}  // namespace

Result<void> write_reports(const RunResult& run, const std::string& dir) {
  // results.json first: it is the source of truth the other two can be rebuilt from.
  if (auto written = write_file(dir + "/results.json", render_results_json(run)); !written)
    return written;
  if (auto written = write_file(dir + "/junit.xml", render_junit(run)); !written) return written;
  return write_file(dir + "/index.html", render_html(run));
}

Result<RunResult> merge_runs(const std::vector<RunResult>& shards) {
  if (shards.empty()) return fail("merge: no shard results given");
  RunResult merged;
  merged.target = shards.front().target;
  merged.strict = shards.front().strict;
  merged.catalogue = shards.front().catalogue;
  merged.edges = shards.front().edges;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < shards.size(); ++i) {
    const RunResult& shard = shards[i];
    // Verdicts of different targets or modes do not add up to one run.
    if (shard.target != merged.target)
      return fail("merge: shard " + std::to_string(i + 1) + " ran against target '" + shard.target +
                  "', shard 1 against '" + merged.target + "'");
    if (shard.strict != merged.strict)
      return fail("merge: shard " + std::to_string(i + 1) +
                  " has strict=" + (shard.strict ? "true" : "false") +
                  ", shard 1 has strict=" + (merged.strict ? "true" : "false"));
    for (const auto& result : shard.cases) {
      if (!seen.insert(result.id).second)
        return fail(
            "merge: case '" + result.id +
            "' appears in more than one shard (were the shards run with the same --shard N?)");
      merged.cases.push_back(result);
    }
  }
  std::stable_sort(merged.cases.begin(), merged.cases.end(),
                   [](const CaseResult& a, const CaseResult& b) { return a.id < b.id; });
  return merged;
}

}  // namespace sipconform
