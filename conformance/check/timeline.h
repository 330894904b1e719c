// What a case run observed, merged on one time axis: SIP messages read back from the capture,
// webhook requests recorded by the mock server and the answers to the case's REST steps.
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

// One REST step of the case [api.*]: the request as sent and the target's answer.
struct ApiEvent {
  std::string name;    // the step's name ("step<N>" when the case gave none)
  std::string method;  // GET, POST, DELETE
  std::string path;    // as sent, query included
  std::vector<std::pair<std::string, std::string>> form;  // the form body, in order
  std::string authorization;  // what was sent, the secret masked: "Basic AC…:*** (auth token)"
  bool sent = false;  // false: never sent (an awaited webhook never came, a placeholder unknown)
  int status = 0;     // 0: no answer (see error)
  std::string body;
  std::string error;          // why there is no answer, or why the step was not sent
  double sent_epoch = 0;      // seconds since 1970
  double answered_epoch = 0;  // when the answer (or the failure) came
};

struct Event {
  double time = 0;  // seconds since the case started
  enum class Kind { sip, webhook, api } kind = Kind::sip;
  SipEvent sip;
  WebhookEvent webhook;
  ApiEvent api;
  // "caller -> INVITE", "target -> 200 INVITE", "webhook POST /voice", "api create -> 201"
  std::string label() const;
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
