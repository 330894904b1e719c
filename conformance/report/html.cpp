// index.html: one self-contained page (inline CSS and SVG, no scripts, no external resources),
// written as XHTML-compatible markup so that an XML parser can check it is well-formed.
#include <algorithm>
#include <cctype>

#include "report/markup.h"
#include "report/report.h"

namespace sipconform {
namespace {

using report::fixed3;
using report::xml_escape;

constexpr std::string_view kStyle = R"(
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #1d2330; }
h1 { font-size: 22px; margin-bottom: 4px; }
h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #d5dae3; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 0; display: inline; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid #d5dae3; padding: 4px 8px; text-align: left; vertical-align: top; font-size: 13px; }
th { background: #f3f5f9; }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
.badge { display: inline-block; padding: 4px 10px; margin-right: 8px; border-radius: 12px; color: #fff; font-weight: bold; font-size: 13px; }
.v-PASS { background: #2e7d32; color: #fff; }
.v-PASS_NONSTRICT { background: #9e7c00; color: #fff; }
.v-FAIL { background: #c62828; color: #fff; }
.v-SKIP { background: #78808c; color: #fff; }
.v-NOT_TESTED { background: #e4e6ea; color: #444; }
.v-HARNESS_ERROR { background: #6a1b9a; color: #fff; }
.v-total { background: #34495e; }
td.verdict { font-weight: bold; white-space: nowrap; }
.tag { font-size: 11px; border: 1px solid #9aa3b2; border-radius: 3px; padding: 0 4px; margin-left: 4px; color: #444; }
.tag.unexpected { border-color: #c62828; color: #c62828; }
details.case { margin: 14px 0; border: 1px solid #d5dae3; border-radius: 6px; padding: 8px 12px; }
details.case > summary { cursor: pointer; }
.reason { color: #6a1b9a; }
.ladder-box { overflow-x: auto; margin: 8px 0; }
td.expected, td.observed { max-width: 520px; word-break: break-word; }
)";

std::string verdict_cell(Verdict verdict) {
  const std::string name(to_string(verdict));
  return "<td class=\"verdict v-" + name + "\">" + name + "</td>";
}

// Links and ids are ASCII: percent-encode anything beyond the unreserved set and '/'.
std::string url_path(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~')
      out += c;
    else
      out += std::string("%") + kHex[byte >> 4] + kHex[byte & 15];
  }
  return out;
}

std::string link(std::string_view href, std::string_view text) {
  return "<a href=\"" + xml_escape(href, true) + "\">" + xml_escape(text) + "</a>";
}

std::string summary_html(const RunResult& run) {
  std::string html = "<p class=\"summary\"><span class=\"badge v-total\">total " +
                     std::to_string(run.cases.size()) + "</span>";
  for (Verdict verdict : {Verdict::pass, Verdict::pass_nonstrict, Verdict::fail, Verdict::skip,
                          Verdict::harness_error}) {
    const auto n = std::count_if(run.cases.begin(), run.cases.end(),
                                 [&](const CaseResult& c) { return c.verdict == verdict; });
    const std::string name(to_string(verdict));
    html += "<span class=\"badge v-" + name + "\" data-verdict=\"" + name + "\">" + name + " " +
            std::to_string(n) + "</span>";
  }
  const auto unexpected = run.unexpected().size();
  html += "</p><p>Target <code>" + xml_escape(run.target) + "</code>" +
          (run.strict ? " (strict)" : "") + "; " + std::to_string(unexpected) +
          (unexpected == 1 ? " unexpected result" : " unexpected results") +
          " (known failures come from the expectations file).</p>";
  return html;
}

std::string matrix_html(const RunResult& run, const std::vector<const CaseResult*>& cases) {
  std::string html =
      "<h2>Behaviours</h2><table class=\"matrix\"><thead><tr><th>Behaviour</th><th>Verdict</th>"
      "<th>Cases</th></tr></thead><tbody>";
  for (const auto& id : run.not_tested())  // listed first: they are what a reader must act on
    html += "<tr class=\"behaviour-row\" data-verdict=\"NOT_TESTED\"><td><code>" + xml_escape(id) +
            "</code></td><td class=\"verdict v-NOT_TESTED\">NOT TESTED</td><td></td></tr>";
  for (const auto& [id, verdict] : run.behaviours()) {
    html += "<tr class=\"behaviour-row\" data-verdict=\"" + std::string(to_string(verdict)) +
            "\"><td><code>" + xml_escape(id) + "</code></td>" + verdict_cell(verdict) + "<td>";
    bool first = true;
    for (const CaseResult* result : cases) {
      if (std::find(result->behaviours.begin(), result->behaviours.end(), id) ==
          result->behaviours.end())
        continue;
      html += (first ? "" : ", ") + link("#" + report::case_anchor(result->id), result->id);
      first = false;
    }
    html += "</td></tr>";
  }
  return html + "</tbody></table>";
}

std::string tags(const CaseResult& result, const std::vector<const CaseResult*>& unexpected) {
  std::string html;
  if (result.expected_failure) html += "<span class=\"tag\">known failure</span>";
  if (std::find(unexpected.begin(), unexpected.end(), &result) != unexpected.end())
    html += "<span class=\"tag unexpected\">unexpected</span>";
  return html;
}

std::string case_table_html(const std::vector<const CaseResult*>& cases,
                            const std::vector<const CaseResult*>& unexpected) {
  std::string html =
      "<h2>Cases</h2><table class=\"cases\"><thead><tr><th>Case</th><th>Title</th><th>Verdict</th>"
      "<th>Time</th><th>Behaviours</th></tr></thead><tbody>";
  for (const CaseResult* result : cases) {
    std::string behaviours;
    for (const auto& id : result->behaviours) behaviours += (behaviours.empty() ? "" : ", ") + id;
    html += "<tr class=\"case-row\" data-verdict=\"" + std::string(to_string(result->verdict)) +
            "\"><td>" + link("#" + report::case_anchor(result->id), result->id) +
            tags(*result, unexpected) + "</td><td>" + xml_escape(result->title) + "</td>" +
            verdict_cell(result->verdict) + "<td>" + fixed3(result->duration_s) +
            " s</td><td class=\"mono\">" + xml_escape(behaviours) + "</td></tr>";
  }
  return html + "</tbody></table>";
}

std::string checks_html(const CaseResult& result) {
  if (result.checks.empty()) return "";
  std::string html =
      "<table "
      "class=\"checks\"><thead><tr><th>Verdict</th><th>Check</th><th>Expected</th><th>Actual</th>"
      "<th>Event</th><th>Where</th></tr></thead><tbody>";
  for (const auto& check : result.checks) {
    const std::string where =
        check.where.file.empty() ? "" : check.where.file + ":" + std::to_string(check.where.line);
    html += "<tr class=\"check\" data-verdict=\"" + std::string(to_string(check.verdict)) + "\">" +
            verdict_cell(check.verdict) + "<td>" + xml_escape(check.name) +
            "</td><td class=\"expected mono\">" + xml_escape(check.expected) +
            "</td><td class=\"observed mono\">" + xml_escape(check.observed) + "</td><td>" +
            (check.event ? "#" + std::to_string(*check.event) : "") + "</td><td class=\"mono\">" +
            xml_escape(where) + "</td></tr>";
  }
  return html + "</tbody></table>";
}

// Evidence the runner leaves in the case folder: each party's SIPp files, the webhook log (once
// parties ran), the api log (for REST steps) and the capture (when SIP was read back from it).
std::string evidence_html(const CaseResult& result) {
  std::vector<std::pair<std::string, std::string>> files;  // href, text
  const std::string dir = result.evidence_dir.empty() ? "" : result.evidence_dir + "/";
  for (const auto& party : result.parties)
    for (const auto& file : party.files) files.emplace_back(dir + file, file);
  const bool any_sip = std::any_of(result.timeline.events.begin(), result.timeline.events.end(),
                                   [](const Event& e) { return e.kind == Event::Kind::sip; });
  if (any_sip) files.emplace_back(dir + "case.pcap", "case.pcap");
  if (!result.parties.empty() || !result.api.empty())
    files.emplace_back(dir + "webhook.log", "webhook.log");
  if (!result.api.empty()) files.emplace_back(dir + "api.log", "api.log");
  if (files.empty()) return "";
  std::string html = "<p class=\"evidence\">Evidence: ";
  for (std::size_t i = 0; i < files.size(); ++i)
    html += (i ? " \u00b7 " : "") + link(url_path(files[i].first), files[i].second);
  return html + "</p>";
}

std::string parties_html(const CaseResult& result) {
  if (result.parties.empty()) return "";
  std::string html =
      "<table "
      "class=\"parties\"><thead><tr><th>Party</th><th>Scenario</th><th>Address</th><th>Exit</th>"
      "<th>Command</th></tr></thead><tbody>";
  for (const auto& party : result.parties)
    html += "<tr><td>" + xml_escape(party.name) + "</td><td>" + xml_escape(party.scenario) +
            "</td><td class=\"mono\">" + xml_escape(party.address) + "</td><td>" +
            std::to_string(party.exit_code) + "</td><td class=\"mono\">" +
            xml_escape(party.command) + "</td></tr>";
  return html + "</tbody></table>";
}

std::string case_section_html(const CaseResult& result,
                              const std::vector<const CaseResult*>& unexpected) {
  // Passing cases start folded: the reader comes for the failures.
  const bool open = result.verdict != Verdict::pass && result.verdict != Verdict::skip;
  const std::string verdict(to_string(result.verdict));
  std::string html = "<details class=\"case\" id=\"" + report::case_anchor(result.id) +
                     "\" data-verdict=\"" + verdict + "\"" + (open ? " open=\"open\"" : "") +
                     "><summary><h3>" + xml_escape(result.id) + "</h3> <span class=\"badge v-" +
                     verdict + "\">" + verdict + "</span>" + tags(result, unexpected) + " " +
                     xml_escape(result.title) + "</summary>";
  if (!result.reason.empty()) html += "<p class=\"reason\">" + xml_escape(result.reason) + "</p>";
  std::string behaviours;
  for (const auto& id : result.behaviours) behaviours += (behaviours.empty() ? "" : ", ") + id;
  html += "<p>Behaviours: <code>" + xml_escape(behaviours) + "</code>; " +
          fixed3(result.duration_s) + " s</p>";
  html += checks_html(result);
  html += "<div class=\"ladder-box\">" + render_ladder_svg(result) + "</div>";
  html += parties_html(result) + evidence_html(result);
  return html + "</details>";
}

}  // namespace

std::string render_html(const RunResult& run) {
  std::vector<const CaseResult*> cases;
  for (const auto& result : run.cases) cases.push_back(&result);
  std::stable_sort(cases.begin(), cases.end(),
                   [](const CaseResult* a, const CaseResult* b) { return a->id < b->id; });
  const auto unexpected = run.unexpected();
  std::string html =
      "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta "
      "charset=\"utf-8\"/>"
      "<title>sipconform: " +
      xml_escape(run.target) + "</title><style>" + std::string(kStyle) +
      "</style></head><body><h1>sipconform conformance report</h1>";
  html += summary_html(run) + matrix_html(run, cases) + case_table_html(cases, unexpected) +
          "<h2>Details</h2>";
  for (const CaseResult* result : cases) html += case_section_html(*result, unexpected) + "\n";
  return html + "</body></html>\n";
}

}  // namespace sipconform
