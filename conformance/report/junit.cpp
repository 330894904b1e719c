// junit.xml for CI dashboards: one testsuite per catalogue section, one testcase per case, in the
// shape of the common Jenkins/Ant junit-10.xsd (tests/data/junit.xsd checks it).
#include <algorithm>
#include <map>

#include "report/markup.h"
#include "report/report.h"

namespace sipconform {
namespace {

using report::fixed3;
using report::xml_escape;

struct SuiteCounts {
  int tests = 0;
  int failures = 0;
  int errors = 0;
  int skipped = 0;
  double time = 0;
};

void count(SuiteCounts& counts, const CaseResult& result) {
  ++counts.tests;
  counts.time += result.duration_s;
  if (result.verdict == Verdict::fail) ++counts.failures;
  if (result.verdict == Verdict::harness_error) ++counts.errors;
  if (result.verdict == Verdict::skip) ++counts.skipped;
}

// Every check with the given verdict, each as "name: Expected … / Actual …" plus where it is.
std::string checks_text(const CaseResult& result, Verdict verdict) {
  std::string text;
  for (const auto& check : result.checks) {
    if (check.verdict != verdict) continue;
    text += check.name + "\n  Expected: " + check.expected + "\n  Actual: " + check.observed + "\n";
    if (!check.where.file.empty())
      text += "  at " + check.where.file + ":" + std::to_string(check.where.line) + "\n";
  }
  return text;
}

const CheckResult* first_with(const CaseResult& result, Verdict verdict) {
  for (const auto& check : result.checks)
    if (check.verdict == verdict) return &check;
  return nullptr;
}

std::string known_prefix(const CaseResult& result) {
  return result.expected_failure ? "known failure (expectations file): " : "";
}

// The testcase's one child element that says why it did not simply pass.
std::string outcome_element(const CaseResult& result) {
  switch (result.verdict) {
    case Verdict::fail: {
      const CheckResult* first = first_with(result, Verdict::fail);
      const std::string message =
          known_prefix(result) +
          (first ? first->name + ": " + report::expected_actual(*first) : result.reason);
      return "      <failure type=\"FAIL\" message=\"" + xml_escape(message, true) + "\">" +
             xml_escape(checks_text(result, Verdict::fail)) + "</failure>\n";
    }
    case Verdict::harness_error: {
      const CheckResult* first = first_with(result, Verdict::harness_error);
      const std::string message =
          known_prefix(result) + (!result.reason.empty() ? result.reason
                                  : first                ? first->name + ": " + first->observed
                                                         : "");
      return "      <error type=\"HARNESS_ERROR\" message=\"" + xml_escape(message, true) + "\">" +
             xml_escape(checks_text(result, Verdict::harness_error)) + "</error>\n";
    }
    case Verdict::skip: {
      const CheckResult* first = first_with(result, Verdict::skip);
      const std::string message = !result.reason.empty() ? result.reason
                                  : first                ? first->observed
                                                         : "skipped";
      return "      <skipped message=\"" + xml_escape(message, true) + "\"/>\n";
    }
    case Verdict::pass:
    case Verdict::pass_nonstrict:
      return "";
  }
  return "";
}

std::string testcase(const CaseResult& result) {
  std::string xml = "    <testcase classname=\"sipconform." +
                    xml_escape(report::section_of(result.id), true) + "\" name=\"" +
                    xml_escape(result.id, true) + "\" time=\"" + fixed3(result.duration_s) +
                    "\">\n";
  xml += outcome_element(result);
  std::string out = "verdict: " + std::string(to_string(result.verdict)) + "\n";
  if (!result.title.empty()) out += "title: " + result.title + "\n";
  std::string behaviours;
  for (const auto& id : result.behaviours) behaviours += (behaviours.empty() ? "" : ", ") + id;
  out += "behaviours: " + behaviours + "\nevidence: " + result.evidence_dir + "\n";
  // A lenient pass still differs from the reference: say where, so nobody has to dig.
  if (result.verdict == Verdict::pass_nonstrict)
    out += checks_text(result, Verdict::pass_nonstrict);
  xml += "      <system-out>" + xml_escape(out) + "</system-out>\n";
  return xml + "    </testcase>\n";
}

}  // namespace

std::string render_junit(const RunResult& run) {
  std::map<std::string, std::vector<const CaseResult*>> sections;  // sorted by section name
  for (const auto& result : run.cases) sections[report::section_of(result.id)].push_back(&result);
  SuiteCounts total;
  std::string suites;
  for (auto& [section, cases] : sections) {
    std::stable_sort(cases.begin(), cases.end(),
                     [](const CaseResult* a, const CaseResult* b) { return a->id < b->id; });
    SuiteCounts counts;
    std::string body;
    for (const CaseResult* result : cases) {
      count(counts, *result);
      count(total, *result);
      body += testcase(*result);
    }
    suites += "  <testsuite name=\"" + xml_escape(section, true) + "\" tests=\"" +
              std::to_string(counts.tests) + "\" failures=\"" + std::to_string(counts.failures) +
              "\" errors=\"" + std::to_string(counts.errors) + "\" skipped=\"" +
              std::to_string(counts.skipped) + "\" time=\"" + fixed3(counts.time) + "\">\n" + body +
              "  </testsuite>\n";
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"sipconform " +
         xml_escape(run.target, true) + "\" tests=\"" + std::to_string(total.tests) +
         "\" failures=\"" + std::to_string(total.failures) + "\" errors=\"" +
         std::to_string(total.errors) + "\" time=\"" + fixed3(total.time) + "\">\n" + suites +
         "</testsuites>\n";
}

}  // namespace sipconform
