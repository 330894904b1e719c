// Tests of `sipconform diff`: masking of run-specific values, the per-stream event lines, the LCS
// alignment, the per-case classification and the command's exit codes on real report folders.
#include <gtest/gtest.h>

#include <unistd.h>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "report/diff.h"
#include "report/report.h"
#include "run/suite.h"
#include "util/json.h"

namespace sipconform {
namespace {

namespace fs = std::filesystem;

const std::map<std::string, std::string> kAddresses = {
    {"caller", "127.20.1.1:5060"}, {"callee", "127.20.1.1:5061"}, {"target", "127.0.1.1:5060"}};

Event sip(std::string from, std::string to, std::string method, int status = 0,
          std::string cseq_method = "", std::string branch = "z9hG4bK-1") {
  Event event;
  SipEvent& s = event.sip;
  s.src = kAddresses.at(from);
  s.dst = kAddresses.at(to);
  s.from_party = from;
  s.to_party = to;
  s.request = status == 0;
  s.method = s.request ? method : "";
  s.status = status;
  s.reason = s.request ? "" : method;
  s.request_uri = s.request ? "sip:" + to + "@" + kAddresses.at(to) : "";
  s.cseq_method = s.request ? method : cseq_method;
  s.call_id = "8c2f1e0a9b7d6c5e4f3a@127.0.1.1";
  s.headers = {{"Via", "SIP/2.0/UDP " + s.src + ";branch=" + branch},
               {"To", "<sip:" + to + "@" + kAddresses.at(to) + ">"},
               {"Call-ID", s.call_id},
               {"CSeq", "1 " + s.cseq_method}};
  return event;
}

Event hook(std::string path, std::string call_status) {
  Event event;
  event.kind = Event::Kind::webhook;
  event.webhook.method = "POST";
  event.webhook.path = std::move(path);
  event.webhook.params = {{"CallSid", "CA0123456789abcdef0123456789abcdef"},
                          {"CallStatus", std::move(call_status)}};
  return event;
}

CaseResult make_case(std::string id, Verdict verdict, std::vector<Event> events) {
  CaseResult result;
  result.id = std::move(id);
  result.title = "a case";
  result.verdict = verdict;
  result.evidence_dir = "cases/" + result.id;
  for (std::string name : {"caller", "callee"}) {
    PartyResult party;
    party.name = name;
    party.address = kAddresses.at(name);
    result.parties.push_back(party);
  }
  result.timeline.events = std::move(events);
  return result;
}

std::vector<Event> dial_busy() {
  return {sip("caller", "target", "INVITE"),
          sip("target", "caller", "Trying", 100, "INVITE"),
          hook("/voice", "ringing"),
          sip("target", "callee", "INVITE", 0, "", "z9hG4bK-b"),
          sip("callee", "target", "Busy Here", 486, "INVITE", "z9hG4bK-b"),
          hook("/action", "in-progress")};
}

TEST(DiffMask, AddressesBecomeNamesAndDynamicValuesPlaceholders) {
  const AddressNames names = {{"127.20.1.1:5061", "callee"}, {"127.0.1.1:5060", "target"}};
  EXPECT_EQ(mask_dynamic("<sip:callee@127.20.1.1:5061>;tag=4289SIPpTag011", names),
            "<sip:callee@callee>;tag=*");
  EXPECT_EQ(mask_dynamic("SIP/2.0/UDP 127.0.1.1:5060;rport;branch=z9hG4bK9802d6c1", names),
            "SIP/2.0/UDP target;rport;branch=*");
  EXPECT_EQ(mask_dynamic("/2010-04-01/Accounts/ACc0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0/Calls/"
                         "CA8257b3e726c8c9ded830c237dc25e447.json",
                         names),
            "/2010-04-01/Accounts/AC…/Calls/CA….json");
  EXPECT_EQ(mask_dynamic("sip:tk000012@conformance.sip.twilio.local:5060", names),
            "sip:tk…@conformance.sip.twilio.local:*");
  EXPECT_EQ(mask_dynamic("sip:x@10.1.2.3:5999;transport=tcp", names), "sip:x@<ip>;transport=tcp");
  EXPECT_EQ(mask_dynamic("ad864f263be53f91ad338c0b@<ip> at 1764000000", names), "…@<ip> at …");
  EXPECT_EQ(mask_dynamic("SIP;cause=200;text=\"Call completed elsewhere\"", names),
            "SIP;cause=200;text=\"Call completed elsewhere\"");
}

TEST(DiffSequence, LinesNamePartiesAndCarryTheTargetsFacts) {
  auto events = dial_busy();
  events[3].sip.headers.emplace_back("Content-Type", "application/SDP");
  events[3].sip.headers.emplace_back("X-Twilio-CallSid", "CA0123456789abcdef0123456789abcdef");
  const auto lines =
      sequence_lines(make_case("dial/busy", Verdict::pass, events), SequenceOrder::time);
  const std::vector<std::string> expected = {
      "caller -> target INVITE",
      "target -> caller 100 INVITE",
      "webhook POST /voice [CallStatus=ringing]",
      "target -> callee INVITE [uri=sip:callee@callee, Content-Type=application/sdp, "
      "X-Twilio-CallSid=CA…]",
      "callee -> target 486 INVITE",
      "webhook POST /action [CallStatus=in-progress]"};
  EXPECT_EQ(lines, expected);
}

TEST(DiffSequence, PerStreamOrderIgnoresHowStreamsInterleave) {
  auto a = dial_busy();
  auto b = dial_busy();
  std::swap(b[1], b[2]);  // the 100 Trying and the /voice fetch race each other
  std::swap(b[4], b[5]);
  const auto lines_a = sequence_lines(make_case("c", Verdict::pass, a));
  EXPECT_EQ(lines_a, sequence_lines(make_case("c", Verdict::pass, b)));
  EXPECT_NE(sequence_lines(make_case("c", Verdict::pass, a), SequenceOrder::time),
            sequence_lines(make_case("c", Verdict::pass, b), SequenceOrder::time));
  const std::vector<std::string> expected = {"caller -> target INVITE",
                                             "target -> caller 100 INVITE",
                                             "target -> callee INVITE [uri=sip:callee@callee]",
                                             "callee -> target 486 INVITE",
                                             "webhook POST /action [CallStatus=in-progress]",
                                             "webhook POST /voice [CallStatus=ringing]"};
  EXPECT_EQ(lines_a, expected);
}

TEST(DiffSequence, TheTargetIsNamedByTheEdgeOfItsAddress) {
  auto events = dial_busy();
  events[3].sip.src = "127.0.1.4:5060";  // the INVITE to the callee leaves from frankfurt
  const EdgeRanges edges = {{"ashburn", {"127.0.1.1/32"}}, {"frankfurt", {"127.0.1.4/32"}}};
  const auto lines =
      sequence_lines(make_case("c", Verdict::pass, events), SequenceOrder::time, edges);
  EXPECT_EQ(lines[0], "caller -> target[ashburn] INVITE");
  EXPECT_EQ(lines[3], "target[frankfurt] -> callee INVITE [uri=sip:callee@callee]");
  // Without the profile's edges (an older results.json) every target address is "target".
  EXPECT_EQ(sequence_lines(make_case("c", Verdict::pass, events), SequenceOrder::time)[3],
            "target -> callee INVITE [uri=sip:callee@callee]");
}

TEST(DiffSequence, RetransmissionsAreDropped) {
  auto events = dial_busy();
  events.insert(events.begin() + 2, events[0]);  // the INVITE again: same branch, CSeq, Call-ID
  events.push_back(events[5]);                   // the 486 again, after the webhook
  auto resent_with_new_branch = sip("caller", "target", "INVITE", 0, "", "z9hG4bK-2");
  events.push_back(resent_with_new_branch);  // a new transaction: kept
  const auto lines = sequence_lines(make_case("c", Verdict::pass, events), SequenceOrder::time);
  EXPECT_EQ(std::count(lines.begin(), lines.end(), "callee -> target 486 INVITE"), 1);
  EXPECT_EQ(std::count(lines.begin(), lines.end(), "caller -> target INVITE"), 2);
  EXPECT_EQ(lines.size(), 7u);
}

TEST(DiffAlign, LongestCommonSubsequenceWithRemovalsBeforeAdditions) {
  const std::vector<std::string> a = {"INVITE", "100", "180", "200", "ACK"};
  const std::vector<std::string> b = {"INVITE", "100", "183", "200", "ACK", "BYE"};
  const std::vector<DiffLine> expected = {{' ', "INVITE"}, {' ', "100"}, {'-', "180"}, {'+', "183"},
                                          {' ', "200"},    {' ', "ACK"}, {'+', "BYE"}};
  EXPECT_EQ(align_lines(a, b), expected);
  EXPECT_EQ(align_lines({}, {"x"}), (std::vector<DiffLine>{{'+', "x"}}));
  EXPECT_EQ(align_lines({"x"}, {}), (std::vector<DiffLine>{{'-', "x"}}));
  EXPECT_TRUE(align_lines({}, {}).empty());
}

TEST(DiffAlign, EveryLineOfBothSidesAppearsOnceInOrder) {
  const std::vector<std::string> a = {"a", "b", "c", "a", "b", "b", "a"};
  const std::vector<std::string> b = {"c", "b", "a", "b", "a", "c"};
  std::vector<std::string> from_a, from_b;
  std::size_t common = 0;
  for (const auto& line : align_lines(a, b)) {
    if (line.op != '+') from_a.push_back(line.text);
    if (line.op != '-') from_b.push_back(line.text);
    common += line.op == ' ';
  }
  EXPECT_EQ(from_a, a);
  EXPECT_EQ(from_b, b);
  EXPECT_EQ(common, 4u);  // e.g. "b a b a"
}

RunResult run_of(std::vector<CaseResult> cases) {
  RunResult run;
  run.target = "reference";
  run.cases = std::move(cases);
  return run;
}

TEST(DiffRuns, ClassifiesEachCase) {
  auto changed = dial_busy();
  changed.erase(changed.begin() + 1);  // no 100 Trying
  const RunResult a = run_of({make_case("a/same", Verdict::pass, dial_busy()),
                              make_case("b/verdict", Verdict::pass, dial_busy()),
                              make_case("c/sequence", Verdict::pass, dial_busy()),
                              make_case("d/only-a", Verdict::fail, dial_busy())});
  const RunResult b = run_of({make_case("a/same", Verdict::pass, dial_busy()),
                              make_case("b/verdict", Verdict::fail, changed),
                              make_case("c/sequence", Verdict::pass, changed),
                              make_case("e/only-b", Verdict::skip, {})});
  const RunDiff diff = diff_runs(a, b);
  ASSERT_EQ(diff.cases.size(), 5u);
  EXPECT_EQ(diff.cases[0].difference, CaseDifference::same);
  EXPECT_EQ(diff.cases[1].difference, CaseDifference::verdict);
  EXPECT_TRUE(diff.cases[1].sequence_differs());
  EXPECT_EQ(diff.cases[2].difference, CaseDifference::sequence);
  EXPECT_EQ(diff.cases[3].difference, CaseDifference::only_in_a);
  EXPECT_EQ(diff.cases[3].verdict_a, Verdict::fail);
  EXPECT_FALSE(diff.cases[3].verdict_b.has_value());
  EXPECT_EQ(diff.cases[4].difference, CaseDifference::only_in_b);
  EXPECT_TRUE(diff.any());

  const std::string text = render_diff_text(diff, "runs/a", "runs/b");
  EXPECT_NE(
      text.find("5 cases: 1 same, 1 verdict differs, 1 sequence differs, 1 only in A, 1 only in B"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("== b/verdict: verdict PASS (A) vs FAIL (B), sequence differs"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(" - target -> caller 100 INVITE"), std::string::npos) << text;
  EXPECT_NE(text.find("== d/only-a: only in A (FAIL)"), std::string::npos) << text;
  EXPECT_EQ(text.find("a/same"), std::string::npos) << text;
  EXPECT_TRUE(parse_json(render_diff_json(diff, "runs/a", "runs/b")).has_value());
  EXPECT_NE(render_diff_html(diff, "runs/a", "runs/b").find("class=\"del\""), std::string::npos);
}

TEST(DiffRuns, IdenticalRunsDoNotDiffer) {
  const RunResult a = run_of({make_case("a", Verdict::pass, dial_busy())});
  const RunDiff diff = diff_runs(a, a);
  EXPECT_FALSE(diff.any());
  EXPECT_NE(render_diff_text(diff, "x", "y").find("1 cases: 1 same, 0 verdict differs"),
            std::string::npos);
}

class DiffCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("sipconform-diff-test-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    write_report("a", run_of({make_case("sip/one", Verdict::pass, dial_busy())}));
    write_report("same", run_of({make_case("sip/one", Verdict::pass, dial_busy())}));
    write_report("other", run_of({make_case("sip/one", Verdict::fail, dial_busy()),
                                  make_case("dial/two", Verdict::pass, {})}));
  }
  void TearDown() override { fs::remove_all(root_); }
  void write_report(const std::string& name, const RunResult& run) {
    fs::create_directories(root_ / name);
    std::ofstream(root_ / name / "results.json") << render_results_json(run);
  }
  DiffOptions options(const std::string& a, const std::string& b) {
    DiffOptions o;
    o.a = (root_ / a).string();
    o.b = (root_ / b).string();
    return o;
  }
  fs::path root_;
};

TEST_F(DiffCommand, ResultsJsonCarriesTheEdges) {
  RunResult run = run_of({make_case("sip/one", Verdict::pass, dial_busy())});
  run.edges = {{"ashburn", {"127.0.1.1/32"}}, {"dublin", {"127.0.1.3/32", "10.0.0.0/8"}}};
  const std::string text = render_results_json(run);
  auto parsed = parse_results_json(text);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->edges, run.edges);
  EXPECT_EQ(render_results_json(*parsed), text);
}

TEST_F(DiffCommand, ExitCodes) {
  EXPECT_EQ(diff_command(options("a", "same")), 0);
  EXPECT_EQ(diff_command(options("a", "other")), 1);
  EXPECT_EQ(diff_command(options("a", "missing")), 2);
  auto filtered = options("a", "other");
  filtered.filters = {"dial/*"};  // only dial/two, which A lacks
  EXPECT_EQ(diff_command(filtered), 1);
  filtered.filters = {"nothing/*"};
  EXPECT_EQ(diff_command(filtered), 0);
}

TEST_F(DiffCommand, WritesJsonAndHtml) {
  auto o = options("a", "other");
  o.json = (root_ / "diff.json").string();
  o.html = (root_ / "diff.html").string();
  EXPECT_EQ(diff_command(o), 1);
  std::ifstream in(*o.json);
  std::stringstream text;
  text << in.rdbuf();
  auto json = parse_json(text.str());
  ASSERT_TRUE(json.has_value());
  EXPECT_EQ(json->find("summary")->find("verdict differs")->as_int(), 1);
  EXPECT_EQ(json->find("summary")->find("only in B")->as_int(), 1);
  EXPECT_TRUE(fs::exists(*o.html));
}

}  // namespace
}  // namespace sipconform
