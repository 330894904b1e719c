// Tests of the reports: results.json round trip, junit.xml against the JUnit schema (xmllint),
// index.html well-formedness, shard merging, and a headless-chromium render of the page.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "report/report.h"

namespace sipconform {
namespace {

namespace fs = std::filesystem;

Event sip(double time, std::string from, std::string to, std::string method, int status = 0,
          std::string cseq = "") {
  static const std::map<std::string, std::string> addresses = {
      {"caller", "127.20.1.1:5060"}, {"callee", "127.20.1.1:5061"}, {"target", "127.0.1.1:5060"}};
  Event event;
  event.time = time;
  event.sip.src = addresses.at(from);
  event.sip.dst = addresses.at(to);
  event.sip.transport = "udp";
  event.sip.from_party = std::move(from);
  event.sip.to_party = std::move(to);
  event.sip.request = status == 0;
  event.sip.method = status == 0 ? method : "";
  event.sip.status = status;
  event.sip.reason = status == 0 ? "" : method;
  event.sip.request_uri = status == 0 ? "sip:callee@127.20.1.1:5061" : "";
  event.sip.cseq_method = status == 0 ? method : cseq;
  event.sip.call_id = "c-1@127.20.1.1";
  event.sip.headers = {{"Via", "SIP/2.0/UDP " + event.sip.src + ";branch=z9hG4bK-1"},
                       {"Call-ID", event.sip.call_id}};
  return event;
}

Event hook(double time, std::string method, std::string path,
           std::vector<std::pair<std::string, std::string>> params) {
  Event event;
  event.time = time;
  event.kind = Event::Kind::webhook;
  event.webhook.method = std::move(method);
  event.webhook.path = std::move(path);
  event.webhook.params = std::move(params);
  event.webhook.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  event.webhook.signature_valid = true;
  event.webhook.answered_status = 200;
  return event;
}

Timeline call_timeline() {
  Timeline timeline;
  timeline.events = {
      sip(0.0101, "caller", "target", "INVITE"),
      sip(0.0123, "target", "caller", "Trying", 100, "INVITE"),
      sip(0.0131, "target", "caller", "Ringing", 180, "INVITE"),
      hook(0.0204, "POST", "/voice",
           {{"CallSid", "CA0123456789abcdef0123456789abcdef"}, {"CallStatus", "ringing"}}),
      sip(0.0500, "target", "caller", "OK", 200, "INVITE"),
      sip(0.0551, "target", "callee", "INVITE"),
      sip(0.0602, "callee", "target", "OK", 200, "INVITE"),
      sip(1.0, "caller", "target", "BYE"),
      sip(1.002, "target", "callee", "BYE")};
  return timeline;
}

CheckResult check(std::string name, Verdict verdict, std::string expected, std::string observed,
                  std::optional<std::size_t> event = std::nullopt, int line = 0) {
  CheckResult result;
  result.name = std::move(name);
  result.verdict = verdict;
  result.expected = std::move(expected);
  result.observed = std::move(observed);
  result.event = event;
  result.where = Location{line ? "fixtures/cases/x.yaml" : "", line, line ? 5 : 0};
  return result;
}

PartyResult party(std::string name, std::string scenario, std::string address, int exit_code) {
  PartyResult result;
  result.name = name;
  result.scenario = scenario;
  result.address = std::move(address);
  result.command = "sipp -sf sipp-scenarios/" + scenario + " -i 127.20.1.1 -m 1";
  result.exit_code = exit_code;
  result.files = {name + "_messages.log", name + "_screen.log"};
  return result;
}

CaseResult case_result(std::string id, Verdict verdict, std::vector<std::string> behaviours) {
  CaseResult result;
  result.id = id;
  result.title = "Title of " + id;
  result.behaviours = std::move(behaviours);
  result.verdict = verdict;
  std::string dir = id;
  for (auto at = dir.find('/'); at != std::string::npos; at = dir.find('/'))
    dir.replace(at, 1, "__");
  result.evidence_dir = "cases/" + dir;
  result.duration_s = 1.25;
  return result;
}

CaseResult call_case(std::string id, Verdict verdict, std::vector<std::string> behaviours) {
  CaseResult result = case_result(std::move(id), verdict, std::move(behaviours));
  result.parties = {party("caller", "caller-hangs-up.xml", "127.20.1.1:5060", 0),
                    party("callee", "callee-answer.xml", "127.20.1.1:5061", 0)};
  result.timeline = call_timeline();
  return result;
}

// Six cases over three sections, one of each verdict, with text that needs escaping.
RunResult sample_run() {
  RunResult run;
  run.target = "vendor-lab";
  CaseResult edge = call_case("sip/edge-default", Verdict::fail, {"sip.edge", "sip.edge.source"});
  edge.title = "Edge <ashburn> & \"Via\" 'Contact' \xE2\x86\x92 caf\xC3\xA9 \xFF\x01";
  edge.checks = {
      check("party caller (caller-hangs-up.xml) passes", Verdict::pass, "caller exits 0",
            "caller exited 0"),
      check("wire: callee <- INVITE sent from edge dublin (127.0.1.3/32)", Verdict::fail,
            "callee <- INVITE: sent from edge dublin (127.0.1.3/32)",
            "#5 at 0.055 s sent from 127.0.1.1:5060, not from edge dublin (127.0.1.3/32)", 5, 12)};
  CaseResult answer = call_case("twiml/answer-dial-sip", Verdict::pass,
                                {"twiml.answer", "webhook.params.standard"});
  answer.checks = {check("request POST /voice", Verdict::pass, "POST /voice (exactly 1)",
                         "1 matching: #3 at 0.020 s", 3, 9)};
  CaseResult tls =
      case_result("sip/tls-transport", Verdict::skip, {"sip.transport.tls", "sip.edge"});
  tls.reason = "target lacks capability 'tls'";
  CaseResult broken =
      call_case("webhook/http-error-500", Verdict::harness_error, {"webhook.http-error"});
  broken.reason = "capture: dumpcap exited 2";
  CaseResult lenient = call_case("webhook/failure-no-fallback", Verdict::pass_nonstrict,
                                 {"webhook.failure-no-fallback", "webhook.http-error"});
  lenient.checks = {check("wire: caller <- 500 INVITE Warning matching /^399 /",
                          Verdict::pass_nonstrict, "Warning matching /^399 /",
                          "#4 at 0.050 s has no Warning header", 4, 15)};
  CaseResult known = call_case("sip/uri-length-255", Verdict::fail, {"sip.uri.length"});
  known.expected_failure = true;
  known.checks = {check("wire: callee <- INVITE exactly 0 message(s)", Verdict::fail,
                        "exactly 0 message(s)", "1 message(s): #5 at 0.055 s", 5, 11)};
  run.cases = {edge, answer, tls, broken, lenient, known};  // deliberately unsorted
  return run;
}

std::string temp_dir() {
  std::string pattern = (fs::temp_directory_path() / "sipconform-report-XXXXXX").string();
  const char* made = ::mkdtemp(pattern.data());
  if (!made) throw std::runtime_error("mkdtemp failed");
  return made;
}

void write(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Runs a shell command, returning its exit status and combined output.
std::pair<int, std::string> run_command(const std::string& command) {
  std::string output;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return {-1, "popen failed"};
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

bool have(const std::string& tool) {
  return run_command("command -v " + tool).first == 0;
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size()))
    ++n;
  return n;
}

// --- results.json -------------------------------------------------------------------------

TEST(ResultsJson, RoundTripIsByteIdentical) {
  const std::string first = render_results_json(sample_run());
  auto parsed = parse_results_json(first);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(render_results_json(*parsed), first);
  ASSERT_EQ(parsed->cases.size(), 6u);
  EXPECT_EQ(parsed->cases[0].id, "sip/edge-default");  // sorted by id on render
  EXPECT_EQ(parsed->cases[1].id, "sip/tls-transport");
  EXPECT_EQ(parsed->cases[0].timeline.events.size(), 9u);
  EXPECT_EQ(parsed->cases[0].timeline.events[3].webhook.param("CallStatus") != nullptr, true);
  EXPECT_EQ(parsed->cases[0].checks[1].event, 5u);
  EXPECT_EQ(parsed->cases[0].checks[1].where.line, 12);
  EXPECT_EQ(parsed->cases[0].parties[1].address, "127.20.1.1:5061");
}

TEST(ResultsJson, StableLayout) {
  const std::string text = render_results_json(sample_run());
  // Cases sorted by id; derived summaries present; keys in the documented order.
  const std::vector<std::string> ids = {
      "sip/edge-default",      "sip/tls-transport",           "sip/uri-length-255",
      "twiml/answer-dial-sip", "webhook/failure-no-fallback", "webhook/http-error-500"};
  std::size_t last = 0;
  for (const auto& id : ids) {
    const auto at = text.find("\"id\": \"" + id + "\"");
    ASSERT_NE(at, std::string::npos) << id;
    EXPECT_GT(at, last) << id;
    last = at;
  }
  EXPECT_LT(text.find("\"format\""), text.find("\"target\": \"vendor-lab\""));
  EXPECT_NE(text.find("\"summary\": {\n    \"total\": 6,\n    \"PASS\": 1,\n    "
                      "\"PASS_NONSTRICT\": 1,\n    \"FAIL\": 2,\n"
                      "    \"SKIP\": 1,\n    \"HARNESS_ERROR\": 1,\n    \"unexpected\": 2\n  }"),
            std::string::npos);
  EXPECT_NE(text.find("\"sip.edge\": \"FAIL\""), std::string::npos);
  EXPECT_NE(text.find("\"webhook.http-error\": \"HARNESS_ERROR\""), std::string::npos);
  EXPECT_NE(text.find("\"label\": \"target -> 200 INVITE\""), std::string::npos);
  EXPECT_NE(text.find("\"first_line\": \"SIP/2.0 180 Ringing\""), std::string::npos);
  EXPECT_NE(text.find("\"time\": 0.0123,"), std::string::npos);
  EXPECT_NE(text.find("\"duration_s\": 1.25,"), std::string::npos);
  // Escapes per RFC 8259; invalid UTF-8 replaced, control characters as \u00XX.
  EXPECT_NE(text.find(R"(Edge <ashburn> & \"Via\" 'Contact' → café �\u0001)"), std::string::npos);
  EXPECT_EQ(render_results_json(sample_run()), text);  // deterministic
}

TEST(ResultsJson, ParseErrorsNameThePath) {
  auto bad_json = parse_results_json("{\"format\": ");
  ASSERT_FALSE(bad_json);
  EXPECT_EQ(bad_json.error().message,
            "results.json: line 1, column 12: unexpected end of input, expected a value");
  std::string text = render_results_json(sample_run());
  text.replace(text.find("\"verdict\": \"SKIP\""), 17, "\"verdict\": \"MAYBE\"");
  auto bad_verdict = parse_results_json(text);
  ASSERT_FALSE(bad_verdict);
  EXPECT_EQ(bad_verdict.error().message,
            "results.json: results.cases[1].verdict: unknown verdict \"MAYBE\"");
  auto wrong = parse_results_json("{\"format\": \"other\"}");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().message,
            "results.json: results.format: expected \"sipconform-results/1\" (a results.json of "
            "this harness)");
  auto missing = parse_results_json(
      "{\"format\": \"sipconform-results/1\", \"target\": \"x\", \"strict\": false, "
      "\"cases\": [{\"id\": 3}]}");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "results.json: results.cases[0].id: expected a string");
}

