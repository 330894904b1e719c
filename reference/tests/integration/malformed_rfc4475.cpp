// RFC 4475's invalid messages (§3.1.2) and those of §3.2-§3.4 a server must judge, written from
// the RFC's text with the Request-URI at the target and the Via at the probe (so answers return).
#include <string>

#include "malformed_corpus.h"

namespace malformed {
namespace {

std::string crlf(std::string_view text) {
  std::string out;
  for (char c : text) out += c == '\n' ? std::string("\r\n") : std::string(1, c);
  return out;
}

// `head` then `body`, LF written as CRLF; {CL} is the body's length, so that bodies stay framed
// as the RFC frames them once addresses change. The RFC's Call-IDs and branches get {n} added.
Make rfc(std::string_view head, std::string_view body = {}) {
  return [head = crlf(head), body = crlf(body)](const Ctx& c) {
    std::string text = head;
    if (auto at = text.find("{CL}"); at != std::string::npos)
      text.replace(at, 4, std::to_string(body.size()));
    return fill(text, c) + body;
  };
}

// The session description most of the RFC's INVITEs carry.
constexpr std::string_view kSdp =
    "v=0\n"
    "o=mhandley 29739 7272939 IN IP4 192.0.2.15\n"
    "s=-\n"
    "c=IN IP4 192.0.2.15\n"
    "t=0 0\n"
    "m=audio 49217 RTP/AVP 0 12\n"
    "m=video 3227 RTP/AVP 31\n"
    "a=rtpmap:31 LPC\n";

}  // namespace

void add_rfc4475(std::vector<Case>& out) {
  auto add = [&](std::string name, Want udp, Want tcp, Stream stream, Make make) {
    out.push_back({"rfc4475/" + name, std::move(udp), std::move(tcp), stream, std::move(make)});
  };
  // ---- §3.1.2 invalid messages: 400 (505 for the version) when the answer can be routed.

  // §3.1.2.1: the Via cannot route an answer, so none is possible.
  add("badinv01", none, none, Stream::kept,
      rfc("INVITE sip:user@{t} SIP/2.0\n"
          "To: sip:j.user@{t}\n"
          "From: sip:caller@example.net;tag=134161461246\n"
          "Max-Forwards: 7\n"
          "Call-ID: badinv01.0ha0isndaksdjasdf3234nas.{n}\n"
          "CSeq: 8 INVITE\n"
          "Via: SIP/2.0/{T} {l};;,;,,\n"
          "Contact: \"Joe\" <sip:joe@example.org>;;;;\n"
          "Content-Length: {CL}\n"
          "Content-Type: application/sdp\n\n",
          kSdp));
  // §3.1.2.2: on a stream the server waits for the 9999 bytes announced.
  add("clerr", 400, none, Stream::broken,
      rfc("INVITE sip:user@{t} SIP/2.0\n"
          "Max-Forwards: 80\n"
          "To: sip:j.user@{t}\n"
          "From: sip:caller@example.net;tag=93942939o2\n"
          "Contact: <sip:caller@hungry.example.net>\n"
          "Call-ID: clerr.0ha0isndaksdjweiafasdk3.{n}\n"
          "CSeq: 8 INVITE\n"
          "Via: SIP/2.0/{T} {l};branch=z9hG4bK-39234-23523-{n}\n"
          "Content-Type: application/sdp\n"
          "Content-Length: 9999\n\n",
          kSdp));
  add("ncl", 400, 400, Stream::broken,
      rfc("INVITE sip:user@{t} SIP/2.0\n"
          "Max-Forwards: 254\n"
          "To: sip:j.user@{t}\n"
          "From: sip:caller@example.net;tag=32394234\n"
          "Call-ID: ncl.0ha0isndaksdj2193423r542w35.{n}\n"
          "CSeq: 0 INVITE\n"
          "Via: SIP/2.0/{T} {l};branch=z9hG4bKkdjuw-{n}\n"
          "Contact: <sip:caller@example53.example.net>\n"
          "Content-Type: application/sdp\n"
          "Content-Length: -999\n\n",
          kSdp));
  add("scalar02", 400, 400, Stream::kept,
      rfc("REGISTER sip:{h} SIP/2.0\n"
          "Via: SIP/2.0/{T} {l};branch=z9hG4bK342sdfoi3-{n}\n"
          "To: <sip:user@{h}>\n"
          "From: <sip:user@{h}>;tag=239232jh3\n"
          "CSeq: 36893488147419103232 REGISTER\n"
          "Call-ID: scalar02.23o0pd9vanlq3wnrlnewofjas9ui32.{n}\n"
          "Max-Forwards: 300\n"
          "Expires: 1" +
          std::string(102, '0') +
          "\n"
          "Contact: <sip:user@host129.example.com>\n"
          "  ;expires=280297596632815\n"
          "Content-Length: 0\n\n"));
  // §3.1.2.5 and §3.1.2.19: responses are never answered (and these name no Via of ours).
  add("scalarlg", none, none, Stream::kept,
      rfc("SIP/2.0 503 Service Unavailable\n"
          "Via: SIP/2.0/{T} host129.example.com;branch=z9hG4bKzzxdiwo34sw;received=192.0.2.129\n"
          "To: <sip:user@example.com>\n"
          "From: <sip:other@example.net>;tag=2easdjfejw\n"
          "CSeq: 9292394834772304023312 OPTIONS\n"
          "Call-ID: scalarlg.noase0of0234hn2qofoaf0232aewf2394r.{n}\n"
          "Retry-After: 949302838503028349304023988\n"
          "Warning: 1812 overture \"In Progress\"\n"
          "Content-Length: 0\n\n"));
  add("quotbal", 400, 400, Stream::kept,
      rfc("INVITE sip:user@{t} SIP/2.0\n"
          "To: \"Mr. J. User <sip:j.user@{t}>\n"
          "From: sip:caller@example.net;tag=93334\n"
          "Max-Forwards: 10\n"
          "Call-ID: quotbal.aksdj.{n}\n"
          "Contact: <sip:caller@host59.example.net>\n"
          "CSeq: 8 INVITE\n"
          "Via: SIP/2.0/{T} {l};branch=z9hG4bKkdjuw39234-{n}\n"
          "Content-Type: application/sdp\n"
          "Content-Length: {CL}\n\n",
          kSdp));
  add("ltgtruri", 400, 400, Stream::kept,
      rfc("INVITE <sip:user@{t}> SIP/2.0\n"
          "To: sip:user@{t}\n"
          "From: sip:caller@example.net;tag=39291\n"
          "Max-Forwards: 23\n"
          "Call-ID: ltgtruri.1.{n}@192.0.2.5\n"
          "CSeq: 1 INVITE\n"
          "Via: SIP/2.0/{T} {l}\n"
          "Contact: <sip:caller@host5.example.net>\n"
          "Content-Type: application/sdp\n"
          "Content-Length: {CL}\n\n",
          kSdp));
  add("lwsruri", 400, 400, Stream::kept,
      rfc("INVITE sip:user@{t}; lr SIP/2.0\n"
          "To: sip:user@{t};tag=3xfe-9921883-z9f\n"
          "From: sip:caller@example.net;tag=231413434\n"
          "Max-Forwards: 5\n"
          "Call-ID: lwsruri.asdfasdoeoi2323-asdfwrn23-asd834rk423.{n}\n"
          "CSeq: 2130706432 INVITE\n"
          "Via: SIP/2.0/{T} {l};branch=z9hG4bKkdjuw2395-{n}\n"
          "Contact: <sip:caller@host1.example.net>\n"
          "Content-Type: application/sdp\n"
          "Content-Length: {CL}\n\n",
          kSdp));
  add("lwsstart", 400, 400, Stream::kept,
      rfc("INVITE  sip:user@{t}  SIP/2.0\n"
          "Max-Forwards: 8\n"
          "To: sip:user@{t}\n"
          "From: sip:caller@example.net;tag=8814\n"
          "Call-ID: lwsstart.dfknq234oi243099adsdfnawe3.{n}@example.com\n"
          "CSeq: 1893884 INVITE\n"
          "Via: SIP/2.0/{T} {l};branch=z9hG4bKkdjuw3923-{n}\n"
          "Contact: <sip:caller@host1.example.net>\n"
          "Content-Type: application/sdp\n"
          "Content-Length: {CL}\n\n",
          kSdp));
  add("trws", 400, 400, Stream::kept,
      rfc("OPTIONS sip:remote-target@{t} SIP/2.0  \n"
          "Via: SIP/2.0/{T} {l};branch=z9hG4bK299342093-{n}\n"
          "To: <sip:remote-target@{t}>\n"
          "From: <sip:local-resource@example.com>;tag=329429089\n"
          "Call-ID: trws.oicu34958239neffasdhr2345r.{n}\n"
          "Accept: application/sdp\n"
          "CSeq: 238923 OPTIONS\n"
          "Max-Forwards: 70\n"
          "Content-Length: 0\n\n"));
  add("escruri", 400, 400, Stream::kept,
      rfc("INVITE sip:user@{t}?Route=%3Csip:example.com%3E SIP/2.0\n"
          "To: sip:user@{t}\n"
          "From: sip:caller@example.net;tag=341518\n"
          "Max-Forwards: 7\n"
          "Contact: <sip:caller@host39923.example.net>\n"
          "Call-ID: escruri.23940-asdfhj-aje3br-234q098w-fawerh2q-h4n5.{n}\n"
          "CSeq: 149209342 INVITE\n"
          "Via: SIP/2.0/{T} {l};branch=z9hG4bKkdjuw-{n}\n"
          "Content-Type: application/sdp\n"
          "Content-Length: {CL}\n\n",
          kSdp));
  add("baddate", 400, 400, Stream::kept,
      rfc("INVITE sip:user@{t} SIP/2.0\n"
          "To: sip:user@{t}\n"
          "From: sip:caller@example.net;tag=2234923\n"
          "Max-Forwards: 70\n"
          "Call-ID: baddate.239423mnsadf3j23lj42--sedfnm234.{n}\n"
          "CSeq: 1392934 INVITE\n"
          "Via: SIP/2.0/{T} {l};branch=z9hG4bKkdjuw-{n}\n"
          "Date: Fri, 01 Jan 2010 16:00:00 EST\n"
          "Contact: <sip:caller@host5.example.net>\n"
          "Content-Type: application/sdp\n"
          "Content-Length: {CL}\n\n",
          kSdp));
  add("regbadct", 400, 400, Stream::kept,
      rfc("REGISTER sip:{h} SIP/2.0\n"
          "To: sip:user@{h}\n"
          "From: sip:user@{h};tag=998332\n"
          "Max-Forwards: 70\n"
          "Call-ID: regbadct.k345asrl3fdbv.{n}@10.0.0.1\n"
          "CSeq: 1 REGISTER\n"
          "Via: SIP/2.0/{T} {l};branch=z9hG4bKkdjuw-{n}\n"
          "Contact: sip:user@{h}?Route=%3Csip:sip.example.com%3E\n"
          "l: 0\n\n"));
  add("badaspec", 400, 400, Stream::kept,
      rfc("OPTIONS sip:user@{t} SIP/2.0\n"
          "Via: SIP/2.0/{T} {l};branch=z9hG4bKkdju43234-{n}\n"
          "Max-Forwards: 70\n"
          "From: \"Bell, Alexander\" <sip:a.g.bell@example.com>;tag=433423\n"
          "To: \"Watson, Thomas\" < sip:t.watson@{t} >\n"
          "Call-ID: badaspec.sdf0234n2nds0a099u23h3hnnw009cdkne3.{n}\n"
          "Accept: application/sdp\n"
          "CSeq: 3923239 OPTIONS\n"
          "l: 0\n\n"));
  add("baddn", 400, 400, Stream::kept,
      rfc("OPTIONS sip:t.watson@{t} SIP/2.0\n"
          "Via:     SIP/2.0/{T} {l};branch=z9hG4bKkdjuw-{n}\n"
          "Max-Forwards:      70\n"
          "From:    Bell, Alexander <sip:a.g.bell@example.com>;tag=43\n"
          "To:      Watson, Thomas <sip:t.watson@{t}>\n"
          "Call-ID: baddn.31415.{n}@c.example.com\n"
          "Accept: application/sdp\n"
          "CSeq:    3923239 OPTIONS\n"
          "l: 0\n\n"));
  add("badvers", 505, 505, Stream::kept,
      rfc("OPTIONS sip:t.watson@{t} SIP/7.0\n"
          "Via:     SIP/7.0/{T} {l};branch=z9hG4bKkdjuw-{n}\n"
          "Max-Forwards:     70\n"
          "From:    A. Bell <sip:a.g.bell@example.com>;tag=qweoiqpe\n"
          "To:      T. Watson <sip:t.watson@{t}>\n"
          "Call-ID: badvers.31417.{n}@c.example.com\n"
          "CSeq:    1 OPTIONS\n"
          "l: 0\n\n"));
  add("mismatch01", 400, 400, Stream::kept,
      rfc("OPTIONS sip:user@{t} SIP/2.0\n"
          "To: sip:j.user@{t}\n"
          "From: sip:caller@example.net;tag=34525\n"
          "Max-Forwards: 6\n"
          "Call-ID: mismatch01.dj0234sxdfl3.{n}\n"
          "CSeq: 8 INVITE\n"
          "Via: SIP/2.0/{T} {l};branch=z9hG4bKkdjuw-{n}\n"
          "l: 0\n\n"));
  // §3.1.2.18: 501 for the unknown method, or 400 for the mismatch.
  add("mismatch02", {501, 400}, {501, 400}, Stream::kept,
      rfc("NEWMETHOD sip:user@{t} SIP/2.0\n"
          "To: sip:j.user@{t}\n"
          "From: sip:caller@example.net;tag=34525\n"
          "Max-Forwards: 6\n"
          "Call-ID: mismatch02.dj0234sxdfl3.{n}\n"
          "CSeq: 8 INVITE\n"
          "Contact: <sip:caller@host.example.net>\n"
          "Via: SIP/2.0/{T} {l};branch=z9hG4bKkdjuw-{n}\n"
          "Content-Type: application/sdp\n"
          "l: {CL}\n\n",
          "v=0\n"
          "o=mhandley 29739 7272939 IN IP4 192.0.2.1\n"
          "c=IN IP4 192.0.2.1\n"
          "m=audio 49217 RTP/AVP 0 12\n"
          "m=video 3227 RTP/AVP 31\n"
          "a=rtpmap:31 LPC\n"));
  add("bigcode", none, none, Stream::kept,
      rfc("SIP/2.0 4294967301 better not break the receiver\n"
          "Via: SIP/2.0/{T} 192.0.2.105;branch=z9hG4bK2398ndaoe\n"
          "Call-ID: bigcode.asdof3uj203asdnf3429uasdhfas3ehjasdfas9i.{n}\n"
          "CSeq: 353494 INVITE\n"
          "From: <sip:user@example.com>;tag=39ansfi3\n"
          "To: <sip:user@example.edu>;tag=902jndnke3\n"
          "Content-Length: 0\n"
          "Contact: <sip:user@host105.example.com>\n\n"));

  // §3.1.1.8 (valid): a datagram holds one message; the INVITE after the REGISTER's
  // Content-Length is discarded, so it must not be answered. A stream would frame both.
  add("dblreq", 404, skip, Stream::kept,
      rfc("REGISTER sip:{h} SIP/2.0\n"
          "To: sip:j.user@{h}\n"
          "From: sip:j.user@{h};tag=43251j3j324\n"
          "Max-Forwards: 8\n"
          "I: dblreq.0ha0isndaksdj99sdfafnl3lk233412.{n}\n"
          "Contact: sip:j.user@host.example.com\n"
          "CSeq: 8 REGISTER\n"
          "Via: SIP/2.0/{T} {l};branch=z9hG4bKkdjuw23492-{n}\n"
          "Content-Length: 0\n\n\n"
          "INVITE sip:joe@{t} SIP/2.0\n"
          "t: sip:joe@{t}\n"
          "From: sip:caller@example.net;tag=141334\n"
          "Max-Forwards: 8\n"
          "Call-ID: dblreq.0ha0isnda977644900765.{n}@192.0.2.15\n"
          "CSeq: 8 INVITE\n"
          "Via: SIP/2.0/{T} {l};branch=z9hG4bKkdjuw380234-{n}\n"
          "Content-Type: application/sdp\n"
          "Content-Length: {CL}\n\n",
          kSdp));

  // ---- §3.2-§3.4: well-formed messages the transaction and application layers judge. Where the
  // RFC's answer comes from a check that RFC 3261 §8.2 orders after the Request-URI's (§8.2.2.1),
  // a 404 for a Request-URI the target does not serve is owed first and is accepted too.

  // §3.2.1: a branch that is only the magic cookie; matched by the RFC 2543 rules, served.
  add("badbranch", 200, 200, Stream::kept,
      rfc("OPTIONS sip:user@{t} SIP/2.0\n"
          "To: sip:user@{t}\n"
          "From: sip:caller@example.org;tag=33242\n"
          "Max-Forwards: 3\n"
          "Via: SIP/2.0/{T} {l};branch=z9hG4bK\n"
          "Accept: application/sdp\n"
          "Call-ID: badbranch.sadonfo23i420jv0as0derf3j3n.{n}\n"
          "CSeq: 8 OPTIONS\n"
          "l: 0\n\n"));
  // §3.3.1: no From, To or Call-ID, so no answer can be built.
  add("insuf", none, none, Stream::kept,
      rfc("INVITE sip:user@{t} SIP/2.0\n"
          "CSeq: 193942 INVITE\n"
          "Via: SIP/2.0/{T} {l};branch=z9hG4bKkdj.insuf-{n}\n"
          "Content-Type: application/sdp\n"
          "l: {CL}\n\n",
          kSdp));
  add("unkscm", 416, 416, Stream::kept,
      rfc("OPTIONS nobodyKnowsThisScheme:totallyopaquecontent SIP/2.0\n"
          "To: sip:user@{t}\n"
          "From: sip:caller@example.net;tag=384\n"
          "Max-Forwards: 3\n"
          "Call-ID: unkscm.nasdfasser0q239nwsdfasdkl34.{n}\n"
          "CSeq: 3923423 OPTIONS\n"
          "Via: SIP/2.0/{T} {l};branch=z9hG4bKkdjuw39234-{n}\n"
          "Content-Length: 0\n\n"));
  add("novelsc", 416, 416, Stream::kept,
      rfc("OPTIONS soap.beep://192.0.2.103:3002 SIP/2.0\n"
          "To: sip:user@{t}\n"
          "From: sip:caller@example.net;tag=384\n"
          "Max-Forwards: 3\n"
          "Call-ID: novelsc.asdfasser0q239nwsdfasdkl34.{n}\n"
          "CSeq: 3923423 OPTIONS\n"
          "Via: SIP/2.0/{T} {l};branch=z9hG4bKkdjuw39234-{n}\n"
          "Content-Length: 0\n\n"));
  // §3.3.4: a registrar refuses an address of record that is no SIP URI.
  add("unksm2", {400, 404}, {400, 404}, Stream::kept,
      rfc("REGISTER sip:{h} SIP/2.0\n"
          "To: isbn:2983792873\n"
          "From: <http://www.example.com>;tag=3234233\n"
          "Call-ID: unksm2.daksdj.{n}@hyphenated-host.example.com\n"
          "CSeq: 234902 REGISTER\n"
          "Max-Forwards: 70\n"
          "Via: SIP/2.0/{T} {l};branch=z9hG4bKkdjuw-{n}\n"
          "Contact: <name:John_Smith>\n"
          "l: 0\n\n"));
  // §3.3.5: Require names extensions nobody supports (RFC 3261 §8.2.2.3: MUST 420).
  add("bext01", {420, 404}, {420, 404}, Stream::kept,
      rfc("OPTIONS sip:user@{t} SIP/2.0\n"
          "To: sip:j_user@{t}\n"
          "From: sip:caller@example.net;tag=242etr\n"
          "Max-Forwards: 6\n"
          "Call-ID: bext01.0ha0isndaksdj.{n}\n"
          "Require: nothingSupportsThis, nothingSupportsThisEither\n"
          "Proxy-Require: noProxiesSupportThis, norDoAnyProxiesSupportThis\n"
          "CSeq: 8 OPTIONS\n"
          "Via: SIP/2.0/{T} {l};branch=z9hG4bKkdjuw-{n}\n"
          "Content-Length: 0\n\n"));
  add("invut", {415, 404}, {415, 404}, Stream::kept,
      rfc("INVITE sip:user@{t} SIP/2.0\n"
          "Contact: <sip:caller@host5.example.net>\n"
          "To: sip:j.user@{t}\n"
          "From: sip:caller@example.net;tag=8392034\n"
          "Max-Forwards: 70\n"
          "Call-ID: invut.0ha0isndaksdjadsfij34n23d.{n}\n"
          "CSeq: 235448 INVITE\n"
          "Via: SIP/2.0/{T} {l};branch=z9hG4bKkdjuw-{n}\n"
          "Content-Type: application/unknownformat\n"
          "Content-Length: {CL}\n\n",
          "<audio>\n <pcmu port=\"443\"/>\n</audio>\n"));
  add("regaut01", {401, 404}, {401, 404}, Stream::kept,
      rfc("REGISTER sip:{h} SIP/2.0\n"
          "To: sip:j.user@{h}\n"
          "From: sip:j.user@{h};tag=87321hj23128\n"
          "Max-Forwards: 8\n"
          "Call-ID: regaut01.0ha0isndaksdj.{n}\n"
          "CSeq: 9338 REGISTER\n"
          "Via: SIP/2.0/{T} {l};branch=z9hG4bKkdjuw-{n}\n"
          "Authorization: NoOneKnowsThisScheme opaque-data=here\n"
          "Content-Length:0\n\n"));
  add("multi01", 400, 400, Stream::kept,
      rfc("INVITE sip:user@{t} SIP/2.0\n"
          "Contact: <sip:caller@host25.example.net>\n"
          "Via: SIP/2.0/{T} {l};branch=z9hG4bKkdjuw-{n}\n"
          "Max-Forwards: 70\n"
          "CSeq: 5 INVITE\n"
          "Call-ID: multi01.98asdh.{n}@192.0.2.1\n"
          "CSeq: 59 INVITE\n"
          "Call-ID: multi01.98asdh.{n}@192.0.2.2\n"
          "From: sip:caller@example.com;tag=3413415\n"
          "To: sip:user@{t}\n"
          "To: sip:other@example.net\n"
          "From: sip:caller@example.net;tag=2923420123\n"
          "Content-Type: application/sdp\n"
          "l: {CL}\n"
          "Contact: <sip:caller@host36.example.net>\n"
          "Max-Forwards: 5\n\n",
          kSdp));
  // §3.3.9: two Content-Length values; a stream cannot be framed after it.
  add("mcl01", 400, 400, Stream::broken,
      rfc("OPTIONS sip:user@{t} SIP/2.0\n"
          "Via: SIP/2.0/{T} {l};branch=z9hG4bK293423-{n}\n"
          "To: sip:user@{t}\n"
          "From: sip:other@example.net;tag=3923942\n"
          "Call-ID: mcl01.fhn2323orihawfdoa3o4r52o3irsdf.{n}\n"
          "CSeq: 15932 OPTIONS\n"
          "Content-Length: 13\n"
          "Max-Forwards: 60\n"
          "Content-Length: 5\n"
          "Content-Type: text/plain\n\n"
          "There's no way to know how many octets are supposed to be here.\n"));
  add("bcast", none, none, Stream::kept,
      rfc("SIP/2.0 200 OK\n"
          "Via: SIP/2.0/{T} 192.0.2.198;branch=z9hG4bK1324923\n"
          "Via: SIP/2.0/{T} 255.255.255.255;branch=z9hG4bK1saber23\n"
          "Call-ID: bcast.0384840201234ksdfak3j2erwedfsASdf.{n}\n"
          "CSeq: 35 INVITE\n"
          "From: sip:user@example.com;tag=11141343\n"
          "To: sip:user@example.edu;tag=2229\n"
          "Content-Length: {CL}\n"
          "Content-Type: application/sdp\n"
          "Contact: <sip:user@host28.example.com>\n\n",
          kSdp));
  // §3.3.11: Max-Forwards 0 stops a proxy (483); a UAS serves the request.
  add("zeromf", 200, 200, Stream::kept,
      rfc("OPTIONS sip:user@{t} SIP/2.0\n"
          "To: sip:user@{t}\n"
          "From: sip:caller@example.net;tag=3ghsd41\n"
          "Call-ID: zeromf.jfasdlfnm2o2l43r5u0asdfas.{n}\n"
          "CSeq: 39234321 OPTIONS\n"
          "Via: SIP/2.0/{T} {l};branch=z9hG4bKkdjuw2349i-{n}\n"
          "Max-Forwards: 0\n"
          "Content-Length: 0\n\n"));
  add("sdp01", {406, 404}, {406, 404}, Stream::kept,
      rfc("INVITE sip:user@{t} SIP/2.0\n"
          "To: sip:j_user@{t}\n"
          "Contact: <sip:caller@host15.example.net>\n"
          "From: sip:caller@example.net;tag=234\n"
          "Max-Forwards: 5\n"
          "Call-ID: sdp01.ndaksdj9342dasdd.{n}\n"
          "Accept: text/nobodyKnowsThis\n"
          "CSeq: 8 INVITE\n"
          "Via: SIP/2.0/{T} {l};branch=z9hG4bKkdjuw-{n}\n"
          "Content-Length: {CL}\n"
          "Content-Type: application/sdp\n\n",
          kSdp));
  // §3.4.1: RFC 2543 syntax (no Max-Forwards, branch or Content-Length) is served over UDP; a
  // stream cannot frame a message without Content-Length (RFC 3261 §18.3).
  add("inv2543", 404, 400, Stream::broken,
      rfc("INVITE sip:UserB@{t} SIP/2.0\n"
          "Via: SIP/2.0/{T} {l}\n"
          "From: <sip:+13035551111@ift.client.example.net;user=phone>\n"
          "Record-Route: <sip:UserB@{t};maddr=ss1.example.com>\n"
          "To: sip:+16505552222@ss1.example.net;user=phone\n"
          "Call-ID: inv2543.1717.{n}@ift.client.example.com\n"
          "CSeq: 56 INVITE\n"
          "Content-Type: application/sdp\n\n"
          "v=0\n"
          "o=mhandley 29739 7272939 IN IP4 192.0.2.5\n"
          "s=-\n"
          "c=IN IP4 192.0.2.5\n"
          "t=0 0\n"
          "m=audio 49217 RTP/AVP 0\n"));
}

}  // namespace malformed
