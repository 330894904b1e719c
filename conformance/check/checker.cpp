#include "check/checker.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <regex>

#include "check/api_check.h"
#include "check/param_check.h"
#include "check/payload.h"
#include "check/rtp_check.h"
#include "check/selector.h"
#include "util/cidr.h"

namespace sipconform {
namespace {

std::string seconds(double time) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f s", time);
  return text;
}

// "#12 at 2.103 s" names a timeline event the way the reports number them.
std::string at(const Timeline& timeline, std::size_t index) {
  return "#" + std::to_string(index) + " at " + seconds(timeline.events[index].time);
}

// A SIP event as sender -> receiver plus its first line, so a reader needs no lookup.
std::string describe(const Timeline& timeline, std::size_t index) {
  const Event& event = timeline.events[index];
  if (event.kind == Event::Kind::webhook)
    return at(timeline, index) + ": " + event.webhook.method + " " + event.webhook.path;
  if (event.kind == Event::Kind::api)
    return at(timeline, index) + ": " + event.label() + " (" + event.api.method + " " +
           event.api.path + ")";
  const auto name = [](const std::string& party, const std::string& address) {
    return party.empty() ? address : party;
  };
  return at(timeline, index) + ": " + name(event.sip.from_party, event.sip.src) + " -> " +
         name(event.sip.to_party, event.sip.dst) + " " + event.sip.first_line();
}

CheckResult make_result(std::string name, std::string expected, Location where) {
  CheckResult result;
  result.name = std::move(name);
  result.expected = std::move(expected);
  result.where = std::move(where);
  return result;
}

CheckResult harness_error(CheckResult result, std::string why) {
  result.verdict = Verdict::harness_error;
  result.observed = std::move(why);
  return result;
}

// --- parties ------------------------------------------------------------------------------

// SIPp writes <scenario>_<pid>_errors.log when a step fails; that is where a reader goes first.
std::string error_log_of(const PartyResult& party) {
  for (const auto& file : party.files)
    if (file.find("errors.log") != std::string::npos) return file;
  for (const auto& file : party.files)
    if (file.find("error") != std::string::npos) return file;
  return "";
}

CheckResult check_party(const Party& party, const std::vector<PartyResult>& results) {
  CheckResult result = make_result(
      "party " + party.name + " (" + party.scenario + ") passes",
      party.name + " exits 0 (every step of " + party.scenario + " passed)", party.where);
  const auto found = std::find_if(results.begin(), results.end(),
                                  [&](const PartyResult& r) { return r.name == party.name; });
  if (found == results.end()) {
    result.verdict = Verdict::fail;
    result.observed = party.name + " did not run";
    return result;
  }
  if (found->exit_code == 0) {
    result.observed = party.name + " exited 0";
    return result;
  }
  result.verdict = Verdict::fail;
  result.observed = found->exit_code == -1
                        ? party.name + " was killed at the timeout (exit -1)"
                        : party.name + " exited " + std::to_string(found->exit_code);
  const std::string log = error_log_of(*found);
  result.observed += log.empty() ? "; it wrote no error log" : "; see " + log;
  return result;
}

// --- webhook requests ---------------------------------------------------------------------

// A Payload member check is named "Payload.<path>" in reports.
std::string payload_name(const ParamCheck& check) {
  return std::string(kPayloadParam) + "." + check.name;
}

// The Payload member a check names; a request whose Payload is missing or no JSON object fails
// every Payload check, `absent` included, with the reason as what was seen.
Result<ParamOutcome> check_payload(const ParamCheck& check, const WebhookEvent& request,
                                   const CheckContext& context) {
  auto member = payload_member(request, check.name);
  if (!member) return ParamOutcome{false, "(" + member.error().message + ")"};
  return check_value(check, *member ? &**member : nullptr, context);
}

std::string describe_request(const RequestCheck& check, const CheckContext& context) {
  std::string text =
      (check.method ? *check.method + " " : "") + substitute(check.path, context.substitutions);
  std::vector<std::string> parts;
  for (const auto& param : check.params) parts.push_back(describe_param(param, context, param.name));
  for (const auto& member : check.payload)
    parts.push_back(describe_param(member, context, payload_name(member)));
  for (std::size_t i = 0; i < parts.size(); ++i) text += (i == 0 ? " with " : ", ") + parts[i];
  if (check.signature_valid)
    text += std::string(parts.empty() ? " with " : ", ") +
            (*check.signature_valid ? "a valid" : "an invalid") + " X-Twilio-Signature";
  if (!check.count) return text + " (at least one)";
  if (*check.count == 0) return "no " + text;
  return text + " (exactly " + std::to_string(*check.count) + ")";
}

// How well one request fits a RequestCheck: path and method first (a request to another path
// is never "closer" than one to the right path), then the number of parameters (and the
// signature, when checked) that pass.
struct RequestFit {
  bool path = false;
  bool method = false;
  std::size_t params_ok = 0;
  // "To = \"sip:x\"" for each failing parameter, "X-Twilio-Signature invalid" for the signature
  std::vector<std::string> mismatches;
  bool full() const { return path && method && mismatches.empty(); }
  int score() const {
    return (path ? 10000 : 0) + (method ? 1000 : 0) + static_cast<int>(params_ok);
  }
};

Result<RequestFit> fit(const RequestCheck& check, const WebhookEvent& request,
                       const CheckContext& context) {
  RequestFit result;
  result.path = request.path == substitute(check.path, context.substitutions);
  result.method = !check.method || request.method == *check.method;
  for (const auto& param : check.params) {
    auto outcome = check_value(param, request.param(param.name), context);
    if (!outcome) return std::unexpected(outcome.error());
    if (outcome->ok)
      ++result.params_ok;
    else
      result.mismatches.push_back(param.name + " = " + outcome->actual);
  }
  for (const auto& member : check.payload) {
    auto outcome = check_payload(member, request, context);
    if (!outcome) return std::unexpected(outcome.error());
    if (outcome->ok)
      ++result.params_ok;
    else
      result.mismatches.push_back(payload_name(member) + " = " + outcome->actual);
  }
  if (check.signature_valid && request.signature_valid == *check.signature_valid)
    ++result.params_ok;
  else if (check.signature_valid)
    result.mismatches.push_back(std::string("X-Twilio-Signature ") +
                                (request.signature_valid ? "valid" : "invalid"));
  return result;
}

std::vector<std::size_t> webhook_indices(const Timeline& timeline) {
  std::vector<std::size_t> indices;
  for (std::size_t i = 0; i < timeline.events.size(); ++i)
    if (timeline.events[i].kind == Event::Kind::webhook) indices.push_back(i);
  return indices;
}

std::string list_events(const Timeline& timeline, const std::vector<std::size_t>& indices) {
  std::string text;
  for (std::size_t i = 0; i < indices.size(); ++i)
    text += (i ? ", " : "") + at(timeline, indices[i]);
  return text;
}

// Nothing matched: say what the closest request actually carried.
std::string describe_closest(const Timeline& timeline, std::size_t index, const RequestFit& best,
                             const RequestCheck& check) {
  const WebhookEvent& request = timeline.events[index].webhook;
  std::string text = "closest: " + at(timeline, index) + ": " + request.method + " " + request.path;
  if (!best.path) return "no request to " + check.path + "; " + text;
  std::string differences;
  if (!best.method) differences = "method " + request.method;
  for (const auto& mismatch : best.mismatches)
    differences += (differences.empty() ? "" : ", ") + mismatch;
  return "no matching request; " + text + (differences.empty() ? "" : " with " + differences);
}

CheckResult check_request(const RequestCheck& check, const CheckContext& context,
                          const Timeline& timeline) {
  const std::string path = substitute(check.path, context.substitutions);
  CheckResult result = make_result("request " + (check.method ? *check.method + " " : "") + path,
                                   describe_request(check, context), check.where);
  std::vector<std::size_t> matching;
  std::optional<std::size_t> closest;
  RequestFit closest_fit;
  for (std::size_t index : webhook_indices(timeline)) {
    auto fitted = fit(check, timeline.events[index].webhook, context);
    if (!fitted) return harness_error(std::move(result), fitted.error().message);
    if (fitted->full())
      matching.push_back(index);
    else if (!closest || fitted->score() > closest_fit.score())
      closest = index, closest_fit = *fitted;
  }
  const bool ok =
      check.count ? static_cast<int>(matching.size()) == *check.count : !matching.empty();
  if (!matching.empty()) {
    result.observed =
        std::to_string(matching.size()) + " matching: " + list_events(timeline, matching);
    const std::size_t extra = check.count ? static_cast<std::size_t>(std::max(0, *check.count)) : 0;
    result.event = matching[extra < matching.size() ? extra : 0];
  } else if (ok) {
    result.observed = "none";  // count: 0, as required
  } else if (closest) {
    result.observed = describe_closest(timeline, *closest, closest_fit, check);
    result.event = closest;
  } else {
    result.observed = "no webhook requests at all";
  }
  if (!ok) result.verdict = failure_verdict(check.level, context);
  return result;
}

CheckResult check_no_unexpected(const CheckContext& context, const Timeline& timeline) {
  const auto& checks = context.test->expect.requests;
  std::string allowed;
  for (const auto& check : checks)
    if (!check.count || *check.count > 0)
      allowed += (allowed.empty() ? "" : ", ") + (check.method ? *check.method + " " : "") +
                 substitute(check.path, context.substitutions);
  CheckResult result =
      make_result("no unexpected webhook requests",
                  "only the expected requests (" + (allowed.empty() ? "none" : allowed) + ")",
                  context.test->where);
  // Alerts are the target's business unless the case expects some: a case about something
  // else must not fail because the target also warned about it.
  const bool alerts_checked = std::any_of(checks.begin(), checks.end(), [&](const auto& check) {
    return substitute(check.path, context.substitutions) == kDebuggerPath;
  });
  std::vector<std::size_t> unexpected;
  std::size_t ignored = 0;
  for (std::size_t index : webhook_indices(timeline)) {
    if (!alerts_checked && timeline.events[index].webhook.path == kDebuggerPath) {
      ++ignored;
      continue;
    }
    bool expected = false;
    for (const auto& check : checks) {
      if (check.count && *check.count == 0) continue;  // a forbidden request is never expected
      auto fitted = fit(check, timeline.events[index].webhook, context);
      if (!fitted) return harness_error(std::move(result), fitted.error().message);
      expected = expected || fitted->full();
    }
    if (!expected) unexpected.push_back(index);
  }
  if (unexpected.empty()) {
    result.observed =
        std::to_string(webhook_indices(timeline).size() - ignored) + " request(s), all expected" +
        (ignored ? " (and " + std::to_string(ignored) + " alert(s) to " +
                       std::string(kDebuggerPath) + ", not checked here)"
                 : "");
    return result;
  }
  result.verdict = Verdict::fail;
  result.event = unexpected.front();
  for (std::size_t i = 0; i < unexpected.size(); ++i)
    result.observed += (i ? "; " : "unexpected: ") + describe(timeline, unexpected[i]);
  return result;
}

// --- order --------------------------------------------------------------------------------

// " by at least 2000 ms", " by 2000 to 3000 ms" …, or "" without bounds.
std::string gap_text(const OrderCheck& check) {
  const auto ms = [](int value) { return std::to_string(value) + " ms"; };
  if (check.at_least_ms && check.at_most_ms)
    return " by " + std::to_string(*check.at_least_ms) + " to " + ms(*check.at_most_ms);
  if (check.at_least_ms) return " by at least " + ms(*check.at_least_ms);
  if (check.at_most_ms) return " by at most " + ms(*check.at_most_ms);
  return "";
}

CheckResult check_order(const OrderCheck& check, const CheckContext& context,
                        const Timeline& timeline) {
  const std::string first_text = substitute(check.first, context.substitutions);
  const std::string second_text = substitute(check.second, context.substitutions);
  CheckResult result =
      make_result("order: " + first_text + " before " + second_text,
                  quoted(first_text) + " before " + quoted(second_text) + gap_text(check),
                  check.where);
  auto first = parse_selector(first_text);
  auto second = parse_selector(second_text);
  if (!first) return harness_error(std::move(result), first.error().message);
  if (!second) return harness_error(std::move(result), second.error().message);
  const auto a = first_match(*first, timeline);
  const auto b = first_match(*second, timeline);
  if (!a || !b) {
    result.verdict = failure_verdict(check.level, context);
    if (!a && !b)
      result.observed =
          "neither " + quoted(first_text) + " nor " + quoted(second_text) + " matched any event";
    else
      result.observed = quoted(!a ? first_text : second_text) + " matched no event";
    if (a || b) result.event = a ? a : b;
    return result;
  }
  // The timeline is stably sorted by time, so index order is time order (ties: capture order).
  if (*a < *b) {
    const double gap_ms = (timeline.events[*b].time - timeline.events[*a].time) * 1000;
    result.observed = quoted(first_text) + " " + at(timeline, *a) + ", then " +
                      quoted(second_text) + " " + at(timeline, *b);
    result.event = *b;
    if ((check.at_least_ms && gap_ms < *check.at_least_ms) ||
        (check.at_most_ms && gap_ms > *check.at_most_ms)) {
      result.verdict = failure_verdict(check.level, context);
      result.observed += ": " + std::to_string(std::lround(gap_ms)) + " ms apart";
    }
    return result;
  }
  result.verdict = failure_verdict(check.level, context);
  result.observed = quoted(second_text) + " came first: " + describe(timeline, *b) + "; " +
                    quoted(first_text) + " only " + at(timeline, *a);
  result.event = *b;
  return result;
}

// --- wire ---------------------------------------------------------------------------------

// What a wire check demands of each selected message, resolved once (patterns, edge ranges).
struct WireDemand {
  std::vector<std::string> parts;  // human text of each demand, for `expected`
  std::vector<std::string> source_cidrs;
  std::string source_text;  // "edge ashburn (127.0.1.1/32)" or "127.0.1.1"
  std::optional<std::regex> header_pattern;
  std::optional<std::regex> uri_pattern;
  std::vector<std::string> names_cidrs;
  std::string names_text;
};

// "edge:<name>" -> that edge's CIDRs in the target profile and a readable text; an IPv4 stays.
Result<std::pair<std::vector<std::string>, std::string>> place_of(const std::string& place,
                                                                   const CheckContext& context) {
  if (!place.starts_with("edge:")) return std::pair{std::vector<std::string>{place}, place};
  const std::string edge = place.substr(5);
  if (context.target)
    for (const auto& candidate : context.target->edges)
      if (candidate.edge == edge) {
        std::string cidrs;
        for (const auto& cidr : candidate.cidrs) cidrs += (cidrs.empty() ? "" : ", ") + cidr;
        return std::pair{candidate.cidrs, "edge " + edge + " (" + cidrs + ")"};
      }
  return fail("the target profile names no edge '" + edge + "'");
}

// The host a header names: a Via's sent-by, else the host of the first sip:/sips: URI in it.
std::string host_named_by(const std::string& header, const std::string& value) {
  std::size_t start = std::string::npos;
  if (header == "Via" || header == "v") {
    start = value.find(' ');
    if (start != std::string::npos) start = value.find_first_not_of(' ', start);
  } else if (auto scheme = value.find("sip:"); scheme != std::string::npos) {
    start = scheme + 4;
  } else if (auto secure = value.find("sips:"); secure != std::string::npos) {
    start = secure + 5;
  }
  if (start == std::string::npos) return {};
  std::string host = value.substr(start);
  if (auto at = host.find('@'); at != std::string::npos && at < host.find_first_of(";>")) host = host.substr(at + 1);
  return host.substr(0, host.find_first_of(":;> ,"));
}

Result<WireDemand> resolve_wire(const WireCheck& check, const CheckContext& context) {
  WireDemand demand;
  if (check.count)
    demand.parts.push_back("exactly " + std::to_string(*check.count) + " message(s)");
  if (check.source) {
    auto place = place_of(substitute(*check.source, context.substitutions), context);
    if (!place) return std::unexpected(place.error());
    std::tie(demand.source_cidrs, demand.source_text) = *place;
    demand.parts.push_back("sent from " + demand.source_text);
  }
  if (check.header && check.names) {
    auto place = place_of(*check.names, context);
    if (!place) return std::unexpected(place.error());
    std::tie(demand.names_cidrs, demand.names_text) = *place;
    demand.parts.push_back(*check.header + " naming " + demand.names_text);
  }
  if (check.header) {
    if (check.equals)
      demand.parts.push_back(*check.header + " = " +
                             quoted(substitute(*check.equals, context.substitutions)));
    if (check.matches) {
      const std::string pattern = substitute(*check.matches, context.substitutions);
      auto compiled = compile_pattern(pattern);
      if (!compiled) return std::unexpected(compiled.error());
      demand.header_pattern = std::move(*compiled);
      demand.parts.push_back(*check.header + " matching /" + pattern + "/");
    }
    if (check.present)
      demand.parts.push_back(*check.header + (*check.present ? " present" : " absent"));
  }
  if (check.request_uri_matches) {
    const std::string pattern = substitute(*check.request_uri_matches, context.substitutions);
    auto compiled = compile_pattern(pattern);
    if (!compiled) return std::unexpected(compiled.error());
    demand.uri_pattern = std::move(*compiled);
    demand.parts.push_back("Request-URI matching /" + pattern + "/");
  }
  return demand;
}

// Why one selected message violates the demand, or "" when it meets it.
std::string wire_violation(const WireCheck& check, const WireDemand& demand,
                           const SipEvent& message, const CheckContext& context) {
  if (check.source && !address_in_cidrs(message.src, demand.source_cidrs))
    return "sent from " + message.src + ", not from " + demand.source_text;
  if (check.header) {
    const std::string* value = message.header(*check.header);
    if (check.present && *check.present != (value != nullptr))
      return value ? "has " + *check.header + ": " + *value : "has no " + *check.header + " header";
    if ((check.equals || check.matches || check.names) && !value) return "has no " + *check.header + " header";
    if (check.names && !address_in_cidrs(host_named_by(*check.header, *value), demand.names_cidrs))
      return "has " + *check.header + ": " + *value;
    if (check.equals && *value != substitute(*check.equals, context.substitutions))
      return "has " + *check.header + ": " + *value;
    if (demand.header_pattern && !std::regex_search(*value, *demand.header_pattern))
      return "has " + *check.header + ": " + *value;
  }
  if (demand.uri_pattern && !std::regex_search(message.request_uri, *demand.uri_pattern))
    return "has Request-URI " + message.request_uri;
  return "";
}

std::string join_parts(const std::vector<std::string>& parts) {
  std::string text;
  for (const auto& part : parts) text += (text.empty() ? "" : ", ") + part;
  return text;
}

// A UDP retransmission is the same message sent again (RFC 3261 §17): same direction, first line,
// Call-ID, CSeq, top Via, From and To. A loaded machine causes them (a late ACK, a slow 100), so a
// wire `count` counts messages, not their copies; a new transaction (new branch) counts anew.
bool retransmission_of(const SipEvent& earlier, const SipEvent& later) {
  auto same = [&](std::string_view name) {
    const std::string* a = earlier.header(name);
    const std::string* b = later.header(name);
    return a && b ? *a == *b : a == b;
  };
  return earlier.src == later.src && earlier.dst == later.dst && earlier.call_id == later.call_id &&
         earlier.first_line() == later.first_line() && same("CSeq") && same("Via") && same("From") &&
         same("To");
}

std::vector<std::size_t> without_retransmissions(const std::vector<std::size_t>& selected,
                                                 const Timeline& timeline) {
  std::vector<std::size_t> kept;
  for (std::size_t index : selected) {
    const SipEvent& sip = timeline.events[index].sip;
    if (std::none_of(kept.begin(), kept.end(), [&](std::size_t first) {
          return retransmission_of(timeline.events[first].sip, sip);
        }))
      kept.push_back(index);
  }
  return kept;
}

CheckResult check_wire(const WireCheck& check, const CheckContext& context,
                       const Timeline& timeline) {
  const std::string selector_text = substitute(check.message, context.substitutions);
  CheckResult result = make_result("wire: " + selector_text, selector_text, check.where);
  auto demand = resolve_wire(check, context);
  if (!demand) return harness_error(std::move(result), demand.error().message);
  result.name += demand->parts.empty() ? "" : " " + join_parts(demand->parts);
  result.expected += demand->parts.empty() ? " seen" : ": " + join_parts(demand->parts);
  if (!context.wire_available) {
    result.verdict = Verdict::skip;
    result.observed = context.wire_unavailable_reason.empty() ? "no wire capture"
                                                              : context.wire_unavailable_reason;
    return result;
  }
  auto selector = parse_selector(selector_text);
  if (!selector) return harness_error(std::move(result), selector.error().message);
  const auto selected = all_matches(*selector, timeline);
  const auto distinct = without_retransmissions(selected, timeline);
  if (check.count && static_cast<int>(distinct.size()) != *check.count) {
    result.verdict = failure_verdict(check.level, context);
    result.observed = std::to_string(distinct.size()) + " message(s)" +
                      (selected.size() != distinct.size() ? " (retransmissions left out)" : "") +
                      (selected.empty() ? "" : ": " + list_events(timeline, distinct));
    if (!selected.empty()) result.event = selected.front();
    return result;
  }
  if (selected.empty()) {
    if (!check.count) result.verdict = failure_verdict(check.level, context);
    result.observed = "no message matched " + quoted(selector_text);
    return result;
  }
  for (std::size_t index : selected) {
    const std::string violation =
        wire_violation(check, *demand, timeline.events[index].sip, context);
    if (violation.empty()) continue;
    result.verdict = failure_verdict(check.level, context);
    result.observed = at(timeline, index) + " " + violation;
    result.event = index;
    return result;
  }
  result.observed = std::to_string(selected.size()) +
                    " message(s), all as expected: " + list_events(timeline, selected);
  result.event = selected.front();
  return result;
}

CheckResult check_well_formed(const CheckContext& context, const Timeline& timeline) {
  CheckResult result =
      make_result("target sent well-formed SIP", "every SIP message from the target parses",
                  context.test ? context.test->where : Location{});
  if (!context.wire_available) {
    result.verdict = Verdict::skip;
    result.observed = context.wire_unavailable_reason.empty() ? "no wire capture"
                                                              : context.wire_unavailable_reason;
    return result;
  }
  std::vector<std::size_t> malformed;
  std::size_t sent = 0;
  for (std::size_t i = 0; i < timeline.events.size(); ++i) {
    const Event& event = timeline.events[i];
    if (event.kind != Event::Kind::sip || event.sip.from_party != "target") continue;
    ++sent;
    if (event.sip.malformed) malformed.push_back(i);
  }
  if (malformed.empty()) {
    result.observed = std::to_string(sent) + " message(s) from the target, none malformed";
    return result;
  }
  result.verdict = Verdict::fail;
  result.event = malformed.front();
  result.observed = "malformed: " + describe(timeline, malformed.front());
  if (malformed.size() > 1)
    result.observed += " (and " + std::to_string(malformed.size() - 1) + " more)";
  return result;
}

}  // namespace

