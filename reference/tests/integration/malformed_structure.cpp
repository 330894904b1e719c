// Structural classes: header floods, large bodies and messages around the server's limits, line
// endings, and TCP streams cut short then closed. Names are <class>/<what>/<variant>.
#include <string>

#include "malformed_corpus.h"

namespace malformed {
namespace {

using namespace std::literals;

// The request with `count` copies of `line` ({i} numbers them) inserted before Content-Length.
Make flood(std::string line, std::size_t count) {
  return [line = std::move(line), count](const Ctx& c) {
    Lines lines = request(c, "OPTIONS");
    Lines extra;
    for (std::size_t i = 0; i < count; ++i) {
      std::string l = line;
      if (auto at = l.find("{i}"); at != std::string::npos) l.replace(at, 3, std::to_string(i));
      extra.push_back(std::move(l));
    }
    lines.insert(lines.end() - 1, extra.begin(), extra.end());
    return wire(lines);
  };
}

// An OPTIONS of exactly `total` bytes: X-Pad lines of at most 8000 bytes, then a body of `body`.
Make sized(std::size_t total, std::size_t body) {
  return [total, body](const Ctx& c) {
    Lines lines = request(c, "OPTIONS");
    lines.back() = "Content-Length: " + std::to_string(body);
    std::string text = wire(lines);
    std::size_t missing = total - body - text.size();
    std::string pads;
    while (missing > 0) {  // an "X-Pad: " line costs 9 bytes besides its value
      std::size_t line = std::min<std::size_t>(missing, 8009);
      if (missing - line > 0 && missing - line < 10) line -= 10;  // room for a last line
      pads += "X-Pad: " + std::string(line - 9, 'p') + "\r\n";
      missing -= line;
    }
    std::size_t at = text.find("Content-Length:");
    return text.insert(at, pads) + std::string(body, 'b');
  };
}

// The request with every line ended by `end` instead of CRLF, then `body`.
Make line_ends(Text end, Text body = {}) {
  return [end = std::string(end), body = std::string(body)](const Ctx& c) {
    Lines lines = request(c, "OPTIONS");
    if (!body.empty()) lines.back() = "Content-Length: " + std::to_string(body.size());
    std::string out;
    for (const auto& line : lines) out += line + end;
    return out + end + body;
  };
}

// The request's bytes up to (not including) the first occurrence of `before`.
Make cut(Text before, std::string tail = {}) {
  return [before = std::string(before), tail = std::move(tail)](const Ctx& c) {
    std::string text = wire(request(c, "OPTIONS"));
    return text.substr(0, text.find(before)) + tail;
  };
}

void add_floods(std::vector<Case>& out) {
  // The request has 8 header fields; a server holds at most so many (sipref: 256), and a 400
  // names that limit in its reason phrase. Past it on a stream the Content-Length (last) cannot
  // be read, so the stream cannot be framed.
  auto add = [&](std::string name, Want udp, Want tcp, Stream stream, Make make,
                 std::string reason = {}) {
    out.push_back({"flood/" + name, std::move(udp), std::move(tcp), stream, std::move(make),
                   std::move(reason)});
  };
  add("headers/100", 200, 200, Stream::kept, flood("X-Flood: {i}", 100));
  add("headers/at-limit", 200, 200, Stream::kept, flood("X-Flood: {i}", 248));
  add("headers/over-limit", 400, 400, Stream::broken, flood("X-Flood: {i}", 249), "header");
  add("headers/1000", 400, 400, Stream::broken, flood("X-Flood: {i}", 1000), "header");
  add("headers/5000", 400, 400, Stream::broken, flood("X-F: 1", 5000), "header");
  add("headers/20000", skip, 513, Stream::broken, flood("X-Flood: 1", 20000));
  add(
      "headers/1000-length-first", 400, 400, Stream::kept,
      [](const Ctx& c) {
        Lines lines = request(c, "OPTIONS");  // framed by the first 256 fields, so the stream holds
        lines.insert(lines.begin() + 1, lines.back());
        lines.pop_back();
        for (int i = 0; i < 1000; ++i) lines.push_back("X-Flood: " + std::to_string(i));
        return wire(lines);
      },
      "header");
  add("headers/compact-1000", 400, 400, Stream::broken, flood("s: {i}", 1000), "header");
  add("via/headers-300", 400, 400, Stream::broken,
      flood("Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-x{i}", 299), "header");
  add(
      "via/values-300", 400, 400, Stream::kept,
      [](const Ctx& c) {
        Lines lines = request(c, "OPTIONS");
        lines[1] += repeat(", SIP/2.0/UDP 192.0.2.1", 299);  // one line still under 8 KiB
        return wire(lines);
      },
      "header");
  add("contact/values-300", 400, 400, Stream::kept,
      message("OPTIONS", {"+Contact: <sip:a@h>" + repeat(", <sip:a@h>", 299)}), "header");
  add("allow/values-300", 400, 400, Stream::kept,
      message("OPTIONS", {"+Allow: INVITE" + repeat(", INVITE", 299)}), "header");
  // §7.3.1 folding: a header continued over many lines is one header, as long as it unfolds.
  add("folding/100", 200, 200, Stream::kept,
      message("OPTIONS", {"Subject: folded" + repeat("\r\n more", 100)}));
  add("folding/5000", 513, 513, Stream::kept,
      message("OPTIONS", {"Subject: folded" + repeat("\r\n more", 5000)}));
  // §7.5: CRLFs before the start line are ignored.
  add("crlf-before-start/1000", 200, 200, Stream::kept,
      [](const Ctx& c) { return repeat("\r\n", 1000) + wire(request(c, "OPTIONS")); });
}

void add_sizes(std::vector<Case>& out) {
  // The server's limits (sipref: 64 KiB a message, 32 KiB a body, 8 KiB a line) give 513 Message
  // Too Large (§21.4.11); on a stream it is sent and the connection closed, as the bytes that
  // follow cannot be skipped. The largest UDP datagram is 65,507 bytes.
  auto add = [&](std::string name, Want udp, Want tcp, Stream stream, Make make) {
    out.push_back({"size/" + name, std::move(udp), std::move(tcp), stream, std::move(make)});
  };
  add("body/32k", 200, 200, Stream::kept, message("OPTIONS", {}, std::string(32768, 'b')));
  add("body/over-limit", 513, 513, Stream::broken, message("OPTIONS", {}, std::string(32769, 'b')));
  add("body/64k", 513, 513, Stream::broken, message("OPTIONS", {}, std::string(64000, 'b')));
  add("body/1m", skip, 513, Stream::broken, message("OPTIONS", {}, std::string(1 << 20, 'b')));
  add("body/length-16m-short", 400, 513, Stream::broken,
      message("OPTIONS", {"Content-Length: 16777216"}, std::string(100, 'b')));
  add("message/udp-max", 200, 200, Stream::kept, sized(65507, 30000));
  add("message/at-limit", skip, 200, Stream::kept, sized(65535, 30000));
  add("message/over-limit", skip, 513, Stream::broken, sized(65536, 30000));
  add("line/at-limit", 200, 200, Stream::kept,
      message("OPTIONS", {"Subject: " + std::string(8192 - 9, 's')}));
  add("line/over-limit", 513, 513, Stream::kept,
      message("OPTIONS", {"Subject: " + std::string(8192 - 8, 's')}));
  add("start-line/over-limit", 513, 513, Stream::kept, [](const Ctx& c) {
    Lines lines = request(c, "OPTIONS");
    std::string tail = fill(" SIP/2.0", c);
    std::string head = fill("OPTIONS sip:", c);
    std::string host = fill("@{t}", c);
    lines[0] =
        head + std::string(8193 - head.size() - host.size() - tail.size(), 'u') + host + tail;
    return wire(lines);
  });
}

void add_line_ends(std::vector<Case>& out) {
  // §7: lines end with CRLF. Many servers take a bare LF as well (tolerated, or 400); a bare CR
  // ends nothing, so what it separates is one line.
  auto add = [&](std::string name, Want udp, Want tcp, Stream stream, Make make) {
    out.push_back({"lines/" + name, std::move(udp), std::move(tcp), stream, std::move(make)});
  };
  add("lf-only", {200, 400}, {200, 400}, Stream::kept, line_ends("\n"));
  add("lf-only-with-body", {200, 400}, {200, 400}, Stream::kept, line_ends("\n", "hello\n"));
  add("cr-only", none, none, Stream::broken, line_ends("\r"));
  add("lf-cr", none, none, Stream::broken, line_ends("\n\r"));
  add("mixed", {200, 400}, {200, 400}, Stream::kept, [](const Ctx& c) {
    std::string out;
    int i = 0;
    for (const auto& line : request(c, "OPTIONS")) out += line + (i++ % 2 ? "\n" : "\r\n");
    return out + "\r\n";
  });
  add("bare-cr-in-header", 400, 400, Stream::kept, message("OPTIONS", {"Subject: a\rb"}));
  add("bare-lf-in-header", 400, 400, Stream::kept, message("OPTIONS", {"Subject: a\nb"}));
  // A continuation line needs a header field before it.
  add("folded-start-line", 400, 400, Stream::kept, [](const Ctx& c) {
    Lines lines = request(c, "OPTIONS");
    lines.insert(lines.begin() + 1, " continued");
    return wire(lines);
  });
  add("folded-first-header", none, none, Stream::kept, [](const Ctx& c) {
    Lines lines = request(c, "OPTIONS");
    lines[1] = " " + lines[1];  // the Via, which the answer would need
    return wire(lines);
  });
  add("space-before-colon", 200, 200, Stream::kept, message("OPTIONS", {"Subject : x"}));
  add("tab-after-colon", 200, 200, Stream::kept, message("OPTIONS", {"Subject:\tx"}));
  add("no-space-after-colon", 200, 200, Stream::kept, message("OPTIONS", {"Subject:x"}));
  add("trailing-whitespace", 200, 200, Stream::kept, message("OPTIONS", {"Subject: x \t "}));
  add("whitespace-only-line", {200, 400}, {200, 400}, Stream::kept,
      message("OPTIONS", {"Subject: x\r\n   "}));
  add("header-name-utf8", 400, 400, Stream::kept, message("OPTIONS", {"+X-Caf\xc3\xa9: 1"}));
  add("empty-header-name", 400, 400, Stream::kept, message("OPTIONS", {"+: value"}));
  add("colon-only", 400, 400, Stream::kept, message("OPTIONS", {"+:"}));
}

void add_streams(std::vector<Case>& out) {
  // TCP: the probe sends these bytes and then shuts its side. Nothing complete arrived, so
  // nothing is owed; the server must close its side too rather than hold the connection. Over
  // UDP the same bytes are one (malformed) datagram.
  auto add = [&](std::string name, Want udp, Want tcp, Make make) {
    out.push_back(
        {"tcp/" + name, std::move(udp), std::move(tcp), Stream::half_closed, std::move(make)});
  };
  add("truncated/start-line", none, none, raw("OPTIONS sip:svc@"));
  add("truncated/before-cseq", none, none, cut("CSeq:"));
  add("truncated/before-empty-line", 400, none, cut("Subject:"));
  add("truncated/mid-line", none, none, cut("Probe\""));
  add("truncated/body", 400, none,
      message("OPTIONS", {"Content-Length: 100"}, std::string(50, 'b')));
  add("truncated/length-9999", 400, none,
      message("OPTIONS", {"Content-Length: 9999"}, std::string(10, 'b')));
  add("complete-then-close", 200, 200, message("OPTIONS", {}));
  add("keepalive-then-close", none, none, raw("\r\n\r\n"));
}

}  // namespace

void add_structure(std::vector<Case>& out) {
  add_floods(out);
  add_sizes(out);
  add_line_ends(out);
  add_streams(out);
}

}  // namespace malformed