// --- merge --------------------------------------------------------------------------------

TEST(Merge, TwoShardsEqualTheUnshardedRun) {
  const RunResult full = sample_run();
  RunResult shard1;
  RunResult shard2;
  shard1.target = shard2.target = full.target;
  for (std::size_t i = 0; i < full.cases.size(); ++i)
    (i % 2 ? shard2 : shard1).cases.push_back(full.cases[i]);
  // Through results.json, as `sipconform merge` reads them.
  auto read1 = parse_results_json(render_results_json(shard1));
  auto read2 = parse_results_json(render_results_json(shard2));
  ASSERT_TRUE(read1 && read2);
  auto merged = merge_runs({*read1, *read2});
  ASSERT_TRUE(merged) << merged.error().message;
  EXPECT_EQ(render_results_json(*merged), render_results_json(full));
  EXPECT_EQ(render_junit(*merged), render_junit(full));
  EXPECT_EQ(render_html(*merged), render_html(full));
}

TEST(Merge, RefusesOverlapsAndMixedTargets) {
  const RunResult full = sample_run();
  auto twice = merge_runs({full, full});
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message.find("case 'sip/edge-default' appears in more than one shard"),
            std::string::npos);
  RunResult other = full;
  other.target = "reference";
  other.cases.clear();
  auto mixed = merge_runs({full, other});
  ASSERT_FALSE(mixed);
  EXPECT_EQ(mixed.error().message,
            "merge: shard 2 ran against target 'reference', shard 1 against 'vendor-lab'");
  EXPECT_FALSE(merge_runs({}));
}

