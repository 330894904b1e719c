// A misbehaving SIP peer, on the wire only (Boost.Asio, no sipref code): >= 100 malformed messages
// over UDP, then TCP, each reply checked against RFC 3261 and each followed by an OPTIONS (200).
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;
using namespace std::literals;
using Text = std::string_view;
constexpr auto npos = Text::npos;

constexpr auto kAnswerWithin = 2s;
constexpr auto kSilenceFor = 200ms;  // absence cannot be awaited: a bounded wait stands in for it

// What each class expects: a status, or none. A 400/505 copies the request's Via, From, To,
// Call-ID and CSeq (§8.2.6.2), so it is owed when they are all there; without a usable top Via
// there is no way back (§18.2.2): silence. A 200 means the server tolerates the flaw.
constexpr int none = 0;

bool iequals(Text a, Text b) {
  auto lower = [](char c) { return std::tolower(static_cast<unsigned char>(c)); };
  return std::ranges::equal(a, b, {}, lower, lower);
}

// The first `name` header of a message's header section (lines without a colon are skipped).
std::optional<std::string> header(Text message, Text name) {
  Text head = message.substr(0, message.find("\r\n\r\n"));
  for (std::size_t pos = head.find("\r\n"); pos != npos;) {
    std::size_t next = head.find("\r\n", pos + 2);
    Text line = head.substr(pos + 2, next == npos ? npos : next - pos - 2);
    pos = next;
    Text value = line.substr(std::min(line.find(':'), line.size()));
    if (!value.empty() && iequals(line.substr(0, line.find(':')), name))
      return std::string(value.substr(std::min(value.find_first_not_of(": "), value.size())));
  }
  return std::nullopt;
}

// Bytes for a report line: non-printables as \xNN, long texts cut.
std::string printable(Text bytes) {
  std::string out;
  for (char hex[5]; unsigned char c : bytes.substr(0, 48))
    out += (std::snprintf(hex, 5, c >= 0x20 && c < 0x7f ? "%c" : "\\x%02x", c), hex);
  return bytes.size() > 48 ? out + "..." : out;
}

// ---- the messages

struct Ctx {
  Text transport;      // UDP or TCP
  std::string local;   // our sent-by, host:port
  std::string target;  // the server, host:port
  int n = 0;           // message number: unique Call-IDs, tags and branches
};

// Expands %m (method), %t (target), %u (a URI there), %l (local), %T (transport) and %n (number).
std::string fill(Text pattern, const Ctx& c, Text method) {
  const std::string keys = "mtulTn", with[] = {std::string(method),      c.target,
                                               "sip:svc@" + c.target,    c.local,
                                               std::string(c.transport), std::to_string(c.n)};
  std::string out(pattern);
  for (std::size_t at = out.find('%'); at != npos; at = out.find('%', at + 1))
    if (std::size_t key = keys.find(out[at + 1]); at + 1 < out.size() && key != npos)
      out.replace(at, 2, with[key]);
  return out;
}

// A request as lines, the start line first; Content-Length is an ordinary header here.
using Msg = std::vector<std::string>;
std::string wire(const Msg& lines) {
  std::string out;
  for (const auto& line : lines) out += line + "\r\n";
  return out + "\r\n";
}

Msg request(const Ctx& c, Text method, Text kind = "bad") {
  std::string id = std::string(kind) + "-" + std::string(c.transport) + std::to_string(c.n);
  return {fill("%m sip:svc-%n@%t SIP/2.0", c, method),
          fill("Via: SIP/2.0/%T %l;rport;branch=z9hG4bK-", c, method) + id,
          "Max-Forwards: 70",
          fill("From: \"Probe\" <sip:probe@%l>;tag=f%n", c, method),
          fill("To: <sip:svc-%n@%t>", c, method),
          "Call-ID: " + id + "@probe",
          fill("CSeq: %n %m", c, method),
          "Subject: malformed probe",
          "Content-Length: 0"};
}

