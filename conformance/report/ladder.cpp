// The per-case ladder diagram: lifelines for the parties, the target, the webhook server and
// (for cases with REST steps) the harness's REST client; one row per timeline event so that order
// is readable even when times are microseconds apart.
#include <algorithm>
#include <set>

#include "report/markup.h"
#include "report/report.h"

namespace sipconform {
namespace {

using report::xml_escape;

constexpr int kLeft = 86;     // room for the time labels
constexpr int kColumn = 180;  // distance between lifelines
constexpr int kTop = 58;      // below the column headers
constexpr int kRow = 28;
// The harness's REST client: a name no party can have (party names hold no blanks).
constexpr std::string_view kRestColumn = "REST API";
constexpr std::string_view kApiColour = "#2e7d32";

std::string sip_name(const std::string& party, const std::string& address) {
  return party.empty() ? address : party;
}

// Parties that start by sending (callers) stand left of the target, the others right of it, so
// most arrows do not cross a lifeline; the webhook server is last.
std::vector<std::string> columns_of(const CaseResult& result) {
  std::vector<std::string> callers;
  std::vector<std::string> others;
  for (const auto& party : result.parties) {
    bool caller = false;
    for (const auto& event : result.timeline.events) {
      if (event.kind != Event::Kind::sip) continue;
      if (event.sip.from_party == party.name) caller = true;
      if (event.sip.from_party == party.name || event.sip.to_party == party.name) break;
    }
    (caller ? callers : others).push_back(party.name);
  }
  std::vector<std::string> columns;
  // REST steps come from the harness like the callers' INVITEs: leftmost, arrows towards the
  // target.
  const bool rest = std::any_of(result.timeline.events.begin(), result.timeline.events.end(),
                                [](const Event& e) { return e.kind == Event::Kind::api; });
  if (rest) columns.emplace_back(kRestColumn);
  columns.insert(columns.end(), callers.begin(), callers.end());
  columns.push_back("target");
  columns.insert(columns.end(), others.begin(), others.end());
  // Addresses no party claimed still get a lifeline rather than vanishing from the picture.
  for (const auto& event : result.timeline.events) {
    if (event.kind != Event::Kind::sip) continue;
    for (const auto& name : {sip_name(event.sip.from_party, event.sip.src),
                             sip_name(event.sip.to_party, event.sip.dst)})
      if (std::find(columns.begin(), columns.end(), name) == columns.end()) columns.push_back(name);
  }
  columns.push_back("webhook");
  return columns;
}

int column_x(const std::vector<std::string>& columns, const std::string& name) {
  const auto found = std::find(columns.begin(), columns.end(), name);
  const auto index = static_cast<int>(found - columns.begin());
  return kLeft + kColumn / 2 + index * kColumn;
}

// "/2010-04-01/Accounts/AC…/Calls.json?x=1" -> "/Calls.json?x=1": the account is the profile's.
std::string short_api_path(const std::string& path) {
  constexpr std::string_view prefix = "/2010-04-01/Accounts/";
  if (!path.starts_with(prefix)) return path;
  const auto slash = path.find('/', prefix.size());
  return slash == std::string::npos ? path : path.substr(slash);
}

std::string arrow_text(const Event& event) {
  if (event.kind == Event::Kind::api)
    return event.api.name + ": " + event.api.method + " " + short_api_path(event.api.path) +
           " \u2192 " + std::to_string(event.api.status);
  if (event.kind == Event::Kind::webhook) {
    std::string text = event.webhook.method + " " + event.webhook.path;
    if (event.webhook.answered_status)
      text += " \u2192 " + std::to_string(event.webhook.answered_status);
    return text;
  }
  const SipEvent& sip = event.sip;
  if (sip.request) return sip.method;
  std::string text = std::to_string(sip.status) + (sip.reason.empty() ? "" : " " + sip.reason);
  return sip.cseq_method.empty() ? text : text + " (" + sip.cseq_method + ")";
}

std::string tooltip(const Event& event, std::size_t index) {
  std::string text = "#" + std::to_string(index) + " at " + report::fixed3(event.time) + " s\n";
  if (event.kind == Event::Kind::api)
    return text + "api " + event.api.name + ": " + event.api.method + " " + event.api.path +
           "\n\u2192 " + std::to_string(event.api.status) + " (the exchange is in api.log)";
  if (event.kind == Event::Kind::webhook) {
    text += event.webhook.method + " " + event.webhook.path +
            (event.webhook.query.empty() ? "" : "?" + event.webhook.query);
    for (const auto& [name, value] : event.webhook.params) text += "\n" + name + "=" + value;
    return text;
  }
  text += event.sip.src + " \u2192 " + event.sip.dst + " (" + event.sip.transport + ")\n" +
          event.sip.first_line();
  if (!event.sip.call_id.empty()) text += "\nCall-ID: " + event.sip.call_id;
  if (event.sip.malformed) text += "\n(malformed)";
  return text;
}

std::string header_svg(const std::vector<std::string>& columns, const CaseResult& result,
                       int height) {
  std::string svg;
  for (const auto& name : columns) {
    const int x = column_x(columns, name);
    std::string address;
    for (const auto& party : result.parties)
      if (party.name == name) address = party.address;
    svg += "<line class=\"lifeline\" x1=\"" + std::to_string(x) + "\" y1=\"40\" x2=\"" +
           std::to_string(x) + "\" y2=\"" + std::to_string(height - 8) +
           "\" stroke=\"#b0b7c3\" stroke-dasharray=\"4 3\"/>";
    svg += "<rect x=\"" + std::to_string(x - 70) +
           "\" y=\"6\" width=\"140\" height=\"34\" rx=\"4\" fill=\"#eef1f6\" stroke=\"#8a94a6\"/>";
    svg += "<text x=\"" + std::to_string(x) +
           "\" y=\"21\" text-anchor=\"middle\" font-weight=\"bold\">" + xml_escape(name) +
           "</text>";
    if (!address.empty())
      svg += "<text x=\"" + std::to_string(x) +
             "\" y=\"34\" text-anchor=\"middle\" font-size=\"10\" fill=\"#555\">" +
             xml_escape(address) + "</text>";
  }
  return svg;
}

// One event row: the arrow from sender to receiver, its label above, the time at the left.
std::string row_svg(const Event& event, std::size_t index, int y,
                    const std::vector<std::string>& columns, const std::string& marker,
                    std::string_view highlight) {
  const bool webhook = event.kind == Event::Kind::webhook;
  const bool api = event.kind == Event::Kind::api;
  const int x1 = column_x(columns, api       ? std::string(kRestColumn)
                                   : webhook ? "target"
                                             : sip_name(event.sip.from_party, event.sip.src));
  const int x2 = column_x(columns, api       ? "target"
                                   : webhook ? "webhook"
                                             : sip_name(event.sip.to_party, event.sip.dst));
  const std::string colour = highlight == "failed"      ? "#c62828"
                             : highlight == "nonstrict" ? "#b26a00"
                             : webhook                  ? "#1f5fa8"
                             : api                      ? std::string(kApiColour)
                                                        : "#333";
  const std::string width = highlight.empty() ? "1.2" : "2.4";
  const std::string cls =
      "event" + std::string(highlight.empty() ? "" : " ") + std::string(highlight);
  std::string svg = "<g class=\"" + cls + "\" data-event=\"" + std::to_string(index) +
                    "\"><title>" + xml_escape(tooltip(event, index)) + "</title>";
  if (!highlight.empty())
    svg += "<rect x=\"0\" y=\"" + std::to_string(y - kRow + 8) + "\" width=\"100%\" height=\"" +
           std::to_string(kRow) + "\" fill=\"" + (highlight == "failed" ? "#fde7e7" : "#fff3e0") +
           "\"/>";
  svg += "<text x=\"6\" y=\"" + std::to_string(y + 4) + "\" font-size=\"10\" fill=\"#666\">" +
         report::fixed3(event.time) + " s</text>";
  const std::string ys = std::to_string(y);
  if (x1 == x2) {  // to itself: a small loop
    svg += "<path d=\"M" + std::to_string(x1) + " " + std::to_string(y - 6) +
           " h30 v12 h-28\" fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"" + width +
           "\" marker-end=\"url(#" + marker + ")\"/>";
  } else {
    const int end = x2 > x1 ? x2 - 2 : x2 + 2;
    svg += "<line x1=\"" + std::to_string(x1) + "\" y1=\"" + ys + "\" x2=\"" + std::to_string(end) +
           "\" y2=\"" + ys + "\" stroke=\"" + colour + "\" stroke-width=\"" + width +
           "\" marker-end=\"url(#" + marker + ")\"/>";
  }
  svg += "<text x=\"" + std::to_string((x1 + x2) / 2 + (x1 == x2 ? 40 : 0)) + "\" y=\"" +
         std::to_string(y - 5) + "\" text-anchor=\"" + (x1 == x2 ? "start" : "middle") +
         "\" font-size=\"11\" fill=\"" + colour + "\"" +
         (highlight.empty() ? "" : " font-weight=\"bold\"") + ">" + xml_escape(arrow_text(event)) +
         "</text>";
  return svg + "</g>";
}

}  // namespace

std::string render_ladder_svg(const CaseResult& result) {
  std::set<std::size_t> failed;
  std::set<std::size_t> nonstrict;
  for (const auto& check : result.checks) {
    if (!check.event) continue;
    if (check.verdict == Verdict::fail || check.verdict == Verdict::harness_error)
      failed.insert(*check.event);
    if (check.verdict == Verdict::pass_nonstrict) nonstrict.insert(*check.event);
  }
  const auto columns = columns_of(result);
  const auto& events = result.timeline.events;
  const int width = kLeft + static_cast<int>(columns.size()) * kColumn;
  const int height = kTop + std::max<int>(1, static_cast<int>(events.size())) * kRow + 12;
  // Marker ids carry the case anchor: several ladders share one HTML document. Markers are sized
  // in user units so that a highlighted (thicker) arrow keeps a normal head.
  const std::string anchor = report::case_anchor(result.id);
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"ladder\" width=\"" +
                    std::to_string(width) + "\" height=\"" + std::to_string(height) +
                    "\" viewBox=\"0 0 " + std::to_string(width) + " " + std::to_string(height) +
                    "\" font-family=\"sans-serif\" font-size=\"12\"><defs>";
  for (const auto& [suffix, colour] : {std::pair{"", "#333"},
                                       {"-webhook", "#1f5fa8"},
                                       {"-api", kApiColour.data()},
                                       {"-failed", "#c62828"},
                                       {"-nonstrict", "#b26a00"}})
    svg += "<marker id=\"arrow-" + anchor + suffix +
           "\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"9\" "
           "markerHeight=\"9\" markerUnits=\"userSpaceOnUse\" orient=\"auto\"><path d=\"M0,0 L10,5 "
           "L0,10 z\" fill=\"" +
           std::string(colour) + "\"/></marker>";
  svg += "</defs>" + header_svg(columns, result, height);
  if (events.empty())
    svg += "<text x=\"" + std::to_string(kLeft) + "\" y=\"" + std::to_string(kTop + 16) +
           "\" fill=\"#666\">no events recorded</text>";
  for (std::size_t i = 0; i < events.size(); ++i) {
    const std::string_view highlight = failed.contains(i)      ? "failed"
                                       : nonstrict.contains(i) ? "nonstrict"
                                                               : "";
    const std::string marker =
        "arrow-" + anchor +
        (highlight.empty() ? (events[i].kind == Event::Kind::webhook ? "-webhook"
                              : events[i].kind == Event::Kind::api   ? "-api"
                                                                     : "")
                           : "-" + std::string(highlight));
    svg += row_svg(events[i], i, kTop + static_cast<int>(i + 1) * kRow - 6, columns, marker,
                   highlight);
  }
  return svg + "</svg>";
}

}  // namespace sipconform
