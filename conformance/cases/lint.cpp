#include "cases/lint.h"

#include "cases/selector.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <sstream>

namespace sipconform {

namespace {

std::string join(const std::vector<std::string>& words, std::string_view separator) {
  std::string out;
  for (const auto& word : words) {
    if (!out.empty()) out += separator;
    out += word;
  }
  return out;
}

bool is_placeholder_name(std::string_view name) {
  if (name.empty() || !std::isalpha(static_cast<unsigned char>(name.front()))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

bool contains(const std::vector<std::string_view>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::string declared(const NameSet& parties) {
  std::string out;
  for (const auto& name : parties) out += (out.empty() ? "" : ", ") + name;
  return out.empty() ? "none" : out;
}

// "create.sid" after {{api:…: a step named before this point, then a dotted path into its answer.
std::optional<std::string> api_placeholder_problem(std::string_view reference,
                                                   const NameSet& api_steps) {
  const std::size_t dot = reference.find('.');
  const std::string step(reference.substr(0, dot));
  const std::string_view path = dot == std::string_view::npos ? "" : reference.substr(dot + 1);
  const std::string written = "{{api:" + std::string(reference) + "}}";
  const bool empty_segment =
      path.starts_with('.') || path.ends_with('.') || path.find("..") != std::string_view::npos;
  if (!is_step_name(step) || path.empty() || empty_segment)
    return "malformed placeholder '" + written +
           "': write {{api:STEP.field}} or {{api:STEP.a.0.b}}";
  if (!api_steps.contains(step))
    return "placeholder '" + written +
           "' names no earlier api step (earlier steps: " + declared(api_steps) + ")";
  return std::nullopt;
}

NameSet party_names(const Case& test) {
  NameSet names;
  for (const auto& party : test.parties) names.insert(party.name);
  return names;
}

Location item_where(const std::vector<Location>& where, std::size_t index,
                    const Location& fallback) {
  return index < where.size() ? where[index] : fallback;
}

// The id's path below the cases folder must be the id itself, and its first folder a section.
void lint_id(const Case& test, const NameSet& sections, std::vector<LintIssue>& issues) {
  const Location& where = test.id_where.file.empty() ? test.where : test.id_where;
  const std::string path = std::filesystem::path(test.where.file).generic_string();
  const std::string expected = "/" + test.id + ".yaml";
  if (!test.where.file.empty() && !path.ends_with(expected) && path != expected.substr(1)) {
    issues.push_back({where,
                      "id '" + test.id +
                          "' does not match the file's path: the file must be <cases folder>" +
                          expected,
                      true});
  }
  const std::string section = test.id.substr(0, test.id.find('/'));
  if (!sections.empty() && !sections.contains(section)) {
    issues.push_back(
        {where,
         "id '" + test.id + "' must start with a catalogue section (" + declared(sections) + ")",
         true});
  }
}

void lint_names(const Case& test, const Catalogue& catalogue, const std::string& scenarios_dir,
                std::vector<LintIssue>& issues) {
  for (std::size_t i = 0; i < test.checks.size(); ++i) {
    if (!catalogue.find(test.checks[i])) {
      issues.push_back({item_where(test.checks_where, i, test.where),
                        "unknown behaviour ID '" + test.checks[i] + "' (not in the catalogue)",
                        true});
    }
  }
  for (std::size_t i = 0; i < test.requirements.size(); ++i) {
    if (!contains(known_capabilities(), test.requirements[i])) {
      std::vector<std::string> known(known_capabilities().begin(), known_capabilities().end());
      issues.push_back(
          {item_where(test.requirements_where, i, test.where),
           "unknown capability '" + test.requirements[i] + "' (known: " + join(known, ", ") + ")",
           true});
    }
  }
  // Alerts reach only a target that posts them: without the capability the case must SKIP.
  const bool requires_alerts =
      std::find(test.requirements.begin(), test.requirements.end(), "debugger-webhook") !=
      test.requirements.end();
  for (const auto& request : test.expect.requests) {
    if (request.path == kDebuggerPath && !requires_alerts && (!request.count || *request.count > 0))
      issues.push_back({request.where,
                        "a request to " + std::string(kDebuggerPath) +
                            " is expected but the case does not require debugger-webhook",
                        true});
  }
  // REST steps go to an API only some targets have: without the capability the case must SKIP.
  const bool requires_rest = std::find(test.requirements.begin(), test.requirements.end(),
                                       "rest-api") != test.requirements.end();
  if (!test.api.empty() && !requires_rest)
    issues.push_back(
        {test.api.front().where, "the case has api steps but does not require rest-api", true});
  for (const auto& party : test.parties) {
    std::error_code code;
    if (party.scenario != kNoScenario && !std::filesystem::is_regular_file(std::filesystem::path(scenarios_dir) / party.scenario,
                                          code)) {
      issues.push_back({party.where,
                        "scenario '" + party.scenario + "' of party '" + party.name +
                            "' is not in " + scenarios_dir,
                        true});
    }
    // A TCP or TLS party on a target without that transport fails instead of being skipped.
    const auto& needs = test.requirements;
    if (party.transport != "udp" &&
        std::find(needs.begin(), needs.end(), party.transport) == needs.end()) {
      issues.push_back({party.where,
                        "party '" + party.name + "' uses " + party.transport +
                            " but the case does not require " + party.transport,
                        false});
    }
    // Without the gateway the party has no address: the case must be skipped, not fail.
    if (party.at_pstn_gateway && std::find(needs.begin(), needs.end(), "pstn") == needs.end())
      issues.push_back({party.where, "party '" + party.name + "' is at the pstn-gateway but the case does not require pstn",
                        true});
  }
}

}  // namespace

std::string LintIssue::to_string() const {
  return where.to_string() + (error ? ": error: " : ": warning: ") + message;
}

const std::vector<std::string_view>& known_capabilities() {
  static const std::vector<std::string_view> capabilities = {
      "udp",         "tcp",          "tls",      "refer",
      "app-connect", "registration", "rest-api", "debugger-webhook",
      "dtmf",        "enhanced-sip", "media",    "pstn",
      // Callers reach the target's own SIP stack, with no proxy in front: it sees their source
      // addresses, and its inbound leg's messages are not relayed later than its outbound legs'.
      "direct-ingress"};
  return capabilities;
}

const std::vector<std::string_view>& profile_domain_roles() {
  static const std::vector<std::string_view> roles = {"acl", "credentials", "registration", "basic"};
  return roles;
}

const std::vector<std::string_view>& profile_application_roles() {
  static const std::vector<std::string_view> roles = {"same", "public", "private"};
  return roles;
}

const std::vector<std::string_view>& profile_domain_fields() {
  static const std::vector<std::string_view> fields = {"domain", "username", "password"};
  return fields;
}

const std::vector<std::string_view>& builtin_placeholders() {
  static const std::vector<std::string_view> names = {"token", "target", "domain", "webhook"};
  return names;
}

std::optional<std::string> selector_problem(std::string_view selector, const NameSet& parties,
                                            const NameSet& api_steps) {
  auto parsed = parse_selector(selector);
  if (!parsed) return parsed.error().message;
  if (parsed->kind == Selector::Kind::api && !api_steps.contains(parsed->api_step))
    return "unknown api step '" + parsed->api_step + "' in selector '" + std::string(selector) +
           "' (steps: " + declared(api_steps) + ")";
  if (parsed->kind == Selector::Kind::sip && parsed->party != "target" && !parties.contains(parsed->party)) {
    return "unknown party '" + parsed->party + "' in selector '" + std::string(selector) +
           "' (declared: " + declared(parties) + "; or target)";
  }
  return std::nullopt;
}

std::optional<std::string> placeholder_problem(std::string_view text, const NameSet& parties,
                                               const NameSet& api_steps) {
  for (std::size_t open = text.find("{{"); open != std::string_view::npos;
       open = text.find("{{", open + 2)) {
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos)
      return "unterminated placeholder '" + std::string(text.substr(open, 20)) +
             "': write {{name}}";
    const std::string_view name = text.substr(open + 2, close - open - 2);
    if (name.starts_with("fill:")) {  // {{fill:LENGTH:CHAR}}: exact-length texts (run/fill.h)
      const std::string_view spec = name.substr(5);
      const std::size_t colon = spec.find(':');
      const bool digits = colon != 0 && colon != std::string_view::npos &&
                          spec.substr(0, colon).find_first_not_of("0123456789") == std::string_view::npos;
      if (!digits || spec.size() != colon + 2)
        return "malformed placeholder '{{" + std::string(name) + "}}': write {{fill:LENGTH:CHAR}}";
      continue;
    }
    if (const std::size_t colon = name.find(':'); colon != std::string_view::npos) {
      // {{domain:acl}}: a field of one of the profile's extra domains; {{application:same}}: the
      // SID of one of its TwiML Apps [app.*].
      if (name.substr(0, colon) == "api") {  // {{api:create.sid}}: a member of a step's answer
        if (auto problem = api_placeholder_problem(name.substr(colon + 1), api_steps))
          return problem;
        continue;
      }
      if (name.substr(0, colon) == "host") {  // {{host:callee}}: a party's address without the port
        if (!parties.contains(std::string(name.substr(colon + 1))))
          return "unknown party in placeholder '{{" + std::string(name) + "}}' (declared: " + declared(parties) + ")";
        continue;
      }
      if (name.substr(0, colon) == "application") {
        if (!contains(profile_application_roles(), name.substr(colon + 1)))
          return "unknown placeholder '{{" + std::string(name) + "}}': write {{application:same|public|private}}";
        continue;
      }
      if (!contains(profile_domain_fields(), name.substr(0, colon)) ||
          !contains(profile_domain_roles(), name.substr(colon + 1)))
        return "unknown placeholder '{{" + std::string(name) +
               "}}': write {{domain|username|password:acl|credentials|registration|basic}}";
      continue;
    }
    if (!is_placeholder_name(name))
      return "malformed placeholder '{{" + std::string(name) + "}}': write {{name}} with no blanks";
    if (!contains(builtin_placeholders(), name) && !parties.contains(name)) {
      return "unknown placeholder '{{" + std::string(name) + "}}': not a declared party (" +
             declared(parties) + ") nor one of token, target, domain, webhook";
    }
  }
  return std::nullopt;
}

namespace {

// A step's texts may name the answers of the steps before it; its own expectations, checked
// after the case, also its own answer. Returns the names of all steps.
NameSet lint_api_steps(const Case& test, const NameSet& parties, std::vector<LintIssue>& issues) {
  NameSet before;
  auto text = [&](std::string_view value, const Location& where, const NameSet& steps) {
    if (auto problem = placeholder_problem(value, parties, steps))
      issues.push_back({where, *problem, true});
  };
  for (const auto& step : test.api) {
    if (before.contains(step.name))
      issues.push_back({step.where, "api step name '" + step.name + "' is used twice", true});
    text(step.path, step.where, before);
    for (const auto& pairs : {&step.form, &step.query, &step.after_params})
      for (const auto& [name, value] : *pairs) text(value, step.where, before);
    before.insert(step.name);
    for (const auto& check : step.json)
      if (check.op == ParamCheck::Op::equals) text(check.value, step.where, before);
  }
  return before;
}

}  // namespace

std::vector<LintIssue> lint_references(const Case& test) {
  const NameSet parties = party_names(test);
  std::vector<LintIssue> issues;
  // Expectations are judged after the case, when every step's answer is known; webhook bodies
  // and party vars are fixed before any step runs.
  const NameSet steps = lint_api_steps(test, parties, issues);
  auto text = [&](std::string_view value, const Location& where, const NameSet& known = {}) {
    if (auto problem = placeholder_problem(value, parties, known))
      issues.push_back({where, *problem, true});
  };
  auto selector = [&](std::string_view value, const Location& where) {
    if (auto problem = selector_problem(value, parties, steps))
      issues.push_back({where, *problem, true});
  };
  for (const auto& doc : test.webhooks) {
    text(doc.body, doc.where);
    text(doc.fault.location, doc.where);
  }
  for (const auto& party : test.parties) {
    for (const auto& [name, value] : party.vars) text(value, party.where);
    text(party.auth_username, party.where);
    text(party.auth_password, party.where);
  }
  for (const auto& request : test.expect.requests) {
    for (const auto& param : request.params) {
      if (param.op == ParamCheck::Op::equals) text(param.value, request.where, steps);
    }
  }
  for (const auto& order : test.expect.order) {
    selector(order.first, order.where);
    selector(order.second, order.where);
  }
  for (const auto& wire : test.expect.wire) {
    selector(wire.message, wire.where);
    if (auto parsed = parse_selector(wire.message); parsed && parsed->kind == Selector::Kind::api)
      issues.push_back(
          {wire.where,
           "a wire expectation selects SIP messages, not api steps ('" + wire.message + "')",
           true});
    if (wire.equals) text(*wire.equals, wire.where, steps);
  }
  for (const auto& rtp : test.expect.rtp) {
    if (!parties.contains(rtp.party))
      issues.push_back({rtp.where, "rtp stream '" + rtp.stream + "' names no declared party", true});
    if (rtp.before) selector(*rtp.before, rtp.where);
  }
  // RTP is checked only on targets that anchor or at least carry media.
  const bool needs_media = !test.expect.rtp.empty() &&
                           std::find(test.requirements.begin(), test.requirements.end(), "media") ==
                               test.requirements.end();
  if (needs_media)
    issues.push_back({test.expect.rtp.front().where, "rtp expectations need `requires: [media]`", true});
  return issues;
}

std::vector<LintIssue> lint(const std::vector<Case>& cases, const Catalogue& catalogue,
                            const std::string& scenarios_dir, bool require_full_coverage) {
  std::vector<LintIssue> issues;
  NameSet sections;
  for (const auto& behaviour : catalogue.behaviours) sections.insert(behaviour.section);
  std::map<std::string, const Case*> by_id;
  for (const auto& test : cases) {
    auto references = lint_references(test);
    issues.insert(issues.end(), references.begin(), references.end());
    lint_id(test, sections, issues);
    const auto [first, inserted] = by_id.emplace(test.id, &test);
    if (!inserted) {
      const Location& where = test.id_where.file.empty() ? test.where : test.id_where;
      issues.push_back(
          {where, "duplicate id '" + test.id + "' (first in " + first->second->where.file + ")",
           true});
    }
    lint_names(test, catalogue, scenarios_dir, issues);
  }
  for (const auto& row : coverage(catalogue, cases)) {
    if (!row.cases.empty()) continue;
    const Behaviour* behaviour = catalogue.find(row.id);
    issues.push_back({behaviour->where, "behaviour " + row.id + " is checked by no case",
                      require_full_coverage});
  }
  return issues;
}

std::vector<CoverageRow> coverage(const Catalogue& catalogue, const std::vector<Case>& cases,
                                  const std::map<std::string, std::string>& last_verdicts) {
  std::map<std::string, std::vector<std::string>> named;
  for (const auto& test : cases) {
    for (const auto& id : test.checks) named[id].push_back(test.id);
  }
  std::vector<CoverageRow> rows;
  for (const auto& behaviour : catalogue.behaviours) {
    CoverageRow row{behaviour.id, behaviour.level, named[behaviour.id], {}};
    if (const auto verdict = last_verdicts.find(behaviour.id); verdict != last_verdicts.end())
      row.last_verdict = verdict->second;
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string coverage_table(const std::vector<CoverageRow>& rows) {
  std::size_t width = 2;
  for (const auto& row : rows) width = std::max(width, row.id.size());
  std::ostringstream out;
  auto pad = [](std::string text, std::size_t to) {
    text.resize(std::max(to, text.size()), ' ');
    return text;
  };
  out << pad("ID", width) << "  LVL  CASES  " << pad("LAST", 14) << "  CASE IDS\n";
  std::size_t untested = 0;
  for (const auto& row : rows) {
    untested += row.cases.empty() ? 1 : 0;
    const std::string last = row.last_verdict.empty() ? "-" : row.last_verdict;
    out << pad(row.id, width) << "  " << (row.level == Level::doc ? "DOC" : "REF") << "  "
        << pad(std::to_string(row.cases.size()), 5) << "  " << pad(last, 14) << "  "
        << (row.cases.empty() ? "(untested)" : join(row.cases, ", ")) << "\n";
  }
  out << rows.size() - untested << " of " << rows.size() << " behaviour IDs have cases; "
      << untested << " untested\n";
  return out.str();
}

std::string case_list(const std::vector<Case>& cases) {
  std::size_t width = 0;
  for (const auto& test : cases) width = std::max(width, test.id.size());
  std::ostringstream out;
  for (const auto& test : cases) {
    std::string id = test.id;
    id.resize(width, ' ');
    out << id << "  " << join(test.checks, ", ");
    if (!test.requirements.empty()) out << "  (requires " << join(test.requirements, ", ") << ")";
    out << "\n";
  }
  return out.str();
}

}  // namespace sipconform