// The request changed by `edit`: "=LINE" replaces the start line, "-Name" drops that header,
// "+Name: value" appends one and "Name: value" replaces the first of that name (else appends).
Msg patched(const Ctx& c, Text method, Text edit) {
  Msg m = request(c, method);
  char op = edit.empty() ? ' ' : edit.front();
  std::string line = fill(edit.substr(op == '=' || op == '+' || op == '-'), c, method);
  auto name = [](Text l) { return l.substr(0, l.find(':')); };
  auto same = std::ranges::find_if(m.begin() + 1, m.end(),
                                   [&](Text l) { return iequals(name(l), name(line)); });
  if (op == '=')
    m.front() = line;
  else if (op == '-')
    std::erase_if(m, [&](Text l) { return iequals(name(l), line); });
  else if (op == '+' || same == m.end())
    m.push_back(line);
  else
    *same = line;
  return m;
}

std::string patch(const Ctx& c, Text m, const std::string& a) {
  return wire(patched(c, m, a));
}
std::string raw(const Ctx& c, Text m, const std::string& a) {
  return fill(a, c, m);
}
// A response whose top Via names the server or a stranger.
std::string response(const Ctx& c, Text, const std::string& a) {
  Msg r = patched(c, "INVITE", "=SIP/2.0 " + a);
  r[1] = fill("Via: SIP/2.0/%T ", c, "") + (c.n % 2 ? c.target : "192.0.2.1") + ";branch=x";
  return wire(r);
}

struct Class {
  const char* name;
  int udp, tcp;              // the expected status, or none
  std::vector<Text> args;    // one message each (an edit for patch, see patched)
  bool keeps_stream = true;  // TCP framing stays intact: the OPTIONS follows on that connection
  Text method = "";          // fixed, or empty to cycle through kMethods
  int rounds = 1;            // each arg is sent `rounds` times (with the next methods)
  std::string (*make)(const Ctx&, Text method, const std::string& arg) = patch;
};

constexpr Text kMethods[] = {"OPTIONS", "INVITE", "REGISTER", "MESSAGE", "SUBSCRIBE", "INFO"};

