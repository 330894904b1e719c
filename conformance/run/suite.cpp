#include "run/suite.h"

#include <fnmatch.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "cases/case_loader.h"
#include "cases/catalogue.h"
#include "cases/lint.h"
#include "report/report.h"
#include "run/case_runner.h"
#include "run/expectations.h"
#include "sipp/capture.h"
#include "target/managed.h"

namespace sipconform {
namespace {

constexpr int kOk = 0, kUnexpected = 1, kUsage = 2, kHarness = 3;

int usage_error(const std::string& message) {
  std::fprintf(stderr, "sipconform: %s\n", message.c_str());
  return kUsage;
}

// Console output: a live line on a terminal, one line per finished case otherwise.
class Progress {
 public:
  Progress(std::size_t total, bool quiet) : total_(total), tty_(::isatty(STDOUT_FILENO)), quiet_(quiet) {}
  void finished(const CaseResult& r) {
    if (quiet_) return;
    std::lock_guard lock(mutex_);
    ++done_;
    if (tty_) {
      std::printf("\r\033[K[%zu/%zu] %-14s %s", done_, total_, std::string(to_string(r.verdict)).c_str(), r.id.c_str());
      if (r.verdict == Verdict::fail || r.verdict == Verdict::harness_error) std::printf("\n");
    } else {
      std::printf("[%zu/%zu] %-14s %s (%.1fs)\n", done_, total_, std::string(to_string(r.verdict)).c_str(),
                  r.id.c_str(), r.duration_s);
    }
    std::fflush(stdout);
  }
  void end() {
    if (tty_ && !quiet_) std::printf("\r\033[K");
  }

