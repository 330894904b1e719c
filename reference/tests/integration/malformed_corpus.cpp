// The corpus's building blocks (placeholders, the well-formed request, edits) and its order.
// The classes themselves live in malformed_{rfc4475,rfc3261,protos,structure}.cpp.
#include "malformed_corpus.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace malformed {
namespace {

bool iequals(Text a, Text b) {
  auto lower = [](char c) { return std::tolower(static_cast<unsigned char>(c)); };
  return std::ranges::equal(a, b, {}, lower, lower);
}

Text header_name(Text line) {
  return line.substr(0, line.find(':'));
}

}  // namespace

bool Want::allows(int status) const {
  return std::ranges::find(any, status) != any.end();
}

std::string Want::to_string() const {
  std::string out;
  for (int status : any)
    out += (out.empty() ? "" : " or ") + (status == none ? "nothing" : std::to_string(status));
  return out;
}

std::string fill(Text pattern, const Ctx& c, Text method) {
  const std::pair<Text, std::string> keys[] = {
      {"{m}", std::string(method)},
      {"{t}", c.target},
      {"{h}", c.target.substr(0, c.target.rfind(':'))},
      {"{u}", "sip:svc@" + c.target},
      {"{l}", c.local},
      {"{T}", std::string(c.transport)},
      {"{n}", std::to_string(c.n)},
      {"{1k}", std::string(1024, 'a')},
      {"{8k}", std::string(8192, 'a')},
      {"{64k}", std::string(65536, 'a')},
  };
  std::string out;
  for (std::size_t at = 0; at < pattern.size();) {  // one pass: values are never expanded again
    auto key = std::ranges::find_if(keys, [&](const auto& k) {
      return pattern[at] == '{' && pattern.substr(at).starts_with(k.first);
    });
    if (key == std::end(keys)) {
      out += pattern[at++];
    } else {
      out += key->second;
      at += key->first.size();
    }
  }
  return out;
}

Lines request(const Ctx& c, Text method, Text kind) {
  std::string id = std::string(kind) + "-" + std::string(c.transport) + std::to_string(c.n);
  return {fill("{m} sip:svc-{n}@{t} SIP/2.0", c, method),
          fill("Via: SIP/2.0/{T} {l};rport;branch=z9hG4bK-", c, method) + id,
          "Max-Forwards: 70",
          fill("From: \"Probe\" <sip:probe@{l}>;tag=f{n}", c, method),
          fill("To: <sip:svc-{n}@{t}>", c, method),
          "Call-ID: " + id + "@probe",
          fill("CSeq: {n} {m}", c, method),
          "Subject: malformed probe",
          "Content-Length: 0"};
}

Lines edited(Lines m, const Ctx& c, Text method, Text edit) {
  char op = edit.empty() ? ' ' : edit.front();
  std::string line = fill(edit.substr(op == '=' || op == '+' || op == '-'), c, method);
  auto same = std::find_if(m.begin() + 1, m.end(),
                           [&](Text l) { return iequals(header_name(l), header_name(line)); });
  if (op == '=')
    m.front() = line;
  else if (op == '-')
    std::erase_if(m, [&](Text l) { return iequals(header_name(l), line); });
  else if (op == '+' || same == m.end())
    m.push_back(line);
  else
    *same = line;
  return m;
}

std::string wire(const Lines& lines, Text body) {
  std::string out;
  for (const auto& line : lines) out += line + "\r\n";
  return out + "\r\n" + std::string(body);
}

Make message(Text method, std::vector<std::string> edits, std::string body) {
  return [method = std::string(method), edits = std::move(edits),
          body = std::move(body)](const Ctx& c) {
    Lines lines = request(c, method);
    if (!body.empty()) lines.back() = "Content-Length: " + std::to_string(body.size());
    for (const auto& edit : edits) lines = edited(std::move(lines), c, method, edit);
    return wire(lines, body);
  };
}

Make raw(std::string pattern, Text method) {
  return [pattern = std::move(pattern), method = std::string(method)](const Ctx& c) {
    return fill(pattern, c, method);
  };
}

std::string repeat(Text piece, std::size_t times) {
  std::string out;
  out.reserve(piece.size() * times);
  for (std::size_t i = 0; i < times; ++i) out += piece;
  return out;
}

std::vector<Case> corpus() {
  std::vector<Case> out;
  add_rfc4475(out);
  add_rfc3261(out);
  add_protos(out);
  add_structure(out);
  return out;
}

}  // namespace malformed