// clang-format off
const std::vector<Class> kClasses{
  {"missing header", none, none, {"-Via", "-From", "-To", "-Call-ID", "-CSeq"}, true, "", 2},
  {"missing Max-Forwards (tolerated, §16.3)", 200, 200, {"-Max-Forwards"}, true, "OPTIONS", 2},
  {"bad Max-Forwards", 400, 400,
   {"Max-Forwards: abc", "Max-Forwards: 300", "Max-Forwards: -1", "Max-Forwards:"}},
  {"bad CSeq number (RFC 4475 §3.1.2.4)", 400, 400,
   {"CSeq: abc %m", "CSeq: 4294967296 %m", "CSeq: 2147483648 %m", "CSeq: -1 %m",
    "CSeq: 36893488147419103232 %m", "CSeq: %n"}},
  {"CSeq method mismatch", 400, 400,
   {"CSeq: %n ACK", "CSeq: %n BYE", "CSeq: %n NEWMETHOD", "CSeq: %n options", "CSeq: %n CANCEL"}},
  {"negative Content-Length", 400, 400, {"Content-Length: -1", "Content-Length: -999"}, false},
  {"non-numeric Content-Length", 400, 400, {"Content-Length: abc", "Content-Length: 12abc",
   "Content-Length: 0x10", "Content-Length: 1.5"}, false},
  {"Content-Length beyond the body (TCP: awaited)", 400, none,
   {"Content-Length: 50", "Content-Length: 9999"}, false},
  {"Content-Length over the limit", 400, 400,
   {"Content-Length: 99999999", "Content-Length: 40000"}, false},
  {"repeated Content-Length", 400, 400, {"+Content-Length: 0", "+Content-Length: 5"}, false},
  {"no Content-Length (UDP: body to the end)", 200, 400, {"-Content-Length"}, false, "OPTIONS", 2},
  {"request line without SIP-Version", 400, 400, {"=%m %u", "=%m %u ", "=%m"}},
  {"other version", 505, 505, {"=%m %u SIP/3.0", "=%m %u SIP/1.0", "=%m %u SIP/2.1"}, true, "", 2},
  {"not a SIP-Version", 400, 400,
   {"=%m %u HTTP/1.1", "=%m %u SIP2.0", "=%m %u SIP/", "=%m %u SIP/2"}},
  {"method not a token", 400, 400,
   {"=INV@TE %u SIP/2.0", "=OPT(ONS %u SIP/2.0", "=REG\x01STER %u SIP/2.0", "=<INVITE> %u SIP/2.0"},
   true, "INVITE"},
  {"bad Request-URI", 400, 400,
   {"=%m sip: SIP/2.0", "=%m sip:user@ SIP/2.0", "=%m %u:99999 SIP/2.0", "=%m <%u> SIP/2.0",
    "=%m %u?Subject=x SIP/2.0", "=%m sip:svc@ho st SIP/2.0", "=%m sip:svc@[::1 SIP/2.0",
    "=%m sip:caf\xe9@%t SIP/2.0"}},
  {"request line spacing", 400, 400,
   {"=%m  %u SIP/2.0", "= %m %u SIP/2.0", "=%m\t%u\tSIP/2.0", "=%m %u  SIP/2.0"}},
  {"header line without colon", 400, 400,
   {"+Subject malformed probe", "+X-No-Colon", "+Via SIP/2.0/UDP 10.0.0.1"}},
  {"header name with a space", 400, 400, {"+X Bad Name: 1", "+Sub ject: hi", "+Call ID: x"}},
  {"NUL byte in a header", 400, 400,
   {"Subject: mal\0formed"sv, "+X-Nu\0ll: 1"sv, "Call-ID: nul\0%n@probe"sv, "User-Agent: \0"sv}},
  {"non-UTF-8 bytes in a header", 400, 400,
   {"Subject: caf\xe9", "From: \"Jos\xe9\" <sip:probe@%l>;tag=f%n", "To: \"\xc3\x28\" <%u>",
    "Subject: \xff\xfe\xfd"}},
  {"header line over 8 KiB", 400, 400, {"8200", "12000", "16000"}, true, "", 1,
   [](auto& c, auto m, auto a) {
     return patch(c, m, "Subject: " + std::string(std::stoul(a), 's')); }},
  {"more than 256 headers", 400, 400, {"257", "300", "1000"}, false, "", 1,
   [](auto& c, auto m, auto a) {  // before Content-Length, the last header
     Msg r = request(c, m);
     r.insert(r.end() - 1, std::stoul(a), "X-Flood: 1");
     return wire(r); }},
  {"body over the limit", 400, 400, {"40000", "33000"}, false, "", 1,
   [](auto& c, auto m, auto a) {
     return patch(c, m, "Content-Length: " + a) + std::string(std::stoul(a), 'b'); }},
  {"no empty line after the headers (TCP: awaited)", 400, none, {"", "Subject: cu"}, false, "", 1,
   [](auto& c, auto m, auto a) {
     std::string w = wire(request(c, m));
     return w.erase(w.size() - 2) += a; }},
  {"binary blob", none, none, {"512", "1400", "4000"}, false, "", 1,
   [](auto&, auto, auto a) {  // deterministic noise
     std::string out(std::stoul(a), '\0');
     for (std::uint32_t x = 1; char& b : out) b = static_cast<char>((x = x * 69069 + 1) >> 24);
     return out; }},
  {"empty datagram", none, none, {""}, true, "", 1, raw},
  {"CRLF keep-alive", none, none, {"\r\n", "\r\n\r\n", "\r\n\r\n\r\n\r\n"}, true, "", 1, raw},
  {"HTTP request", none, none,
   {"GET / HTTP/1.1\r\nHost: %t\r\n\r\n", "PUT / HTTP/1.1\r\nContent-Length: 0\r\n\r\n"}, false, "",
   1, raw},
  {"response with a bad status code", none, none,
   {"99 Too Small", "700 Too Big", "4294967301 Far Too Big", "20O OK", "2000 OK"}, true, "", 1,
   response},
  {"stray response", none, none, {"200 OK", "180 Ringing", "487 Gone"}, true, "", 1, response},
  {"Via without an RFC 3261 branch (tolerated, §17.2.3)", 200, 200,
   {"Via: SIP/2.0/%T %l", "Via: SIP/2.0/%T %l;branch=1234"}, true, "OPTIONS"},
  {"malformed top Via", none, none,
   {"Via: SIP/2.0/%T", "Via: SIP/2.0/%T 127.0.0.1:99999;branch=z9hG4bK-x",
    "Via: SIP/2.0 %l;branch=z9hG4bK-x", "Via: SIP/2.0/%T %l;branch=", "Via: %T %l"}},
  {"malformed second Via", 400, 400, {"+Via: SIP/2.0/UDP", "+Via: SIP/2.0/UDP 10.0.0.1:0"}},
  {"unterminated quoted string in From", 400, 400,
   {"From: \"Probe <sip:probe@%l>;tag=f%n", "From: \"Pro\\\" <sip:probe@%l>;tag=f%n"}},
  {"unbalanced <> in To", 400, 400, {"To: <%u", "To: %u>", "To: <<%u>"}},
  {"malformed ACK (never answered, §17.2.1)", none, none,
   {"Content-Length: -1", "=ACK %u SIP/3.0", "CSeq: %n INVITE", "-Call-ID"}, false, "ACK"},
};
// clang-format on

