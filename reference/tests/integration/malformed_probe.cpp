// A misbehaving SIP peer, on the wire only (Boost.Asio, no sipref code): the malformed corpus over
// UDP, then TCP, each reply checked against RFC 3261 and each message followed by an OPTIONS (200).
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
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "malformed_corpus.h"

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;
using namespace std::literals;
using malformed::Case;
using malformed::Ctx;
using malformed::none;
using malformed::skip;
using malformed::Stream;
using malformed::Text;
constexpr auto npos = Text::npos;

constexpr auto kAnswerWithin = 2s;
constexpr auto kSilenceFor = 200ms;  // absence cannot be awaited: a bounded wait stands in for it

bool iequals(Text a, Text b) {
  auto lower = [](char c) { return std::tolower(static_cast<unsigned char>(c)); };
  return std::ranges::equal(a, b, {}, lower, lower);
}

bool icontains(Text text, Text part) {
  auto lower = [](char c) { return std::tolower(static_cast<unsigned char>(c)); };
  return !std::ranges::search(text, part, {}, lower, lower).empty();
}

// RFC 3261 §7.3.3: the compact form of a header name, or the name itself.
Text compact_form(Text name) {
  constexpr std::pair<Text, Text> kCompact[] = {
      {"Call-ID", "i"},      {"Contact", "m"}, {"Content-Length", "l"},
      {"Content-Type", "c"}, {"From", "f"},    {"Subject", "s"},
      {"To", "t"},           {"Via", "v"}};
  for (auto [full, short_name] : kCompact)
    if (iequals(full, name)) return short_name;
  return name;
}

// The first `name` header (full or compact) of a message's header section, trimmed. Lines end
// with CRLF or, in some of the messages sent, a bare LF.
std::optional<std::string> header(Text message, Text name) {
  std::size_t end = std::min(message.find("\r\n\r\n"), message.find("\n\n"));
  Text head = message.substr(0, end);
  for (std::size_t pos = head.find('\n'); pos != npos;) {
    std::size_t next = head.find('\n', pos + 1);
    Text line = head.substr(pos + 1, next == npos ? npos : next - pos - 1);
    pos = next;
    if (line.ends_with('\r')) line.remove_suffix(1);
    std::size_t colon = line.find(':');
    if (colon == npos) continue;
    Text field = line.substr(0, colon);
    field = field.substr(0, field.find_last_not_of(" \t") + 1);
    if (!iequals(field, name) && !iequals(field, compact_form(name))) continue;
    Text value = line.substr(colon + 1);
    value.remove_prefix(std::min(value.find_first_not_of(" \t"), value.size()));
    return std::string(value.substr(0, value.find_last_not_of(" \t") + 1));
  }
  return std::nullopt;
}

int status_of(Text reply) {
  int status = 0;
  if (reply.starts_with("SIP/2.0 ") && reply.size() >= 11)
    std::from_chars(reply.data() + 8, reply.data() + 11, status);
  return status;
}

Text reason_of(Text reply) {
  Text line = reply.substr(0, reply.find("\r\n"));
  return line.size() > 12 ? line.substr(12) : Text();
}

// Bytes for a report line: non-printables as \xNN, long texts cut.
std::string printable(Text bytes, std::size_t most = 60) {
  std::string out;
  for (char hex[5]; unsigned char c : bytes.substr(0, most))
    out += (std::snprintf(hex, 5, c >= 0x20 && c < 0x7f ? "%c" : "\\x%02x", c), hex);
  return bytes.size() > most ? out + "..." : out;
}

