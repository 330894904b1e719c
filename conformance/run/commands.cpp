// The commands besides `run`: list, lint, coverage, merge and diff. Each loads what it needs from the
// repository (catalogue, cases, scenarios) and prints for a person; exit codes as in suite.h.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cases/case_loader.h"
#include "cases/catalogue.h"
#include "cases/lint.h"
#include "report/diff.h"
#include "report/report.h"
#include "run/suite.h"

namespace sipconform {
namespace {

constexpr int kUsage = 2;

std::string catalogue_path(const std::string& repo) { return repo + "/fixtures/spec/behaviours.yaml"; }

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fail(path + ": cannot read");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int report_error(const Error& error) {
  std::fprintf(stderr, "sipconform: %s\n", error.message.c_str());
  return kUsage;
}

// A report folder's results.json, keeping only the cases the filters select.
Result<RunResult> load_report(const std::string& dir, const std::vector<std::string>& filters) {
  const std::string path = dir + "/results.json";
  if (!std::filesystem::is_regular_file(path)) return fail(dir + ": not a report folder (no results.json)");
  auto text = read_file(path);
  if (!text) return std::unexpected(text.error());
  auto run = parse_results_json(*text);
  if (!run) return fail(path + ": " + run.error().message);
  std::erase_if(run->cases, [&](const CaseResult& c) { return !selected(c.id, c.behaviours, filters); });
  return run;
}

Result<void> write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  if (!out.flush()) return fail(path + ": cannot write");
  return {};
}

}  // namespace

int diff_command(const DiffOptions& options) {
  auto a = load_report(options.a, options.filters);
  if (!a) return report_error(a.error());
  auto b = load_report(options.b, options.filters);
  if (!b) return report_error(b.error());
  const RunDiff diff = diff_runs(*a, *b, options.time_order ? SequenceOrder::time : SequenceOrder::per_stream);
  std::fputs(render_diff_text(diff, options.a, options.b).c_str(), stdout);
  if (options.html) {
    if (auto written = write_text(*options.html, render_diff_html(diff, options.a, options.b)); !written)
      return report_error(written.error());
    std::printf("\ndiff: %s\n", options.html->c_str());
  }
  if (options.json) {
    if (auto written = write_text(*options.json, render_diff_json(diff, options.a, options.b)); !written)
      return report_error(written.error());
  }
  return diff.any() ? 1 : 0;
}

int list_command(const std::string& repo, const std::vector<std::string>& filters) {
  auto cases = load_cases(repo + "/fixtures/cases");
  if (!cases) return report_error(cases.error());
  for (const auto& c : *cases) {
    if (!selected(c.id, c.checks, filters)) continue;
    std::string ids;
    for (const auto& id : c.checks) ids += (ids.empty() ? "" : ", ") + id;
    std::printf("%-40s %s\n", c.id.c_str(), ids.c_str());
  }
  return 0;
}

int lint_command(const std::string& repo, bool require_full_coverage) {
  auto catalogue = load_catalogue(catalogue_path(repo));
  if (!catalogue) return report_error(catalogue.error());
  auto cases = load_cases(repo + "/fixtures/cases");
  if (!cases) return report_error(cases.error());
  int errors = 0, warnings = 0;
  for (const auto& issue : lint(*cases, *catalogue, repo + "/sipp-scenarios", require_full_coverage)) {
    std::fprintf(stderr, "%s\n", issue.to_string().c_str());
    (issue.error ? errors : warnings)++;
  }
  std::printf("lint: %zu cases, %zu behaviour IDs: %d errors, %d warnings\n", cases->size(),
              catalogue->behaviours.size(), errors, warnings);
  return errors ? kUsage : 0;
}

int coverage_command(const std::string& repo, const std::optional<std::string>& results_json) {
  auto catalogue = load_catalogue(catalogue_path(repo));
  if (!catalogue) return report_error(catalogue.error());
  auto cases = load_cases(repo + "/fixtures/cases");
  if (!cases) return report_error(cases.error());
  std::map<std::string, std::string> last;
  const std::string results = results_json.value_or(repo + "/reports/latest/results.json");
  if (std::filesystem::exists(results)) {
    auto text = read_file(results);
    if (!text) return report_error(text.error());
    auto run = parse_results_json(*text);
    if (!run) return report_error({results + ": " + run.error().message});
    for (const auto& [id, verdict] : run->behaviours()) last[id] = std::string(to_string(verdict));
  } else if (results_json) {
    return report_error({results + ": no such file"});
  }
  std::fputs(coverage_table(coverage(*catalogue, *cases, last)).c_str(), stdout);
  return 0;
}

int merge_command(const std::vector<std::string>& inputs, const std::string& out) {
  std::vector<RunResult> shards;
  for (const auto& dir : inputs) {
    auto text = read_file(dir + "/results.json");
    if (!text) return report_error(text.error());
    auto run = parse_results_json(*text);
    if (!run) return report_error({dir + "/results.json: " + run.error().message});
    shards.push_back(std::move(*run));
  }
  auto merged = merge_runs(shards);
  if (!merged) return report_error(merged.error());
  std::filesystem::create_directories(out);
  for (const auto& dir : inputs)  // evidence folders travel with the merged report
    if (std::filesystem::exists(dir + "/cases"))
      std::filesystem::copy(dir + "/cases", out + "/cases",
                            std::filesystem::copy_options::recursive | std::filesystem::copy_options::overwrite_existing);
  if (auto written = write_reports(*merged, out); !written) return report_error(written.error());
  const bool bad = !merged->unexpected().empty();
  std::printf("merged %zu shards, %zu cases -> %s/index.html\n", shards.size(), merged->cases.size(), out.c_str());
  return bad ? 1 : 0;
}

}  // namespace sipconform
