// Runs one SIPp process per party (Boost.Process): its command line, bounded by a timeout, with
// message and error traces written into the case's evidence folder.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "util/error.h"

namespace sipconform {

struct SippLaunch {
  std::string name;           // party name (file prefix in the evidence folder)
  std::string scenario_path;  // absolute path of the scenario XML
  std::string builtin;        // or a scenario built into SIPp (-sn uas, -sn uac …)
  std::string program = "sipp";  // the SIPp binary (PATH is searched), e.g. a TLS-enabled build
  std::string local_ip;
  std::uint16_t local_port = 0;
  std::uint16_t media_port = 0;   // -mp: where its RTP is sent and received (0: SIPp's default)
  std::string transport = "udp";  // udp -> -t u1, tcp -> -t t1, tls -> -t l1
  std::string remote;             // "host:port" for parties that call the target; empty otherwise
  std::string service;            // -s: the Request-URI user (the case token)
  int calls = 1;                  // -m
  std::map<std::string, std::string> keys;  // -key name value
  // -au / -ap: what the scenario's [authentication] keyword answers a 401/407 with (SIPp 3.6
  // cannot take -key values inside that keyword).
  std::string auth_username;
  std::string auth_password;
  // A TLS callee on a SIPp without TLS: SIPp answers TCP on local_port and stunnel4 terminates
  // TLS on local_ip:tls_tunnel_port in front of it (0: no tunnel).
  std::uint16_t tls_tunnel_port = 0;
  std::string out_dir;            // evidence folder
  double timeout_s = 30;          // -timeout, and the runner kills it 5 s after that
};

// Whether `program` (a SIPp binary on PATH) has the l1 (TLS) transport.
bool sipp_has_tls(const std::string& program);

class SippProcess {
 public:
  static Result<std::unique_ptr<SippProcess>> start(const SippLaunch& launch);
  ~SippProcess();  // kills it if still running
  SippProcess(const SippProcess&) = delete;
  SippProcess& operator=(const SippProcess&) = delete;

  // Waits for exit up to the launch's timeout (+5 s); returns the exit code, or -1 if killed.
  int wait();
  const std::string& command_line() const;
  std::vector<std::string> evidence_files() const;  // relative to out_dir: traces, stdout

 private:
  SippProcess() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sipconform