// §17.1.1.3: the ACK for a non-2xx final response to `invite`; empty when it cannot be built.
std::string ack_for(Text invite, Text reply) {
  Text line = invite.substr(0, invite.find("\r\n"));
  std::size_t first = line.find(' '), last = line.rfind(' ');
  auto via = header(invite, "Via"), from = header(invite, "From"), to = header(reply, "To"),
       call_id = header(invite, "Call-ID"), cseq = header(invite, "CSeq");
  if (first == last || !via || !from || !to || !call_id || !cseq) return {};
  return "ACK " + std::string(line.substr(first + 1, last - first - 1)) +
         " SIP/2.0\r\nVia: " + *via + "\r\nMax-Forwards: 70\r\nFrom: " + *from + "\r\nTo: " + *to +
         "\r\nCall-ID: " + *call_id + "\r\nCSeq: " + cseq->substr(0, cseq->find(' ')) +
         " ACK\r\nContent-Length: 0\r\n\r\n";
}

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
  static constexpr bool kStream = std::is_same_v<Protocol, tcp>;

  Link(asio::io_context& io, const typename Protocol::endpoint& to) : io(io), to(to), socket(io) {
    socket.connect(to);
  }
  std::string local() const {
    auto at = socket.local_endpoint();
    return at.address().to_string() + ":" + std::to_string(at.port());
  }
  // False when the bytes could not be handed over (a datagram too large, or a server that stops
  // reading); a connection the server closed meanwhile is no failure: its answer still counts.
  bool send(Text bytes) {
    error_code ec;
    if constexpr (!kStream) {
      socket.send(asio::buffer(bytes.data(), bytes.size()), 0, ec);
      return !ec;
    } else {
      bool done = false;
      asio::async_write(
          socket, asio::buffer(bytes.data(), bytes.size()),
          [&](const error_code& e, std::size_t) { done = e != asio::error::operation_aborted; });
      return await(io, socket, done, Clock::now() + 5s);
    }
  }
  void shutdown_send() {
    error_code ignored;
    if constexpr (kStream) socket.shutdown(tcp::socket::shutdown_send, ignored);
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
  // Whether the server ends the connection by the deadline (what it sends first is dropped).
  bool closes_by(Clock::time_point deadline) {
    while (!closed && Clock::now() < deadline) receive(deadline);
    return closed;
  }
  asio::io_context& io;
  typename Protocol::endpoint to;
  typename Protocol::socket socket;
  std::string buffer;
  std::array<char, 65536> chunk{};
  bool closed = false;
};

// ---- the run

struct Tally {
  int sent = 0, skipped = 0, silent = 0, probes = 0, probes_passed = 0;
  std::map<int, int> statuses;
  std::vector<std::string> failed, deviated;
};

struct Probe {
  asio::io_context io;
  asio::ip::address host;
  std::uint16_t port = 0;
  bool verbose = false;
  std::set<std::string> known;  // cases where the target is known to deviate (--known)
  std::set<std::string> passed_known;
  std::map<Text, Tally> tally;  // per transport
  int n = 0;

  std::string target() const { return host.to_string() + ":" + std::to_string(port); }

  // The next final response (provisionals skipped); an INVITE's non-2xx one is ACKed.
  template <class Protocol>
  static std::optional<std::string> final_reply(Link<Protocol>& link, Text sent,
                                                Clock::time_point deadline) {
    for (auto reply = link.receive(deadline); reply; reply = link.receive(deadline)) {
      int status = status_of(*reply);
      if (status >= 100 && status < 200) continue;
      if (status >= 300 && sent.starts_with("INVITE ")) {
        if (std::string ack = ack_for(sent, *reply); !ack.empty()) link.send(ack);
      }
      return reply;
    }
    return std::nullopt;
  }

  // How `reply` falls short of the case; "" when it meets it.
  static std::string shortfall(const Case& k, const malformed::Want& want, Text sent,
                               const std::optional<std::string>& reply) {
    int status = reply ? status_of(*reply) : none;
    if (reply && status == 0)
      return "expected " + want.to_string() + ", observed " + printable(*reply);
    if (!want.allows(status))
      return "expected " + want.to_string() + ", observed " +
             (reply ? printable(reply->substr(0, reply->find('\r'))) : "nothing");
    if (!reply) return "";
    for (Text name : {"Call-ID", "CSeq"})
      if (auto copied = header(sent, name); copied && header(*reply, name) != copied)
        return std::to_string(status) + " does not copy the " + std::string(name) + " (" +
               printable(header(*reply, name).value_or("none")) + ")";
    if (!k.reason.empty() && !icontains(reason_of(*reply), k.reason))
      return std::to_string(status) + "'s reason phrase '" + printable(reason_of(*reply)) +
             "' does not mention " + k.reason;
    return "";
  }

