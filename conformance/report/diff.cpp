// Golden diff of two runs: masking, the per-case event lines, their LCS alignment and the three
// renderings (console text, JSON, a standalone HTML page).
#include "report/diff.h"

#include <algorithm>
#include <cctype>
#include <compare>
#include <map>
#include <regex>
#include <set>

#include "report/markup.h"
#include "util/cidr.h"
#include "util/json.h"

namespace sipconform {
namespace {

// Run-specific values, replaced in this order (addresses before the digit runs inside them).
const std::vector<std::pair<std::regex, std::string>>& dynamic_patterns() {
  static const std::vector<std::pair<std::regex, std::string>> patterns = {
      {std::regex(R"(\b(tag|branch)=[^;>,\s"]+)"), "$1=*"},
      {std::regex(R"(\b([A-Z]{2})[0-9a-fA-F]{32}\b)"), "$1…"},
      {std::regex(R"(\btk[0-9]{3,}\b)"), "tk…"},
      {std::regex(R"(\[?\b(\d{1,3}\.){3}\d{1,3}\b\]?(:\d{1,5}\b)?)"), "<ip>"},
      {std::regex(R"((\.[A-Za-z][A-Za-z0-9-]*):\d{2,5}\b)"), "$1:*"},
      {std::regex(R"(\b[0-9a-fA-F]{10,}\b)"), "…"},
  };
  return patterns;
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  if (from.empty()) return text;
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// A party's name, or the target's with the edge of `address` ("target[dublin]").
std::string name_of(const std::string& party, const std::string& address, const EdgeRanges& edges) {
  if (party != "target") return party;
  for (const auto& [edge, cidrs] : edges)
    if (address_in_cidrs(address, cidrs)) return "target[" + edge + "]";
  return party;
}

// Who used which address in this case: the parties as the harness placed them, and every address
// the timeline attributed to a party or to the target.
AddressNames address_names(const CaseResult& result, const EdgeRanges& edges) {
  std::map<std::string, std::string> names;
  for (const auto& party : result.parties)
    if (!party.address.empty()) names.emplace(party.address, party.name);
  for (const auto& event : result.timeline.events) {
    if (event.kind != Event::Kind::sip) continue;
    if (!event.sip.from_party.empty())
      names.emplace(event.sip.src, name_of(event.sip.from_party, event.sip.src, edges));
    if (!event.sip.to_party.empty())
      names.emplace(event.sip.dst, name_of(event.sip.to_party, event.sip.dst, edges));
  }
  AddressNames out(names.begin(), names.end());
  // Longest first: "127.20.1.1:50601" must not be read as "127.20.1.1:5060" followed by a 1.
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& x, const auto& y) { return x.first.size() > y.first.size(); });
  return out;
}

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return text;
}

// A few header values that are the target's decisions (where it sends, why it hangs up, what it
// carries, which X- headers it adds or passes on), masked; the rest of the headers (Via, Contact,
// Allow, Max-Forwards …) vary between correct implementations.
std::string sip_facts(const SipEvent& sip, const AddressNames& names) {
  std::vector<std::string> facts;
  const std::string* to = sip.header("To");
  const bool out_of_dialog = sip.request && to && to->find("tag=") == std::string::npos;
  if (out_of_dialog && sip.method != "ACK" && sip.method != "CANCEL")
    facts.push_back("uri=" + mask_dynamic(sip.request_uri, names));
  if (const std::string* type = sip.header("Content-Type"))
    facts.push_back("Content-Type=" +
                    lowercase(type->substr(0, std::min(type->find(';'), type->size()))));
  for (const char* name : {"Reason", "Retry-After", "Event", "Subscription-State", "Refer-To",
                           "Require", "User-to-User"})
    if (const std::string* value = sip.header(name))
      facts.push_back(std::string(name) + "=" + mask_dynamic(*value, names));
  // Custom and identity headers (X-…) are what the target passes on or adds: by name, sorted.
  std::vector<std::string> custom;
  for (const auto& [name, value] : sip.headers)
    if (name.size() > 2 && (name[0] == 'X' || name[0] == 'x') && name[1] == '-')
      custom.push_back(name + "=" + mask_dynamic(value, names));
  std::sort(custom.begin(), custom.end());
  facts.insert(facts.end(), custom.begin(), custom.end());
  std::string out;
  for (const auto& fact : facts) out += (out.empty() ? " [" : ", ") + fact;
  return out.empty() ? out : out + "]";
}