// --- junit.xml ----------------------------------------------------------------------------

TEST(Junit, ShapeAndCounts) {
  const std::string xml = render_junit(sample_run());
  EXPECT_NE(xml.find("<testsuites name=\"sipconform vendor-lab\" tests=\"6\" failures=\"2\" "
                     "errors=\"1\" time=\"7.500\">"),
            std::string::npos);
  EXPECT_NE(xml.find("<testsuite name=\"sip\" tests=\"3\" failures=\"2\" errors=\"0\" "
                     "skipped=\"1\" time=\"3.750\">"),
            std::string::npos);
  EXPECT_NE(
      xml.find("<testsuite name=\"webhook\" tests=\"2\" failures=\"0\" errors=\"1\" skipped=\"0\""),
      std::string::npos);
  EXPECT_NE(
      xml.find("<testcase classname=\"sipconform.sip\" name=\"sip/edge-default\" time=\"1.250\">"),
      std::string::npos);
  EXPECT_NE(xml.find("<failure type=\"FAIL\" message=\"wire: callee &lt;- INVITE sent from edge "
                     "dublin (127.0.1.3/32): "
                     "Expected: callee &lt;- INVITE: sent from edge dublin (127.0.1.3/32) / "
                     "Actual: #5 at 0.055 s sent from "
                     "127.0.1.1:5060, not from edge dublin (127.0.1.3/32)\">"),
            std::string::npos);
  EXPECT_NE(xml.find("<failure type=\"FAIL\" message=\"known failure (expectations file): "),
            std::string::npos);
  EXPECT_NE(xml.find("<skipped message=\"target lacks capability &#39;tls&#39;\"/>"),
            std::string::npos);
  EXPECT_NE(xml.find("<error type=\"HARNESS_ERROR\" message=\"capture: dumpcap exited 2\">"),
            std::string::npos);
  EXPECT_EQ(occurrences(xml, "<testcase "), 6u);
}