  // An OPTIONS must get 200. A reply to the malformed message arriving first is returned (a late
  // answer), unless it repeats `seen`.
  template <class Protocol>
  std::optional<std::string> ping(Link<Protocol>& link, Ctx c,
                                  const std::optional<std::string>& seen,
                                  std::vector<std::string>& problems, Tally& t) {
    c.local = link.local();
    std::string options = malformed::wire(malformed::request(c, "OPTIONS", "ping"));
    ++t.probes;
    if (!link.send(options)) {
      problems.push_back("the OPTIONS after it could not be sent");
      return std::nullopt;
    }
    std::optional<std::string> late;
    auto deadline = Clock::now() + kAnswerWithin;
    auto reply = link.receive(deadline);
    for (; reply && header(*reply, "Call-ID") != header(options, "Call-ID");
         reply = link.receive(deadline)) {
      int status = status_of(*reply);
      bool repeated = seen && status == status_of(*seen) &&
                      header(*reply, "Call-ID") == header(*seen, "Call-ID");
      if (!repeated && !(status >= 100 && status < 200) && !late) late = reply;
    }
    if (reply && status_of(*reply) == 200)
      ++t.probes_passed;
    else
      problems.push_back("the OPTIONS after it got " +
                         (reply ? printable(reply->substr(0, reply->find('\r'))) : "nothing"));
    return late;
  }

  // No stuck connections: once the probe closes its side, the server closes too.
  static void closes_after_probe(Link<tcp>& link, std::vector<std::string>& problems) {
    if (link.closed) return;
    link.shutdown_send();
    if (!link.closes_by(Clock::now() + kAnswerWithin))
      problems.push_back("a connection stayed open after the probe closed its side");
  }

  // One message: a socket (UDP) or connection (TCP) of its own, so that nothing a server
  // retransmits for an earlier one gets in the way.
  template <class Protocol>
  void run_case(const Case& k, Text transport) {
    constexpr bool kTcp = Link<Protocol>::kStream;
    const malformed::Want& want = kTcp ? k.tcp : k.udp;
    Tally& t = tally[transport];
    if (want.allows(skip)) {
      ++t.skipped;
      return;
    }
    Link<Protocol> link(io, {host, port});
    Ctx c{transport, link.local(), target(), ++n};
    std::string bytes = k.make(c);
    std::vector<std::string> problems;
    if (!link.send(bytes)) problems.push_back("could not be sent");
    ++t.sent;
    bool half_closed = kTcp && k.stream == Stream::half_closed;
    if (half_closed) link.shutdown_send();
    // Silence alone is owed and the OPTIONS follows on the same socket: the server answers in
    // order, so no wait is needed; an answer to the message would come before the 200.
    bool ping_here = !kTcp || k.stream == Stream::kept;
    bool silence_first = want.any == std::vector<int>{none} && ping_here;
    std::optional<std::string> reply;
    if (!silence_first) {
      auto wait = want.allows(none) && !half_closed ? Clock::duration(kSilenceFor) : kAnswerWithin;
      reply = final_reply(link, bytes, Clock::now() + wait);
    }
    if (half_closed && !link.closes_by(Clock::now() + kAnswerWithin))
      problems.push_back("the connection stayed open after the probe closed its side");
    if (kTcp && k.stream == Stream::kept && link.closed)
      problems.push_back("the server closed a connection whose framing was intact");

    std::optional<Link<Protocol>> fresh;
    if (kTcp && (!ping_here || link.closed)) fresh.emplace(io, link.to);
    auto late = ping(fresh ? *fresh : link, c, reply, problems, t);
    if (late && silence_first && !fresh)
      reply = late;  // the answer, in order, before the 200
    else if (late)
      problems.push_back("a late answer came before the OPTIONS' 200: " +
                         printable(late->substr(0, late->find('\r'))));
    if (auto missed = shortfall(k, want, bytes, reply); !missed.empty())
      problems.insert(problems.begin(), missed);

    if constexpr (kTcp) {
      closes_after_probe(link, problems);
      if (fresh) closes_after_probe(*fresh, problems);
    }
    record(k, transport, c.n, bytes, reply, problems, t);
  }

