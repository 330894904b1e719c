// What a case run observed, merged on one time axis: SIP messages read back from the capture
// and webhook requests recorded by the mock server, each labelled with the parties involved.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace sipconform {

struct SipEvent {
  std::string src;        // "ip:port"
  std::string dst;
  std::string transport;  // "udp", "tcp", "tls"
  std::string from_party; // party name, "target", or "" when unknown
  std::string to_party;
  bool request = false;
  std::string method;     // requests: the method
  int status = 0;         // responses: the code
  std::string reason;
  std::string request_uri;
  std::string cseq_method;
  std::string call_id;
  std::vector<std::pair<std::string, std::string>> headers;  // as seen, in order
  bool malformed = false;  // tshark flagged it (_ws.malformed)
  std::string first_line() const;
  // The first value of a header, compared case-insensitively and compact-form aware.
  const std::string* header(std::string_view name) const;
};

struct WebhookEvent {
  std::string method;  // GET or POST
  std::string path;    // without the case prefix
  std::string query;
  std::vector<std::pair<std::string, std::string>> params;   // form body and query, decoded
  std::vector<std::pair<std::string, std::string>> headers;  // HTTP request headers
  bool signature_valid = false;
  int answered_status = 0;  // what the mock server answered (0: dropped)
  const std::string* param(std::string_view name) const;
};

struct Event {
  double time = 0;  // seconds since the case started
  enum class Kind { sip, webhook } kind = Kind::sip;
  SipEvent sip;
  WebhookEvent webhook;
  std::string label() const;  // "caller -> INVITE", "target -> 200 INVITE", "webhook POST /voice"
};

// One RTP packet from the capture, labelled by the media addresses the harness gave the parties
// (SIPp -mp). Kept apart from `events`: a second of audio is 50 packets, not 50 ladder rows.
struct RtpPacket {
  double time = 0;        // seconds since the case started
  std::string src;        // "ip:port"
  std::string dst;
  std::string from_party; // party name, or "target" for any other address
  std::string to_party;
  int payload_type = 0;
};

struct Timeline {
  std::vector<Event> events;  // sorted by time
  std::vector<RtpPacket> rtp;  // sorted by time; read only for cases with rtp expectations
  void sort();
};

}  // namespace sipconform
