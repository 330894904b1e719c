// Checks of loaded cases against the catalogue, the scenario folder and each other (the
// `sipconform lint` command), and the tables printed by `sipconform list` and `coverage`.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cases/case.h"
#include "cases/catalogue.h"

namespace sipconform {

struct LintIssue {
  Location where;
  std::string message;
  bool error = true;              // false: a warning, which does not fail `lint`
  std::string to_string() const;  // "file:line:column: error: message"
};

using NameSet = std::set<std::string, std::less<>>;

// Capabilities a case may require; the target profile declares which of them it has.
const std::vector<std::string_view>& known_capabilities();
// {{names}} every case may use besides its party names.
const std::vector<std::string_view>& builtin_placeholders();
// The target profile's extra SIP domains (`domains:` in a profile) by role, and what a case may
// take from them as {{<kind>:<role>}}, e.g. {{domain:acl}}, {{username:registration}}.
const std::vector<std::string_view>& profile_domain_roles();   // acl, credentials, registration
const std::vector<std::string_view>& profile_domain_fields();  // domain, username, password

// Why `selector` is not "<party> <- <what>", "<party> -> <what>", "webhook [METHOD] <path>" or
// "api <step>" (<party> one of `parties` or "target"; <what> a method, a status, a class such as
// 2xx, or "status METHOD"; <step> one of `api_steps`); nullopt if valid. Accepts what
// check/selector.h parses, and no more.
std::optional<std::string> selector_problem(std::string_view selector, const NameSet& parties,
                                            const NameSet& api_steps = {});
// Why `text` holds a malformed or unknown {{placeholder}}; nullopt if none. {{api:STEP.path}}
// must name one of `api_steps`: the steps whose answers exist when the text is used.
std::optional<std::string> placeholder_problem(std::string_view text, const NameSet& parties,
                                               const NameSet& api_steps = {});

// Problems inside one case that need nothing else: selectors and placeholders naming undeclared
// parties. The loader rejects the same problems at their exact position; this covers cases
// built in code.
std::vector<LintIssue> lint_references(const Case& test);

// Everything: lint_references for each case, unknown behaviour IDs, ids that do not match their
// path (fixtures/cases/<section>/<name>.yaml, <section> a catalogue section), duplicate ids,
// scenario files missing from `scenarios_dir`, unknown capabilities, and catalogue IDs that no
// case names (warnings, or errors when `require_full_coverage`).
std::vector<LintIssue> lint(const std::vector<Case>& cases, const Catalogue& catalogue,
                            const std::string& scenarios_dir, bool require_full_coverage);

struct CoverageRow {
  std::string id;
  Level level = Level::doc;
  std::vector<std::string> cases;  // ids of the cases naming it
  std::string last_verdict;        // "PASS" …; empty when unknown
};

// One row per catalogue ID in catalogue order. `last_verdicts` maps behaviour ID to verdict
// name as results.json spells it (RunResult::behaviours() gives them).
std::vector<CoverageRow> coverage(const Catalogue& catalogue, const std::vector<Case>& cases,
                                  const std::map<std::string, std::string>& last_verdicts = {});
// Aligned text table with a closing count of untested IDs.
std::string coverage_table(const std::vector<CoverageRow>& rows);
// One line per case: id, required capabilities, behaviour IDs.
std::string case_list(const std::vector<Case>& cases);

}  // namespace sipconform
