// SippProcess against the real SIPp: a built-in uas/uac pair on 127.0.9.1x passes, traces land in
// the evidence folder, SIPp's own timeout fails the party, and a hung process is killed (-1).
#include "sipp/sipp_runner.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/test_processes.h"

namespace sipconform {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using test::await_bound;
using test::fresh_dir;
using test::kQuickUas;

SippLaunch party(const std::string& name, const std::string& builtin, const std::string& ip,
                 const fs::path& dir) {
  SippLaunch launch;
  launch.name = name;
  launch.builtin = builtin;
  launch.local_ip = ip;
  launch.local_port = 5060;
  launch.out_dir = dir.string();
  launch.timeout_s = 15;
  return launch;
}

void run_pair(const std::string& transport, const std::string& uas_ip, const std::string& uac_ip) {
  auto dir = fresh_dir("sipp-pair-" + transport);
  auto uas_launch = party("callee", "uas", uas_ip, dir);
  uas_launch.transport = transport;
  if (transport == "tcp") {
    uas_launch.builtin.clear();
    uas_launch.scenario_path = (dir / "quick-uas.xml").string();
    std::ofstream(uas_launch.scenario_path) << kQuickUas;
  }
  auto uas = SippProcess::start(uas_launch);
  ASSERT_TRUE(uas) << uas.error().message;
  await_bound(transport, uas_ip, 5060);  // a TCP caller gives up when nobody listens yet
  auto uac_launch = party("caller", "uac", uac_ip, dir);
  uac_launch.transport = transport;
  uac_launch.remote = uas_ip + ":5060";
  uac_launch.service = "case-token-1";
  uac_launch.keys = {{"greeting", "hello"}};
  auto uac = SippProcess::start(uac_launch);
  ASSERT_TRUE(uac) << uac.error().message;

  EXPECT_EQ((*uac)->wait(), 0) << (*uac)->command_line();
  EXPECT_EQ((*uas)->wait(), 0) << (*uas)->command_line();
  auto files = (*uac)->evidence_files();
  for (const char* wanted : {"caller.stdout.log", "caller.messages.log", "caller.screen.log"}) {
    EXPECT_NE(std::find(files.begin(), files.end(), wanted), files.end()) << wanted;
    EXPECT_TRUE(fs::exists(dir / wanted)) << wanted;
  }
  std::ifstream messages(dir / "caller.messages.log");
  std::string text((std::istreambuf_iterator<char>(messages)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("INVITE sip:case-token-1@" + uas_ip + ":5060 SIP/2.0"), std::string::npos);
  EXPECT_NE(text.find("BYE sip:"), std::string::npos);
}

TEST(SippRunner, BuiltinUasUacPairPassesOverUdp) {
  run_pair("udp", "127.0.9.11", "127.0.9.12");
}

TEST(SippRunner, BuiltinUasUacPairPassesOverTcp) {
  run_pair("tcp", "127.0.9.13", "127.0.9.14");
}

TEST(SippRunner, CommandLineNamesEveryFlagAndQuotes) {
  auto dir = fresh_dir("sipp-command");
  auto launch = party("callee", "uas", "127.0.9.15", dir);
  launch.timeout_s = 1;
  launch.keys = {{"odd", "it's a b"}};
  launch.remote =
      "127.0.9.16:5070";  // a uas with a remote is legal for SIPp; only the flags matter
  auto process = SippProcess::start(launch);
  ASSERT_TRUE(process) << process.error().message;
  const auto& command = (*process)->command_line();
  EXPECT_EQ(command.rfind("/", 0), 0u) << "the resolved binary comes first: " << command;
  auto d = dir.string();
  auto expected =
      " 127.0.9.16:5070 -sn uas -i 127.0.9.15 -p 5060 -t u1 -m 1 -key odd 'it'\\''s a b' -nostdin "
      "-timeout 1s -timeout_error -trace_msg -message_file " +
      d +
      "/callee.messages.log -trace_err "
      "-error_file " +
      d + "/callee.errors.log -trace_screen -screen_file " + d + "/callee.screen.log";
  EXPECT_NE(command.find(expected), std::string::npos) << command;
  (*process)->wait();
}

TEST(SippRunner, SippsOwnTimeoutFailsAWaitingCallee) {
  auto dir = fresh_dir("sipp-own-timeout");
  auto launch = party("callee", "uas", "127.0.9.17", dir);
  launch.timeout_s = 2;
  auto started = Clock::now();
  auto process = SippProcess::start(launch);
  ASSERT_TRUE(process) << process.error().message;
  int code = (*process)->wait();
  auto took = std::chrono::duration<double>(Clock::now() - started).count();
  EXPECT_NE(code, 0);
  EXPECT_NE(code, -1) << "SIPp should stop itself at -timeout, not be killed";
  EXPECT_GE(took, 1.5);
  EXPECT_LT(took, 6.0);
}

TEST(SippRunner, HungProcessIsKilledAfterTimeoutPlusGrace) {
  auto dir = fresh_dir("sipp-hung");
  auto fake = dir / "fake-sipp";
  std::ofstream(fake) << "#!/bin/sh\nexec sleep 60\n";
  ::chmod(fake.c_str(), 0755);
  auto launch = party("callee", "uas", "127.0.9.18", dir);
  launch.program = fake.string();
  launch.timeout_s = 1;
  auto started = Clock::now();
  auto process = SippProcess::start(launch);
  ASSERT_TRUE(process) << process.error().message;
  EXPECT_EQ((*process)->wait(), -1);
  auto took = std::chrono::duration<double>(Clock::now() - started).count();
  EXPECT_GE(took, 5.5);
  EXPECT_LT(took, 9.0);
  EXPECT_EQ((*process)->wait(), -1) << "the result is kept";
}

TEST(SippRunner, RejectsBadLaunches) {
  auto dir = fresh_dir("sipp-bad");
  auto launch = party("callee", "uas", "127.0.9.19", dir);
  launch.scenario_path = "/x.xml";
  EXPECT_FALSE(SippProcess::start(launch)) << "both a file and a built-in";
  launch.scenario_path.clear();
  launch.transport = "sctp";
  auto bad_transport = SippProcess::start(launch);
  ASSERT_FALSE(bad_transport);
  EXPECT_NE(bad_transport.error().message.find("sctp"), std::string::npos);
  launch.transport = "udp";
  launch.program = "no-such-sipp-binary";
  auto missing = SippProcess::start(launch);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("not found"), std::string::npos);
}

TEST(SippRunner, TlsPartyNeedsATlsEnabledSipp) {
  auto dir = fresh_dir("sipp-tls");
  auto launch = party("callee", "uas", "127.0.9.19", dir);
  launch.transport = "tls";
  launch.timeout_s = 1;
  auto process = SippProcess::start(launch);
  if (process) {  // a TLS-enabled SIPp: it must have been given a certificate
    EXPECT_NE((*process)->command_line().find("-t l1"), std::string::npos);
    EXPECT_NE((*process)->command_line().find("-tls_cert"), std::string::npos);
    (*process)->wait();
  } else {
    EXPECT_NE(process.error().message.find("without TLS"), std::string::npos)
        << process.error().message;
  }
}

}  // namespace
}  // namespace sipconform
