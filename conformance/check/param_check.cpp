// One value against one ParamCheck, and the level rule, shared by the checkers (param_check.h).
#include "check/param_check.h"

namespace sipconform {

std::string quoted(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

Verdict failure_verdict(Level level, const CheckContext& context) {
  const bool lenient = level == Level::ref && !context.strict && context.target != nullptr &&
                       !context.target->reference;
  return lenient ? Verdict::pass_nonstrict : Verdict::fail;
}

Result<std::regex> compile_pattern(const std::string& pattern) {
  try {
    return std::regex(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& error) {
    return fail("bad regular expression /" + pattern + "/: " + error.what());
  }
}

Result<ParamOutcome> check_value(const ParamCheck& check, const std::string* value,
                                 const CheckContext& context) {
  ParamOutcome outcome{true, value ? quoted(*value) : "absent"};
  switch (check.op) {
    case ParamCheck::Op::equals:
      outcome.ok = value && *value == substitute(check.value, context.substitutions);
      break;
    case ParamCheck::Op::matches: {
      auto pattern = compile_pattern(substitute(check.value, context.substitutions));
      if (!pattern) return std::unexpected(pattern.error());
      outcome.ok = value && std::regex_search(*value, *pattern);
      break;
    }
    case ParamCheck::Op::absent:
      outcome.ok = value == nullptr;
      break;
    case ParamCheck::Op::present:
      outcome.ok = value != nullptr;
      break;
  }
  return outcome;
}

std::string describe_param(const ParamCheck& check, const CheckContext& context,
                           const std::string& name) {
  switch (check.op) {
    case ParamCheck::Op::equals:
      return name + " = " + quoted(substitute(check.value, context.substitutions));
    case ParamCheck::Op::matches:
      return name + " matching /" + substitute(check.value, context.substitutions) + "/";
    case ParamCheck::Op::absent:
      return name + " absent";
    case ParamCheck::Op::present:
      return name + " present";
  }
  return name;
}

}  // namespace sipconform