TEST(Junit, ValidatesAgainstTheJUnitSchema) {
  ASSERT_TRUE(have("xmllint"))
      << "xmllint not found: run tools/bootstrap (Debian package libxml2-utils)";
  const std::string dir = temp_dir();
  write(dir + "/junit.xml", render_junit(sample_run()));
  const auto [status, output] = run_command(
      "xmllint --noout --schema " SIPCONFORM_TEST_DATA "/junit.xsd " + dir + "/junit.xml");
  EXPECT_EQ(status, 0) << output;
  RunResult empty;
  empty.target = "nothing";
  write(dir + "/empty.xml", render_junit(empty));
  const auto [empty_status, empty_output] = run_command(
      "xmllint --noout --schema " SIPCONFORM_TEST_DATA "/junit.xsd " + dir + "/empty.xml");
  EXPECT_EQ(empty_status, 0) << empty_output;
  fs::remove_all(dir);
}

TEST(Junit, TheSchemaRejectsATestcaseWithoutClassname) {
  // Guards the guard: a schema that accepted anything would make the test above worthless.
  ASSERT_TRUE(have("xmllint"))
      << "xmllint not found: run tools/bootstrap (Debian package libxml2-utils)";
  const std::string dir = temp_dir();
  write(dir + "/bad.xml",
        "<testsuites><testsuite name=\"a\" tests=\"1\" failures=\"0\" errors=\"0\">"
        "<testcase name=\"x\"/></testsuite></testsuites>");
  EXPECT_NE(
      run_command("xmllint --noout --schema " SIPCONFORM_TEST_DATA "/junit.xsd " + dir + "/bad.xml")
          .first,
      0);
  fs::remove_all(dir);
}

// --- index.html and ladders ---------------------------------------------------------------

