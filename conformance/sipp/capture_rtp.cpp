// read_rtp: tshark prints one line of tab-separated fields per RTP packet (time, addresses,
// payload type). RTP has no port of its own, so tshark's heuristic recognises it on any port.
#include <filesystem>
#include <optional>
#include <fstream>
#include <sstream>

#include "sipp/capture.h"

namespace sipconform {

namespace fs = std::filesystem;

namespace {

// "epoch \t src \t srcport \t dst \t dstport \t payload type"; nullopt for anything else.
std::optional<CapturedRtp> parse_line(const std::string& line) {
  std::vector<std::string> fields;
  std::istringstream in(line);
  for (std::string field; std::getline(in, field, '\t');) fields.push_back(field);
  if (fields.size() < 6 || fields[0].empty() || fields[5].empty()) return std::nullopt;
  CapturedRtp packet;
  try {
    packet.epoch = std::stod(fields[0]);
    // A packet tshark reads as several RTP layers lists each value comma-separated: take the first.
    packet.payload_type = std::stoi(fields[5].substr(0, fields[5].find(',')));
  } catch (const std::exception&) {
    return std::nullopt;
  }
  packet.src = fields[1] + ":" + fields[2];
  packet.dst = fields[3] + ":" + fields[4];
  return packet;
}

}  // namespace

Result<std::vector<CapturedRtp>> read_rtp(const std::string& pcap_path) {
  std::error_code ec;
  if (!fs::exists(pcap_path, ec)) return fail("no capture file " + pcap_path);
  const auto out_path = pcap_path + ".rtp.tsv";
  const auto log_path = fs::path(pcap_path).replace_extension(".tshark-rtp.log").string();
  // Heuristics first: a relay port may also be some other protocol's registered UDP port.
  std::vector<std::string> args{"-r", pcap_path,
                                "-o", "rtp.heuristic_rtp:TRUE",
                                "-o", "udp.try_heuristic_first:TRUE",
                                "-Y", "rtp && !sip && !icmp",
                                "-T", "fields",
                                "-E", "separator=/t",
                                "-e", "frame.time_epoch",
                                "-e", "ip.src",
                                "-e", "udp.srcport",
                                "-e", "ip.dst",
                                "-e", "udp.dstport",
                                "-e", "rtp.p_type"};
  if (auto ran = run_tshark(args, out_path, log_path, pcap_path + " (RTP)"); !ran)
    return std::unexpected(ran.error());
  std::vector<CapturedRtp> packets;
  std::ifstream out(out_path);
  for (std::string line; std::getline(out, line);)
    if (auto packet = parse_line(line)) packets.push_back(std::move(*packet));
  out.close();
  fs::remove(out_path, ec);  // derived from the pcap, which is the evidence
  fs::remove(log_path, ec);
  return packets;
}

}  // namespace sipconform
