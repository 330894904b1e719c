// Tests of the known-failures file: what --update-expectations adds, removes and keeps, the
// reasons of new entries, and that a written file reads back the same (sorted, one entry a line).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "run/expectations.h"

namespace sipconform {
namespace {

namespace fs = std::filesystem;

CaseResult result(std::string id, Verdict verdict, std::vector<CheckResult> checks = {}) {
  CaseResult c;
  c.id = std::move(id);
  c.verdict = verdict;
  c.checks = std::move(checks);
  return c;
}

CheckResult failed(std::string name, std::string expected, std::string observed) {
  CheckResult check;
  check.name = std::move(name);
  check.verdict = Verdict::fail;
  check.expected = std::move(expected);
  check.observed = std::move(observed);
  return check;
}

KnownFailures old_file() {
  return {"reference",
          {{"sip/was-failing-now-passes", "old reason"},
           {"sip/still-failing", "kept reason"},
           {"sip/not-run", "filtered out this time"},
           {"sip/skipped", "needs tls"},
           {"sip/harness-broke", "flaky"},
           {"sip/nonstrict", "REF detail"}}};
}

TEST(UpdateExpectations, ListsExactlyTheFailuresAndKeepsWhatTheRunDidNotJudge) {
  CheckResult passed_check;
  passed_check.name = "parties pass";
  RunResult run;
  run.target = "reference";
  run.cases = {result("sip/was-failing-now-passes", Verdict::pass),
               result("sip/still-failing", Verdict::fail, {failed("x", "a", "b")}),
               result("sip/skipped", Verdict::skip),
               result("sip/harness-broke", Verdict::harness_error),
               result("sip/nonstrict", Verdict::pass_nonstrict),
               result("sip/new-failure", Verdict::fail,
                      {passed_check,
                       failed("request POST /action has DialCallStatus", "busy", "no-answer")}),
               result("sip/new-harness-error", Verdict::harness_error),
               result("sip/passes", Verdict::pass)};
  const auto update = update_known_failures(old_file(), run);
  EXPECT_EQ(update.added, std::vector<std::string>{"sip/new-failure"});
  EXPECT_EQ(update.removed, std::vector<std::string>{"sip/was-failing-now-passes"});
  EXPECT_TRUE(update.changed());
  const std::map<std::string, std::string> expected = {
      {"sip/harness-broke", "flaky"},
      {"sip/new-failure",
       "request POST /action has DialCallStatus: expected busy, observed no-answer"},
      {"sip/nonstrict", "REF detail"},
      {"sip/not-run", "filtered out this time"},
      {"sip/skipped", "needs tls"},
      {"sip/still-failing", "kept reason"}};
  EXPECT_EQ(update.updated.cases, expected);
  EXPECT_EQ(update.updated.target, "reference");
}

TEST(UpdateExpectations, StrictRunsCountPassNonstrictAsFail) {
  RunResult run;
  run.target = "vendor";
  run.strict = true;
  run.cases = {result("sip/ref-detail", Verdict::pass_nonstrict)};
  const auto update = update_known_failures(KnownFailures{}, run);
  EXPECT_EQ(update.added, std::vector<std::string>{"sip/ref-detail"});
  EXPECT_EQ(update.updated.target, "vendor");  // a new file takes the run's target
  run.strict = false;
  EXPECT_FALSE(update_known_failures(KnownFailures{}, run).changed());
}

TEST(UpdateExpectations, NothingChangesWhenTheRunMatchesTheFile) {
  RunResult run;
  run.cases = {result("sip/still-failing", Verdict::fail), result("sip/passes", Verdict::pass)};
  EXPECT_FALSE(
      update_known_failures(KnownFailures{"t", {{"sip/still-failing", "r"}}}, run).changed());
}

TEST(FailureReason, OneLineShortenedAndFallingBackToTheCaseReason) {
  auto long_check = failed("check", "line one\n  line two", std::string(300, 'x'));
  const std::string reason = failure_reason(result("c", Verdict::fail, {long_check}));
  EXPECT_EQ(reason.find('\n'), std::string::npos);
  EXPECT_TRUE(reason.starts_with("check: expected line one line two, observed xxx")) << reason;
  EXPECT_LE(reason.size(), 200u);
  EXPECT_TRUE(reason.ends_with("...")) << reason;
  auto no_checks = result("c", Verdict::fail);
  no_checks.reason = "caller exited 1";
  EXPECT_EQ(failure_reason(no_checks), "caller exited 1");
  EXPECT_EQ(failure_reason(result("c", Verdict::fail)), "failed");
  // 196 ASCII bytes, then "é" (2 bytes) across the cut at 197: it goes whole.
  auto accented = failed(std::string(196, 'a') + "é" + std::string(10, 'b'), "", "");
  EXPECT_EQ(failure_reason(result("c", Verdict::fail, {accented})), std::string(196, 'a') + "...");
}

TEST(KnownFailuresFile, WrittenSortedOneEntryALineAndReadsBack) {
  KnownFailures known{"reference",
                      {{"sip/b", "quotes \" and back\\slash: colon, {braces}"},
                       {"sip/a", "plain"},
                       {"sip/weird id: x", "tab\there"}}};
  const std::string text = render_known_failures(known);
  EXPECT_LT(text.find("case: sip/a,"), text.find("case: sip/b,")) << text;
  EXPECT_NE(text.find("  - { case: sip/a, reason: \"plain\" }\n"), std::string::npos) << text;
  EXPECT_NE(text.find("case: \"sip/weird id: x\""), std::string::npos) << text;

  const fs::path path = fs::temp_directory_path() /
                        ("sipconform-expectations-" + std::to_string(::getpid()) + ".yaml");
  ASSERT_TRUE(write_known_failures(path.string(), known).has_value());
  auto loaded = load_known_failures(path.string());
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
  EXPECT_EQ(loaded->target, known.target);
  EXPECT_EQ(loaded->cases, known.cases);
  // Rewriting what was read gives the same bytes: the file is stable under update.
  EXPECT_EQ(render_known_failures(*loaded), text);

  ASSERT_TRUE(write_known_failures(path.string(), KnownFailures{"reference", {}}).has_value());
  auto empty = load_known_failures(path.string());
  ASSERT_TRUE(empty.has_value()) << empty.error().message;
  EXPECT_TRUE(empty->cases.empty());
  fs::remove(path);
}

}  // namespace
}  // namespace sipconform
