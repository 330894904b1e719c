// Checks of REST steps [api.*] on hand-built exchanges: status, JSON members and array lengths
// passing and failing with what a reader sees, levels, steps never sent or never answered, and
// "api <step>" in order checks.
#include "check/api_check.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "check/checker.h"
#include "check/selector.h"

namespace sipconform {
namespace {

using ::testing::HasSubstr;

const std::string kCreated =
    R"({"sid":"CA0123456789abcdef0123456789abcdef","status":"queued","to":"sip:tk1@127.20.1.1:5061",)"
    R"("price":null,"calls":[{"sid":"CA1"},{"sid":"CA2"}]})";

ApiStep step(std::string name, std::optional<int> status = std::nullopt) {
  ApiStep out;
  out.name = std::move(name);
  out.method = "POST";
  out.path = "/Calls.json";
  out.status = status;
  out.where = {"case.yaml", 9, 5};
  return out;
}

ParamCheck json(std::string path, ParamCheck::Op op, std::string value = "") {
  return ParamCheck{std::move(path), op, std::move(value)};
}

ApiEvent answered(std::string name, int status, std::string body) {
  ApiEvent event;
  event.name = std::move(name);
  event.method = "POST";
  event.path = "/2010-04-01/Accounts/AC1/Calls.json";
  event.sent = true;
  event.status = status;
  event.body = std::move(body);
  return event;
}

Event at(double time, ApiEvent api) {
  Event event;
  event.time = time;
  event.kind = Event::Kind::api;
  event.api = std::move(api);
  return event;
}

Event sip_received(double time, std::string party, std::string method) {
  Event event;
  event.time = time;
  event.sip.to_party = std::move(party);
  event.sip.from_party = "target";
  event.sip.request = true;
  event.sip.method = std::move(method);
  return event;
}

struct Fixture {
  Case test;
  TargetProfile target;
  CheckContext context;
  Fixture() {
    test.id = "api/example";
    test.expect.parties_pass = false;
    target.reference = true;
    context.test = &test;
    context.target = &target;
    context.substitutions = {{"token", "tk1"}, {"callee", "127.20.1.1:5061"}};
  }
  std::vector<CheckResult> run(const Timeline& timeline, const std::vector<ApiEvent>& api) {
    return check_api_steps(context, timeline, api);
  }
};

TEST(ApiCheck, StatusJsonAndCountPass) {
  Fixture f;
  ApiStep create = step("create", 201);
  create.json = {json("status", ParamCheck::Op::equals, "queued"),
                 json("sid", ParamCheck::Op::matches, "^CA[0-9a-f]{32}$"),
                 json("to", ParamCheck::Op::equals, "sip:{{token}}@{{callee}}"),
                 json("calls.1.sid", ParamCheck::Op::equals, "CA2"),
                 json("price", ParamCheck::Op::equals, "null"),
                 json("uri", ParamCheck::Op::absent),
                 json("price", ParamCheck::Op::present)};
  create.counts = {{"calls", 2}};
  f.test.api = {create};
  Timeline timeline;
  timeline.events = {sip_received(0.1, "callee", "INVITE"),
                     at(0.2, answered("create", 201, kCreated))};
  const auto results = f.run(timeline, {answered("create", 201, kCreated)});
  ASSERT_EQ(results.size(), 9u);
  std::vector<std::string> names;
  for (const auto& result : results) {
    EXPECT_EQ(result.verdict, Verdict::pass) << result.name << ": " << result.observed;
    EXPECT_EQ(result.event, 1u) << "the step's answer on the timeline";
    EXPECT_EQ(result.where.line, 9);
    names.push_back(result.name);
  }
  EXPECT_EQ(names, (std::vector<std::string>{
                       "api create: status 201", "api create: json status = \"queued\"",
                       "api create: json sid matching /^CA[0-9a-f]{32}$/",
                       "api create: json to = \"sip:tk1@127.20.1.1:5061\"",
                       "api create: json calls.1.sid = \"CA2\"",
                       "api create: json price = \"null\"", "api create: json uri absent",
                       "api create: json price present", "api create: count calls = 2"}));
  EXPECT_EQ(results[1].observed, "status = \"queued\"");
  EXPECT_EQ(results[8].observed, "calls has 2 element(s)");
}

TEST(ApiCheck, FailuresShowStatusAndBody) {
  Fixture f;
  ApiStep create = step("create", 201);
  create.json = {json("status", ParamCheck::Op::equals, "queued"),
                 json("code", ParamCheck::Op::absent)};
  create.counts = {{"calls", 1}};
  f.test.api = {create};
  const std::string error =
      R"({"code":20003,"message":"Authenticate","more_info":"https://x/20003","status":401})";
  const auto results = f.run({}, {answered("create", 401, error)});
  ASSERT_EQ(results.size(), 4u);
  for (const auto& result : results) EXPECT_EQ(result.verdict, Verdict::fail) << result.name;
  EXPECT_EQ(results[0].expected, "HTTP status 201");
  EXPECT_EQ(results[0].observed, "401 " + error);
  EXPECT_EQ(results[1].expected, "the answer's JSON has status = \"queued\"");
  EXPECT_EQ(results[1].observed, "status = \"401\"; answer: 401 " + error);
  EXPECT_EQ(results[2].observed, "code = \"20003\"; answer: 401 " + error);
  EXPECT_EQ(results[3].observed, "calls is absent; answer: 401 " + error);
  EXPECT_FALSE(results[0].event.has_value()) << "no api event on this timeline";
}

TEST(ApiCheck, LongBodiesAreCutAndCountsNeedArrays) {
  Fixture f;
  ApiStep list = step("list", 200);
  list.counts = {{"calls", 3}, {"page", 1}};
  f.test.api = {list};
  const std::string body = R"({"page":0,"calls":[)" + std::string(400, ' ') + R"({"sid":"CA1"}]})";
  const auto results = f.run({}, {answered("list", 200, body)});
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].verdict, Verdict::pass);
  EXPECT_EQ(results[1].verdict, Verdict::fail);
  EXPECT_EQ(results[1].observed,
            "calls has 1 element(s); answer: 200 " + body.substr(0, 300) + "…");
  EXPECT_THAT(results[2].observed, ::testing::StartsWith("page is not an array; answer: 200 "));
}