std::vector<CheckResult> evaluate(const CheckContext& context, const Timeline& timeline,
                                  const std::vector<PartyResult>& parties,
                                  const std::vector<ApiEvent>& api) {
  std::vector<CheckResult> results;
  if (context.test) {
    const Expectations& expect = context.test->expect;
    if (expect.parties_pass)
      for (const auto& party : context.test->parties)
        if (party.must_pass) results.push_back(check_party(party, parties));
    for (auto& step_result : check_api_steps(context, timeline, api))
      results.push_back(std::move(step_result));
    for (const auto& check : expect.requests)
      results.push_back(check_request(check, context, timeline));
    if (expect.no_unexpected_requests) results.push_back(check_no_unexpected(context, timeline));
    for (const auto& check : expect.order) results.push_back(check_order(check, context, timeline));
    for (const auto& check : expect.wire) results.push_back(check_wire(check, context, timeline));
    for (const auto& check : expect.rtp) results.push_back(check_rtp(check, context, timeline));
  }
  results.push_back(check_well_formed(context, timeline));
  return results;
}

Verdict case_verdict(const std::vector<CheckResult>& checks) {
  if (checks.empty()) return Verdict::pass;
  // worst() ranks SKIP lowest, so the fold is SKIP only when every check skipped.
  Verdict verdict = Verdict::skip;
  for (const auto& check : checks) verdict = worst(verdict, check.verdict);
  return verdict;
}

std::string substitute(std::string_view text,
                       const std::map<std::string, std::string>& substitutions) {
  std::string out;
  std::size_t from = 0;
  while (true) {
    const std::size_t open = text.find("{{", from);
    const std::size_t close = open == std::string_view::npos ? open : text.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    std::string_view name = text.substr(open + 2, close - open - 2);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    const auto found = substitutions.find(std::string(name));
    out.append(text.substr(from, open - from));
    if (found != substitutions.end())
      out += found->second;
    else
      out.append(text.substr(open, close + 2 - open));  // unknown: left as written
    from = close + 2;
  }
  out.append(text.substr(from));
  return out;
}

}  // namespace sipconform
