#include "run/expectations.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace sipconform {
namespace {

std::string where(const std::string& path, const YAML::Node& node) {
  const auto mark = node.Mark();
  return path + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

}  // namespace

Result<KnownFailures> load_known_failures(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return fail(path + ": cannot read the expectations file");
  } catch (const YAML::Exception& e) {
    return fail(path + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  if (!root.IsMap()) return fail(where(path, root) + ": expected a map with target and known_failures");
  KnownFailures known;
  for (const auto& entry : root) {
    const std::string key = entry.first.as<std::string>();
    if (key == "target" && entry.second.IsScalar()) {
      known.target = entry.second.as<std::string>();
    } else if (key == "known_failures" && (entry.second.IsSequence() || entry.second.IsNull())) {
      for (const auto& item : entry.second) {
        if (!item.IsMap() || !item["case"] || !item["case"].IsScalar())
          return fail(where(path, item) + ": each known failure needs `case: <case id>` and `reason: <text>`");
        for (const auto& field : item) {
          const std::string name = field.first.as<std::string>();
          if (name != "case" && name != "reason") return fail(where(path, field.first) + ": unknown key '" + name + "'");
        }
        known.cases[item["case"].as<std::string>()] = item["reason"] ? item["reason"].as<std::string>() : "";
      }
    } else {
      return fail(where(path, entry.first) + ": unknown key '" + key + "' (expected target, known_failures)");
    }
  }
  return known;
}

}  // namespace sipconform

namespace sipconform {
namespace {

// Plain YAML scalars for the usual case ids; anything else double-quoted with escapes, so a
// reason with quotes, colons or backslashes reads back as written.
std::string yaml_scalar(const std::string& text, bool allow_plain) {
  const bool plain = allow_plain && !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '-' || c == '_' || c == '.';
  });
  if (plain) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned char>(c));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string one_line(std::string text, std::size_t limit) {
  std::string out;
  for (char c : text) {
    const bool space = std::isspace(static_cast<unsigned char>(c));
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (out.size() <= limit) return out;
  out.resize(limit - 3);
  // Never cut a UTF-8 sequence in half: drop a last character whose bytes do not all fit.
  std::size_t start = out.size();
  while (start > 0 && (static_cast<unsigned char>(out[start - 1]) & 0xC0) == 0x80) --start;
  if (start > 0) {
    const auto lead = static_cast<unsigned char>(out[start - 1]);
    const std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (out.size() - (start - 1) < length) out.resize(start - 1);
  }
  return out + "...";
}

Verdict counted_verdict(const CaseResult& result, bool strict) {
  return strict && result.verdict == Verdict::pass_nonstrict ? Verdict::fail : result.verdict;
}

}  // namespace

std::string render_known_failures(const KnownFailures& known) {
  std::string out = "# Known failures: only results this file does not predict fail a run.\n"
                    "# Rewritten by `sipconform run --expectations FILE --update-expectations`.\n";
  out += "target: " + yaml_scalar(known.target, true) + "\n";
  if (known.cases.empty()) return out + "known_failures: []\n";
  out += "known_failures:\n";
  for (const auto& [id, reason] : known.cases)  // std::map: sorted by case id
    out += "  - { case: " + yaml_scalar(id, true) + ", reason: " + yaml_scalar(reason, false) + " }\n";
  return out;
}

Result<void> write_known_failures(const std::string& path, const KnownFailures& known) {
  // Written beside and renamed over: an interrupted rewrite leaves the old file whole.
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << render_known_failures(known);
    if (!out.flush()) return fail(temporary + ": cannot write the expectations file");
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) return fail(path + ": cannot replace the expectations file: " + ec.message());
  return {};
}

std::string failure_reason(const CaseResult& result) {
  for (const auto& check : result.checks) {
    if (check.verdict != Verdict::fail) continue;
    std::string text = check.name;
    if (!check.expected.empty()) text += ": expected " + check.expected;
    if (!check.observed.empty()) text += (check.expected.empty() ? ": observed " : ", observed ") + check.observed;
    return one_line(text, 200);
  }
  if (!result.reason.empty()) return one_line(result.reason, 200);
  return result.verdict == Verdict::pass_nonstrict ? "a REF-level detail differs (strict run)" : "failed";
}

ExpectationsUpdate update_known_failures(const KnownFailures& old, const RunResult& run) {
  ExpectationsUpdate update;
  update.updated = old;
  if (update.updated.target.empty()) update.updated.target = run.target;
  for (const auto& result : run.cases) {
    const Verdict verdict = counted_verdict(result, run.strict);
    const bool listed = old.cases.contains(result.id);
    if (verdict == Verdict::fail && !listed) {
      update.updated.cases[result.id] = failure_reason(result);
      update.added.push_back(result.id);
    } else if (verdict == Verdict::pass && listed) {
      update.updated.cases.erase(result.id);
      update.removed.push_back(result.id);
    }
  }
  std::sort(update.added.begin(), update.added.end());
  std::sort(update.removed.begin(), update.removed.end());
  return update;
}

}  // namespace sipconform
