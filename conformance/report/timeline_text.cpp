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
  if (!result.api.empty()) out += "\napi steps:\n";
  for (const auto& step : result.api)
    out += "  " + step.name + ": " + step.method + " " + step.path + " -> " +
           (step.status ? std::to_string(step.status)
                        : (step.sent ? "no answer: " : "not sent: ") + step.error) +
           "\n";
  out += "\ntimeline:\n";
  char time[32];
  for (const auto& event : result.timeline.events) {
    std::snprintf(time, sizeof time, "%9.3f ", event.time);
    out += time + event.label();
    if (event.kind == Event::Kind::sip)
      out += "   " + event.sip.src + " -> " + event.sip.dst + " " + event.sip.transport + "  Call-ID " +
             event.sip.call_id + (event.sip.malformed ? "  MALFORMED" : "");
    else if (event.kind == Event::Kind::api)
      out += "   " + event.api.method + " " + event.api.path + "  (api.log has the exchange)";
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