  void record(const Case& k, Text transport, int number, Text bytes,
              const std::optional<std::string>& reply, const std::vector<std::string>& problems,
              Tally& t) {
    if (reply)
      ++t.statuses[status_of(*reply)];
    else
      ++t.silent;
    std::string what;
    for (const auto& p : problems) what += (what.empty() ? "" : "; ") + p;
    bool deviation = known.contains(k.name);
    if (problems.empty() && deviation) passed_known.insert(k.name);
    if (!problems.empty()) (deviation ? t.deviated : t.failed).push_back(k.name + ": " + what);
    if (!problems.empty() || verbose)
      std::printf("%s %s #%d %s: %s  [%s]\n",
                  problems.empty() ? "ok  "
                  : deviation      ? "KNOWN"
                                   : "FAIL",
                  std::string(transport).c_str(), number, k.name.c_str(),
                  problems.empty()
                      ? (reply ? reply->substr(0, reply->find('\r')).c_str() : "silence")
                      : what.c_str(),
                  printable(bytes).c_str());
  }

  void run(const std::vector<const Case*>& cases) {
    for (const Case* k : cases) run_case<udp>(*k, "UDP");
    for (const Case* k : cases) run_case<tcp>(*k, "TCP");
  }

  int report(std::size_t corpus_size, std::size_t ran, const std::string& selection) {
    std::printf("\nmalformed_probe: %zu of %zu messages (%s)\n", ran, corpus_size,
                selection.c_str());
    std::set<int> statuses;
    for (auto& [transport, t] : tally)
      for (auto& [status, count] : t.statuses) statuses.insert(status);
    auto row = [&](const char* label, auto value) {
      std::printf("  %-22s", label);
      for (Text transport : {"UDP"sv, "TCP"sv})
        std::printf(" %8s", value(tally[transport]).c_str());
      std::printf("\n");
    };
    std::printf("  %-22s %8s %8s\n", "", "UDP", "TCP");
    row("sent", [](Tally& t) { return std::to_string(t.sent); });
    row("not sent (too large)", [](Tally& t) { return std::to_string(t.skipped); });
    for (int status : statuses) {
      std::string label = "replied " + std::to_string(status);
      row(label.c_str(), [&](Tally& t) { return std::to_string(t.statuses[status]); });
    }
    row("silent drops", [](Tally& t) { return std::to_string(t.silent); });
    row("liveness probes passed",
        [](Tally& t) { return std::to_string(t.probes_passed) + "/" + std::to_string(t.probes); });
    row("known deviations", [](Tally& t) { return std::to_string(t.deviated.size()); });
    row("failures", [](Tally& t) { return std::to_string(t.failed.size()); });
    int failures = 0;
    for (auto& [transport, t] : tally) {
      for (const auto& f : t.deviated)
        std::printf("  known deviation %s: %s\n", std::string(transport).c_str(), f.c_str());
      for (const auto& f : t.failed)
        std::printf("  FAILED %s: %s\n", std::string(transport).c_str(), f.c_str());
      failures += static_cast<int>(t.failed.size());
    }
    for (const auto& name : known)
      if (passed_known.contains(name))
        std::printf("  note: %s passed where it was declared a known deviation\n", name.c_str());
    return failures > 0 ? 1 : 0;
  }
};

