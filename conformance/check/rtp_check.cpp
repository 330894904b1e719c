#include "check/rtp_check.h"

#include <cstdio>

#include "check/selector.h"
#include "util/cidr.h"

namespace sipconform {
namespace {

struct Source {
  std::vector<std::string> cidrs;
  std::string text;  // "edge ashburn (127.0.1.1/32)" or "127.0.1.1"
};

Result<Source> resolve_source(const std::string& source, const CheckContext& context) {
  if (!source.starts_with("edge:")) return Source{{source}, source};
  const std::string edge = source.substr(5);
  if (context.target)
    for (const auto& range : context.target->edges) {
      if (range.edge != edge) continue;
      std::string cidrs;
      for (const auto& cidr : range.cidrs) cidrs += (cidrs.empty() ? "" : ", ") + cidr;
      return Source{range.cidrs, "edge " + edge + " (" + cidrs + ")"};
    }
  return fail("the target profile names no edge '" + edge + "'");
}

std::string describe_check(const RtpCheck& check, const std::string& before) {
  std::string text = check.count ? "exactly " + std::to_string(*check.count)
                                 : "at least " + std::to_string(check.min_packets);
  text += " RTP packet(s) " + std::string(check.sent ? "sent by " : "received by ") + check.party;
  if (check.payload_type) text += " of payload type " + std::to_string(*check.payload_type);
  if (!before.empty()) text += " before \"" + before + "\"";
  return text;
}

std::string seconds(double time) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f s", time);
  return text;
}

}  // namespace

CheckResult check_rtp(const RtpCheck& check, const CheckContext& context,
                      const Timeline& timeline) {
  const std::string before = check.before ? substitute(*check.before, context.substitutions) : "";
  CheckResult result;
  result.name = "rtp: " + check.stream + (check.source ? " from " + *check.source : "");
  result.expected = describe_check(check, before);
  result.where = check.where;
  const auto fail_with = [&](std::string observed) {
    const bool lenient = check.level == Level::ref && !context.strict && context.target &&
                         !context.target->reference;
    result.verdict = lenient ? Verdict::pass_nonstrict : Verdict::fail;
    result.observed = std::move(observed);
    return result;
  };
  std::optional<Source> source;
  if (check.source) {
    auto resolved = resolve_source(substitute(*check.source, context.substitutions), context);
    if (!resolved) {
      result.verdict = Verdict::harness_error;
      result.observed = resolved.error().message;
      return result;
    }
    source = std::move(*resolved);
    result.expected += ", every one sent from " + source->text;
  }
  if (!context.wire_available) {
    result.verdict = Verdict::skip;
    result.observed = context.wire_unavailable_reason.empty() ? "no wire capture"
                                                              : context.wire_unavailable_reason;
    return result;
  }
  double until = 1e300;
  if (check.before) {
    auto selector = parse_selector(before);
    if (!selector) {
      result.verdict = Verdict::harness_error;
      result.observed = selector.error().message;
      return result;
    }
    auto found = first_match(*selector, timeline);
    if (!found) return fail_with("\"" + before + "\" never happened, so nothing came before it");
    until = timeline.events[*found].time;
    result.event = *found;
  }
  std::size_t selected = 0;
  for (const auto& packet : timeline.rtp) {
    if ((check.sent ? packet.from_party : packet.to_party) != check.party) continue;
    if (check.payload_type && packet.payload_type != *check.payload_type) continue;
    if (packet.time >= until) continue;
    ++selected;
    if (source && !address_in_cidrs(packet.src, source->cidrs))
      return fail_with("packet at " + seconds(packet.time) + " to " + packet.dst + " came from " +
                       packet.src + ", not from " + source->text);
  }
  const std::string seen = std::to_string(selected) + " packet(s) of " +
                           std::to_string(timeline.rtp.size()) + " RTP packet(s) in the capture";
  if (check.count ? selected != static_cast<std::size_t>(*check.count)
                  : selected < static_cast<std::size_t>(check.min_packets))
    return fail_with(seen);
  result.observed = seen + (source && selected ? ", all from " + source->text : "");
  return result;
}

}  // namespace sipconform
