// Generated classes in the style of PROTOS c07-sip: each header field (and the Request-URI and an
// SDP body) × mutations (overlong, empty, missing, NUL, bad UTF-8, format strings, overflows,
// duplicates …), then every ordinary method with one defect. Names are protos/<field>/<mutation>
// and method/<method>/<defect>.
#include <cctype>
#include <string>

#include "malformed_corpus.h"

namespace malformed {
namespace {

using namespace std::literals;

// One mutation of a field: the edits (see edited) and what each transport owes in reply. Where a
// field the answer must copy (Via, From, To, Call-ID, CSeq: §8.2.6.2) is unusable, none can be
// built: silence. A header line over the server's limit, when the rest can be answered, is 513
// Message Too Large (§21.4.11), and so is a message over its limit; 64 KiB does not fit a UDP
// datagram and is sent over TCP only.
struct Row {
  const char* mutation;
  std::vector<std::string> edits;
  Want udp, tcp;
  Stream stream = Stream::kept;
};

void add_field(std::vector<Case>& out, const char* field, const char* method,
               const std::string& body, std::initializer_list<Row> rows) {
  for (const auto& row : rows)
    out.push_back({"protos/"s + field + "/" + row.mutation, row.udp, row.tcp, row.stream,
                   message(method, row.edits, body)});
}

const std::string k40Digits(40, '9');  // beyond any machine integer

// A session description with the line starting `prefix` replaced by `line` (or left out when
// `line` is empty).
std::string sdp(std::string_view prefix = {}, std::string_view line = {}) {
  const std::string_view lines[] = {"v=0",
                                    "o=probe 2890844526 2890842807 IN IP4 192.0.2.1",
                                    "s=-",
                                    "c=IN IP4 192.0.2.1",
                                    "t=0 0",
                                    "m=audio 49170 RTP/AVP 0",
                                    "a=rtpmap:0 PCMU/8000"};
  std::string out;
  bool replaced = prefix.empty();
  for (std::string_view l : lines) {
    if (!replaced && l.starts_with(prefix)) {
      replaced = true;
      if (!line.empty()) out += std::string(line) + "\r\n";
    } else {
      out += std::string(l) + "\r\n";
    }
  }
  return out;
}

// The session description with every CRLF replaced by `end`.
std::string sdp_ending(std::string_view end) {
  std::string out;
  for (char c : sdp())
    if (c != '\r') out += c == '\n' ? std::string(end) : std::string(1, c);
  return out;
}

std::string noise(std::size_t size) {
  std::string out(size, '\0');
  for (std::uint32_t x = 7; char& b : out) b = static_cast<char>((x = x * 69069 + 1) >> 24);
  return out;
}

void add_start_and_routing(std::vector<Case>& out) {
  add_field(out, "request-uri", "OPTIONS", "",
            {{"empty", {"={m}  SIP/2.0"}, 400, 400},
             {"missing", {"={m} SIP/2.0"}, 400, 400},
             {"overlong-1k", {"={m} sip:{1k}@{t} SIP/2.0"}, 200, 200},
             {"overlong-8k", {"={m} sip:{8k}@{t} SIP/2.0"}, 513, 513},
             {"overlong-64k", {"={m} sip:{64k}@{t} SIP/2.0"}, skip, none, Stream::broken},
             {"nul", {"={m} sip:svc\0x@{t} SIP/2.0"s}, 400, 400},
             {"control", {"={m} sip:svc\x1b@{t} SIP/2.0"}, 400, 400},
             {"non-utf8", {"={m} sip:caf\xe9@{t} SIP/2.0"}, 400, 400},
             {"raw-utf8", {"={m} sip:caf\xc3\xa9@{t} SIP/2.0"}, 400, 400},
             {"format", {"={m} sip:%s%s%n%x@{t} SIP/2.0"}, 400, 400},
             {"port-overflow", {"={m} sip:svc@{h}:99999 SIP/2.0"}, 400, 400},
             {"port-zero", {"={m} sip:svc@{h}:0 SIP/2.0"}, {200, 400}, {200, 400}},
             {"host-empty", {"={m} sip:svc@ SIP/2.0"}, 400, 400},
             {"host-space", {"={m} sip:svc@ho st SIP/2.0"}, 400, 400},
             {"ipv6-unclosed", {"={m} sip:svc@[::1 SIP/2.0"}, 400, 400},
             {"angle-brackets", {"={m} <sip:svc@{t}> SIP/2.0"}, 400, 400},
             {"uri-headers", {"={m} sip:svc@{t}?Subject=x SIP/2.0"}, 400, 400},
             {"params-flood", {"={m} sip:svc@{t}" + repeat(";p", 1000) + " SIP/2.0"}, 200, 200},
             {"bare-cr", {"={m} sip:svc@{t}\rx SIP/2.0"}, 400, 400},
             {"bare-lf", {"={m} sip:svc@{t}\nx SIP/2.0"}, 400, 400},
             {"no-scheme", {"={m} svc@{t} SIP/2.0"}, 400, 400}});

  const std::string via = "Via: SIP/2.0/{T} {l};rport;branch=z9hG4bK-{n}";
  add_field(
      out, "via", "OPTIONS", "",
      {{"empty", {"Via:"}, none, none},
       {"missing", {"-Via"}, none, none},
       {"overlong-1k", {via + "-{1k}"}, 200, 200},
       {"overlong-8k", {via + "-{8k}"}, none, none},
       {"overlong-64k", {via + "-{64k}"}, skip, none, Stream::broken},
       {"nul", {via + "\0x"s}, none, none},
       {"control", {via + "\x01x"}, none, none},
       {"non-utf8", {via + "\xffx"}, none, none},
       {"format", {"Via: SIP/2.0/{T} %s%s%n;rport;branch=z9hG4bK-{n}"}, none, none},
       {"no-transport", {"Via: SIP/2.0 {l};rport;branch=z9hG4bK-{n}"}, none, none},
       {"no-protocol", {"Via: {T} {l};rport;branch=z9hG4bK-{n}"}, none, none},
       {"unknown-transport", {"Via: SIP/2.0/FOO {l};rport;branch=z9hG4bK-{n}"}, 200, 200},
       {"other-version", {"Via: SIP/3.0/{T} {l};rport;branch=z9hG4bK-{n}"}, {200, 400}, {200, 400}},
       {"port-overflow", {"Via: SIP/2.0/{T} 127.0.0.1:99999;rport;branch=z9hG4bK-{n}"}, none, none},
       {"port-zero",
        {"Via: SIP/2.0/{T} 127.0.0.1:0;rport;branch=z9hG4bK-{n}"},
        {none, 400},
        {none, 400}},
       {"host-garbage", {"Via: SIP/2.0/{T} ho!st;rport;branch=z9hG4bK-{n}"}, none, none},
       {"ipv6-unclosed", {"Via: SIP/2.0/{T} [::1;rport;branch=z9hG4bK-{n}"}, none, none},
       {"branch-empty", {"Via: SIP/2.0/{T} {l};rport;branch="}, none, none},
       {"rport-garbage",
        {"Via: SIP/2.0/{T} {l};rport=abc;branch=z9hG4bK-{n}"},
        {none, 400},
        {none, 400}},
       {"received-garbage",
        {"Via: SIP/2.0/{T} {l};received=not-an-ip;rport;branch=z9hG4bK-{n}"},
        {none, 400},
        {none, 400}},
       {"params-flood", {via + repeat(";x", 1000)}, 200, 200},
       // §18.2.2: over UDP the answer goes to the source address (received) at the Via's port,
       // the server's, not to the probe; on a stream it goes back on the connection.
       {"names-the-server", {"Via: SIP/2.0/{T} {t};branch=z9hG4bK-{n}"}, none, 200},
       {"second-bad", {"+Via: SIP/2.0/UDP"}, 400, 400},
       {"empty-element", {via + ",,"}, 400, 400},
       {"comma-only", {"Via: ,"}, none, none},
       {"bare-cr", {via + "\rx"}, none, none},
       {"compact", {"-Via", "+v: SIP/2.0/{T} {l};rport;branch=z9hG4bK-c{n}"}, 200, 200},
       {"lowercase-name", {"-Via", "+via: SIP/2.0/{T} {l};rport;branch=z9hG4bK-l{n}"}, 200, 200}});
}

void add_dialog_identifiers(std::vector<Case>& out) {
  const std::string from = "From: \"Probe\" <sip:probe@{l}>;tag=f{n}";
  add_field(
      out, "from", "OPTIONS", "",
      {{"empty", {"From:"}, none, none},
       {"missing", {"-From"}, none, none},
       {"overlong-1k", {"From: \"{1k}\" <sip:probe@{l}>;tag=f{n}"}, 200, 200},
       {"overlong-8k", {"From: \"{8k}\" <sip:probe@{l}>;tag=f{n}"}, none, none},
       {"overlong-64k", {"From: \"{64k}\" <sip:probe@{l}>;tag=f{n}"}, skip, none, Stream::broken},
       {"nul", {"From: \"Pro\0be\" <sip:probe@{l}>;tag=f{n}"s}, 400, 400},
       {"control",
        {"From: \"Pro\x07"
         "be\" <sip:probe@{l}>;tag=f{n}"},
        400,
        400},
       {"non-utf8", {"From: \"Jos\xe9\" <sip:probe@{l}>;tag=f{n}"}, 400, 400},
       {"utf8-overlong", {"From: \"\xc0\xaf\" <sip:probe@{l}>;tag=f{n}"}, 400, 400},
       {"utf8-surrogate", {"From: \"\xed\xa0\x80\" <sip:probe@{l}>;tag=f{n}"}, 400, 400},
       {"format", {"From: %s%s%n%x <sip:probe@{l}>;tag=f{n}"}, 200, 200},
       {"unterminated-quote", {"From: \"Probe <sip:probe@{l}>;tag=f{n}"}, 400, 400},
       {"unbalanced-angle", {"From: <sip:probe@{l};tag=f{n}"}, 400, 400},
       {"no-tag", {"From: <sip:probe@{l}>"}, {200, 400}, {200, 400}},
       {"duplicated", {"+From: <sip:other@{l}>;tag=x{n}"}, 400, 400},
       {"http-uri", {"From: <http://example.com/probe>;tag=f{n}"}, {200, 400}, {200, 400}},
       {"params-flood", {from + repeat(";x", 1000)}, 200, 200},
       {"bare-lf", {"From: \"A\nB\" <sip:probe@{l}>;tag=f{n}"}, 400, 400},
       {"bare-cr", {"From: \"A\rB\" <sip:probe@{l}>;tag=f{n}"}, none, none},
       {"lws-in-angles", {"From: < sip:probe@{l} >;tag=f{n}"}, 400, 400},
       {"comma-in-name", {"From: Probe, Malformed <sip:probe@{l}>;tag=f{n}"}, 400, 400},
       {"compact", {"-From", "+f: <sip:probe@{l}>;tag=c{n}"}, 200, 200}});

  add_field(out, "to", "OPTIONS", "",
            {{"empty", {"To:"}, none, none},
             {"missing", {"-To"}, none, none},
             {"overlong-1k", {"To: \"{1k}\" <sip:svc-{n}@{t}>"}, 200, 200},
             {"overlong-8k", {"To: \"{8k}\" <sip:svc-{n}@{t}>"}, none, none},
             {"overlong-64k", {"To: \"{64k}\" <sip:svc-{n}@{t}>"}, skip, none, Stream::broken},
             {"nul", {"To: <sip:svc-{n}@{t}>;x=a\0b"s}, 400, 400},
             {"control", {"To: \"\x1b[2J\" <sip:svc-{n}@{t}>"}, 400, 400},
             {"non-utf8", {"To: \"\xc3\x28\" <sip:svc-{n}@{t}>"}, 400, 400},
             {"format", {"To: %s%s%n <sip:svc-{n}@{t}>"}, 200, 200},
             {"unterminated-quote", {"To: \"Svc <sip:svc-{n}@{t}>"}, 400, 400},
             {"unbalanced-angle", {"To: <sip:svc-{n}@{t}"}, 400, 400},
             {"duplicated", {"+To: <sip:other@{t}>"}, 400, 400},
             // §12.2.2: a To tag names a dialog; none exists, so 481.
             {"stray-tag", {"To: <sip:svc-{n}@{t}>;tag=t{n}"}, 481, 481},
             {"http-uri", {"To: <http://example.com/svc>"}, {200, 400}, {200, 400}},
             {"params-flood", {"To: <sip:svc-{n}@{t}>" + repeat(";x", 1000)}, 200, 200},
             {"lws-in-angles", {"To: < sip:svc-{n}@{t} >"}, 400, 400},
             {"bare-cr", {"To: <sip:svc-{n}@{t}>\rx"}, none, none},
             {"compact", {"-To", "+t: <sip:svc-{n}@{t}>"}, 200, 200}});

  add_field(out, "call-id", "OPTIONS", "",
            {{"empty", {"Call-ID:"}, none, none},
             {"missing", {"-Call-ID"}, none, none},
             {"overlong-1k", {"Call-ID: {1k}-{n}@probe"}, 200, 200},
             {"overlong-8k", {"Call-ID: {8k}-{n}@probe"}, none, none},
             {"overlong-64k", {"Call-ID: {64k}-{n}@probe"}, skip, none, Stream::broken},
             {"nul", {"Call-ID: nul\0{n}@probe"s}, 400, 400},
             {"control", {"Call-ID: ctl\x01-{n}@probe"}, 400, 400},
             {"non-utf8", {"Call-ID: \xff\xfe-{n}@probe"}, 400, 400},
             {"raw-utf8", {"Call-ID: caf\xc3\xa9-{n}@probe"}, 400, 400},
             {"format", {"Call-ID: %s%s%n%x-{n}@probe"}, 200, 200},
             {"space", {"Call-ID: a b-{n}@probe"}, 400, 400},
             {"two-at", {"Call-ID: a@b@c-{n}"}, 400, 400},
             {"only-at", {"Call-ID: @"}, 400, 400},
             {"duplicated", {"+Call-ID: other-{n}@probe"}, 400, 400},
             {"bare-cr", {"Call-ID: cr-{n}@probe\rx"}, none, none},
             {"compact", {"-Call-ID", "+i: compact-{n}@probe"}, 200, 200}});

  add_field(out, "cseq", "OPTIONS", "",
            {{"empty", {"CSeq:"}, none, none},
             {"missing", {"-CSeq"}, none, none},
             {"overflow-31", {"CSeq: 2147483648 {m}"}, 400, 400},  // §8.1.1.5: below 2**31
             {"overflow-32", {"CSeq: 4294967296 {m}"}, 400, 400},
             {"overflow-64", {"CSeq: 18446744073709551616 {m}"}, 400, 400},
             {"overflow-huge", {"CSeq: " + k40Digits + " {m}"}, 400, 400},
             {"max", {"CSeq: 2147483647 {m}"}, 200, 200},
             {"zero", {"CSeq: 0 {m}"}, 200, 200},
             {"leading-zeros", {"CSeq: 000{n} {m}"}, 200, 200},
             {"negative", {"CSeq: -1 {m}"}, 400, 400},
             {"non-numeric", {"CSeq: abc {m}"}, 400, 400},
             {"hex", {"CSeq: 0x10 {m}"}, 400, 400},
             {"no-method", {"CSeq: {n}"}, 400, 400},
             {"no-number", {"CSeq: {m}"}, 400, 400},
             {"method-mismatch", {"CSeq: {n} INVITE"}, 400, 400},
             {"method-lowercase", {"CSeq: {n} options"}, 400, 400},
             {"extra-whitespace", {"CSeq: {n}    {m}"}, 200, 200},
             {"no-space", {"CSeq: {n}{m}"}, 400, 400},
             {"nul", {"CSeq: {n}\0 {m}"s}, 400, 400},
             {"control", {"CSeq: {n}\x01 {m}"}, 400, 400},
             {"format", {"CSeq: %n%s {m}"}, 400, 400},
             {"overlong-8k", {"CSeq: {n} {m}{8k}"}, none, none},
             {"overlong-64k", {"CSeq: {n} {m}{64k}"}, skip, none, Stream::broken},
             {"duplicated", {"+CSeq: 1 {m}"}, 400, 400},
             {"bare-cr", {"CSeq: {n} {m}\rx"}, none, none}});
}

void add_other_fields(std::vector<Case>& out) {
  add_field(out, "contact", "OPTIONS", "",
            {{"empty", {"+Contact:"}, 400, 400},
             {"star", {"+Contact: *"}, 200, 200},
             {"overlong-1k", {"+Contact: <sip:{1k}@{l}>"}, 200, 200},
             {"overlong-8k", {"+Contact: <sip:{8k}@{l}>"}, 513, 513},
             {"overlong-64k", {"+Contact: <sip:{64k}@{l}>"}, skip, 513, Stream::broken},
             {"nul", {"+Contact: <sip:probe@{l}>;x=a\0b"s}, 400, 400},
             {"control", {"+Contact: <sip:probe@{l}>;x=\x7f"}, 400, 400},
             {"non-utf8", {"+Contact: \"\xfe\" <sip:probe@{l}>"}, 400, 400},
             {"format", {"+Contact: <sip:%s%s%n@{l}>"}, 400, 400},
             {"unbalanced-angle", {"+Contact: <sip:probe@{l}"}, 400, 400},
             {"params-flood", {"+Contact: <sip:probe@{l}>" + repeat(";x", 1000)}, 200, 200},
             {"expires-overflow", {"+Contact: <sip:probe@{l}>;expires=" + k40Digits}, 200, 200},
             {"star-and-uri", {"+Contact: *, <sip:probe@{l}>"}, {200, 400}, {200, 400}},
             // §20.10: a URI with '?' (or ',' ';') must be written in <>.
             {"headers-outside-angles", {"+Contact: sip:probe@{l}?Subject=x"}, 400, 400},
             {"empty-element", {"+Contact: <sip:a@{l}>,,<sip:b@{l}>"}, 400, 400},
             {"duplicated", {"+Contact: <sip:a@{l}>", "+Contact: <sip:b@{l}>"}, 200, 200}});

  // §18.3: Content-Length frames the body; on a stream it is mandatory and what follows a bad one
  // cannot be framed. Over UDP a value beyond the datagram is malformed (400); over TCP one
  // beyond the server's body limit is too large to wait for (513).
  add_field(out, "content-length", "OPTIONS", "",
            {{"empty", {"Content-Length:"}, 400, 400, Stream::broken},
             {"missing", {"-Content-Length"}, 200, 400, Stream::broken},
             {"negative", {"Content-Length: -1"}, 400, 400, Stream::broken},
             {"non-numeric", {"Content-Length: abc"}, 400, 400, Stream::broken},
             {"hex", {"Content-Length: 0x0"}, 400, 400, Stream::broken},
             {"plus-sign", {"Content-Length: +0"}, 400, 400, Stream::broken},
             {"decimal", {"Content-Length: 0.0"}, 400, 400, Stream::broken},
             {"overflow-32", {"Content-Length: 4294967296"}, 400, 513, Stream::broken},
             {"overflow-64", {"Content-Length: 18446744073709551616"}, 400, 513, Stream::broken},
             {"overflow-huge", {"Content-Length: " + k40Digits}, 400, 513, Stream::broken},
             {"larger", {"Content-Length: 50"}, 400, none, Stream::broken},
             {"duplicated-same", {"+Content-Length: 0"}, 400, 400},
             {"duplicated-conflicting", {"+Content-Length: 5"}, 400, 400, Stream::broken},
             {"leading-zeros", {"Content-Length: 0000"}, 200, 200},
             {"whitespace", {"Content-Length:    0   "}, 200, 200},
             {"nul", {"Content-Length: 0\0"s}, 400, 400, Stream::broken},
             {"overlong-8k",
              {"Content-Length: " + std::string(8200, '0')},
              513,
              {400, 513},
              Stream::broken},
             {"compact", {"-Content-Length", "+l: 0"}, 200, 200},
             {"full-and-compact", {"+l: 0"}, 400, 400}});
  // §18.3: bytes after Content-Length are not part of the message (a datagram's are discarded).
  add_field(out, "content-length", "OPTIONS", "hello",
            {{"smaller", {"Content-Length: 2"}, 200, 200, Stream::broken}});

  add_field(out, "max-forwards", "OPTIONS", "",
            {{"empty", {"Max-Forwards:"}, 400, 400},
             {"missing", {"-Max-Forwards"}, 200, 200},  // §8.2: tolerated (§16.3 adds one)
             {"zero", {"Max-Forwards: 0"}, 200, 200},   // a UAS serves it (RFC 4475 zeromf)
             {"max", {"Max-Forwards: 255"}, 200, 200},
             {"over-max", {"Max-Forwards: 256"}, 400, 400},
             {"overflow-32", {"Max-Forwards: 4294967296"}, 400, 400},
             {"overflow-huge", {"Max-Forwards: " + k40Digits}, 400, 400},
             {"negative", {"Max-Forwards: -1"}, 400, 400},
             {"non-numeric", {"Max-Forwards: abc"}, 400, 400},
             {"leading-zeros", {"Max-Forwards: 070"}, 200, 200},
             {"duplicated", {"+Max-Forwards: 70"}, 400, 400},
             {"nul", {"Max-Forwards: 7\0"s}, 400, 400},
             {"format", {"Max-Forwards: %d%n"}, 400, 400},
             {"overlong-8k", {"Max-Forwards: 7" + std::string(8200, '0')}, 513, 513},
             {"bare-cr", {"Max-Forwards: 70\rx"}, 400, 400}});

  // A body the server need not read: it may serve the OPTIONS, refuse the type (415, §8.2.3) or
  // refuse the malformed field (400).
  const Want either = {200, 400, 415};
  add_field(
      out, "content-type", "OPTIONS", "hello\r\n",
      {{"empty", {"+Content-Type:"}, either, either},
       {"missing", {}, either, either},
       {"no-subtype", {"+Content-Type: text"}, either, either},
       {"garbage", {"+Content-Type: not a media type"}, either, either},
       {"unknown", {"+Content-Type: application/x-nothing-supports-this"}, {200, 415}, {200, 415}},
       {"overlong-1k", {"+Content-Type: text/{1k}"}, {200, 415}, {200, 415}},
       {"overlong-8k", {"+Content-Type: text/{8k}"}, 513, 513},
       {"overlong-64k", {"+Content-Type: text/{64k}"}, skip, 513, Stream::broken},
       {"nul", {"+Content-Type: text/pl\0ain"s}, 400, 400},
       {"control", {"+Content-Type: text/plain\x1b"}, 400, 400},
       {"non-utf8", {"+Content-Type: text/\xff"}, 400, 400},
       {"format", {"+Content-Type: %s/%n"}, either, either},
       // §7.3.1: only list headers may repeat (RFC 4475 §3.3.8: 400).
       {"duplicated", {"+Content-Type: text/plain", "+Content-Type: text/html"}, 400, 400},
       {"params-flood",
        {"+Content-Type: text/plain" + repeat(";a=1", 1000)},
        {200, 415},
        {200, 415}},
       {"unterminated-quote", {"+Content-Type: text/plain;charset=\"utf-8"}, either, either}});
}

void add_sdp(std::vector<Case>& out) {
  // An OPTIONS may carry a body (§11.2) the server need not read: 200, or 400/488 if it does.
  const Want either = {200, 400, 488};
  struct Body {
    const char* mutation;
    std::string body;
  };
  const Body bodies[] = {
      {"no-version", sdp("v=")},
      {"version-9", sdp("v=", "v=9")},
      {"origin-overlong-1k", sdp("o=", "o=" + std::string(1024, 'o'))},
      {"origin-overlong-8k", sdp("o=", "o=" + std::string(8192, 'o'))},
      {"address-invalid", sdp("c=", "c=IN IP4 999.999.999.999")},
      {"address-garbage", sdp("c=", "c=IN IP6 ::::::::zz")},
      {"port-overflow", sdp("m=", "m=audio 99999 RTP/AVP 0")},
      {"port-negative", sdp("m=", "m=audio -1 RTP/AVP 0")},
      {"formats-flood", sdp("m=", "m=audio 49170 RTP/AVP" + repeat(" 0", 1000))},
      {"rtpmap-format", sdp("a=", "a=rtpmap:%s%n %s/%n")},
      {"attributes-flood", sdp() + repeat("a=x\r\n", 1000)},
      {"nul", sdp("s=", "s=a\0b"sv)},
      {"non-utf8", sdp("s=", "s=\xff\xfe")},
      {"format", sdp("s=", "s=%s%s%s%n")},
      {"bare-lf", sdp_ending("\n")},
      {"bare-cr", sdp_ending("\r")},
      {"binary", noise(1024)},
  };
  for (const auto& b : bodies)
    out.push_back({"protos/sdp/"s + b.mutation, either, either, Stream::kept,
                   message("OPTIONS", {"+Content-Type: application/sdp"}, b.body)});
  out.push_back({"protos/sdp/empty-body", either, either, Stream::kept,
                 message("OPTIONS", {"+Content-Type: application/sdp"})});
  out.push_back(
      {"protos/sdp/over-limit", 513, 513, Stream::broken,
       message("OPTIONS", {"+Content-Type: application/sdp"}, sdp() + repeat("a=x\r\n", 8000))});
}

// Every ordinary method with one defect each: the defect decides, whatever the method (an ACK is
// never answered, §17.2.1).
void add_methods(std::vector<Case>& out) {
  struct Defect {
    const char* name;
    std::string edit;
    Want udp, tcp;
    Stream stream = Stream::kept;
  };
  const Defect defects[] = {
      {"version", "={m} sip:svc-{n}@{t} SIP/3.0", 505, 505},
      {"cseq-mismatch", "CSeq: {n} BOGUS", 400, 400},
      {"max-forwards", "Max-Forwards: 256", 400, 400},
      {"no-call-id", "-Call-ID", none, none},
      {"no-via", "-Via", none, none},
      {"bad-from", "From: <sip:probe@{l};tag=f{n}", 400, 400},
      {"nul", "Subject: mal\0formed"s, 400, 400},
      {"non-utf8", "Subject: caf\xe9", 400, 400},
      {"bare-cr", "Subject: mal\rformed", 400, 400},
      {"bad-uri", "={m} sip:svc@ SIP/2.0", 400, 400},
      {"negative-length", "Content-Length: -1", 400, 400, Stream::broken},
      {"larger-length", "Content-Length: 100", 400, none, Stream::broken},
  };
  for (const char* method :
       {"INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER", "PRACK", "SUBSCRIBE", "NOTIFY",
        "PUBLISH", "INFO", "REFER", "MESSAGE", "UPDATE"}) {
    std::string lower = method;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool ack = lower == "ack";
    for (const auto& d : defects)
      out.push_back({"method/" + lower + "/" + d.name, ack ? none : d.udp, ack ? none : d.tcp,
                     d.stream, message(method, {d.edit})});
  }
}

}  // namespace

void add_protos(std::vector<Case>& out) {
  add_start_and_routing(out);
  add_dialog_identifiers(out);
  add_other_fields(out);
  add_sdp(out);
  add_methods(out);
}

}  // namespace malformed