std::string sip_line(const SipEvent& sip, const AddressNames& names, const EdgeRanges& edges) {
  const std::string from = sip.from_party.empty() ? mask_dynamic(sip.src, names)
                                                  : name_of(sip.from_party, sip.src, edges);
  const std::string to =
      sip.to_party.empty() ? mask_dynamic(sip.dst, names) : name_of(sip.to_party, sip.dst, edges);
  std::string line = from + " -> " + to + " ";
  line += sip.request
              ? sip.method
              : std::to_string(sip.status) + (sip.cseq_method.empty() ? "" : " " + sip.cseq_method);
  if (sip.from_party == "target") line += sip_facts(sip, names);
  return line;
}

std::string webhook_line(const WebhookEvent& hook, const AddressNames& names) {
  std::string facts;
  for (const char* name : {"CallStatus", "DialCallStatus", "DialSipResponseCode"})
    if (const std::string* value = hook.param(name))
      facts +=
          (facts.empty() ? " [" : ", ") + std::string(name) + "=" + mask_dynamic(*value, names);
  return "webhook " + hook.method + " " + mask_dynamic(hook.path, names) +
         (facts.empty() ? "" : facts + "]");
}

// Where an event's order is its own: one direction between the target and one party, one
// webhook path, the REST steps. Compared as (rank, name) so streams follow a fixed order.
struct Stream {
  std::size_t rank = 0;
  std::string name;
  friend auto operator<=>(const Stream&, const Stream&) = default;
};

// Per party, whether the target spoke first (it dialled the party) or the party did (it called
// in): that direction's stream comes first, so the lines read as the ladder does.
std::vector<bool> target_spoke_first(const CaseResult& result) {
  std::vector<bool> first(result.parties.size(), false);
  std::vector<bool> decided(result.parties.size(), false);
  for (const auto& event : result.timeline.events) {
    if (event.kind != Event::Kind::sip) continue;
    for (std::size_t i = 0; i < result.parties.size(); ++i) {
      const bool from_party = event.sip.from_party == result.parties[i].name;
      if (decided[i] || (!from_party && event.sip.to_party != result.parties[i].name)) continue;
      decided[i] = true;
      first[i] = !from_party;
    }
  }
  return first;
}

Stream stream_of(const Event& event, const std::vector<PartyResult>& parties,
                 const std::vector<bool>& target_first) {
  const std::size_t webhooks = 2 * parties.size() + 1;
  if (event.kind == Event::Kind::webhook) return {webhooks, event.webhook.path};
  if (event.kind == Event::Kind::api) return {webhooks + 1, ""};
  const SipEvent& sip = event.sip;
  for (std::size_t i = 0; i < parties.size(); ++i) {
    const bool from_party = sip.from_party == parties[i].name;
    if (from_party || sip.to_party == parties[i].name)
      return {2 * i + (from_party == target_first[i] ? 1 : 0), ""};
  }
  // Between addresses no party owns (another edge of the target, an unknown sender).
  return {2 * parties.size(), sip.src + ">" + sip.dst};
}

// Same direction, Call-ID, CSeq, top Via (its branch) and first line: the same message again.
std::string retransmission_key(const SipEvent& sip) {
  const std::string* cseq = sip.header("CSeq");
  const std::string* via = sip.header("Via");
  return sip.src + ">" + sip.dst + "|" + sip.call_id + "|" + (cseq ? *cseq : "") + "|" +
         (via ? *via : "") + "|" + sip.first_line();
}

std::vector<std::vector<unsigned>> lcs_table(const std::vector<std::string>& a,
                                             const std::vector<std::string>& b) {
  // table[i][j]: length of the LCS of a[i..] and b[j..]
  std::vector<std::vector<unsigned>> table(a.size() + 1, std::vector<unsigned>(b.size() + 1, 0));
  for (std::size_t i = a.size(); i-- > 0;)
    for (std::size_t j = b.size(); j-- > 0;)
      table[i][j] =
          a[i] == b[j] ? table[i + 1][j + 1] + 1 : std::max(table[i + 1][j], table[i][j + 1]);
  return table;
}

std::string verdict_text(const std::optional<Verdict>& verdict) {
  return verdict ? std::string(to_string(*verdict)) : "-";
}

// The case's heading line: its id and what differs.
std::string case_heading(const CaseDiff& c) {
  switch (c.difference) {
    case CaseDifference::only_in_a:
      return c.id + ": only in A (" + verdict_text(c.verdict_a) + ")";
    case CaseDifference::only_in_b:
      return c.id + ": only in B (" + verdict_text(c.verdict_b) + ")";
    case CaseDifference::verdict:
      return c.id + ": verdict " + verdict_text(c.verdict_a) + " (A) vs " +
             verdict_text(c.verdict_b) + " (B)" +
             (c.sequence_differs() ? ", sequence differs" : "");
    case CaseDifference::sequence:
      return c.id + ": sequence differs (both " + verdict_text(c.verdict_a) + ")";
    case CaseDifference::same:
      break;
  }
  return c.id + ": same";
}

