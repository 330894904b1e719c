// A whole run: loads the target, catalogue and cases, selects (filters, shard), brings up the
// mock server and a managed target, runs cases N at a time, writes the reports, and decides the
// exit code (0 as expected, 1 unexpected result, 2 usage/config error, 3 harness error).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace sipconform {

struct RunOptions {
  std::string target;                 // profile path
  std::vector<std::string> filters;   // globs over case IDs and behaviour IDs
  int jobs = 1;
  int shard_index = 1;                // 1-based
  int shard_count = 1;
  bool strict = false;
  std::optional<std::string> expectations;
  // After the run, rewrite `expectations` to list this run's failures (the exit code is still
  // judged against the file as it was, so CI sees the surprise once). A missing file is created.
  bool update_expectations = false;
  std::string out = "reports/latest";
  double timeout_scale = 1.0;
  std::string repo_root = ".";        // cases, scenarios, catalogue and the managed command
  std::optional<std::string> target_command;  // overrides a managed profile's command
  std::vector<std::string> deviations;  // selftest: mistakes the managed sipref is told to make
  bool quiet = false;                   // no per-case lines (selftest prints its own table)
};

int run_suite(const RunOptions& options);

// The cases `list` prints: "<case id>  <behaviour IDs>" per line.
int list_command(const std::string& repo_root, const std::vector<std::string>& filters);
int lint_command(const std::string& repo_root, bool require_full_coverage);
int coverage_command(const std::string& repo_root, const std::optional<std::string>& results_json);
int merge_command(const std::vector<std::string>& inputs, const std::string& out);
struct DiffOptions {
  std::string a, b;                  // report folders (each with results.json)
  std::vector<std::string> filters;  // as run's --filter
  std::optional<std::string> html;   // --out FILE.html
  std::optional<std::string> json;   // --json FILE
  bool time_order = false;           // --time-order: the merged timeline's (racy) order
};
// `sipconform diff A B`: per case the verdicts and the masked message sequences of two runs.
// Exit 0 when nothing differs, 1 when something does, 2 when a folder cannot be read.
int diff_command(const DiffOptions& options);
// For each deviation the managed sipref knows (or only those named), runs the cases of the
// behaviours it breaks against sipref making that mistake: each must be caught (a FAIL) only by
// cases that check one of those behaviours. Exit 0 when all are, 1 otherwise.
int selftest_command(const RunOptions& base, const std::vector<std::string>& only);

// fnmatch-style glob over a case id and its behaviour IDs.
bool selected(const std::string& case_id, const std::vector<std::string>& behaviours,
              const std::vector<std::string>& filters);

}  // namespace sipconform
