// The api step checks (api_check.h): status, JSON members by dotted path, array lengths.
#include "check/api_check.h"

#include <optional>

#include "check/param_check.h"
#include "util/json.h"
#include "util/json_path.h"

namespace sipconform {
namespace {

// Failure messages show this much of an answer's body: enough to read a JSON error body.
constexpr std::size_t kBodyExcerpt = 300;

// "201 {\"sid\": …}", or why there is no answer to show.
std::string answer_text(const ApiEvent* exchange) {
  if (exchange == nullptr) return "the step did not run";
  if (!exchange->sent) return "not sent: " + exchange->error;
  if (exchange->status == 0) return "no answer: " + exchange->error;
  const std::string& body = exchange->body;
  if (body.empty()) return std::to_string(exchange->status) + " with an empty body";
  return std::to_string(exchange->status) + " " +
         (body.size() <= kBodyExcerpt ? body : body.substr(0, kBodyExcerpt) + "…");
}

std::optional<std::size_t> event_of(const Timeline& timeline, const std::string& step) {
  for (std::size_t i = 0; i < timeline.events.size(); ++i)
    if (timeline.events[i].kind == Event::Kind::api && timeline.events[i].api.name == step)
      return i;
  return std::nullopt;
}

// The answer as JSON, or why it cannot be read as such (no answer, not JSON).
struct Answer {
  const ApiEvent* exchange = nullptr;
  std::optional<Json> document;
  std::string unreadable;  // set when document is empty
};

Answer read_answer(const ApiEvent* exchange) {
  Answer answer{exchange, std::nullopt, {}};
  if (exchange == nullptr || exchange->status == 0) {
    answer.unreadable = answer_text(exchange);
    return answer;
  }
  auto parsed = parse_json(exchange->body);
  if (parsed)
    answer.document = std::move(*parsed);
  else
    answer.unreadable =
        "the answer is not JSON (" + parsed.error().message + "): " + answer_text(exchange);
  return answer;
}

class StepChecker {
 public:
  StepChecker(const ApiStep& step, const Answer& answer, const CheckContext& context,
              std::optional<std::size_t> event)
      : step_(step), answer_(answer), context_(context), event_(event) {}

  CheckResult answered() const {
    CheckResult result = make("answered", "an HTTP answer to " + step_.method + " " + step_.path);
    result.observed = answer_text(answer_.exchange);
    if (!answer_.exchange || answer_.exchange->status == 0)
      result.verdict = failure_verdict(step_.level, context_);
    return result;
  }

  CheckResult status(int wanted) const {
    CheckResult result =
        make("status " + std::to_string(wanted), "HTTP status " + std::to_string(wanted));
    result.observed = answer_text(answer_.exchange);
    if (!answer_.exchange || answer_.exchange->status != wanted)
      result.verdict = failure_verdict(step_.level, context_);
    return result;
  }

  CheckResult json(const ParamCheck& check) const {
    const std::string wanted = describe_param(check, context_, check.name);
    CheckResult result = make("json " + wanted, "the answer's JSON has " + wanted);
    if (!answer_.document) return failed(std::move(result), answer_.unreadable);
    const Json* member = json_at(*answer_.document, check.name);
    const std::optional<std::string> text =
        member ? std::optional(json_text(*member)) : std::nullopt;
    auto outcome = check_value(check, text ? &*text : nullptr, context_);
    if (!outcome) {
      result.verdict = Verdict::harness_error;
      result.observed = outcome.error().message;
      return result;
    }
    result.observed = check.name + " = " + outcome->actual;
    if (outcome->ok) return result;
    std::string observed = result.observed + "; answer: " + answer_text(answer_.exchange);
    return failed(std::move(result), std::move(observed));
  }

  CheckResult count(const std::string& path, int wanted) const {
    CheckResult result =
        make("count " + path + " = " + std::to_string(wanted),
             "the answer's JSON array " + path + " has " + std::to_string(wanted) + " element(s)");
    if (!answer_.document) return failed(std::move(result), answer_.unreadable);
    const Json* member = json_at(*answer_.document, path);
    if (member == nullptr || !member->is_array())
      return failed(std::move(result), path + (member ? " is not an array" : " is absent") +
                                           "; answer: " + answer_text(answer_.exchange));
    const std::size_t size = member->as_array().size();
    result.observed = path + " has " + std::to_string(size) + " element(s)";
    if (size == static_cast<std::size_t>(wanted)) return result;
    std::string observed = result.observed + "; answer: " + answer_text(answer_.exchange);
    return failed(std::move(result), std::move(observed));
  }

 private:
  CheckResult make(const std::string& what, std::string expected) const {
    CheckResult result;
    result.name = "api " + step_.name + ": " + what;
    result.expected = std::move(expected);
    result.where = step_.where;
    result.event = event_;
    return result;
  }

  CheckResult failed(CheckResult result, std::string observed) const {
    result.verdict = failure_verdict(step_.level, context_);
    result.observed = std::move(observed);
    return result;
  }

  const ApiStep& step_;
  const Answer& answer_;
  const CheckContext& context_;
  std::optional<std::size_t> event_;
};

}  // namespace

std::vector<CheckResult> check_api_steps(const CheckContext& context, const Timeline& timeline,
                                         const std::vector<ApiEvent>& exchanges) {
  std::vector<CheckResult> results;
  if (context.test == nullptr) return results;
  const auto& steps = context.test->api;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const ApiStep& step = steps[i];
    const Answer answer = read_answer(i < exchanges.size() ? &exchanges[i] : nullptr);
    const StepChecker checker(step, answer, context, event_of(timeline, step.name));
    if (!step.status && step.json.empty() && step.counts.empty())
      results.push_back(checker.answered());
    if (step.status) results.push_back(checker.status(*step.status));
    for (const auto& check : step.json) results.push_back(checker.json(check));
    for (const auto& [path, wanted] : step.counts) results.push_back(checker.count(path, wanted));
  }
  return results;
}

}  // namespace sipconform
