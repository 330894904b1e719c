// The case folder's timeline.txt: what happened, in order, readable without any tool.
#include <cstdio>

#include "report/report.h"

namespace sipconform {

std::string render_timeline_text(const CaseResult& result) {
  std::string out = result.id + " — " + result.title + "\nverdict: " + std::string(to_string(result.verdict));
  if (!result.reason.empty()) out += " (" + result.reason + ")";
  out += "\n\nparties:\n";
  for (const auto& party : result.parties)
    out += "  " + party.name + " at " + party.address + " exit " + std::to_string(party.exit_code) + ": " +
           (party.command.empty() ? "(no process)" : party.command) + "\n";
  out += "\ntimeline:\n";
  char time[32];
  for (const auto& event : result.timeline.events) {
    std::snprintf(time, sizeof time, "%9.3f ", event.time);
    out += time + event.label();
    if (event.kind == Event::Kind::sip)
      out += "   " + event.sip.src + " -> " + event.sip.dst + " " + event.sip.transport + "  Call-ID " +
             event.sip.call_id + (event.sip.malformed ? "  MALFORMED" : "");
    else
      out += " -> " + std::to_string(event.webhook.answered_status) +
             (event.webhook.signature_valid ? "" : "  (signature invalid)");
    out += "\n";
  }
  out += "\nchecks:\n";
  for (const auto& check : result.checks) {
    out += "  " + std::string(to_string(check.verdict)) + "  " + check.name + "\n";
    if (check.verdict == Verdict::fail || check.verdict == Verdict::pass_nonstrict)
      out += "      expected: " + check.expected + "\n      observed: " + check.observed + "\n";
  }
  return out;
}

}  // namespace sipconform
