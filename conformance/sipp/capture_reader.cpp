// read_capture: tshark dissects the pcap into PDML; each <proto name="sip"> element is one SIP
// message (several may share a TCP segment). PDML keeps every field's raw bytes in hex, so the
// header block is taken byte for byte from sip.msg_hdr and parsed here, as written on the wire.
#include <boost/process.hpp>
#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "sipp/capture.h"
#include "util/subprocess.h"

namespace sipconform {

namespace bp = boost::process;
namespace fs = std::filesystem;
namespace pt = boost::property_tree;

namespace {

std::string attribute(const pt::ptree& element, const char* name) {
  return element.get<std::string>(std::string("<xmlattr>.") + name, "");
}

std::string from_hex(std::string_view hex) {
  std::string bytes;
  bytes.reserve(hex.size() / 2);
  auto digit = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    bytes += static_cast<char>(digit(hex[i]) * 16 + digit(hex[i + 1]));
  return bytes;
}

// A field's raw bytes when PDML has them, else its displayed text.
std::string field_bytes(const pt::ptree& field) {
  auto value = attribute(field, "value");
  return value.empty() ? attribute(field, "show") : from_hex(value);
}

std::string trim(std::string_view text) {
  auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  auto end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

// The header block up to the blank line (sip.msg_hdr may run on into the body and, in a TCP
// segment with several messages, into the next ones). Folded lines are joined with one space.
std::vector<std::pair<std::string, std::string>> parse_headers(std::string_view block) {
  std::vector<std::pair<std::string, std::string>> headers;
  std::size_t pos = 0;
  while (pos < block.size()) {
    auto end = block.find('\n', pos);
    auto line =
        block.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    pos = end == std::string_view::npos ? block.size() : end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;  // end of the header block
    if ((line.front() == ' ' || line.front() == '\t') && !headers.empty()) {
      auto more = trim(line);
      if (!more.empty()) headers.back().second += (headers.back().second.empty() ? "" : " ") + more;
      continue;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;  // not a header line; tshark flags such messages
    headers.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
  }
  return headers;
}

const std::string* find_header(const SipEvent& event, std::string_view name,
                               std::string_view compact) {
  for (const auto& [key, value] : event.headers)
    if (iequals(key, name) || (!compact.empty() && iequals(key, compact))) return &value;
  return nullptr;
}

bool has_malformed(const pt::ptree& element) {
  for (const auto& [tag, child] : element) {
    if (tag == "<xmlattr>") continue;
    if (attribute(child, "name") == "_ws.malformed" || has_malformed(child)) return true;
  }
  return false;
}

// One <proto name="sip"> element as an event; nullopt for continuation data without a first line.
std::optional<SipEvent> sip_event(const pt::ptree& proto) {
  SipEvent event;
  bool first_line = false;
  for (const auto& [tag, field] : proto) {
    if (tag != "field") continue;
    auto name = attribute(field, "name");
    if (name == "sip.Request-Line") {
      std::istringstream line(field_bytes(field));
      line >> event.method >> event.request_uri;
      event.request = first_line = true;
    } else if (name == "sip.Status-Line") {
      auto line = field_bytes(field);
      std::istringstream words(line);
      std::string version;
      words >> version >> event.status;
      auto space = line.find(' ', line.find(' ') + 1);
      event.reason =
          space == std::string::npos ? "" : trim(std::string_view(line).substr(space + 1));
      first_line = true;
    } else if (name == "sip.msg_hdr") {
      event.headers = parse_headers(field_bytes(field));
    }
  }
  if (!first_line) return std::nullopt;
  if (const auto* call_id = find_header(event, "Call-ID", "i")) event.call_id = *call_id;
  if (const auto* cseq = find_header(event, "CSeq", "")) {
    std::istringstream words(*cseq);
    std::string number;
    words >> number >> event.cseq_method;
  }
  event.malformed = has_malformed(proto);
  return event;
}

std::string field_show(const pt::ptree& proto, std::string_view name) {
  for (const auto& [tag, field] : proto)
    if (tag == "field" && attribute(field, "name") == name) return attribute(field, "show");
  return {};
}

struct PacketAddress {
  std::string src_ip, dst_ip, src_port, dst_port, transport;
  double epoch = 0;
};

// Fills addresses from the outermost ip/ipv6 and udp/tcp layers of a packet.
void note_layer(PacketAddress& address, const std::string& name, const pt::ptree& proto) {
  if (name == "frame") {
    auto epoch = field_show(proto, "frame.time_epoch");
    if (!epoch.empty()) address.epoch = std::stod(epoch);
  } else if ((name == "ip" || name == "ipv6") && address.src_ip.empty()) {
    bool v6 = name == "ipv6";
    auto wrap = [v6](std::string ip) { return v6 ? "[" + ip + "]" : ip; };
    address.src_ip = wrap(field_show(proto, v6 ? "ipv6.src" : "ip.src"));
    address.dst_ip = wrap(field_show(proto, v6 ? "ipv6.dst" : "ip.dst"));
  } else if ((name == "udp" || name == "tcp") && address.transport.empty()) {
    address.transport = name;
    address.src_port = field_show(proto, name + ".srcport");
    address.dst_port = field_show(proto, name + ".dstport");
  }
}

void add_packet(const pt::ptree& packet, std::vector<CapturedSip>& out) {
  PacketAddress address;
  std::size_t first = out.size();
  for (const auto& [tag, proto] : packet) {
    if (tag != "proto") continue;
    auto name = attribute(proto, "name");
    note_layer(address, name, proto);
    if (name == "sip") {
      if (auto event = sip_event(proto)) out.push_back({address.epoch, std::move(*event)});
    } else if (name == "_ws.malformed") {  // raised outside the SIP subtree: blame the last message
      if (out.size() > first) out.back().event.malformed = true;
    }
  }
  for (std::size_t i = first; i < out.size(); ++i) {
    SipEvent& event = out[i].event;
    event.src = address.src_ip + ":" + address.src_port;
    event.dst = address.dst_ip + ":" + address.dst_port;
    event.transport = address.transport;
    out[i].epoch = address.epoch;
  }
}

Result<std::vector<CapturedSip>> parse_pdml(std::istream& pdml, const std::string& source) {
  pt::ptree document;
  try {
    pt::read_xml(pdml, document);
  } catch (const pt::xml_parser_error& e) {
    return fail("tshark output for " + source + " is not valid PDML: " + e.what());
  }
  std::vector<CapturedSip> messages;
  auto root = document.get_child_optional("pdml");
  if (!root) return fail("tshark output for " + source + " has no <pdml> element");
  for (const auto& [tag, packet] : *root)
    if (tag == "packet") add_packet(packet, messages);
  return messages;
}

}  // namespace

Result<void> run_tshark(const std::vector<std::string>& args, const std::string& out_path,
                        const std::string& log_path, const std::string& what) {
  auto tshark = find_program("tshark");
  if (!tshark) return fail("tshark not found on PATH: install tshark (tools/bootstrap)");
  std::error_code ec;
  bp::child child(bp::exe = *tshark, bp::args = args, bp::std_out > out_path,
                  bp::std_err > log_path, bp::std_in < bp::null, ec);
  if (ec) return fail("cannot start tshark: " + ec.message());
  if (!await_exit(child.id(), std::chrono::steady_clock::now() + std::chrono::seconds(120))) {
    child.terminate(ec);
    return fail("tshark did not finish reading " + what + " within 120 s");
  }
  child.wait(ec);
  if (child.exit_code() != 0) {
    std::ifstream log(log_path);
    std::string first_line;
    std::getline(log, first_line);
    return fail("tshark -r " + what + " failed (exit " + std::to_string(child.exit_code()) + "): " + first_line);
  }
  return {};
}

Result<std::vector<CapturedSip>> read_capture(const std::string& pcap_path) {
  std::error_code ec;
  if (!fs::exists(pcap_path, ec)) return fail("no capture file " + pcap_path);
  auto pdml_path = pcap_path + ".pdml";
  auto log_path = fs::path(pcap_path).replace_extension(".tshark.log").string();
  // "!icmp": an ICMP port-unreachable quotes the datagram it answers, which would read as a
  // second copy of that SIP message. Heuristics first: SIP on a port another dissector claims
  // (a TLS callee's SIPp behind stunnel4 answers TCP on 6061, an X11 port) is still SIP.
  std::vector<std::string> args{"-r", pcap_path, "-o", "tcp.desegment_tcp_streams:TRUE",
                                "-o", "tcp.try_heuristic_first:TRUE", "-Y", "sip && !icmp", "-T", "pdml"};
  if (auto ran = run_tshark(args, pdml_path, log_path, pcap_path); !ran) return std::unexpected(ran.error());
  std::ifstream pdml(pdml_path, std::ios::binary);
  auto messages = parse_pdml(pdml, pcap_path);
  pdml.close();
  fs::remove(pdml_path, ec);  // large and derived from the pcap; the pcap is the evidence
  if (messages) fs::remove(log_path, ec);
  return messages;
}

}  // namespace sipconform
