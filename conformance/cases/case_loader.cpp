#include "cases/case_loader.h"

#include <algorithm>
#include <filesystem>
#include <regex>

#include "cases/lint.h"
#include "cases/selector.h"
#include "cases/yaml_reader.h"

namespace sipconform {

namespace {

// The provider's edges (behaviour sip.edge); a wire `source: edge:<name>` must name one.
constexpr std::string_view kEdges[] = {"ashburn",   "san-jose", "dublin",    "frankfurt",
                                       "singapore", "tokyo",    "sao-paulo", "sydney"};

// "<section>/<name>" (deeper folders allowed): lower case, digits, '-', '_', '.'.
bool valid_case_id(std::string_view id) {
  static const std::regex pattern("[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)+");
  return std::regex_match(id.begin(), id.end(), pattern);
}

bool valid_behaviour_id(std::string_view id) {
  static const std::regex pattern("[a-z]+(\\.[a-z0-9][a-z0-9-]*)+");
  return std::regex_match(id.begin(), id.end(), pattern);
}

bool valid_identifier(std::string_view name) {
  static const std::regex pattern("[A-Za-z][A-Za-z0-9_]*");
  return std::regex_match(name.begin(), name.end(), pattern);
}

bool valid_ipv4(std::string_view text) {
  static const std::regex pattern(
      "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-"
      "9])){3}");
  return std::regex_match(text.begin(), text.end(), pattern);
}

// Collapses runs of blanks so the checker sees one spelling per selector.
std::string normalize_blanks(std::string_view text) {
  std::string out;
  bool blank = false;
  for (const char c : text) {
    if (c == ' ' || c == '\t') {
      blank = !out.empty();
      continue;
    }
    if (blank) out += ' ';
    blank = false;
    out += c;
  }
  return out;
}

bool is_reserved_name(std::string_view name) {
  const auto& builtins = builtin_placeholders();
  return std::find(builtins.begin(), builtins.end(), name) != builtins.end();
}

bool has_key(const std::vector<YamlEntry>& entries, std::string_view key) {
  return std::any_of(entries.begin(), entries.end(),
                     [&](const YamlEntry& e) { return e.key == key; });
}

// Fills one Case; the member state keeps the declared party names for selectors and placeholders.
class CaseParser {
 public:
  explicit CaseParser(const std::string& file) : r_(file) {}
  Result<Case> parse(const YAML::Node& root);

 private:
  Result<void> header(const YAML::Node& root);
  Result<void> id_list(const YAML::Node& node, std::string_view what, bool behaviour_ids,
                       std::vector<std::string>& out, std::vector<Location>& where);
  Result<void> parties(const YAML::Node& node);
  Result<Party> party(const YamlEntry& entry);
  Result<void> party_field(const YamlEntry& field, Party& party);
  Result<void> webhooks(const YAML::Node& node);
  Result<WebhookDoc> webhook(const YamlEntry& entry);
  Result<Fault> fault(const YAML::Node& node);
  Result<void> api(const YAML::Node& node);
  Result<ApiStep> api_step(const YAML::Node& node, std::size_t number);
  Result<void> api_request_field(const YamlEntry& field, ApiStep& step);
  Result<void> api_after(const YAML::Node& node, ApiStep& step);
  Result<void> api_pairs(const YAML::Node& node, std::string_view what,
                         std::vector<std::pair<std::string, std::string>>& out);
  Result<void> api_expect(const YAML::Node& node, ApiStep& step);
  Result<std::string> json_path(const YAML::Node& node, const std::string& text);
  Result<void> expect(const YAML::Node& node);
  Result<RequestCheck> request(const YAML::Node& node);
  Result<ParamCheck> param(const YamlEntry& entry, std::string_view kind = "param");
  Result<OrderCheck> order(const YAML::Node& node);
  Result<WireCheck> wire(const YAML::Node& node);
  Result<void> wire_field(const YamlEntry& field, WireCheck& check);
  Result<RtpCheck> rtp(const YAML::Node& node);
  Result<void> rtp_field(const YamlEntry& field, RtpCheck& check);
  Result<std::string> selector(const YAML::Node& node, std::string_view what);
  Result<std::string> templated(const YAML::Node& node, std::string_view what);
  Result<std::string> regex(const YAML::Node& node, std::string_view what);
  Result<std::string> path(const YAML::Node& node, std::string_view what);
  Result<Level> level(const YAML::Node& node);