 private:
  std::mutex mutex_;
  std::size_t total_, done_ = 0;
  bool tty_;
  bool quiet_;
};

void print_summary(const RunResult& run, const std::string& out) {
  std::map<Verdict, int> counts;
  for (const auto& c : run.cases) counts[c.verdict]++;
  for (const auto* c : run.unexpected()) {
    std::printf("\n%s %s — %s\n", std::string(to_string(c->verdict)).c_str(), c->id.c_str(), c->title.c_str());
    if (!c->reason.empty()) std::printf("  reason: %s\n", c->reason.c_str());
    for (const auto& check : c->checks) {
      if (check.verdict != Verdict::fail) continue;
      std::printf("  check: %s\n    expected: %s\n    observed: %s\n", check.name.c_str(), check.expected.c_str(),
                  check.observed.c_str());
    }
    std::printf("  evidence: %s/%s\n", out.c_str(), c->evidence_dir.c_str());
  }
  std::printf("\n%zu cases: %d passed, %d passed (non-strict), %d failed, %d skipped, %d harness errors\n",
              run.cases.size(), counts[Verdict::pass], counts[Verdict::pass_nonstrict], counts[Verdict::fail],
              counts[Verdict::skip], counts[Verdict::harness_error]);
  std::printf("report: %s/index.html\n", out.c_str());
}

// Requests no case claimed (a target's alert about a call the server never saw, a late request
// after its case ended …): the harness cannot judge them, so they go to a file of their own and
// the console says so. Returns the file name, or "" when there were none.
std::string write_unrouted(const std::vector<RecordedRequest>& requests, const std::string& out) {
  if (requests.empty()) return "";
  const std::string path = out + "/unrouted-webhooks.log";
  std::ofstream file(path);
  for (const auto& r : requests) {
    file << std::fixed << r.epoch << " " << r.event.method << " " << r.event.path
         << (r.event.query.empty() ? "" : "?" + r.event.query) << " -> " << r.event.answered_status
         << "\n";
    for (const auto& [name, value] : r.event.params) file << "    " << name << "=" << value << "\n";
  }
  return path;
}

std::vector<Case> select_cases(std::vector<Case> cases, const RunOptions& options) {
  std::vector<Case> chosen;
  int position = 0;
  for (auto& c : cases) {
    if (!selected(c.id, c.checks, options.filters)) continue;
    if (position++ % options.shard_count == options.shard_index - 1) chosen.push_back(std::move(c));
  }
  return chosen;
}

std::vector<CaseResult> run_all(const std::vector<Case>& cases, const CaseEnvironment& env, int jobs, bool quiet) {
  std::vector<CaseResult> results(cases.size());
  std::atomic<std::size_t> next{0};
  Progress progress(cases.size(), quiet);
  auto worker = [&] {
    for (std::size_t i = next++; i < cases.size(); i = next++) {
      results[i] = run_case(cases[i], static_cast<int>(i), env);
      progress.finished(results[i]);
    }
  };
  std::vector<std::thread> threads;
  for (int j = 0; j < std::max(1, jobs); ++j) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  progress.end();
  return results;
}

// --update-expectations: writes the file only when it changes and says what changed.
Result<void> rewrite_expectations(const KnownFailures& old, const RunResult& run, const std::string& path) {
  const auto update = update_known_failures(old, run);
  for (const auto& id : update.added)
    std::printf("expectations: now failing: %s (%s)\n", id.c_str(), update.updated.cases.at(id).c_str());
  for (const auto& id : update.removed) std::printf("expectations: no longer failing: %s\n", id.c_str());
  if (!update.changed() && std::filesystem::exists(path)) {
    std::printf("expectations: %s unchanged (%zu known failures)\n", path.c_str(), update.updated.cases.size());
    return {};
  }
  if (auto written = write_known_failures(path, update.updated); !written) return written;
  std::printf("expectations: %s rewritten: %zu added, %zu removed, %zu known failures\n", path.c_str(),
              update.added.size(), update.removed.size(), update.updated.cases.size());
  return {};
}

}  // namespace

bool selected(const std::string& case_id, const std::vector<std::string>& behaviours,
              const std::vector<std::string>& filters) {
  if (filters.empty()) return true;
  for (const auto& glob : filters) {
    if (::fnmatch(glob.c_str(), case_id.c_str(), 0) == 0) return true;
    for (const auto& id : behaviours)
      if (::fnmatch(glob.c_str(), id.c_str(), 0) == 0) return true;
  }
  return false;
}

int run_suite(const RunOptions& given) {
  RunOptions options = given;  // absolute paths: the managed target runs in its own folder
  options.out = std::filesystem::absolute(options.out).lexically_normal().string();
  options.repo_root = std::filesystem::absolute(options.repo_root).lexically_normal().string();
  auto profile = load_profile(options.target);
  if (!profile) return usage_error(profile.error().message);
  if (options.target_command) {
    if (!profile->managed) return usage_error("--target-command needs a managed target profile");
    profile->managed->command = *options.target_command;
  }
  profile->deviations = options.deviations;
  auto catalogue = load_catalogue(options.repo_root + "/fixtures/spec/behaviours.yaml");
  if (!catalogue) return usage_error(catalogue.error().message);
  auto cases = load_cases(options.repo_root + "/fixtures/cases");
  if (!cases) return usage_error(cases.error().message);
  for (const auto& issue : lint(*cases, *catalogue, options.repo_root + "/sipp-scenarios", false)) {
    if (!issue.error) continue;
    return usage_error(issue.to_string() + " (run `sipconform lint` for every problem)");
  }
  std::optional<KnownFailures> known;
  if (options.update_expectations && !options.expectations)
    return usage_error("--update-expectations needs --expectations FILE");
  if (options.update_expectations && !std::filesystem::exists(*options.expectations)) {
    known = KnownFailures{profile->name, {}};  // first run of a new target: the file is created
  } else if (options.expectations) {
    auto loaded = load_known_failures(*options.expectations);
    if (!loaded) return usage_error(loaded.error().message);
    known = std::move(*loaded);
  }
  const auto chosen = select_cases(std::move(*cases), options);
  if (chosen.empty()) return usage_error("no case matches the filters");

  std::filesystem::remove_all(options.out);
  std::filesystem::create_directories(options.out);
  MockServer mock(profile->harness_address, profile->webhook_port, profile->auth_token);
  if (auto started = mock.start(); !started) {
    std::fprintf(stderr, "sipconform: mock webhook server: %s\n", started.error().message.c_str());
    return kHarness;
  }
  std::unique_ptr<ManagedTarget> managed;
  if (profile->managed) {
    auto started = ManagedTarget::start(*profile, options.repo_root, mock.base_url() + "/voice", options.out + "/target");
    if (!started) {
      std::fprintf(stderr, "sipconform: managed target: %s\n", started.error().message.c_str());
      return kHarness;
    }
    managed = std::move(*started);
  } else {
    std::printf("external target %s: configure its voice URL as %s/voice and its voice fallback URL as "
                "%s/fallback (both POST)\n", profile->name.c_str(), mock.base_url().c_str(), mock.base_url().c_str());
  }

  CaseEnvironment env;
  env.target = &*profile;
  env.mock = &mock;
  env.scenarios_dir = std::filesystem::absolute(options.repo_root + "/sipp-scenarios").string();
  env.report_dir = options.out;
  env.timeout_scale = options.timeout_scale;
  env.strict = options.strict;
  env.capture = capture_available(env.capture_unavailable_reason);

  RunResult run;
  run.target = profile->name;
  run.strict = options.strict;
  for (const auto& behaviour : catalogue->behaviours) run.catalogue.push_back(behaviour.id);
  for (const auto& edge : profile->edges) run.edges.emplace_back(edge.edge, edge.cidrs);
  run.cases = run_all(chosen, env, options.jobs, options.quiet);
  if (known)
    for (auto& c : run.cases) c.expected_failure = known->cases.contains(c.id);
  std::sort(run.cases.begin(), run.cases.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  managed.reset();
  mock.stop();
  const auto unrouted = mock.unrouted();

  if (auto written = write_reports(run, options.out); !written) {
    std::fprintf(stderr, "sipconform: writing reports: %s\n", written.error().message.c_str());
    return kHarness;
  }
  if (!options.quiet) print_summary(run, options.out);
  if (const std::string log = write_unrouted(unrouted, options.out); !log.empty())
    std::printf("%zu webhook request(s) matched no case: %s\n", unrouted.size(), log.c_str());
  if (options.update_expectations) {
    if (auto rewritten = rewrite_expectations(*known, run, *options.expectations); !rewritten) {
      std::fprintf(stderr, "sipconform: %s\n", rewritten.error().message.c_str());
      return kHarness;
    }
  }
  const auto unexpected = run.unexpected();
  if (std::any_of(unexpected.begin(), unexpected.end(), [](auto* c) { return c->verdict == Verdict::harness_error; }))
    return kHarness;
  return unexpected.empty() ? kOk : kUnexpected;
}

}  // namespace sipconform
