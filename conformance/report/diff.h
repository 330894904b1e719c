// Golden diff of two runs (`sipconform diff A B`): per case the verdicts and the message sequence
// of the ladder with run-specific values masked, so a vendor sees where its platform acts unlike
// sipref.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "check/verdict.h"

namespace sipconform {

// "ip:port" -> the name of who used it in that case ("caller", "target[ashburn]" …).
using AddressNames = std::vector<std::pair<std::string, std::string>>;
// A profile's edges as results.json carries them: name -> source CIDRs.
using EdgeRanges = std::vector<std::pair<std::string, std::vector<std::string>>>;

// Replaces what differs from run to run and from target to target with placeholders: known
// addresses by their names, other addresses by <ip>, tag= and branch= values by *, SIDs by their
// prefix (CA…), the correlation token (tk…), long hex or digit runs (Call-IDs, timestamps) by ….
std::string mask_dynamic(std::string_view text, const AddressNames& names);

// How the lines of a case are ordered. Events of different streams (a party's messages, the
// target's messages to that party, each webhook path, the REST steps) race each other: two runs of
// sipref itself interleave them differently. So by default each stream keeps its own order and
// the streams follow one another: per party in the case's order, first the direction that
// opened their exchange (the caller's to the target, the target's to a callee), then the other;
// then webhook paths by name, then REST steps. `time` keeps the merged timeline's order instead
// (racy, for a closer look).
enum class SequenceOrder { per_stream, time };

// The case's timeline as one line per event, times dropped (only the order is kept). The target
// is named by the edge its address belongs to ("target[frankfurt]") when `edges` knows it, since
// which edge sends is behaviour; its addresses themselves differ from target to target.
//   "caller -> target INVITE", "target -> callee INVITE [uri=sip:callee@callee,
//   Content-Type=application/sdp]", "callee -> target 486 INVITE", "webhook POST /action
//   [DialCallStatus=busy]", "api POST /Calls.json -> 201".
// The facts in brackets are a few masked header values of what the target sends (the parties'
// messages are scripted, the same on every target). Retransmissions are dropped: a message with
// the direction, Call-ID, CSeq, top Via and first line of an earlier one adds nothing to the order.
std::vector<std::string> sequence_lines(const CaseResult& result,
                                        SequenceOrder order = SequenceOrder::per_stream,
                                        const EdgeRanges& edges = {});

struct DiffLine {
  char op = ' ';  // ' ' in both, '-' only in A, '+' only in B
  std::string text;
  friend bool operator==(const DiffLine&, const DiffLine&) = default;
};

// The longest-common-subsequence alignment of two sequences, as a unified diff without context
// trimming: every line of A and of B appears once, in order; at a change A's lines come first.
std::vector<DiffLine> align_lines(const std::vector<std::string>& a,
                                  const std::vector<std::string>& b);

enum class CaseDifference { same, verdict, sequence, only_in_a, only_in_b };
std::string_view to_string(CaseDifference difference);  // "same", "verdict differs" …

struct CaseDiff {
  std::string id;
  CaseDifference difference = CaseDifference::same;  // verdict wins over sequence when both differ
  std::optional<Verdict> verdict_a, verdict_b;       // absent on the side without the case
  std::vector<DiffLine> lines;  // the aligned sequences; empty when only in one run
  bool sequence_differs() const;
};

struct RunDiff {
  std::string target_a, target_b;
  std::vector<CaseDiff> cases;  // sorted by id, every case of either run
  std::size_t count(CaseDifference difference) const;
  bool any() const { return count(CaseDifference::same) != cases.size(); }
};

RunDiff diff_runs(const RunResult& a, const RunResult& b,
                  SequenceOrder order = SequenceOrder::per_stream);

// For a person: the summary line, then per differing case its verdicts and the changed stretches
// of its sequence with `context` unchanged lines around each ("- only in A", "+ only in B").
std::string render_diff_text(const RunDiff& diff, std::string_view label_a,
                             std::string_view label_b, std::size_t context = 3);
// The same, whole sequences included, for tools (--json) and for a browser (--out FILE.html).
std::string render_diff_json(const RunDiff& diff, std::string_view label_a,
                             std::string_view label_b);
std::string render_diff_html(const RunDiff& diff, std::string_view label_a,
                             std::string_view label_b);

}  // namespace sipconform
