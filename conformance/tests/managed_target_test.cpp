// ManagedTarget with the real sipref binary of this build tree (<build>/reference/sipref, found
// from this test's own path): generated config, OPTIONS readiness, stop; and the failure paths.
#include "target/managed.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/process.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/test_processes.h"

namespace sipconform {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using test::fresh_dir;

// This test runs from <build>/conformance/; sipref is built into <build>/reference/.
std::string sipref_binary() {
  std::error_code ec;
  auto self = fs::read_symlink("/proc/self/exe", ec);
  return (self.parent_path().parent_path() / "reference" / "sipref").string();
}

std::string read_all(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The reference fixture moved to 127.0.9.3x:5160 so that it cannot collide with a sipref
// someone runs on the default 127.0.1.x:5060 addresses.
TargetProfile test_profile(const std::string& command, std::uint16_t port = 5160) {
  auto loaded =
      load_profile(std::string(SIPCONFORM_SOURCE_DIR) + "/fixtures/targets/reference.yaml");
  EXPECT_TRUE(loaded) << loaded.error().message;
  TargetProfile profile = loaded ? *loaded : TargetProfile{};
  profile.managed->command = command;
  profile.ingress_host = "127.0.9.31";
  profile.ingress_port = port;
  profile.edges = {{"ashburn", {"127.0.9.31/32"}}, {"dublin", {"127.0.9.32/32"}}};
  profile.rest = RestAddress{"127.0.9.39", port};  // the REST API beside them, on TCP
  return profile;
}

class ManagedTargetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::access(sipref_.c_str(), X_OK), 0)
        << "sipref is not built at " << sipref_
        << ": build the sipref target of this build tree first";
  }
  std::string sipref_ = sipref_binary();
};

TEST_F(ManagedTargetTest, StartsSiprefWhichAnswersOptionsAndStops) {
  auto dir = fresh_dir("managed-sipref");
  auto profile = test_profile(sipref_);
  {
    auto target = ManagedTarget::start(profile, SIPCONFORM_SOURCE_DIR,
                                       "http://127.0.0.1:18099/voice", dir.string());
    ASSERT_TRUE(target) << target.error().message;
    EXPECT_TRUE((*target)->alive());
    EXPECT_EQ((*target)->log_path(), (dir / "target.log").string());
    auto status = probe_options("127.0.9.31", 5160, 2);
    ASSERT_TRUE(status) << status.error().message;
    EXPECT_EQ(*status, 200);

    auto config = read_all(dir / "target.yaml");
    for (const char* wanted :
         {"listen: ashburn", "voice_url: http://127.0.0.1:18099/voice",
          "voice_fallback_url: http://127.0.0.1:18099/fallback",
          "debugger_webhook: http://127.0.0.1:18099/debugger", "enhanced_sip: true",
          "name: conformance.sip.twilio.local", "sid: ACc0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0",
          "dublin: {address: 127.0.9.32, udp_port: 5160, tcp_port: 5160}",
          // [app.*] the profile's Apps, each on its own path of the mock server
          "voice_url: http://127.0.0.1:18099/app/same",
          "voice_url: http://127.0.0.1:18099/app/private",
          "public_application_connect_enabled: true",
          // [api.*] where sipref serves its REST API
          "rest: {address: 127.0.9.39, port: 5160}"})
      EXPECT_NE(config.find(wanted), std::string::npos) << wanted << " in\n" << config;
    // sipref's own loader is the judge of the generated file.
    auto check = boost::process::system(sipref_, "--check", (dir / "target.yaml").string(),
                                        boost::process::std_out > boost::process::null,
                                        boost::process::std_err > (dir / "check.log").string());
    EXPECT_EQ(check, 0) << read_all(dir / "check.log");
  }
  auto after = probe_options("127.0.9.31", 5160, 0.5);
  EXPECT_FALSE(after) << "sipref still answers after the ManagedTarget was destroyed";
}