std::string summary_line(const RunDiff& diff) {
  return std::to_string(diff.cases.size()) +
         " cases: " + std::to_string(diff.count(CaseDifference::same)) + " same, " +
         std::to_string(diff.count(CaseDifference::verdict)) + " verdict differs, " +
         std::to_string(diff.count(CaseDifference::sequence)) + " sequence differs, " +
         std::to_string(diff.count(CaseDifference::only_in_a)) + " only in A, " +
         std::to_string(diff.count(CaseDifference::only_in_b)) + " only in B";
}

// Indexes of the lines to print: every change with `context` unchanged lines either side.
std::vector<bool> lines_to_show(const std::vector<DiffLine>& lines, std::size_t context) {
  std::vector<bool> show(lines.size(), false);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].op == ' ') continue;
    const std::size_t from = i >= context ? i - context : 0;
    const std::size_t to = std::min(lines.size(), i + context + 1);
    for (std::size_t k = from; k < to; ++k) show[k] = true;
  }
  return show;
}

}  // namespace

std::string mask_dynamic(std::string_view text, const AddressNames& names) {
  std::string out(text);
  for (const auto& [address, name] : names) out = replace_all(std::move(out), address, name);
  for (const auto& [pattern, replacement] : dynamic_patterns())
    out = std::regex_replace(out, pattern, replacement);
  return out;
}

std::vector<std::string> sequence_lines(const CaseResult& result, SequenceOrder order,
                                        const EdgeRanges& edges) {
  const AddressNames names = address_names(result, edges);
  const std::vector<bool> target_first = target_spoke_first(result);
  std::set<std::string> seen_messages;
  std::vector<std::pair<Stream, std::string>> lines;
  for (const auto& event : result.timeline.events) {
    if (event.kind == Event::Kind::sip) {
      if (!seen_messages.insert(retransmission_key(event.sip)).second) continue;
      lines.emplace_back(stream_of(event, result.parties, target_first),
                         sip_line(event.sip, names, edges));
    } else if (event.kind == Event::Kind::webhook) {
      lines.emplace_back(stream_of(event, result.parties, target_first),
                         webhook_line(event.webhook, names));
    } else {
      lines.emplace_back(stream_of(event, result.parties, target_first),
                         "api " + event.api.method + " " + mask_dynamic(event.api.path, names) +
                             " -> " + std::to_string(event.api.status));
    }
  }
  if (order == SequenceOrder::per_stream)
    std::stable_sort(lines.begin(), lines.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::string> out;
  for (auto& [stream, line] : lines) out.push_back(std::move(line));
  return out;
}

std::vector<DiffLine> align_lines(const std::vector<std::string>& a,
                                  const std::vector<std::string>& b) {
  const auto table = lcs_table(a, b);
  std::vector<DiffLine> out;
  std::size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && a[i] == b[j]) {
      out.push_back({' ', a[i++]});
      ++j;
    } else if (i < a.size() && (j == b.size() || table[i + 1][j] >= table[i][j + 1])) {
      out.push_back({'-', a[i++]});
    } else {
      out.push_back({'+', b[j++]});
    }
  }
  return out;
}

std::string_view to_string(CaseDifference difference) {
  switch (difference) {
    case CaseDifference::same:
      return "same";
    case CaseDifference::verdict:
      return "verdict differs";
    case CaseDifference::sequence:
      return "sequence differs";
    case CaseDifference::only_in_a:
      return "only in A";
    case CaseDifference::only_in_b:
      return "only in B";
  }
  return "same";
}

bool CaseDiff::sequence_differs() const {
  return std::any_of(lines.begin(), lines.end(),
                     [](const DiffLine& line) { return line.op != ' '; });
}

std::size_t RunDiff::count(CaseDifference difference) const {
  return static_cast<std::size_t>(std::count_if(
      cases.begin(), cases.end(), [&](const CaseDiff& c) { return c.difference == difference; }));
}

RunDiff diff_runs(const RunResult& a, const RunResult& b, SequenceOrder order) {
  std::map<std::string, std::pair<const CaseResult*, const CaseResult*>> by_id;
  for (const auto& c : a.cases) by_id[c.id].first = &c;
  for (const auto& c : b.cases) by_id[c.id].second = &c;
  RunDiff diff{a.target, b.target, {}};
  for (const auto& [id, pair] : by_id) {
    const auto [in_a, in_b] = pair;
    CaseDiff c;
    c.id = id;
    if (in_a) c.verdict_a = in_a->verdict;
    if (in_b) c.verdict_b = in_b->verdict;
    if (in_a && in_b) {
      c.lines =
          align_lines(sequence_lines(*in_a, order, a.edges), sequence_lines(*in_b, order, b.edges));
      c.difference = c.verdict_a != c.verdict_b ? CaseDifference::verdict
                     : c.sequence_differs()     ? CaseDifference::sequence
                                                : CaseDifference::same;
    } else {
      c.difference = in_a ? CaseDifference::only_in_a : CaseDifference::only_in_b;
    }
    diff.cases.push_back(std::move(c));
  }
  return diff;
}

