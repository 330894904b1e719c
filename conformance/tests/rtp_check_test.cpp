// Tests of rtp expectations: the loader (format and errors at file:line:column), lint (a declared
// party, capability media) and the checker on hand-built RTP packet lists, passing and failing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "cases/case_loader.h"
#include "cases/lint.h"
#include "check/checker.h"
#include "check/rtp_check.h"

namespace sipconform {
namespace {

using ::testing::HasSubstr;

// --- loader -------------------------------------------------------------------------------

const std::string kHead =
    "id: sip/media\ntitle: t\nchecks: [sip.edge.source]\nrequires: [media]\n"
    "parties:\n  caller: { scenario: a.xml, calls: target }\n  callee: { scenario: b.xml }\n";

Result<Case> load_text(const std::string& yaml) {
  const auto dir = std::filesystem::path(::testing::TempDir()) /
                   ("sipconform-rtp-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "sip");
  const auto path = (dir / "sip" / "media.yaml").string();
  std::ofstream(path) << yaml;
  auto loaded = load_case(path);
  std::filesystem::remove_all(dir);
  return loaded;
}

void expect_error(const std::string& yaml, const std::string& where, const std::string& message) {
  auto loaded = load_text(yaml);
  ASSERT_FALSE(loaded) << "loaded although expected: " << message;
  EXPECT_THAT(loaded.error().message, HasSubstr("media.yaml:" + where + ": "));
  EXPECT_THAT(loaded.error().message, HasSubstr(message));
}

TEST(RtpExpectations, LoadEveryField) {
  auto loaded = load_text(
      kHead +
      "expect:\n  rtp:\n"
      "    - { stream: \"callee  <-\", source: \"edge:frankfurt\", min_packets: 20 }\n"
      "    - { stream: \"caller ->\", payload_type: 101, before: \"callee <- BYE\", level: ref }\n"
      "    - { stream: \"caller <-\", source: 127.0.1.1, count: 0 }\n");
  ASSERT_TRUE(loaded) << loaded.error().message;
  const auto& rtp = loaded->expect.rtp;
  ASSERT_EQ(rtp.size(), 3u);
  EXPECT_EQ(rtp[0].stream, "callee <-");
  EXPECT_EQ(rtp[0].party, "callee");
  EXPECT_FALSE(rtp[0].sent);
  EXPECT_EQ(rtp[0].source, "edge:frankfurt");
  EXPECT_EQ(rtp[0].min_packets, 20);
  EXPECT_FALSE(rtp[0].count);
  EXPECT_TRUE(rtp[1].sent);
  EXPECT_EQ(rtp[1].payload_type, 101);
  EXPECT_EQ(rtp[1].before, "callee <- BYE");
  EXPECT_EQ(rtp[1].min_packets, 1);
  EXPECT_EQ(rtp[1].level, Level::ref);
  EXPECT_EQ(rtp[2].count, 0);
  EXPECT_EQ(rtp[2].where.line, 12);
}

TEST(RtpExpectations, LoaderErrors) {
  expect_error(kHead + "expect:\n  rtp: [ { stream: \"callee <- INVITE\" } ]\n", "9:20",
               "must be \"<party> <-\" (RTP the party received) or \"<party> ->\"");
  expect_error(kHead + "expect:\n  rtp: [ { stream: \"target <-\" } ]\n", "9:20",
               "names no declared party");
  expect_error(kHead + "expect:\n  rtp: [ { source: edge:ashburn } ]\n", "9:10", "stream");
  expect_error(kHead + "expect:\n  rtp: [ { stream: caller <-, source: edge:mars } ]\n", "9:39",
               "source 'edge:mars' must be edge:<name>");
  expect_error(kHead + "expect:\n  rtp: [ { stream: caller <-, payload_type: 128 } ]\n", "9:45",
               "payload_type");
  expect_error(kHead + "expect:\n  rtp: [ { stream: caller <-, before: \"caller <- bye\" } ]\n",
               "9:39", "after the arrow write a method");
  expect_error(kHead + "expect:\n  rtp: [ { stream: caller <-, count: 1, min_packets: 2 } ]\n",
               "9:10", "give count (exactly) or min_packets (at least), not both");
  expect_error(kHead + "expect:\n  rtp: [ { stream: caller <-, min_packets: 0 } ]\n", "9:44",
               "min_packets");
  expect_error(kHead + "expect:\n  rtp: [ { stream: caller <-, codec: PCMA } ]\n", "9:31", "codec");
}

TEST(RtpExpectations, LintWantsCapabilityMediaAndDeclaredParties) {
  Case test;
  test.id = "sip/media";
  test.where = {"sip/media.yaml", 1, 1};
  Party caller;
  caller.name = "caller";
  caller.scenario = "a.xml";
  test.parties = {caller};
  RtpCheck check;
  check.stream = "callee <-";
  check.party = "callee";
  check.before = "nobody <- BYE";
  check.where = {"sip/media.yaml", 9, 7};
  test.expect.rtp = {check};
  std::vector<std::string> messages;
  for (const auto& issue : lint_references(test)) messages.push_back(issue.message);
  EXPECT_THAT(messages,
              ::testing::Contains(HasSubstr("rtp stream 'callee <-' names no declared party")));
  EXPECT_THAT(messages, ::testing::Contains(HasSubstr("unknown party 'nobody'")));
  EXPECT_THAT(messages, ::testing::Contains("rtp expectations need `requires: [media]`"));
  test.requirements = {"media"};
  test.expect.rtp[0].party = "caller";
  test.expect.rtp[0].stream = "caller <-";
  test.expect.rtp[0].before.reset();
  EXPECT_TRUE(lint_references(test).empty());
}

// --- checker ------------------------------------------------------------------------------

RtpPacket packet(double time, std::string src, std::string dst, std::string from, std::string to,
                 int pt = 8) {
  return {time, std::move(src), std::move(dst), std::move(from), std::move(to), pt};
}

// caller (media 127.20.1.1:6000) talks through the target: in on ashburn, out on frankfurt.
Timeline media_call() {
  Timeline timeline;
  Event ok;
  ok.time = 1.0;
  ok.sip.from_party = "target";
  ok.sip.to_party = "caller";
  ok.sip.status = 200;
  ok.sip.cseq_method = "INVITE";
  Event bye = ok;
  bye.time = 2.0;
  bye.sip.status = 0;
  bye.sip.request = true;
  bye.sip.method = "BYE";
  bye.sip.to_party = "callee";
  timeline.events = {ok, bye};
  timeline.rtp = {
      packet(0.5, "127.0.1.1:20000", "127.20.1.1:6000", "target", "caller"),  // early media
      packet(1.1, "127.20.1.1:6000", "127.0.1.1:20000", "caller", "target"),
      packet(1.1, "127.0.1.4:20002", "127.20.1.1:6010", "target", "callee"),
      packet(1.5, "127.20.1.1:6000", "127.0.1.1:20000", "caller", "target", 101),
      packet(1.5, "127.0.1.4:20002", "127.20.1.1:6010", "target", "callee", 101),
      packet(2.5, "127.0.1.1:20000", "127.20.1.1:6000", "target", "caller"),
  };
  return timeline;
}

struct Fixture {
  Case test;
  TargetProfile target;
  CheckContext context;
  Fixture() {
    target.name = "reference";
    target.reference = true;
    target.edges = {{"ashburn", {"127.0.1.1/32"}}, {"frankfurt", {"127.0.1.4/32"}}};
    context.test = &test;
    context.target = &target;
  }
  CheckResult check(RtpCheck rtp, const Timeline& timeline = media_call()) {
    return check_rtp(rtp, context, timeline);
  }
};

RtpCheck stream(std::string party, bool sent) {
  RtpCheck check;
  check.stream = party + (sent ? " ->" : " <-");
  check.party = std::move(party);
  check.sent = sent;
  return check;
}

TEST(RtpChecker, PacketsFromTheEdgePass) {
  Fixture f;
  auto to_callee = stream("callee", false);
  to_callee.source = "edge:frankfurt";
  to_callee.min_packets = 2;
  auto result = f.check(to_callee);
  EXPECT_EQ(result.verdict, Verdict::pass) << result.observed;
  EXPECT_EQ(result.name, "rtp: callee <- from edge:frankfurt");
  EXPECT_EQ(result.expected,
            "at least 2 RTP packet(s) received by callee, every one sent from edge frankfurt "
            "(127.0.1.4/32)");
  EXPECT_EQ(
      result.observed,
      "2 packet(s) of 6 RTP packet(s) in the capture, all from edge frankfurt (127.0.1.4/32)");
}

TEST(RtpChecker, APacketFromElsewhereFails) {
  Fixture f;
  auto to_callee = stream("callee", false);
  to_callee.source = "edge:ashburn";  // it comes from frankfurt
  auto result = f.check(to_callee);
  EXPECT_EQ(result.verdict, Verdict::fail);
  EXPECT_EQ(result.observed,
            "packet at 1.100 s to 127.20.1.1:6010 came from 127.0.1.4:20002, not from edge ashburn "
            "(127.0.1.1/32)");
  to_callee.level = Level::ref;
  f.target.reference = false;
  EXPECT_EQ(f.check(to_callee).verdict, Verdict::pass_nonstrict);
}

TEST(RtpChecker, TooFewOrNoPacketsFail) {
  Fixture f;
  auto to_caller = stream("caller", false);
  to_caller.min_packets = 3;
  auto result = f.check(to_caller);
  EXPECT_EQ(result.verdict, Verdict::fail);
  EXPECT_EQ(result.observed, "2 packet(s) of 6 RTP packet(s) in the capture");
  Timeline silent = media_call();
  silent.rtp.clear();
  EXPECT_EQ(f.check(stream("callee", false), silent).verdict, Verdict::fail);
}

TEST(RtpChecker, PayloadTypeAndBeforeSelectPackets) {
  Fixture f;
  auto star = stream("caller", true);
  star.payload_type = 101;
  star.before = "callee <- BYE";
  star.count = 1;
  auto result = f.check(star);
  EXPECT_EQ(result.verdict, Verdict::pass) << result.observed;
  EXPECT_EQ(result.expected,
            "exactly 1 RTP packet(s) sent by caller of payload type 101 before \"callee <- BYE\"");
  EXPECT_EQ(result.event, 1u);

  auto early = stream("caller", false);
  early.before = "caller <- 200 INVITE";
  early.count = 1;  // the one at 0.5 s; the one at 2.5 s is after the 200
  EXPECT_EQ(f.check(early).verdict, Verdict::pass);
  early.count = 2;
  EXPECT_EQ(f.check(early).verdict, Verdict::fail);
}

TEST(RtpChecker, ABeforeEventThatNeverHappenedFails) {
  Fixture f;
  auto check = stream("caller", false);
  check.before = "caller <- CANCEL";
  auto result = f.check(check);
  EXPECT_EQ(result.verdict, Verdict::fail);
  EXPECT_EQ(result.observed, "\"caller <- CANCEL\" never happened, so nothing came before it");
}

TEST(RtpChecker, UnknownEdgeIsAHarnessErrorAndNoCaptureSkips) {
  Fixture f;
  auto check = stream("caller", false);
  check.source = "edge:sydney";
  EXPECT_EQ(f.check(check).verdict, Verdict::harness_error);
  check.source.reset();
  f.context.wire_available = false;
  EXPECT_EQ(f.check(check).verdict, Verdict::skip);
}

TEST(RtpChecker, EvaluateRunsRtpExpectations) {
  Fixture f;
  f.test.expect.parties_pass = false;
  f.test.expect.rtp = {stream("callee", false)};
  auto results = evaluate(f.context, media_call(), {});
  ASSERT_EQ(results.size(), 2u);  // plus the automatic well-formedness check
  EXPECT_EQ(results[0].name, "rtp: callee <-");
  EXPECT_EQ(results[0].verdict, Verdict::pass);
}

}  // namespace
}  // namespace sipconform