TEST(ApiCheck, UnsentUnansweredAndNonJsonAnswers) {
  Fixture f;
  ApiStep waits = step("waits", 200);
  waits.json = {json("sid", ParamCheck::Op::present)};
  ApiStep refused = step("refused", 200);
  ApiStep html = step("html");
  html.json = {json("sid", ParamCheck::Op::absent)};
  ApiStep bare = step("bare");  // no expectation: it must at least be answered
  ApiStep never = step("never");
  f.test.api = {waits, refused, html, bare, never};
  ApiEvent not_sent;
  not_sent.name = "waits";
  not_sent.error = "never saw webhook /voice with CallStatus=in-progress before the case's timeout";
  ApiEvent no_answer = answered("refused", 0, "");
  no_answer.error = "Connection (REST API at 127.0.1.9:8080)";
  const auto results = f.run({}, {not_sent, no_answer, answered("html", 500, "<html>oops</html>"),
                                  answered("bare", 204, "")});
  ASSERT_EQ(results.size(), 6u);
  EXPECT_EQ(results[0].name, "api waits: status 200");
  EXPECT_EQ(
      results[0].observed,
      "not sent: never saw webhook /voice with CallStatus=in-progress before the case's timeout");
  EXPECT_EQ(results[1].observed, results[0].observed);
  EXPECT_EQ(results[2].observed, "no answer: Connection (REST API at 127.0.1.9:8080)");
  EXPECT_EQ(results[3].verdict, Verdict::fail) << "absent fails when the answer is no JSON at all";
  EXPECT_THAT(results[3].observed, HasSubstr("the answer is not JSON"));
  EXPECT_THAT(results[3].observed, HasSubstr("500 <html>oops</html>"));
  EXPECT_EQ(results[4].name, "api bare: answered");
  EXPECT_EQ(results[4].verdict, Verdict::pass);
  EXPECT_EQ(results[4].observed, "204 with an empty body");
  EXPECT_EQ(results[5].name, "api never: answered");
  EXPECT_EQ(results[5].verdict, Verdict::fail);
  EXPECT_EQ(results[5].observed, "the step did not run");
}

TEST(ApiCheck, RefLevelIsNonStrictOnAnotherTarget) {
  Fixture f;
  f.target.reference = false;
  ApiStep create = step("create", 201);
  create.level = Level::ref;
  f.test.api = {create, step("other", 201)};
  const auto results = f.run({}, {answered("create", 200, "{}"), answered("other", 200, "{}")});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].verdict, Verdict::pass_nonstrict);
  EXPECT_EQ(results[1].verdict, Verdict::fail);
  f.context.strict = true;
  EXPECT_EQ(f.run({}, {answered("create", 200, "{}")})[0].verdict, Verdict::fail);
}

TEST(ApiCheck, AnswersNameLaterValuesThroughSubstitutions) {
  Fixture f;
  ApiStep fetch = step("fetch", 200);
  fetch.json = {json("sid", ParamCheck::Op::equals, "{{api:create.sid}}")};
  f.test.api = {fetch};
  f.context.substitutions["api:create.sid"] = "CA0123456789abcdef0123456789abcdef";
  const auto results = f.run({}, {answered("fetch", 200, kCreated)});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[1].name, "api fetch: json sid = \"CA0123456789abcdef0123456789abcdef\"");
  EXPECT_EQ(results[1].verdict, Verdict::pass);
}

TEST(ApiCheck, EvaluateRunsThemAndOrderSeesApiEvents) {
  Fixture f;
  f.test.api = {step("create", 201)};
  OrderCheck order;
  order.first = "api create";
  order.second = "callee <- INVITE";
  f.test.expect.order = {order};
  Timeline timeline;
  timeline.events = {at(0.2, answered("create", 201, kCreated)),
                     sip_received(0.3, "callee", "INVITE")};
  EXPECT_EQ(timeline.events[0].label(), "api create -> 201");
  auto selector = parse_selector("api create");
  ASSERT_TRUE(selector);
  EXPECT_EQ(first_match(*selector, timeline), 0u);
  EXPECT_FALSE(matches(*selector, timeline.events[1]));
  const auto results = evaluate(f.context, timeline, {}, {answered("create", 201, kCreated)});
  ASSERT_EQ(results.size(), 3u);  // status, order, well-formed SIP
  EXPECT_EQ(results[0].name, "api create: status 201");
  EXPECT_EQ(results[0].verdict, Verdict::pass);
  EXPECT_EQ(results[1].verdict, Verdict::pass) << results[1].observed;

  std::swap(timeline.events[0], timeline.events[1]);
  const auto reversed = evaluate(f.context, timeline, {}, {answered("create", 201, kCreated)});
  EXPECT_EQ(reversed[1].verdict, Verdict::fail);
  EXPECT_THAT(reversed[1].observed, HasSubstr("\"api create\" only #1"));
}

}  // namespace
}  // namespace sipconform
