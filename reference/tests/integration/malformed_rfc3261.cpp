// Hand-written RFC 3261 classes: start-line shapes (§7.1, §25.1), header-line shapes (§7.3),
// garbage, stray responses and ACKs, which are never answered (§17.2.1, §18.1.2).
#include <cstdint>
#include <string>

#include "malformed_corpus.h"

namespace malformed {
namespace {

using namespace std::literals;

// A response whose top Via names the server or a stranger: neither is ours to answer.
Make response(std::string status_line) {
  return [status_line = std::move(status_line)](const Ctx& c) {
    Lines r = edited(request(c, "INVITE"), c, "INVITE", "=SIP/2.0 " + status_line);
    r[1] = fill("Via: SIP/2.0/{T} ", c) + (c.n % 2 ? c.target : "192.0.2.1") + ";branch=x";
    return wire(r);
  };
}

// Deterministic noise of `size` bytes.
Make noise(std::size_t size) {
  return [size](const Ctx&) {
    std::string out(size, '\0');
    for (std::uint32_t x = 1; char& b : out) b = static_cast<char>((x = x * 69069 + 1) >> 24);
    return out;
  };
}

// The request without its empty line, then `tail`: the header section never ends.
Make unterminated(std::string tail) {
  return [tail = std::move(tail)](const Ctx& c) {
    std::string text = wire(request(c, "OPTIONS"));
    return text.erase(text.size() - 2) + tail;
  };
}

}  // namespace

void add_rfc3261(std::vector<Case>& out) {
  struct Variant {
    const char* name;
    std::string edit;
  };
  // One class: each variant is the request of `method` with one edit.
  auto edits = [&](std::string klass, Want udp, Want tcp, Stream stream, const char* method,
                   std::initializer_list<Variant> variants) {
    for (const auto& v : variants)
      out.push_back(
          {"rfc3261/" + klass + "/" + v.name, udp, tcp, stream, message(method, {v.edit})});
  };
  auto add = [&](std::string name, Want udp, Want tcp, Stream stream, Make make) {
    out.push_back({"rfc3261/" + name, std::move(udp), std::move(tcp), stream, std::move(make)});
  };

  // §8.2.6.2: an answer copies the request's CSeq, whose method must be the request's (§8.1.1.5).
  edits("cseq-method", 400, 400, Stream::kept, "OPTIONS",
        {{"ack", "CSeq: {n} ACK"},
         {"bye", "CSeq: {n} BYE"},
         {"newmethod", "CSeq: {n} NEWMETHOD"},
         {"lowercase", "CSeq: {n} options"},
         {"cancel", "CSeq: {n} CANCEL"}});
  // §7.1: Method SP Request-URI SP SIP-Version CRLF, one SP each.
  edits("request-line", 400, 400, Stream::kept, "OPTIONS",
        {{"no-version", "={m} {u}"},
         {"no-version-trailing-space", "={m} {u} "},
         {"method-only", "={m}"},
         {"double-space-before-uri", "={m}  {u} SIP/2.0"},
         {"leading-space", "= {m} {u} SIP/2.0"},
         {"tabs", "={m}\t{u}\tSIP/2.0"},
         {"double-space-before-version", "={m} {u}  SIP/2.0"}});
  // §21.5.6: a well-formed version other than 2.0 earns 505; any other shape is malformed.
  edits("version", 505, 505, Stream::kept, "OPTIONS",
        {{"3.0", "={m} {u} SIP/3.0"}, {"1.0", "={m} {u} SIP/1.0"}, {"2.1", "={m} {u} SIP/2.1"}});
  edits("version", 400, 400, Stream::kept, "OPTIONS",
        {{"http", "={m} {u} HTTP/1.1"},
         {"no-slash", "={m} {u} SIP2.0"},
         {"empty", "={m} {u} SIP/"},
         {"no-minor", "={m} {u} SIP/2"}});
  edits("version", 200, 200, Stream::kept, "OPTIONS",  // §7.1: case-insensitive
        {{"lowercase", "={m} {u} sip/2.0"}});
  // §25.1: Method = INVITEm / … / extension-method, a token.
  edits("method", 400, 400, Stream::kept, "INVITE",
        {{"at-sign", "=INV@TE {u} SIP/2.0"},
         {"parenthesis", "=OPT(ONS {u} SIP/2.0"},
         {"control", "=REG\x01STER {u} SIP/2.0"},
         {"angle-brackets", "=<INVITE> {u} SIP/2.0"}});
  // §7.3.1: field-name: field-value, the name a token.
  edits("header-line", 400, 400, Stream::kept, "OPTIONS",
        {{"no-colon", "+Subject malformed probe"},
         {"bare-name", "+X-No-Colon"},
         {"via-without-colon", "+Via SIP/2.0/UDP 10.0.0.1"},
         {"space-in-name", "+X Bad Name: 1"},
         {"space-in-subject", "+Sub ject: hi"},
         {"space-in-call-id", "+Call ID: x"},
         {"nul-in-value", "Subject: mal\0formed"s},
         {"nul-in-name", "+X-Nu\0ll: 1"s},
         {"nul-only", "+User-Agent: \0"s},
         {"latin1-value", "Subject: caf\xe9"},
         {"invalid-utf8-value", "Subject: \xff\xfe\xfd"}});
  // Lines over the 8 KiB a server may refuse to hold: 513 Message Too Large (§21.4.11).
  edits("line-limit", 513, 513, Stream::kept, "OPTIONS",
        {{"subject-8200", "Subject: " + std::string(8200, 's')},
         {"subject-12000", "Subject: " + std::string(12000, 's')},
         {"subject-16000", "Subject: " + std::string(16000, 's')}});
  // §7.5: a header section ends with an empty line; on a stream the server waits for it.
  add("no-empty-line/cut", 400, none, Stream::broken, unterminated(""));
  add("no-empty-line/partial-header", 400, none, Stream::broken, unterminated("Subject: cu"));
  // Not SIP at all: nothing to answer.
  add("garbage/blob-512", none, none, Stream::broken, noise(512));
  add("garbage/blob-1400", none, none, Stream::broken, noise(1400));
  add("garbage/blob-4000", none, none, Stream::broken, noise(4000));
  add("garbage/empty", none, none, Stream::kept, raw(""));
  add("garbage/http-get", none, none, Stream::broken, raw("GET / HTTP/1.1\r\nHost: {t}\r\n\r\n"));
  add("garbage/http-put", none, none, Stream::broken,
      raw("PUT / HTTP/1.1\r\nContent-Length: 0\r\n\r\n"));
  // RFC 5626 §3.5.1 keep-alives are no message.
  add("keepalive/crlf", none, none, Stream::kept, raw("\r\n"));
  add("keepalive/double-crlf", none, none, Stream::kept, raw("\r\n\r\n"));
  add("keepalive/quad-crlf", none, none, Stream::kept, raw("\r\n\r\n\r\n\r\n"));
  // §18.1.2: responses whose Via is not ours (or that do not parse) are discarded.
  add("response/status-99", none, none, Stream::kept, response("99 Too Small"));
  add("response/status-700", none, none, Stream::kept, response("700 Too Big"));
  add("response/status-huge", none, none, Stream::kept, response("4294967301 Far Too Big"));
  add("response/status-letter", none, none, Stream::kept, response("20O OK"));
  add("response/status-4-digits", none, none, Stream::kept, response("2000 OK"));
  add("response/stray-200", none, none, Stream::kept, response("200 OK"));
  add("response/stray-180", none, none, Stream::kept, response("180 Ringing"));
  add("response/stray-487", none, none, Stream::kept, response("487 Request Terminated"));
  // §17.2.3: a branch without the magic cookie is matched by the RFC 2543 rules, and served.
  edits(
      "via", 200, 200, Stream::kept, "OPTIONS",
      {{"no-branch", "Via: SIP/2.0/{T} {l}"}, {"old-branch", "Via: SIP/2.0/{T} {l};branch=1234"}});
  edits("via", 400, 400, Stream::kept, "OPTIONS",
        {{"second-port-zero", "+Via: SIP/2.0/UDP 10.0.0.1:0"}});
  edits("from", 400, 400, Stream::kept, "OPTIONS",
        {{"escaped-quote-unterminated", "From: \"Pro\\\" <sip:probe@{l}>;tag=f{n}"}});
  edits("to", 400, 400, Stream::kept, "OPTIONS",
        {{"trailing-angle", "To: {u}>"}, {"double-angle", "To: <<{u}>"}});
  // §17.2.1: an ACK is never answered, however malformed.
  edits("ack", none, none, Stream::kept, "ACK",
        {{"bad-version", "=ACK {u} SIP/3.0"},
         {"cseq-invite", "CSeq: {n} INVITE"},
         {"no-call-id", "-Call-ID"}});
  edits("ack", none, none, Stream::broken, "ACK", {{"negative-length", "Content-Length: -1"}});
}

}  // namespace malformed