// A deterministic subset of about `size`: every RFC 4475 message, one of each class (the k-th
// class gives its k-th message, so the picks vary), then evenly spread others.
std::vector<const Case*> sample(const std::vector<Case>& all, std::size_t size) {
  std::vector<bool> chosen(all.size());
  std::map<std::string, std::vector<std::size_t>> groups;
  std::vector<std::string> order;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].name.starts_with("rfc4475/")) chosen[i] = true;
    auto [it, added] = groups.try_emplace(all[i].group());
    if (added) order.push_back(all[i].group());
    it->second.push_back(i);
  }
  for (std::size_t k = 0; k < order.size(); ++k) {
    const auto& members = groups[order[k]];
    chosen[members[k % members.size()]] = true;
  }
  std::size_t count = std::ranges::count(chosen, true);
  std::size_t rest = all.size() - count;
  if (size > count && rest > 0) {
    double step = static_cast<double>(rest) / static_cast<double>(std::min(size - count, rest));
    double next = 0;
    for (std::size_t i = 0, r = 0; i < all.size(); ++i) {
      if (chosen[i]) continue;
      if (static_cast<double>(r++) >= next) {
        chosen[i] = true;
        next += step;
      }
    }
  }
  std::vector<const Case*> out;
  for (std::size_t i = 0; i < all.size(); ++i)
    if (chosen[i]) out.push_back(&all[i]);
  return out;
}

int usage() {
  std::fprintf(
      stderr,
      "usage: malformed_probe [-v] [--all | --sample N] [--only PREFIX] [--known NAME]...\n"
      "                       HOST PORT     (HOST an IP address)\n"
      "       malformed_probe --list\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<Case> all = malformed::corpus();
  std::set<std::string> names;
  for (const auto& k : all)
    if (!names.insert(k.name).second) {
      std::fprintf(stderr, "malformed_probe: the corpus names %s twice\n", k.name.c_str());
      return 2;
    }

  Probe probe;
  std::size_t sample_size = 0;  // 0: all
  std::string only;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    Text arg = argv[i];
    bool has_value = i + 1 < argc;
    if (arg == "-v") {
      probe.verbose = true;
    } else if (arg == "--all") {
      sample_size = 0;
    } else if (arg == "--sample" && has_value) {
      sample_size = std::strtoul(argv[++i], nullptr, 10);
    } else if (arg == "--only" && has_value) {
      only = argv[++i];
    } else if (arg == "--known" && has_value) {
      probe.known.insert(argv[++i]);
    } else if (arg == "--list") {
      for (const auto& k : all)
        std::printf("%-48s UDP %-16s TCP %s\n", k.name.c_str(), k.udp.to_string().c_str(),
                    k.tcp.to_string().c_str());
      return 0;
    } else if (arg.starts_with("-")) {
      return usage();
    } else {
      positional.emplace_back(arg);
    }
  }
  error_code ec;
  char* end = nullptr;
  if (positional.size() == 2) probe.host = asio::ip::make_address(positional[0], ec);
  unsigned long port = positional.size() == 2 ? std::strtoul(positional[1].c_str(), &end, 10) : 0;
  probe.port = end && *end == '\0' && port <= 65535 ? static_cast<std::uint16_t>(port) : 0;
  if (positional.size() != 2 || ec || probe.port == 0) return usage();
  for (const auto& name : probe.known)
    if (!names.contains(name)) {
      std::fprintf(stderr, "malformed_probe: --known %s: no such message\n", name.c_str());
      return 2;
    }

  std::vector<const Case*> cases;
  if (sample_size > 0)
    cases = sample(all, sample_size);
  else
    for (const auto& k : all) cases.push_back(&k);
  std::erase_if(cases, [&](const Case* k) { return !k->name.starts_with(only); });
  std::string selection = sample_size > 0 ? "--sample " + std::to_string(sample_size) : "--all";
  if (!only.empty()) selection += ", --only " + only;

  auto started = Clock::now();
  try {
    probe.run(cases);
  } catch (const std::exception& e) {  // e.g. a TCP connection refused: the server is gone
    std::printf("FAIL after %d messages: %s\n", probe.n, e.what());
    probe.tally["TCP"].failed.push_back("the server stopped accepting connections: "s + e.what());
  }
  int status = probe.report(all.size(), cases.size(), selection);
  std::printf("  took %.1f s\n", std::chrono::duration<double>(Clock::now() - started).count());
  return status;
}
