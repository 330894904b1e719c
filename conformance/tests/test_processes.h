// Helpers for tests that run real tools: scratch folders (kept only when a test fails), waiting
// until a SIPp party listens, and a SIPp callee scenario without the built-in uas's closing pause.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

namespace sipconform::test {

namespace fs = std::filesystem;

inline fs::path scratch_root() {
  return fs::temp_directory_path() / ("sipconform-test-" + std::to_string(::getpid()));
}

// Removes this test binary's scratch folders when every test passed; keeps them as evidence
// otherwise.
class ScratchCleanup : public ::testing::Environment {
 public:
  void TearDown() override {
    std::error_code ec;
    if (::testing::UnitTest::GetInstance()->Passed()) fs::remove_all(scratch_root(), ec);
  }
};
inline ::testing::Environment* const kScratchCleanup =
    ::testing::AddGlobalTestEnvironment(new ScratchCleanup);

inline fs::path fresh_dir(const std::string& name) {
  auto dir = scratch_root() / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// Whether SIPp has bound (UDP) or is listening on (TCP) ip:port, from /proc/net/{udp,tcp}, which
// print the address as the raw 32-bit value. Binding a probe socket instead would race SIPp.
inline bool bound(const std::string& transport, const std::string& ip, std::uint16_t port) {
  in_addr address{};
  ::inet_pton(AF_INET, ip.c_str(), &address);
  char wanted[64];
  std::snprintf(wanted, sizeof wanted,
                transport == "tcp" ? "%08X:%04X 00000000:0000 0A" : "%08X:%04X", address.s_addr,
                port);
  std::ifstream table(transport == "tcp" ? "/proc/net/tcp" : "/proc/net/udp");
  std::string line;
  while (std::getline(table, line))
    if (line.find(wanted) != std::string::npos) return true;
  return false;
}

inline void await_bound(const std::string& transport, const std::string& ip, std::uint16_t port) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!bound(transport, ip, port) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(bound(transport, ip, port))
      << transport << " " << ip << ":" << port << " never bound";
}

// SIPp's built-in uas ends with a 4 s pause for UDP retransmissions, and over TCP it fails the
// call when the caller closes its connection during that pause; this callee answers at once and
// ends with the BYE.
inline constexpr const char* kQuickUas = R"(<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="quick uas">
  <recv request="INVITE" />
  <send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:[local_ip]:[local_port];transport=[transport]>
Content-Length: 0

  ]]></send>
  <recv request="ACK" />
  <recv request="BYE" />
  <send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

  ]]></send>
</scenario>
)";

}  // namespace sipconform::test