TEST_F(ManagedTargetTest, TargetThatExitsIsReportedWithItsLog) {
  auto dir = fresh_dir("managed-exits");
  auto profile = test_profile(sipref_, 5161);  // not the port of the test that runs sipref
  profile.managed->args = {"--no-such-flag"};
  auto started = Clock::now();
  auto target = ManagedTarget::start(profile, SIPCONFORM_SOURCE_DIR, "http://127.0.0.1:18099/voice",
                                     dir.string());
  ASSERT_FALSE(target);
  EXPECT_NE(target.error().message.find("exited (code 2)"), std::string::npos)
      << target.error().message;
  EXPECT_NE(target.error().message.find("--no-such-flag"), std::string::npos)
      << "quotes target.log";
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - started).count(), 5.0)
      << "no waiting for the timeout";
}

TEST_F(ManagedTargetTest, TargetThatNeverAnswersTimesOutAndIsStopped) {
  auto dir = fresh_dir("managed-silent");
  auto fake = dir / "silent-target";
  std::ofstream(fake) << "#!/bin/sh\necho silent target started with \"$@\"\nexec sleep 60\n";
  ::chmod(fake.c_str(), 0755);
  auto started = Clock::now();
  auto target = ManagedTarget::start(test_profile(fake.string(), 5162), "/",
                                     "http://127.0.0.1:18099/voice", dir.string(), 1);
  auto took = std::chrono::duration<double>(Clock::now() - started).count();
  ASSERT_FALSE(target);
  EXPECT_NE(
      target.error().message.find("did not answer OPTIONS at 127.0.9.31:5162 with 200 within 1 s"),
      std::string::npos)
      << target.error().message;
  EXPECT_NE(target.error().message.find("silent target started with --config"), std::string::npos);
  EXPECT_GE(took, 0.9);
  EXPECT_LT(took, 4.0) << "SIGTERM ends the silent target at once";
}

TEST_F(ManagedTargetTest, RefusesExternalProfilesAndMissingBinaries) {
  auto dir = fresh_dir("managed-refused");
  auto external =
      load_profile(std::string(SIPCONFORM_SOURCE_DIR) + "/fixtures/targets/example-external.yaml");
  ASSERT_TRUE(external) << external.error().message;
  auto refused = ManagedTarget::start(*external, SIPCONFORM_SOURCE_DIR, "http://127.0.0.1:1/voice",
                                      dir.string());
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("external"), std::string::npos);
  auto missing = ManagedTarget::start(test_profile("build/nowhere/sipref"), SIPCONFORM_SOURCE_DIR,
                                      "http://127.0.0.1:1/voice", dir.string());
  ASSERT_FALSE(missing);
  EXPECT_NE(
      missing.error().message.find(std::string(SIPCONFORM_SOURCE_DIR) + "/build/nowhere/sipref"),
      std::string::npos)
      << missing.error().message;
}

TEST(ProbeOptions, NobodyListening) {
  auto started = Clock::now();
  auto status = probe_options("127.0.9.39", 5999, 2);
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message.find("127.0.9.39:5999"), std::string::npos)
      << status.error().message;
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - started).count(), 1.0)
      << "the ICMP refusal ends it";
}

TEST(ProbeOptions, SilentPeerTimesOut) {
  boost::asio::io_context io;
  boost::asio::ip::udp::socket silent(io, {boost::asio::ip::make_address("127.0.9.38"), 5998});
  auto started = Clock::now();
  auto status = probe_options("127.0.9.38", 5998, 0.7);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message,
            "no final response to OPTIONS from 127.0.9.38:5998 within 0.7 s");
  auto took = std::chrono::duration<double>(Clock::now() - started).count();
  EXPECT_GE(took, 0.65);
  EXPECT_LT(took, 1.5);
  std::array<char, 2048> request{};
  boost::asio::ip::udp::endpoint from;
  auto size = silent.receive_from(boost::asio::buffer(request), from);
  std::string text(request.data(), size);
  EXPECT_TRUE(text.starts_with("OPTIONS sip:127.0.9.38:5998 SIP/2.0\r\n")) << text;
  EXPECT_NE(text.find(";rport\r\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace sipconform
