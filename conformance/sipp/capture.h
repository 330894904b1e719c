// Wire evidence: dumpcap records a case's packets on the loopback into case.pcap, and tshark
// reads them back as SIP messages with source/destination addresses (which SIPp traces lack).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "check/timeline.h"
#include "util/error.h"

namespace sipconform {

// Whether dumpcap and tshark exist and may capture on "lo"; `why` says what is missing.
bool capture_available(std::string& why);

class Capture {
 public:
  // Starts dumpcap on "lo" with the BPF `filter` (e.g. "host 127.20.3.1 or host 127.20.3.2")
  // writing `pcap_path`; returns once dumpcap reports that capturing has begun.
  static Result<std::unique_ptr<Capture>> start(const std::string& filter, const std::string& pcap_path);
  ~Capture();  // stops dumpcap
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;
  // Stops after letting packets still in flight land (bounded), flushing the file. It awaits an
  // end-marker datagram (UDP to 127.0.0.1, not SIP) in the file, so the pcap ends with it.
  void stop();

 private:
  Capture() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct CapturedSip {
  double epoch = 0;  // absolute time, seconds since 1970 (same clock as the mock server's)
  SipEvent event;    // from_party/to_party left empty: the runner labels them
};

// Runs `tshark <args>` with its output to `out_path` and its messages to `log_path`, at most
// 120 s; an error names `what` it was reading and tshark's first line of complaint.
Result<void> run_tshark(const std::vector<std::string>& args, const std::string& out_path,
                        const std::string& log_path, const std::string& what);

// Reads every SIP message of a capture with tshark (UDP, TCP reassembled, TLS not decoded).
Result<std::vector<CapturedSip>> read_capture(const std::string& pcap_path);

struct CapturedRtp {
  double epoch = 0;
  std::string src;  // "ip:port"
  std::string dst;
  int payload_type = 0;
};

// Reads every RTP packet of a capture with tshark, on any UDP port: RTP is recognised by its
// header (tshark's RTP heuristic) and by the SDP of the captured SIP.
Result<std::vector<CapturedRtp>> read_rtp(const std::string& pcap_path);

}  // namespace sipconform