// ---- the wire

// Runs the loop until `done` or the deadline, then cancels what `socket` still has pending.
template <class Socket>
bool await(asio::io_context& io, Socket& socket, const bool& done, Clock::time_point deadline) {
  io.restart();
  while (!done && io.run_one_until(deadline) > 0) continue;
  if (done) return true;
  socket.cancel();
  io.restart();
  io.run();
  return false;
}

// A UDP socket or a TCP connection to the server. What arrives is framed by Content-Length (the
// server's answers have one); CRLF keep-alive answers on TCP are no message.
template <class Protocol>
struct Link {
  Link(asio::io_context& io, const typename Protocol::endpoint& to) : io(io), to(to), socket(io) {
    socket.connect(to);
  }
  std::string local() const {
    auto at = socket.local_endpoint();
    return at.address().to_string() + ":" + std::to_string(at.port());
  }
  void send(Text bytes) {
    error_code ignored;  // the server may have closed (a framing error): its answer still counts
    if constexpr (std::is_same_v<Protocol, udp>)
      socket.send(asio::buffer(bytes.data(), bytes.size()), 0, ignored);
    else
      asio::write(socket, asio::buffer(bytes.data(), bytes.size()), ignored);
  }
  // The next whole message, or nullopt after the deadline or the end of the connection.
  std::optional<std::string> receive(Clock::time_point deadline) {
    for (;;) {
      buffer.erase(0, buffer.find_first_not_of("\r\n"));
      std::size_t end = buffer.find("\r\n\r\n"), length = 0;
      std::string value = header(Text(buffer).substr(0, end), "Content-Length").value_or("0");
      std::from_chars(value.data(), value.data() + value.size(), length);
      if (end != npos && buffer.size() >= end + 4 + length) {
        std::string message = buffer.substr(0, end + 4 + length);
        buffer.erase(0, message.size());
        return message;
      }
      bool done = false;
      if (!closed)
        socket.async_receive(asio::buffer(chunk), [&](const error_code& ec, std::size_t size) {
          if (ec == asio::error::operation_aborted) return;
          done = true;
          closed = closed || ec;
          buffer.append(chunk.data(), ec ? 0 : size);
        });
      if (closed || !await(io, socket, done, deadline)) return std::nullopt;
    }
  }
  asio::io_context& io;
  typename Protocol::endpoint to;
  typename Protocol::socket socket;
  std::string buffer;
  std::array<char, 65536> chunk{};
  bool closed = false;
};

// ---- the run

struct Probe {
  asio::io_context io;
  asio::ip::address host;
  std::uint16_t port = 0;
  bool verbose = false;
  int failures = 0, n = 0, sent[2] = {0, 0};  // sent over UDP, TCP

  // Counts a check: `missed` says what was observed instead, or is empty when it passed.
  void check(const Ctx& c, const Class& k, Text arg, const std::string& expected,
             const std::string& missed) {
    failures += !missed.empty();
    if (!missed.empty() || verbose)
      std::printf("%s %s #%d %s [%s]: expected %s, observed %s\n", missed.empty() ? "ok  " : "FAIL",
                  std::string(c.transport).c_str(), c.n, k.name, printable(arg).c_str(),
                  expected.c_str(), missed.empty() ? "that" : printable(missed).c_str());
  }

