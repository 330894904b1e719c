// The malformed probe's corpus: every message it sends, by name, with what RFC 3261 asks of a
// server in reply. Wire text only (no sipref code): RFC 4475's torture tests and generated classes.
#pragma once

#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace malformed {

using Text = std::string_view;

constexpr int none = 0;   // silence: no response can be built (no usable Via …), or none is owed
constexpr int skip = -1;  // not sent over this transport (e.g. larger than any UDP datagram)

// What a server may answer. Usually one status; several where RFC 3261 leaves the choice, e.g. to
// tolerate a flaw in a header it never reads (200) or to refuse it (400), or where a check the RFC
// orders first (404 for a Request-URI the server does not serve, §8.2.2.1) may come before the
// one the message is about.
struct Want {
  Want(int status) : any{status} {}  // NOLINT: implicit, a status reads best as itself
  Want(std::initializer_list<int> statuses) : any(statuses) {}
  bool allows(int status) const;
  std::string to_string() const;  // "400", "200 or 400", "nothing"
  std::vector<int> any;
};

// Where a message goes and comes from; n numbers it, so Call-IDs, tags and branches are unique.
struct Ctx {
  Text transport;      // "UDP" or "TCP"
  std::string local;   // our sent-by, host:port
  std::string target;  // the server, host:port
  int n = 0;
};

// What a message leaves of a TCP connection.
enum class Stream {
  kept,         // framed as sent: the OPTIONS follows on it, and the server must keep it open
  broken,       // framing lost, or more bytes awaited: the OPTIONS follows on a new connection
  half_closed,  // the probe shuts its side after the bytes: the server must close it too
};

using Make = std::function<std::string(const Ctx&)>;

struct Case {
  std::string name;  // "<class>/<variant>", e.g. "protos/cseq/overflow-32"
  Want udp, tcp;     // the answer owed over each transport (skip: not sent there)
  Stream stream = Stream::kept;
  Make make;
  std::string reason = {};  // text the reply's reason phrase must contain (any case), if any
  std::string group() const { return name.substr(0, name.rfind('/')); }
};

// Every message in a fixed order: RFC 4475 first, then the hand-written RFC 3261 classes, the
// PROTOS-style field × mutation table, each method with one defect and the structural classes
// (floods, sizes, line ends, truncated streams).
std::vector<Case> corpus();
void add_rfc4475(std::vector<Case>& out);
void add_rfc3261(std::vector<Case>& out);
void add_protos(std::vector<Case>& out);
void add_structure(std::vector<Case>& out);

// Expands {m} (method), {t} (target host:port), {h} (target host), {u} (a URI there), {l} (local),
// {T} (transport), {n} (number) and {1k} {8k} {64k} (runs of that many 'a'); anything else, such
// as a % of a format string, stays as it is.
std::string fill(Text pattern, const Ctx& c, Text method = "OPTIONS");

// A well-formed request, headers one per line, the start line first and Content-Length last.
using Lines = std::vector<std::string>;
Lines request(const Ctx& c, Text method, Text kind = "bad");
// `lines` changed by `edit` (filled first): "=LINE" replaces the start line, "-Name" drops that
// header, "+Name: value" appends one and "Name: value" replaces the first of that name (or
// appends it).
Lines edited(Lines lines, const Ctx& c, Text method, Text edit);
// Lines joined with CRLF, the empty line, then the body (Content-Length is left as written).
std::string wire(const Lines& lines, Text body = {});

// `method`'s request with `edits` applied in order, then `body`, whose size the Content-Length
// states unless an edit sets it.
Make message(Text method, std::vector<std::string> edits, std::string body = {});
// The bytes of `pattern`, filled.
Make raw(std::string pattern, Text method = "OPTIONS");
std::string repeat(Text piece, std::size_t times);

}  // namespace malformed