TEST(Html, IsWellFormedAndComplete) {
  ASSERT_TRUE(have("xmllint"))
      << "xmllint not found: run tools/bootstrap (Debian package libxml2-utils)";
  const std::string html = render_html(sample_run());
  const std::string dir = temp_dir();
  write(dir + "/index.html", html);
  const auto [status, output] = run_command("xmllint --noout " + dir + "/index.html");
  EXPECT_EQ(status, 0) << output;
  EXPECT_TRUE(output.empty()) << output;
  fs::remove_all(dir);

  EXPECT_EQ(occurrences(html, "class=\"case-row\""), 6u);
  EXPECT_NE(html.find("<tr class=\"case-row\" data-verdict=\"FAIL\"><td><a "
                      "href=\"#case-sip__edge-default\">sip/edge-default</a>"),
            std::string::npos);
  EXPECT_EQ(occurrences(html, "class=\"behaviour-row\""), 8u);  // distinct IDs of the sample
  EXPECT_NE(
      html.find("<tr class=\"behaviour-row\" data-verdict=\"FAIL\"><td><code>sip.edge</code></td>"),
      std::string::npos);
  EXPECT_NE(
      html.find("<a href=\"cases/sip__edge-default/caller_messages.log\">caller_messages.log</a>"),
      std::string::npos);
  EXPECT_NE(html.find("<a href=\"cases/sip__edge-default/case.pcap\">case.pcap</a>"),
            std::string::npos);
  EXPECT_NE(html.find("<a href=\"cases/sip__edge-default/webhook.log\">webhook.log</a>"),
            std::string::npos);
  EXPECT_NE(html.find("<span class=\"tag unexpected\">unexpected</span>"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"tag\">known failure</span>"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(occurrences(html, "http://"),
            occurrences(html, "http://www.w3.org/"));  // namespace names only
}

TEST(Ladder, ColumnsArrowsAndHighlight) {
  const RunResult run = sample_run();
  const std::string svg =
      render_ladder_svg(run.cases[0]);  // sip/edge-default, check on event 5 failed
  const auto column = [&](const std::string& name) {
    return svg.find("font-weight=\"bold\">" + name + "</text>");
  };
  ASSERT_NE(column("caller"), std::string::npos);
  EXPECT_LT(column("caller"), column("target"));  // callers left of the target, callees right
  EXPECT_LT(column("target"), column("callee"));
  EXPECT_LT(column("callee"), column("webhook"));
  EXPECT_EQ(occurrences(svg, "<g class=\"event"), 9u);
  EXPECT_EQ(occurrences(svg, "<g class=\"event failed\""), 1u);
  EXPECT_NE(svg.find("<g class=\"event failed\" data-event=\"5\">"), std::string::npos);
  EXPECT_NE(svg.find(">POST /voice \u2192 200</text>"), std::string::npos);
  EXPECT_NE(svg.find(">180 Ringing (INVITE)</text>"), std::string::npos);
  EXPECT_NE(svg.find(">0.010 s</text>"), std::string::npos);
  const std::string lenient = render_ladder_svg(run.cases[4]);
  EXPECT_NE(lenient.find("<g class=\"event nonstrict\" data-event=\"4\">"), std::string::npos);
}

// [api.*] A case with REST steps: one answered (on the timeline), one never sent.
CaseResult api_case() {
  CaseResult result = call_case("api/calls-create", Verdict::fail, {"api.calls.create"});
  ApiEvent create;
  create.name = "create";
  create.method = "POST";
  create.path = "/2010-04-01/Accounts/ACc0/Calls.json";
  create.form = {{"To", "sip:tk1@127.20.1.1:5061"},
                 {"StatusCallbackEvent", "initiated"},
                 {"StatusCallbackEvent", "ringing"}};
  create.authorization = "Basic ACc0:*** (the account's auth token)";
  create.sent = true;
  create.status = 201;
  create.body = R"({"sid":"CA1"})";
  create.sent_epoch = 1700000000.125;
  create.answered_epoch = 1700000000.25;
  ApiEvent later;
  later.name = "step2";
  later.method = "GET";
  later.path = "/Calls/{{api:create.sid}}.json";
  later.error = "never saw webhook /voice before the case's timeout";
  later.answered_epoch = 1700000030.5;
  result.api = {create, later};
  Event answered;
  answered.time = 0.005;
  answered.kind = Event::Kind::api;
  answered.api = create;
  result.timeline.events.insert(result.timeline.events.begin(), answered);
  result.checks = {
      check("api step2: status 200", Verdict::fail, "HTTP status 200",
            "not sent: never saw webhook /voice before the case's timeout", std::nullopt, 14),
      check("api create: status 201", Verdict::pass, "HTTP status 201", "201 {\"sid\":\"CA1\"}", 0,
            9)};
  return result;
}

TEST(ResultsJson, ApiStepsRoundTrip) {
  RunResult run;
  run.target = "reference";
  run.cases = {api_case(), call_case("sip/plain", Verdict::pass, {"sip.x"})};
  const std::string first = render_results_json(run);
  auto parsed = parse_results_json(first);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(render_results_json(*parsed), first);
  const CaseResult& read = parsed->cases[0];
  ASSERT_EQ(read.api.size(), 2u);
  EXPECT_EQ(read.api[0].form, run.cases[0].api[0].form);
  EXPECT_EQ(read.api[0].sent_epoch, 1700000000.125);
  EXPECT_FALSE(read.api[1].sent);
  EXPECT_EQ(read.api[1].error, "never saw webhook /voice before the case's timeout");
  ASSERT_EQ(read.timeline.events[0].kind, Event::Kind::api);
  EXPECT_EQ(read.timeline.events[0].api.name, "create");
  EXPECT_EQ(read.timeline.events[0].api.status, 201);
  EXPECT_NE(first.find("\"label\": \"api create -> 201\""), std::string::npos);
  EXPECT_TRUE(parsed->cases[1].api.empty());
  EXPECT_EQ(first.find("\"api\": []"), std::string::npos) << "no api key for cases without steps";
}

TEST(Ladder, RestStepsHaveTheirOwnColumn) {
  const CaseResult result = api_case();
  const std::string svg = render_ladder_svg(result);
  const auto column = [&](const std::string& name) {
    return svg.find("font-weight=\"bold\">" + name + "</text>");
  };
  ASSERT_NE(column("REST API"), std::string::npos);
  EXPECT_LT(column("REST API"), column("caller"));
  EXPECT_NE(svg.find(">create: POST /Calls.json \u2192 201</text>"), std::string::npos);
  EXPECT_NE(svg.find("marker-end=\"url(#arrow-case-api__calls-create-api)\""), std::string::npos);
  EXPECT_EQ(render_ladder_svg(call_case("sip/plain", Verdict::pass, {})).find("REST API"),
            std::string::npos);
  const std::string text = render_timeline_text(result);
  EXPECT_NE(text.find("  create: POST /2010-04-01/Accounts/ACc0/Calls.json -> 201\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  step2: GET /Calls/{{api:create.sid}}.json -> not sent: never saw webhook"),
            std::string::npos);
  EXPECT_NE(text.find("    0.005 api create -> 201   POST /2010-04-01/Accounts/ACc0/Calls.json"),
            std::string::npos);
  RunResult run;
  run.cases = {result};
  EXPECT_NE(render_html(run).find(">api.log</a>"), std::string::npos);
}

TEST(Reports, WriteReportsWritesTheThreeFiles) {
  const std::string dir = temp_dir();
  const RunResult run = sample_run();
  ASSERT_TRUE(write_reports(run, dir));
  EXPECT_EQ(read(dir + "/results.json"), render_results_json(run));
  EXPECT_EQ(read(dir + "/junit.xml"), render_junit(run));
  EXPECT_EQ(read(dir + "/index.html"), render_html(run));
  fs::remove_all(dir);
  auto missing = write_reports(run, dir + "/does-not-exist");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("results.json: cannot open for writing"),
            std::string::npos);
}

// Renders the page in headless chromium: it must load, paint something substantial, and have
// built one case row per case. Set SIPCONFORM_KEEP_REPORT=1 to keep the folder for a look.
TEST(Html, RendersInHeadlessChromium) {
  ASSERT_TRUE(have("chromium"))
      << "chromium not found: run tools/bootstrap (it installs Debian's chromium)";
  const std::string dir = temp_dir();
  ASSERT_TRUE(write_reports(sample_run(), dir));
  const std::string flags =
      "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
      "--disable-background-networking --disable-component-update --disable-sync "
      "--user-data-dir=" +
      dir + "/profile ";
  const std::string page = "file://" + dir + "/index.html";
  const auto [shot_status, shot_output] =
      run_command("timeout 120 chromium " + flags + "--screenshot=" + dir +
                  "/shot.png --window-size=1280,2000 " + page);
  EXPECT_EQ(shot_status, 0) << shot_output;
  ASSERT_TRUE(fs::exists(dir + "/shot.png")) << shot_output;
  const std::string png = read(dir + "/shot.png");
  ASSERT_GT(png.size(), 24u);
  EXPECT_EQ(png.substr(0, 8), "\x89PNG\r\n\x1a\n");
  EXPECT_GT(png.size(), 30000u) << "a blank page compresses to a few kB; the report should not";
  const auto [dom_status, dom_output] = run_command(
      "{ timeout 120 chromium " + flags + "--dump-dom " + page + " > " + dir + "/dom.html; }");
  EXPECT_EQ(dom_status, 0) << dom_output;
  const std::string dom = read(dir + "/dom.html");
  EXPECT_EQ(occurrences(dom, "class=\"case-row\""), 6u) << dom.substr(0, 2000);
  EXPECT_EQ(occurrences(dom, "<svg"), 6u);
  if (std::getenv("SIPCONFORM_KEEP_REPORT"))
    std::printf("report kept in %s\n", dir.c_str());
  else
    fs::remove_all(dir);
}

}  // namespace
}  // namespace sipconform