  // How `reply` falls short of `expect`ed status; "" when it meets it.
  static std::string shortfall(int expect, Text sent, const std::optional<std::string>& reply) {
    if (!reply) return expect == none ? "" : "nothing";
    int status = 0;
    if (reply->starts_with("SIP/2.0 "))
      std::from_chars(reply->data() + 8, reply->data() + 11, status);
    std::string seen = status ? std::to_string(status) : reply->substr(0, reply->find('\r'));
    if (status != expect) return seen;
    if (header(*reply, "Call-ID") != header(sent, "Call-ID")) return seen + " with another Call-ID";
    if (header(*reply, "CSeq") != header(sent, "CSeq")) return seen + " with another CSeq";
    return "";
  }

  // An OPTIONS must get 200; anything else coming first is a late answer to the malformed message.
  void ping(auto& link, Ctx c, const Class& k, Text arg) {
    c.local = link.local();
    std::string options = wire(request(c, "OPTIONS", "ping"));
    link.send(options);
    auto deadline = Clock::now() + kAnswerWithin;
    auto reply = link.receive(deadline);
    for (; reply && header(*reply, "Call-ID") != header(options, "Call-ID");
         reply = link.receive(deadline))
      check(c, k, arg, "no late answer", shortfall(none, options, reply));
    check(c, k, arg, "200 to the OPTIONS after it", shortfall(200, options, reply));
  }

  // A socket (UDP) or connection (TCP) per message, so that nothing a server retransmits for an
  // earlier one gets in the way. A framing error closes a connection by design: the OPTIONS then
  // follows on a new one, else on the same.
  template <class Protocol>
  void run(Text transport, int& count) {
    for (const auto& k : kClasses)
      for (int v = 0; v < k.rounds * static_cast<int>(k.args.size()); ++v, ++count) {
        Link<Protocol> link(io, {host, port});
        Ctx c{transport, link.local(), host.to_string() + ":" + std::to_string(port), ++n};
        Text arg = k.args[v % k.args.size()];
        std::string bytes =
            k.make(c, k.method.empty() ? kMethods[v % 6] : k.method, std::string(arg));
        int expect = transport == "UDP" ? k.udp : k.tcp;
        link.send(bytes);
        auto wait = expect == none ? Clock::duration(kSilenceFor) : kAnswerWithin;
        std::string wanted =
            expect ? std::to_string(expect) + " copying Call-ID and CSeq" : "nothing";
        check(c, k, arg, wanted, shortfall(expect, bytes, link.receive(Clock::now() + wait)));
        if (k.keeps_stream && link.closed)
          check(c, k, arg, "the connection kept open", "closed by the server");
        std::optional<Link<Protocol>> fresh;
        if (transport == "TCP" && (!k.keeps_stream || link.closed)) fresh.emplace(io, link.to);
        ping(fresh ? *fresh : link, c, k, arg);
      }
  }
};

}  // namespace

int main(int argc, char** argv) {
  Probe probe;
  probe.verbose = argc == 4 && argv[1] == "-v"sv;
  error_code ec;
  char* end = nullptr;
  if (argc >= 3) probe.host = asio::ip::make_address(argv[argc - 2], ec);
  unsigned long port = argc >= 3 ? std::strtoul(argv[argc - 1], &end, 10) : 0;
  probe.port = end && *end == '\0' && port <= 65535 ? static_cast<std::uint16_t>(port) : 0;
  if (argc != 3 + probe.verbose || ec || probe.port == 0) {
    std::fprintf(stderr, "usage: malformed_probe [-v] HOST PORT   (HOST an IP address)\n");
    return 2;
  }
  try {
    probe.run<udp>("UDP", probe.sent[0]);
    probe.run<tcp>("TCP", probe.sent[1]);
  } catch (const std::exception& e) {  // e.g. a TCP connection refused: the server is gone
    std::printf("FAIL after %d messages: %s\n", probe.sent[0] + probe.sent[1], e.what());
    ++probe.failures;
  }
  std::string failed = std::to_string(probe.failures) + " checks failed";
  std::printf("malformed_probe: %d sent over UDP, %d over TCP, %s\n", probe.sent[0], probe.sent[1],
              probe.failures > 0 ? failed.c_str() : "all OPTIONS answered");
  return probe.failures > 0 ? 1 : 0;
}
