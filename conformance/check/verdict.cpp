#include "check/verdict.h"

#include <algorithm>

#include <map>

namespace sipconform {
namespace {

// Aggregation rank: higher is worse. SKIP ranks lowest so that one real result outweighs any
// number of skips, which is what "SKIP only if all skip" means.
int rank(Verdict verdict) {
  switch (verdict) {
    case Verdict::skip:
      return 0;
    case Verdict::pass:
      return 1;
    case Verdict::pass_nonstrict:
      return 2;
    case Verdict::fail:
      return 3;
    case Verdict::harness_error:
      return 4;
  }
  return 4;
}

}  // namespace

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::pass:
      return "PASS";
    case Verdict::pass_nonstrict:
      return "PASS_NONSTRICT";
    case Verdict::fail:
      return "FAIL";
    case Verdict::skip:
      return "SKIP";
    case Verdict::harness_error:
      return "HARNESS_ERROR";
  }
  return "HARNESS_ERROR";
}

std::optional<Verdict> parse_verdict(std::string_view text) {
  for (Verdict verdict : {Verdict::pass, Verdict::pass_nonstrict, Verdict::fail, Verdict::skip,
                          Verdict::harness_error})
    if (to_string(verdict) == text) return verdict;
  return std::nullopt;
}

Verdict worst(Verdict a, Verdict b) {
  return rank(b) > rank(a) ? b : a;
}

std::vector<std::pair<std::string, Verdict>> RunResult::behaviours() const {
  std::map<std::string, Verdict> by_id;  // sorted by ID: the report's row order
  for (const auto& result : cases) {
    for (const auto& id : result.behaviours) {
      auto [it, inserted] = by_id.try_emplace(id, result.verdict);
      if (!inserted) it->second = worst(it->second, result.verdict);
    }
  }
  return {by_id.begin(), by_id.end()};
}

std::vector<const CaseResult*> RunResult::unexpected() const {
  std::vector<const CaseResult*> found;
  for (const auto& result : cases) {
    // Under --strict a REF-level difference is a failure like any other.
    const Verdict effective =
        strict && result.verdict == Verdict::pass_nonstrict ? Verdict::fail : result.verdict;
    const bool failed = effective == Verdict::fail || effective == Verdict::harness_error;
    // A known failure that now passes outright is news too: the expectations file is stale. A
    // PASS_NONSTRICT is not an outright pass (the REF detail still differs), so it stays expected.
    const bool unexpected = result.expected_failure ? effective == Verdict::pass : failed;
    if (unexpected) found.push_back(&result);
  }
  return found;
}

std::vector<std::string> RunResult::not_tested() const {
  const auto tested = behaviours();
  std::vector<std::string> out;
  for (const auto& id : catalogue)
    if (std::none_of(tested.begin(), tested.end(), [&](const auto& entry) { return entry.first == id; }))
      out.push_back(id);
  return out;
}

}  // namespace sipconform