std::string render_diff_text(const RunDiff& diff, std::string_view label_a,
                             std::string_view label_b, std::size_t context) {
  std::string out = "A: " + std::string(label_a) + " (target " + diff.target_a + ")\n";
  out += "B: " + std::string(label_b) + " (target " + diff.target_b + ")\n";
  out += summary_line(diff) + "\n";
  bool after_sequence = true;  // a blank line before a case heading, except between one-liners
  for (const auto& c : diff.cases) {
    if (c.difference == CaseDifference::same) continue;
    const bool has_sequence = c.sequence_differs();
    out += (after_sequence || has_sequence ? "\n== " : "== ") + case_heading(c) + "\n";
    after_sequence = has_sequence;
    const auto show = lines_to_show(c.lines, context);
    bool gap = false;
    for (std::size_t i = 0; i < c.lines.size(); ++i) {
      if (!show[i]) {
        gap = true;
        continue;
      }
      if (gap && i > 0) out += "   ...\n";
      gap = false;
      out += std::string(" ") + c.lines[i].op + " " + c.lines[i].text + "\n";
    }
  }
  return out;
}

std::string render_diff_json(const RunDiff& diff, std::string_view label_a,
                             std::string_view label_b) {
  Json summary = Json::object();
  summary.set("total", diff.cases.size());
  for (auto kind : {CaseDifference::same, CaseDifference::verdict, CaseDifference::sequence,
                    CaseDifference::only_in_a, CaseDifference::only_in_b})
    summary.set(std::string(to_string(kind)), diff.count(kind));
  Json cases = Json::array();
  for (const auto& c : diff.cases) {
    Json lines = Json::array();
    for (const auto& line : c.lines)
      lines.push_back(Json(std::string(1, line.op) + " " + line.text));
    Json entry = Json::object();
    entry.set("id", c.id).set("difference", to_string(c.difference));
    entry.set("verdict_a", c.verdict_a ? Json(to_string(*c.verdict_a)) : Json(nullptr));
    entry.set("verdict_b", c.verdict_b ? Json(to_string(*c.verdict_b)) : Json(nullptr));
    entry.set("sequence", std::move(lines));
    cases.push_back(std::move(entry));
  }
  Json out = Json::object();
  out.set("format", "sipconform-diff/1");
  out.set("a", Json(Json::Object{{"report", Json(label_a)}, {"target", Json(diff.target_a)}}));
  out.set("b", Json(Json::Object{{"report", Json(label_b)}, {"target", Json(diff.target_b)}}));
  out.set("summary", std::move(summary)).set("cases", std::move(cases));
  return out.dump(2) + "\n";
}

std::string render_diff_html(const RunDiff& diff, std::string_view label_a,
                             std::string_view label_b) {
  using report::xml_escape;
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>sipconform "
      "diff</title>\n"
      "<style>body{font-family:sans-serif;margin:1.5em}pre{background:#f6f6f6;padding:.5em}"
      ".del{background:#fdd}.add{background:#dfd}h2{font-size:1.05em;margin-top:1.5em}</style></"
      "head><body>\n";
  out += "<h1>sipconform diff</h1>\n<p>A: " + xml_escape(label_a) + " (target " +
         xml_escape(diff.target_a) + ")<br>B: " + xml_escape(label_b) + " (target " +
         xml_escape(diff.target_b) + ")</p>\n";
  out += "<p><strong>" + xml_escape(summary_line(diff)) + "</strong></p>\n";
  for (const auto& c : diff.cases) {
    if (c.difference == CaseDifference::same) continue;
    out += "<h2 id=\"" + xml_escape(report::case_anchor(c.id), true) + "\">" +
           xml_escape(case_heading(c)) + "</h2>\n";
    if (c.lines.empty()) continue;
    out += "<pre>";
    for (const auto& line : c.lines) {
      const char* css = line.op == '-' ? "del" : line.op == '+' ? "add" : nullptr;
      const std::string text = std::string(1, line.op) + " " + xml_escape(line.text);
      out += css ? "<span class=\"" + std::string(css) + "\">" + text + "</span>\n" : text + "\n";
    }
    out += "</pre>\n";
  }
  return out + "</body></html>\n";
}

}  // namespace sipconform