  YamlReader r_;
  Case case_;
  NameSet parties_;
  // The api steps read so far: what {{api:STEP.…}} may name at this point of the file's reading.
  NameSet api_steps_;
};

Result<Case> CaseParser::parse(const YAML::Node& root) {
  auto fields = r_.fields(
      root, "the case",
      {"id", "title", "checks", "requires", "timeout", "webhooks", "parties", "api", "expect"},
      {"id", "title", "checks"});
  if (!fields) return std::unexpected(fields.error());
  case_.where = r_.at(root);
  if (auto ok = header(root); !ok) return std::unexpected(ok.error());
  if (!has_key(*fields, "webhooks") && !has_key(*fields, "parties") && !has_key(*fields, "api")) {
    return r_.error(root,
                    "the case needs webhooks, parties or api steps: it would exercise nothing");
  }
  // Parties first: webhook bodies and expectations refer to them by name.
  if (has_key(*fields, "parties")) {
    if (auto ok = parties(root["parties"]); !ok) return std::unexpected(ok.error());
  }
  if (has_key(*fields, "webhooks")) {
    if (auto ok = webhooks(root["webhooks"]); !ok) return std::unexpected(ok.error());
  }
  // Steps after webhooks and parties (whose texts are fixed before any step runs), before the
  // expectations (judged once every step has answered).
  if (has_key(*fields, "api")) {
    if (auto ok = api(root["api"]); !ok) return std::unexpected(ok.error());
  }
  if (has_key(*fields, "expect")) {
    if (auto ok = expect(root["expect"]); !ok) return std::unexpected(ok.error());
  }
  return std::move(case_);
}

Result<void> CaseParser::header(const YAML::Node& root) {
  const YAML::Node id = root["id"];
  auto id_text = r_.non_empty_text(id, "id");
  if (!id_text) return std::unexpected(id_text.error());
  if (!valid_case_id(*id_text)) {
    return r_.error(id, "id '" + *id_text +
                            "' must be <section>/<name>: lower-case letters, digits, '.', '_' or "
                            "'-' between slashes");
  }
  case_.id = *id_text;
  case_.id_where = r_.at(id);
  auto title = r_.non_empty_text(root["title"], "title");
  if (!title) return std::unexpected(title.error());
  case_.title = *title;
  if (auto ok = id_list(root["checks"], "checks", true, case_.checks, case_.checks_where); !ok)
    return ok;
  if (case_.checks.empty())
    return r_.error(root["checks"], "checks must name at least one behaviour ID");
  if (const YAML::Node needs = root["requires"]) {
    if (auto ok = id_list(needs, "requires", false, case_.requirements, case_.requirements_where);
        !ok)
      return ok;
  }
  if (const YAML::Node timeout = root["timeout"]) {
    auto seconds = r_.number(timeout, "timeout", 1, 3600);
    if (!seconds) return std::unexpected(seconds.error());
    case_.timeout_s = *seconds;
  }
  return {};
}

Result<void> CaseParser::id_list(const YAML::Node& node, std::string_view what, bool behaviour_ids,
                                 std::vector<std::string>& out, std::vector<Location>& where) {
  auto items = r_.sequence(node, what);
  if (!items) return std::unexpected(items.error());
  for (const auto& item : *items) {
    auto text = r_.non_empty_text(item, std::string("an item of ") + std::string(what));
    if (!text) return std::unexpected(text.error());
    if (behaviour_ids && !valid_behaviour_id(*text)) {
      return r_.error(
          item, "'" + *text + "' is not a behaviour ID (section.name, e.g. sip.headers.custom)");
    }
    if (std::find(out.begin(), out.end(), *text) != out.end()) {
      return r_.error(item, "'" + *text + "' appears twice in " + std::string(what));
    }
    out.push_back(*text);
    where.push_back(r_.at(item));
  }
  return {};
}

Result<void> CaseParser::parties(const YAML::Node& node) {
  auto entries = r_.entries(node, "parties");
  if (!entries) return std::unexpected(entries.error());
  if (entries->empty()) return r_.error(node, "parties must declare at least one party");
  for (const auto& entry : *entries) {
    if (!valid_identifier(entry.key)) {
      return r_.error(entry.key_node,
                      "party name '" + entry.key +
                          "' must start with a letter and hold only letters, digits and '_'");
    }
    if (is_reserved_name(entry.key)) {
      return r_.error(entry.key_node,
                      "party name '" + entry.key +
                          "' is reserved (token, target, domain, webhook): choose another");
    }
    parties_.insert(entry.key);
  }
  for (const auto& entry : *entries) {
    auto one = party(entry);
    if (!one) return std::unexpected(one.error());
    case_.parties.push_back(std::move(*one));
  }
  return {};
}

Result<Party> CaseParser::party(const YamlEntry& entry) {
  const std::string what = "party '" + entry.key + "'";
  auto fields =
      r_.fields(entry.value, what,
                {"scenario", "calls", "vars", "transport", "count", "must_pass", "at", "auth", "after"},
                {"scenario"});
  if (!fields) return std::unexpected(fields.error());
  Party out;
  out.name = entry.key;
  out.where = r_.at(entry.key_node);
  for (const auto& field : *fields) {
    if (auto ok = party_field(field, out); !ok) return std::unexpected(ok.error());
  }
  if (!out.after.empty()) {
    // Only an earlier caller: callees run for the whole case; declaration order rules out cycles.
    const YAML::Node& node = entry.value["after"];
    auto earlier = std::find_if(case_.parties.begin(), case_.parties.end(),
                                [&](const Party& p) { return p.name == out.after; });
    if (!out.calls_target)
      return r_.error(node, "after: only a party with calls: target may wait for another");
    if (earlier == case_.parties.end() || !earlier->calls_target || earlier->scenario == kNoScenario)
      return r_.error(node,
                      "after: '" + out.after + "' must be a caller declared before " + out.name);
  }
  return out;
}

Result<void> CaseParser::party_field(const YamlEntry& field, Party& party) {
  const YAML::Node& value = field.value;
  if (field.key == "scenario") {
    auto scenario = r_.non_empty_text(value, "scenario");
    if (!scenario) return std::unexpected(scenario.error());
    // "none": an address only, where nobody answers (for cases where nothing may be sent).
    if (*scenario != kNoScenario && (!scenario->ends_with(".xml") || scenario->find("..") != std::string::npos ||
                                     scenario->front() == '/')) {
      return r_.error(value, "scenario '" + *scenario +
                                 "' must be an .xml file name in sipp-scenarios/, or none");
    }
    party.scenario = *scenario;
  } else if (field.key == "calls") {
    auto calls = r_.choice(value, "calls", {"target", "callee"});
    if (!calls) return std::unexpected(calls.error());
    party.calls_target = *calls == "target";
  } else if (field.key == "vars") {
    auto vars = r_.entries(value, "vars");
    if (!vars) return std::unexpected(vars.error());
    for (const auto& var : *vars) {
      if (!valid_identifier(var.key))
        return r_.error(var.key_node,
                        "SIPp variable name '" + var.key + "' must be a plain identifier");
      auto text = templated(var.value, "var '" + var.key + "'");
      if (!text) return std::unexpected(text.error());
      party.vars[var.key] = *text;
    }
  } else if (field.key == "transport") {
    auto transport = r_.choice(value, "transport", {"udp", "tcp", "tls"});
    if (!transport) return std::unexpected(transport.error());
    party.transport = *transport;
  } else if (field.key == "count") {
    auto count = r_.integer(value, "count", 1, 10000);
    if (!count) return std::unexpected(count.error());
    party.calls = *count;
  } else if (field.key == "must_pass") {
    auto must_pass = r_.boolean(value, "must_pass");
    if (!must_pass) return std::unexpected(must_pass.error());
    party.must_pass = *must_pass;
  } else if (field.key == "at") {
    auto at = r_.choice(value, "at", {"pstn-gateway", "outside"});
    if (!at) return std::unexpected(at.error());
    party.at_pstn_gateway = *at == "pstn-gateway";
    party.at_outside = *at == "outside";
  } else if (field.key == "after") {
    auto after = r_.non_empty_text(value, "after");
    if (!after) return std::unexpected(after.error());
    party.after = *after;
  } else if (field.key == "auth") {
    auto auth = r_.fields(value, "auth", {"username", "password"}, {"username", "password"});
    if (!auth) return std::unexpected(auth.error());
    for (const auto& entry : *auth) {
      auto text = templated(entry.value, "auth " + entry.key);
      if (!text) return std::unexpected(text.error());
      (entry.key == "username" ? party.auth_username : party.auth_password) = *text;
    }
  }
  return {};
}

Result<void> CaseParser::webhooks(const YAML::Node& node) {
  auto entries = r_.entries(node, "webhooks");
  if (!entries) return std::unexpected(entries.error());
  if (entries->empty()) return r_.error(node, "webhooks must declare at least one path");
  for (const auto& entry : *entries) {
    auto doc = webhook(entry);
    if (!doc) return std::unexpected(doc.error());
    case_.webhooks.push_back(std::move(*doc));
  }
  return {};
}

Result<WebhookDoc> CaseParser::webhook(const YamlEntry& entry) {
  WebhookDoc doc;
  auto served = path(entry.key_node, "webhook path");
  if (!served) return std::unexpected(served.error());
  doc.path = *served;
  doc.where = r_.at(entry.key_node);
  const std::string what = "webhook " + doc.path;
  if (!entry.value.IsMap()) {
    auto body = templated(entry.value, what);
    if (!body) return std::unexpected(body.error());
    doc.body = *body;
    return doc;
  }
  auto fields = r_.fields(entry.value, what, {"body", "content_type", "fault"}, {});
  if (!fields) return std::unexpected(fields.error());
  if (const YAML::Node body = entry.value["body"]) {
    auto text = templated(body, what + " body");
    if (!text) return std::unexpected(text.error());
    doc.body = *text;
  }
  if (const YAML::Node type = entry.value["content_type"]) {
    auto text = r_.non_empty_text(type, "content_type");
    if (!text) return std::unexpected(text.error());
    doc.content_type = *text;
  }
  if (const YAML::Node node = entry.value["fault"]) {
    auto served_fault = fault(node);
    if (!served_fault) return std::unexpected(served_fault.error());
    doc.fault = *served_fault;
  }
  // Only these faults serve the body; without one the map must still say what to serve.
  const bool serves_body = doc.fault.kind == Fault::Kind::none ||
                           doc.fault.kind == Fault::Kind::delay ||
                           doc.fault.kind == Fault::Kind::content_type;
  if (serves_body && !entry.value["body"])
    return r_.error(entry.value, what + " is missing the required key 'body'");
  return doc;
}

Result<Fault> CaseParser::fault(const YAML::Node& node) {
  auto fields = r_.fields(node, "fault", {"kind", "delay_ms", "status", "content_type", "location"},
                          {"kind"});
  if (!fields) return std::unexpected(fields.error());
  auto kind =
      r_.choice(node["kind"], "fault kind",
                {"delay", "status", "content_type", "malformed", "drop", "redirect", "empty"});
  if (!kind) return std::unexpected(kind.error());
  // Each kind takes exactly its own parameter (none for malformed, drop and empty).
  static const std::map<std::string, std::pair<Fault::Kind, std::string>> kinds = {
      {"delay", {Fault::Kind::delay, "delay_ms"}},
      {"status", {Fault::Kind::status, "status"}},
      {"content_type", {Fault::Kind::content_type, "content_type"}},
      {"malformed", {Fault::Kind::malformed, ""}},
      {"drop", {Fault::Kind::drop, ""}},
      {"redirect", {Fault::Kind::redirect, "location"}},
      {"empty", {Fault::Kind::empty, ""}}};
  const auto& [fault_kind, parameter] = kinds.at(*kind);
  Fault out;
  out.kind = fault_kind;
  for (const auto& field : *fields) {
    if (field.key != "kind" && field.key != parameter) {
      return r_.error(field.key_node, "'" + field.key + "' does not apply to fault kind " + *kind);
    }
  }
  if (!parameter.empty() && !node[parameter]) {
    return r_.error(node, "fault kind " + *kind + " needs '" + parameter + "'");
  }
  if (fault_kind == Fault::Kind::delay) {
    auto ms = r_.integer(node["delay_ms"], "delay_ms", 0, 120000);
    if (!ms) return std::unexpected(ms.error());
    out.delay_ms = *ms;
  } else if (fault_kind == Fault::Kind::status) {
    auto status = r_.integer(node["status"], "status", 100, 599);
    if (!status) return std::unexpected(status.error());
    out.status = *status;
  } else if (fault_kind == Fault::Kind::content_type) {
    // "" is allowed: the answer then carries no Content-Type at all.
    auto type = r_.text(node["content_type"], "content_type");
    if (!type) return std::unexpected(type.error());
    out.content_type = *type;
  } else if (fault_kind == Fault::Kind::redirect) {
    auto location = templated(node["location"], "location");
    if (!location) return std::unexpected(location.error());
    if (location->empty()) return r_.error(node["location"], "location must not be empty");
    out.location = *location;
  }
  return out;
}

Result<void> CaseParser::api(const YAML::Node& node) {
  auto items = r_.sequence(node, "api");
  if (!items) return std::unexpected(items.error());
  if (items->empty()) return r_.error(node, "api must list at least one step");
  for (std::size_t i = 0; i < items->size(); ++i) {
    auto step = api_step((*items)[i], i + 1);
    if (!step) return std::unexpected(step.error());
    case_.api.push_back(std::move(*step));
  }
  return {};
}

Result<ApiStep> CaseParser::api_step(const YAML::Node& node, std::size_t number) {
  auto fields =
      r_.fields(node, "api step " + std::to_string(number),
                {"name", "after", "method", "path", "form", "query", "auth", "expect", "level"},
                {"method", "path"});
  if (!fields) return std::unexpected(fields.error());
  ApiStep out;
  out.where = r_.at(node);
  out.name = "step" + std::to_string(number);
  if (const YAML::Node name = node["name"]) {
    auto text = r_.non_empty_text(name, "api step name");
    if (!text) return std::unexpected(text.error());
    if (!is_step_name(*text))
      return r_.error(name, "api step name '" + *text +
                                "' must start with a letter and hold only letters, digits, "
                                "'_' and '-'");
    out.name = *text;
  }
  if (api_steps_.contains(out.name))
    return r_.error(node["name"] ? node["name"] : node,
                    "api step name '" + out.name + "' is used twice");
  // Request fields see the earlier steps only; the expectations, judged after the case, this one
  // too.
  for (const auto& field : *fields) {
    if (field.key == "name" || field.key == "expect") continue;
    if (auto ok = api_request_field(field, out); !ok) return std::unexpected(ok.error());
  }
  if (!out.form.empty() && out.method != "POST")
    return r_.error(node["form"], "form is sent only with POST; " + out.method + " takes query");
  api_steps_.insert(out.name);
  if (const YAML::Node expectations = node["expect"]) {
    if (auto ok = api_expect(expectations, out); !ok) return std::unexpected(ok.error());
  }
  return out;
}

Result<void> CaseParser::api_request_field(const YamlEntry& field, ApiStep& step) {
  const YAML::Node& value = field.value;
  if (field.key == "method") {
    auto method = r_.choice(value, "method", {"GET", "POST", "DELETE"});
    if (!method) return std::unexpected(method.error());
    step.method = *method;
  } else if (field.key == "path") {
    auto text = path(value, "api path");
    if (!text) return std::unexpected(text.error());
    auto checked = templated(value, "api path");
    if (!checked) return std::unexpected(checked.error());
    step.path = *text;
  } else if (field.key == "after") {
    return api_after(value, step);
  } else if (field.key == "form" || field.key == "query") {
    return api_pairs(value, field.key, field.key == "form" ? step.form : step.query);
  } else if (field.key == "auth") {
    auto auth = r_.choice(value, "auth", {"account", "none", "wrong-token", "other-account"});
    if (!auth) return std::unexpected(auth.error());
    step.auth = *auth == "none"            ? ApiStep::Auth::none
                : *auth == "wrong-token"   ? ApiStep::Auth::wrong_token
                : *auth == "other-account" ? ApiStep::Auth::other_account
                                           : ApiStep::Auth::account;
  } else if (field.key == "level") {
    auto parsed = level(value);
    if (!parsed) return std::unexpected(parsed.error());
    step.level = *parsed;
  }
  return {};
}

// after: { webhook: /voice, params: { CallStatus: in-progress } } — the params must match exactly.
Result<void> CaseParser::api_after(const YAML::Node& node, ApiStep& step) {
  auto fields = r_.fields(node, "after", {"webhook", "params"}, {"webhook"});
  if (!fields) return std::unexpected(fields.error());
  auto awaited = path(node["webhook"], "after webhook");
  if (!awaited) return std::unexpected(awaited.error());
  step.after_webhook = *awaited;
  if (const YAML::Node params = node["params"]) {
    auto entries = r_.entries(params, "after params");
    if (!entries) return std::unexpected(entries.error());
    for (const auto& entry : *entries) {
      auto text = templated(entry.value, "after param '" + entry.key + "' (an exact value)");
      if (!text) return std::unexpected(text.error());
      step.after_params.emplace_back(entry.key, *text);
    }
  }
  return {};
}

// A map of name -> text; a list value repeats the name once per item, in order
// (StatusCallbackEvent: [initiated, ringing]).
Result<void> CaseParser::api_pairs(const YAML::Node& node, std::string_view what,
                                   std::vector<std::pair<std::string, std::string>>& out) {
  auto entries = r_.entries(node, what);
  if (!entries) return std::unexpected(entries.error());
  for (const auto& entry : *entries) {
    const std::string name = std::string(what) + " '" + entry.key + "'";
    if (entry.key.empty())
      return r_.error(entry.key_node, std::string(what) + " names must not be empty");
    if (!entry.value.IsSequence()) {
      auto text = templated(entry.value, name);
      if (!text) return std::unexpected(text.error());
      out.emplace_back(entry.key, *text);
      continue;
    }
    if (entry.value.size() == 0)
      return r_.error(entry.value, name + " must list at least one value");
    for (const auto& item : entry.value) {
      auto text = templated(item, "an item of " + name);
      if (!text) return std::unexpected(text.error());
      out.emplace_back(entry.key, *text);
    }
  }
  return {};
}

Result<void> CaseParser::api_expect(const YAML::Node& node, ApiStep& step) {
  auto fields = r_.fields(node, "api expect", {"status", "json", "count"}, {});
  if (!fields) return std::unexpected(fields.error());
  if (fields->empty()) return r_.error(node, "api expect needs status, json or count");
  for (const auto& field : *fields) {
    if (field.key == "status") {
      auto status = r_.integer(field.value, "expect.status", 100, 599);
      if (!status) return std::unexpected(status.error());
      step.status = *status;
      continue;
    }
    auto entries = r_.entries(field.value, "expect." + field.key);
    if (!entries) return std::unexpected(entries.error());
    for (const auto& entry : *entries) {
      auto member = json_path(entry.key_node, entry.key);
      if (!member) return std::unexpected(member.error());
      if (field.key == "json") {
        auto check = param(entry, "json");
        if (!check) return std::unexpected(check.error());
        step.json.push_back(std::move(*check));
      } else {
        auto count = r_.integer(entry.value, "count of " + entry.key, 0, 100000);
        if (!count) return std::unexpected(count.error());
        step.counts.emplace_back(entry.key, *count);
      }
    }
  }
  return {};
}

// "status", "calls.0.sid": members by key, array elements by index; no empty segment.
Result<std::string> CaseParser::json_path(const YAML::Node& node, const std::string& text) {
  const bool blank = text.find_first_of(" \t") != std::string::npos;
  if (text.empty() || blank || text.front() == '.' || text.back() == '.' ||
      text.find("..") != std::string::npos)
    return r_.error(node,
                    "json path '" + text + "' must be dotted names or indexes, e.g. calls.0.sid");
  return text;
}

Result<void> CaseParser::expect(const YAML::Node& node) {
  auto fields = r_.fields(node, "expect",
                          {"parties", "requests", "no_unexpected_requests", "order", "wire", "rtp"}, {});
  if (!fields) return std::unexpected(fields.error());
  Expectations& out = case_.expect;
  for (const auto& field : *fields) {
    if (field.key == "parties") {
      auto parties = r_.choice(field.value, "expect.parties", {"pass", "ignore"});
      if (!parties) return std::unexpected(parties.error());
      out.parties_pass = *parties == "pass";
    } else if (field.key == "no_unexpected_requests") {
      auto flag = r_.boolean(field.value, "no_unexpected_requests");
      if (!flag) return std::unexpected(flag.error());
      out.no_unexpected_requests = *flag;
    } else {
      auto items = r_.sequence(field.value, "expect." + field.key);
      if (!items) return std::unexpected(items.error());
      for (const auto& item : *items) {
        if (field.key == "requests") {
          auto check = request(item);
          if (!check) return std::unexpected(check.error());
          out.requests.push_back(std::move(*check));
        } else if (field.key == "order") {
          auto check = order(item);
          if (!check) return std::unexpected(check.error());
          out.order.push_back(std::move(*check));
        } else if (field.key == "rtp") {
          auto check = rtp(item);
          if (!check) return std::unexpected(check.error());
          out.rtp.push_back(std::move(*check));
        } else {
          auto check = wire(item);
          if (!check) return std::unexpected(check.error());
          out.wire.push_back(std::move(*check));
        }
      }
    }
  }
  return {};
}

Result<RequestCheck> CaseParser::request(const YAML::Node& node) {
  auto fields = r_.fields(node, "a request expectation",
                          {"path", "method", "params", "payload", "count", "signature", "level"},
                          {"path"});
  if (!fields) return std::unexpected(fields.error());
  RequestCheck out;
  out.where = r_.at(node);
  for (const auto& field : *fields) {
    if (field.key == "path") {
      auto served = path(field.value, "path");
      if (!served) return std::unexpected(served.error());
      out.path = *served;
    } else if (field.key == "method") {
      auto method = r_.choice(field.value, "method", {"GET", "POST"});
      if (!method) return std::unexpected(method.error());
      out.method = *method;
    } else if (field.key == "params" || field.key == "payload") {
      auto params = r_.entries(field.value, field.key);
      if (!params) return std::unexpected(params.error());
      for (const auto& entry : *params) {
        auto check = param(entry);
        if (!check) return std::unexpected(check.error());
        (field.key == "params" ? out.params : out.payload).push_back(std::move(*check));
      }
    } else if (field.key == "count") {
      auto count = r_.integer(field.value, "count", 0, 10000);
      if (!count) return std::unexpected(count.error());
      out.count = *count;
    } else if (field.key == "signature") {
      auto signature = r_.choice(field.value, "signature", {"valid", "invalid"});
      if (!signature) return std::unexpected(signature.error());
      out.signature_valid = *signature == "valid";
    } else if (field.key == "level") {
      auto check_level = level(field.value);
      if (!check_level) return std::unexpected(check_level.error());
      out.level = *check_level;
    }
  }
  return out;
}

Result<ParamCheck> CaseParser::param(const YamlEntry& entry, std::string_view kind) {
  ParamCheck out;
  out.name = entry.key;
  const std::string what = std::string(kind) + " '" + entry.key + "'";
  if (entry.key.empty()) return r_.error(entry.key_node, "a parameter name must not be empty");
  if (!entry.value.IsMap()) {
    auto text = templated(entry.value, what);
    if (!text) return std::unexpected(text.error());
    out.value = *text;
    return out;
  }
  auto fields = r_.fields(entry.value, what, {"equals", "matches", "absent", "present"}, {});
  if (!fields) return std::unexpected(fields.error());
  if (fields->size() != 1)
    return r_.error(entry.value, what + " needs exactly one of equals, matches, absent, present");
  const YamlEntry& only = fields->front();
  if (only.key == "equals" || only.key == "matches") {
    auto text = only.key == "equals" ? templated(only.value, what) : regex(only.value, what);
    if (!text) return std::unexpected(text.error());
    out.op = only.key == "equals" ? ParamCheck::Op::equals : ParamCheck::Op::matches;
    out.value = *text;
    return out;
  }
  auto flag = r_.boolean(only.value, only.key);
  if (!flag) return std::unexpected(flag.error());
  // absent: false is present: true and the other way round.
  out.op = (*flag == (only.key == "absent")) ? ParamCheck::Op::absent : ParamCheck::Op::present;
  return out;
}

Result<OrderCheck> CaseParser::order(const YAML::Node& node) {
  OrderCheck out;
  out.where = r_.at(node);
  if (node.IsSequence()) {
    if (node.size() != 3) return r_.error(node, "an order entry is [first, before|after, second]");
    auto first = selector(node[0], "first selector");
    if (!first) return std::unexpected(first.error());
    auto relation = r_.choice(node[1], "order relation", {"before", "after"});
    if (!relation) return std::unexpected(relation.error());
    auto second = selector(node[2], "second selector");
    if (!second) return std::unexpected(second.error());
    // "a after b" is stored as "b before a".
    out.first = *relation == "before" ? *first : *second;
    out.second = *relation == "before" ? *second : *first;
    return out;
  }
  auto fields = r_.fields(node, "an order entry",
                          {"first", "second", "level", "at_least_ms", "at_most_ms"},
                          {"first", "second"});
  if (!fields) return std::unexpected(fields.error());
  for (const char* bound : {"at_least_ms", "at_most_ms"}) {
    if (const YAML::Node node_ms = node[bound]) {
      auto ms = r_.integer(node_ms, bound, 0, 3600000);
      if (!ms) return std::unexpected(ms.error());
      (std::string_view(bound) == "at_least_ms" ? out.at_least_ms : out.at_most_ms) = *ms;
    }
  }
  if (out.at_least_ms && out.at_most_ms && *out.at_least_ms > *out.at_most_ms)
    return r_.error(node, "at_least_ms is greater than at_most_ms");
  auto first = selector(node["first"], "first");
  if (!first) return std::unexpected(first.error());
  auto second = selector(node["second"], "second");
  if (!second) return std::unexpected(second.error());
  out.first = *first;
  out.second = *second;
  if (const YAML::Node check_level = node["level"]) {
    auto parsed = level(check_level);
    if (!parsed) return std::unexpected(parsed.error());
    out.level = *parsed;
  }
  return out;
}

Result<WireCheck> CaseParser::wire(const YAML::Node& node) {
  auto fields = r_.fields(node, "a wire expectation",
                          {"message", "count", "source", "header", "equals", "matches", "present",
                           "names", "request_uri_matches", "level"},
                          {"message"});
  if (!fields) return std::unexpected(fields.error());
  WireCheck out;
  out.where = r_.at(node);
  for (const auto& field : *fields) {
    if (auto ok = wire_field(field, out); !ok) return std::unexpected(ok.error());
  }
  const int header_tests = int(out.equals.has_value()) + int(out.matches.has_value()) +
                           int(out.present.has_value()) + int(out.names.has_value());
  if (out.header && header_tests != 1) {
    return r_.error(node,
                    "header " + *out.header + " needs exactly one of equals, matches, present, names");
  }
  if (!out.header && header_tests > 0)
    return r_.error(node, "equals, matches, present and names need a header");
  if (!out.count && !out.source && !out.header && !out.request_uri_matches) {
    return r_.error(
        node,
        "the wire expectation checks nothing: add count, source, header or request_uri_matches");
  }
  return out;
}

Result<void> CaseParser::wire_field(const YamlEntry& field, WireCheck& check) {
  const YAML::Node& value = field.value;
  Result<std::string> text = std::string();
  if (field.key == "message") {
    text = selector(value, "message");
    if (text && text->starts_with("api "))
      return r_.error(value,
                      "a wire expectation selects SIP messages, not api steps ('" + *text + "')");
    if (text) check.message = *text;
  } else if (field.key == "count") {
    auto count = r_.integer(value, "count", 0, 10000);
    if (!count) return std::unexpected(count.error());
    check.count = *count;
  } else if (field.key == "source" || field.key == "names") {
    text = r_.non_empty_text(value, field.key);
    if (text &&
        !(text->starts_with("edge:") &&
          std::find(std::begin(kEdges), std::end(kEdges), text->substr(5)) != std::end(kEdges)) &&
        !valid_ipv4(*text)) {
      return r_.error(value, field.key + " '" + *text +
                                 "' must be edge:<name> (ashburn, san-jose, dublin, frankfurt, "
                                 "singapore, tokyo, sao-paulo, sydney) or an IPv4 address");
    }
    if (text) (field.key == "source" ? check.source : check.names) = *text;
  } else if (field.key == "header") {
    text = r_.non_empty_text(value, "header");
    if (text) check.header = *text;
  } else if (field.key == "equals") {
    text = templated(value, "equals");
    if (text) check.equals = *text;
  } else if (field.key == "matches" || field.key == "request_uri_matches") {
    text = regex(value, field.key);
    if (text) (field.key == "matches" ? check.matches : check.request_uri_matches) = *text;
  } else if (field.key == "present") {
    auto flag = r_.boolean(value, "present");
    if (!flag) return std::unexpected(flag.error());
    check.present = *flag;
  } else if (field.key == "level") {
    auto parsed = level(value);
    if (!parsed) return std::unexpected(parsed.error());
    check.level = *parsed;
  }
  if (!text) return std::unexpected(text.error());
  return {};
}

Result<RtpCheck> CaseParser::rtp(const YAML::Node& node) {
  auto fields = r_.fields(node, "an rtp expectation",
                          {"stream", "source", "payload_type", "before", "min_packets", "count", "level"},
                          {"stream"});
  if (!fields) return std::unexpected(fields.error());
  RtpCheck out;
  out.where = r_.at(node);
  for (const auto& field : *fields) {
    if (auto ok = rtp_field(field, out); !ok) return std::unexpected(ok.error());
  }
  if (out.count && has_key(*fields, "min_packets"))
    return r_.error(node, "give count (exactly) or min_packets (at least), not both");
  return out;
}

Result<void> CaseParser::rtp_field(const YamlEntry& field, RtpCheck& check) {
  const YAML::Node& value = field.value;
  if (field.key == "stream") {
    auto text = r_.non_empty_text(value, "stream");
    if (!text) return std::unexpected(text.error());
    check.stream = normalize_blanks(*text);
    const auto arrow = check.stream.find(' ');
    const std::string direction = arrow == std::string::npos ? "" : check.stream.substr(arrow + 1);
    check.party = check.stream.substr(0, arrow);
    check.sent = direction == "->";
    if (direction != "<-" && direction != "->")
      return r_.error(value, "stream '" + *text + "' must be \"<party> <-\" (RTP the party received) or "
                             "\"<party> ->\" (RTP it sent)");
    if (!parties_.contains(check.party))
      return r_.error(value, "stream '" + *text + "' names no declared party: the target's media "
                             "addresses are unknown, so write the party's side of the stream");
  } else if (field.key == "source") {
    auto text = r_.non_empty_text(value, "source");
    if (!text) return std::unexpected(text.error());
    const bool edge = text->starts_with("edge:") &&
                      std::find(std::begin(kEdges), std::end(kEdges), text->substr(5)) != std::end(kEdges);
    if (!edge && !valid_ipv4(*text))
      return r_.error(value, "source '" + *text + "' must be edge:<name> (ashburn, san-jose, dublin, "
                             "frankfurt, singapore, tokyo, sao-paulo, sydney) or an IPv4 address");
    check.source = *text;
  } else if (field.key == "payload_type") {
    auto type = r_.integer(value, "payload_type", 0, 127);
    if (!type) return std::unexpected(type.error());
    check.payload_type = *type;
  } else if (field.key == "before") {
    auto text = selector(value, "before");
    if (!text) return std::unexpected(text.error());
    check.before = *text;
  } else if (field.key == "min_packets" || field.key == "count") {
    auto number = r_.integer(value, field.key, field.key == "count" ? 0 : 1, 100000);
    if (!number) return std::unexpected(number.error());
    if (field.key == "count") check.count = *number;
    else check.min_packets = *number;
  } else if (field.key == "level") {
    auto parsed = level(value);
    if (!parsed) return std::unexpected(parsed.error());
    check.level = *parsed;
  }
  return {};
}

Result<std::string> CaseParser::selector(const YAML::Node& node, std::string_view what) {
  auto text = r_.non_empty_text(node, what);
  if (!text) return text;
  const std::string normal = normalize_blanks(*text);
  if (auto problem = selector_problem(normal, parties_, api_steps_))
    return r_.error(node, *problem);
  return normal;
}

Result<std::string> CaseParser::templated(const YAML::Node& node, std::string_view what) {
  auto text = r_.text(node, what);
  if (!text) return text;
  if (auto problem = placeholder_problem(*text, parties_, api_steps_))
    return r_.error(node, *problem);
  return text;
}

Result<std::string> CaseParser::regex(const YAML::Node& node, std::string_view what) {
  auto text = r_.non_empty_text(node, what);
  if (!text) return text;
  try {
    std::regex compiled(*text, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return r_.error(
        node, std::string(what) + " is not a valid regular expression (ECMAScript): " + e.what());
  }
  return text;
}

Result<std::string> CaseParser::path(const YAML::Node& node, std::string_view what) {
  auto text = r_.non_empty_text(node, what);
  if (!text) return text;
  const bool bad_char = std::any_of(text->begin(), text->end(), [](char c) {
    return c == ' ' || c == '\t' || c == '?' || c == '#' || c == '\n';
  });
  if (text->front() != '/' || bad_char) {
    return r_.error(node, std::string(what) + " '" + *text +
                              "' must start with '/' and hold no blanks, query or fragment");
  }
  return text;
}

Result<Level> CaseParser::level(const YAML::Node& node) {
  auto text = r_.choice(node, "level", {"doc", "ref"});
  if (!text) return std::unexpected(text.error());
  return *text == "doc" ? Level::doc : Level::ref;
}

}  // namespace

Result<Case> load_case(const std::string& path) {
  auto document = load_yaml_document(path);
  if (!document) return std::unexpected(document.error());
  try {
    return CaseParser(path).parse(*document);
  } catch (const std::exception& e) {
    // yaml-cpp may throw on node access; nothing escapes the loader.
    return fail(path + ": " + e.what());
  }
}

Result<std::vector<Case>> load_cases(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code code;
  if (!fs::is_directory(dir, code)) return fail(dir + ": not a directory of case files");
  std::vector<std::string> files;
  std::string errors;
  for (fs::recursive_directory_iterator it(dir, code), end; !code && it != end;
       it.increment(code)) {
    if (!it->is_regular_file(code)) continue;
    if (it->path().extension() == ".yaml") files.push_back(it->path().string());
    if (it->path().extension() == ".yml")
      errors += it->path().string() + ": case files end in .yaml, not .yml\n";
  }
  if (code) return fail(dir + ": " + code.message());
  std::sort(files.begin(), files.end());
  std::vector<Case> cases;
  for (const auto& file : files) {
    auto one = load_case(file);
    if (one) {
      cases.push_back(std::move(*one));
    } else {
      errors += one.error().message + "\n";
    }
  }
  if (!errors.empty()) {
    errors.pop_back();
    return fail(errors);
  }
  std::stable_sort(cases.begin(), cases.end(),
                   [](const Case& a, const Case& b) { return a.id < b.id; });
  return cases;
}

}  // namespace sipconform
