// What the checkers share: how a value meets one ParamCheck (equals, matches, absent, present),
// how that reads in a report, and how a check's level turns a mismatch into a verdict.
#pragma once

#include <regex>
#include <string>
#include <string_view>

#include "cases/case.h"
#include "check/checker.h"
#include "check/verdict.h"
#include "util/error.h"

namespace sipconform {

struct ParamOutcome {
  bool ok = true;
  std::string actual;  // the value as seen, for the report: "\"x\"" or "absent"
};

// `value`: the parameter (or JSON member) as seen; nullptr when absent. Equals and matches take
// the case's {{placeholders}}; a bad pattern is an error (a harness or case bug).
Result<ParamOutcome> check_value(const ParamCheck& check, const std::string* value,
                                 const CheckContext& context);

// "To = \"sip:x\"", "CallSid matching /^CA/", "Foo absent" … with `name` as the subject.
std::string describe_param(const ParamCheck& check, const CheckContext& context,
                           const std::string& name);

// A failing expectation's verdict: REF details are the reference's decisions, so only the
// reference (or a --strict run) is held to them exactly. An unknown target counts as strict.
Verdict failure_verdict(Level level, const CheckContext& context);

// Case patterns are partial matches ("^…$" anchors when they mean the whole value), like grep.
Result<std::regex> compile_pattern(const std::string& pattern);

// `text` in double quotes, as reports show values.
std::string quoted(std::string_view text);

}  // namespace sipconform
