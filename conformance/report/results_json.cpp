// results.json: the one file every other report is rendered from, and what `merge` and
// `coverage` read back. Keys are written in a fixed order and times are rounded, so two runs diff.
#include <algorithm>
#include <cmath>
#include <optional>

#include "report/report.h"
#include "util/json.h"

namespace sipconform {
namespace {

constexpr std::string_view kFormat = "sipconform-results/1";

// Rounded so that a render of a parsed file reproduces the original text exactly.
Json rounded(double value, double scale) {
  return Json(std::round(value * scale) / scale);
}

Json pairs_json(const std::vector<std::pair<std::string, std::string>>& pairs) {
  Json array = Json::array();
  for (const auto& [name, value] : pairs)
    array.push_back(Json(Json::Array{Json(name), Json(value)}));
  return array;
}

Json location_json(const Location& where) {
  return Json(Json::Object{{"file", where.file}, {"line", where.line}, {"column", where.column}});
}

Json sip_event_json(const Event& event) {
  const SipEvent& sip = event.sip;
  Json out = Json::object();
  out.set("time", rounded(event.time, 1e6)).set("kind", "sip").set("label", event.label());
  out.set("src", sip.src).set("dst", sip.dst).set("transport", sip.transport);
  out.set("from_party", sip.from_party).set("to_party", sip.to_party);
  out.set("first_line", sip.first_line()).set("request", sip.request).set("method", sip.method);
  out.set("status", sip.status).set("reason", sip.reason).set("request_uri", sip.request_uri);
  out.set("cseq_method", sip.cseq_method)
      .set("call_id", sip.call_id)
      .set("malformed", sip.malformed);
  out.set("headers", pairs_json(sip.headers));
  return out;
}

Json webhook_event_json(const Event& event) {
  const WebhookEvent& hook = event.webhook;
  Json params = Json::object();
  // Duplicate names stay (the object keeps every pair), as the form body had them.
  for (const auto& [name, value] : hook.params) params.as_object().emplace_back(name, Json(value));
  Json out = Json::object();
  out.set("time", rounded(event.time, 1e6)).set("kind", "webhook").set("label", event.label());
  out.set("method", hook.method).set("path", hook.path).set("query", hook.query);
  out.set("params", std::move(params)).set("headers", pairs_json(hook.headers));
  out.set("signature_valid", hook.signature_valid).set("answered_status", hook.answered_status);
  return out;
}

// On the timeline an api step is its label and request line; the full exchange is in "api".
Json api_event_json(const Event& event) {
  const ApiEvent& api = event.api;
  Json out = Json::object();
  out.set("time", rounded(event.time, 1e6)).set("kind", "api").set("label", event.label());
  out.set("name", api.name)
      .set("method", api.method)
      .set("path", api.path)
      .set("status", api.status);
  return out;
}

Json event_json(const Event& event) {
  switch (event.kind) {
    case Event::Kind::sip:
      return sip_event_json(event);
    case Event::Kind::webhook:
      return webhook_event_json(event);
    case Event::Kind::api:
      return api_event_json(event);
  }
  return sip_event_json(event);
}

// One REST step as sent and answered; times are seconds since 1970, rounded to the millisecond.
Json api_exchange_json(const ApiEvent& api) {
  Json out = Json::object();
  out.set("name", api.name).set("method", api.method).set("path", api.path);
  out.set("form", pairs_json(api.form))
      .set("authorization", api.authorization)
      .set("sent", api.sent);
  out.set("status", api.status).set("body", api.body).set("error", api.error);
  out.set("sent_epoch", rounded(api.sent_epoch, 1e3))
      .set("answered_epoch", rounded(api.answered_epoch, 1e3));
  return out;
}

Json check_json(const CheckResult& check) {
  Json out = Json::object();
  out.set("name", check.name).set("verdict", to_string(check.verdict));
  out.set("expected", check.expected).set("observed", check.observed);
  out.set("event", check.event ? Json(*check.event) : Json(nullptr));
  out.set("where", location_json(check.where));
  return out;
}

Json party_json(const PartyResult& party) {
  Json files = Json::array();
  for (const auto& file : party.files) files.push_back(Json(file));
  Json out = Json::object();
  out.set("name", party.name).set("scenario", party.scenario).set("address", party.address);
  out.set("command", party.command)
      .set("exit_code", party.exit_code)
      .set("files", std::move(files));
  return out;
}

Json case_json(const CaseResult& result) {
  Json behaviours = Json::array();
  for (const auto& id : result.behaviours) behaviours.push_back(Json(id));
  Json parties = Json::array();
  for (const auto& party : result.parties) parties.push_back(party_json(party));
  Json checks = Json::array();
  for (const auto& check : result.checks) checks.push_back(check_json(check));
  Json timeline = Json::array();
  for (const auto& event : result.timeline.events) timeline.push_back(event_json(event));
  Json api = Json::array();
  for (const auto& exchange : result.api) api.push_back(api_exchange_json(exchange));
  Json out = Json::object();
  out.set("id", result.id).set("title", result.title).set("behaviours", std::move(behaviours));
  out.set("verdict", to_string(result.verdict)).set("reason", result.reason);
  out.set("duration_s", rounded(result.duration_s, 1e3))
      .set("expected_failure", result.expected_failure);
  out.set("evidence_dir", result.evidence_dir).set("parties", std::move(parties));
  out.set("checks", std::move(checks)).set("timeline", std::move(timeline));
  if (!result.api.empty()) out.set("api", std::move(api));  // only cases with REST steps
  return out;
}

Json summary_json(const RunResult& run) {
  Json summary = Json::object();
  summary.set("total", run.cases.size());
  for (Verdict verdict : {Verdict::pass, Verdict::pass_nonstrict, Verdict::fail, Verdict::skip,
                          Verdict::harness_error}) {
    const auto count = std::count_if(run.cases.begin(), run.cases.end(),
                                     [&](const CaseResult& c) { return c.verdict == verdict; });
    summary.set(std::string(to_string(verdict)), static_cast<std::int64_t>(count));
  }
  summary.set("unexpected", run.unexpected().size());
  return summary;
}

// Reads the fields of one object, remembering the first problem with its path
// ("cases[2].checks[0].verdict: expected a string"), so that parsing code stays linear.
class FieldReader {
 public:
  FieldReader(const Json& object, std::string path, std::string& error)
      : object_(object), path_(std::move(path)), error_(error) {
    if (!object_.is_object()) problem("", "expected an object");
  }

  const std::string& path() const { return path_; }
  bool ok() const { return error_.empty(); }

  std::string string(std::string_view key) {
    const Json* value = get(key, Json::Type::string, "a string");
    return value ? value->as_string() : std::string();
  }
  bool boolean(std::string_view key) {
    const Json* value = get(key, Json::Type::boolean, "true or false");
    return value && value->as_bool();
  }
  double number(std::string_view key) {
    const Json* value = get(key, Json::Type::number, "a number");
    return value ? value->as_double() : 0;
  }
  std::int64_t integer(std::string_view key) {
    const Json* value = get(key, Json::Type::integer, "an integer");
    return value ? value->as_int() : 0;
  }
  std::optional<std::size_t> optional_index(std::string_view key) {
    const Json* value = object_.find(key);
    if (!value || value->is_null()) return std::nullopt;
    if (!value->is_integer() || value->as_int() < 0)
      return problem(key, "expected null or an index"), std::nullopt;
    return static_cast<std::size_t>(value->as_int());
  }
  // The array's elements; empty (and an error noted) when the field is missing or no array.
  const Json::Array& array(std::string_view key) {
    static const Json::Array none;
    const Json* value = get(key, Json::Type::array, "an array");
    return value ? value->as_array() : none;
  }
  const Json& object(std::string_view key) {
    static const Json none = Json::object();
    const Json* value = get(key, Json::Type::object, "an object");
    return value ? *value : none;
  }
  std::string child(std::string_view key, std::size_t index) const {
    return path_ + "." + std::string(key) + "[" + std::to_string(index) + "]";
  }
  void problem(std::string_view key, std::string_view what) {
    if (error_.empty())
      error_ = (key.empty() ? path_ : path_ + "." + std::string(key)) + ": " + std::string(what);
  }

 private:
  const Json* get(std::string_view key, Json::Type type, std::string_view what) {
    if (!object_.is_object()) return nullptr;
    const Json* value = object_.find(key);
    const bool fits =
        value && (value->type() == type || (type == Json::Type::number && value->is_number()));
    if (!fits) {
      problem(key, value ? "expected " + std::string(what) : std::string("missing"));
      return nullptr;
    }
    return value;
  }

  const Json& object_;
  std::string path_;
  std::string& error_;
};

std::vector<std::pair<std::string, std::string>> read_pairs(FieldReader& reader,
                                                            std::string_view key) {
  std::vector<std::pair<std::string, std::string>> pairs;
  const auto& array = reader.array(key);
  for (std::size_t i = 0; i < array.size(); ++i) {
    const Json& pair = array[i];
    if (!pair.is_array() || pair.as_array().size() != 2 || !pair.as_array()[0].is_string() ||
        !pair.as_array()[1].is_string()) {
      reader.problem(std::string(key) + "[" + std::to_string(i) + "]", "expected [name, value]");
      return pairs;
    }
    pairs.emplace_back(pair.as_array()[0].as_string(), pair.as_array()[1].as_string());
  }
  return pairs;
}

std::vector<std::string> read_strings(FieldReader& reader, std::string_view key) {
  std::vector<std::string> out;
  const auto& array = reader.array(key);
  for (std::size_t i = 0; i < array.size(); ++i) {
    if (!array[i].is_string()) {
      reader.problem(std::string(key) + "[" + std::to_string(i) + "]", "expected a string");
      return out;
    }
    out.push_back(array[i].as_string());
  }
  return out;
}

std::vector<std::pair<std::string, std::vector<std::string>>> read_edges(FieldReader& reader) {
  std::vector<std::pair<std::string, std::vector<std::string>>> edges;
  for (const auto& [name, cidrs] : reader.object("edges").as_object()) {
    std::string error;
    const Json holder(Json::Object{{"cidrs", cidrs}});  // read_strings reads a field of an object
    FieldReader ranges(holder, reader.path() + ".edges." + name, error);
    edges.emplace_back(name, read_strings(ranges, "cidrs"));
    if (!error.empty()) return reader.problem("edges." + name, "expected an array of CIDRs"), edges;
  }
  return edges;
}

Verdict read_verdict(FieldReader& reader) {
  const std::string text = reader.string("verdict");
  auto verdict = parse_verdict(text);
  if (!verdict && reader.ok()) reader.problem("verdict", "unknown verdict \"" + text + "\"");
  return verdict.value_or(Verdict::harness_error);
}

Location read_location(FieldReader& parent, std::string& error) {
  FieldReader reader(parent.object("where"), parent.path() + ".where", error);
  Location where;
  where.file = reader.string("file");
  where.line = static_cast<int>(reader.integer("line"));
  where.column = static_cast<int>(reader.integer("column"));
  return where;
}

Event read_event(const Json& json, std::string path, std::string& error) {
  FieldReader reader(json, std::move(path), error);
  Event event;
  event.time = reader.number("time");
  const std::string kind = reader.string("kind");
  if (kind == "webhook") {
    event.kind = Event::Kind::webhook;
    WebhookEvent& hook = event.webhook;
    hook.method = reader.string("method");
    hook.path = reader.string("path");
    hook.query = reader.string("query");
    for (const auto& [name, value] : reader.object("params").as_object()) {
      if (!value.is_string())
        reader.problem("params." + name, "expected a string");
      else
        hook.params.emplace_back(name, value.as_string());
    }
    hook.headers = read_pairs(reader, "headers");
    hook.signature_valid = reader.boolean("signature_valid");
    hook.answered_status = static_cast<int>(reader.integer("answered_status"));
    return event;
  }
  if (kind == "api") {
    event.kind = Event::Kind::api;
    event.api.name = reader.string("name");
    event.api.method = reader.string("method");
    event.api.path = reader.string("path");
    event.api.status = static_cast<int>(reader.integer("status"));
    event.api.sent = true;
    return event;
  }
  if (kind != "sip" && reader.ok())
    reader.problem("kind", "expected \"sip\", \"webhook\" or \"api\"");
  SipEvent& sip = event.sip;
  sip.src = reader.string("src");
  sip.dst = reader.string("dst");
  sip.transport = reader.string("transport");
  sip.from_party = reader.string("from_party");
  sip.to_party = reader.string("to_party");
  sip.request = reader.boolean("request");
  sip.method = reader.string("method");
  sip.status = static_cast<int>(reader.integer("status"));
  sip.reason = reader.string("reason");
  sip.request_uri = reader.string("request_uri");
  sip.cseq_method = reader.string("cseq_method");
  sip.call_id = reader.string("call_id");
  sip.malformed = reader.boolean("malformed");
  sip.headers = read_pairs(reader, "headers");
  return event;
}

ApiEvent read_api_exchange(const Json& json, std::string path, std::string& error) {
  FieldReader reader(json, std::move(path), error);
  ApiEvent api;
  api.name = reader.string("name");
  api.method = reader.string("method");
  api.path = reader.string("path");
  api.form = read_pairs(reader, "form");
  api.authorization = reader.string("authorization");
  api.sent = reader.boolean("sent");
  api.status = static_cast<int>(reader.integer("status"));
  api.body = reader.string("body");
  api.error = reader.string("error");
  api.sent_epoch = reader.number("sent_epoch");
  api.answered_epoch = reader.number("answered_epoch");
  return api;
}

CheckResult read_check(const Json& json, std::string path, std::string& error) {
  FieldReader reader(json, std::move(path), error);
  CheckResult check;
  check.name = reader.string("name");
  check.verdict = read_verdict(reader);
  check.expected = reader.string("expected");
  check.observed = reader.string("observed");
  check.event = reader.optional_index("event");
  check.where = read_location(reader, error);
  return check;
}

PartyResult read_party(const Json& json, std::string path, std::string& error) {
  FieldReader reader(json, std::move(path), error);
  PartyResult party;
  party.name = reader.string("name");
  party.scenario = reader.string("scenario");
  party.address = reader.string("address");
  party.command = reader.string("command");
  party.exit_code = static_cast<int>(reader.integer("exit_code"));
  party.files = read_strings(reader, "files");
  return party;
}

CaseResult read_case(const Json& json, std::string path, std::string& error) {
  FieldReader reader(json, std::move(path), error);
  CaseResult result;
  result.id = reader.string("id");
  result.title = reader.string("title");
  result.behaviours = read_strings(reader, "behaviours");
  result.verdict = read_verdict(reader);
  result.reason = reader.string("reason");
  result.duration_s = reader.number("duration_s");
  result.expected_failure = reader.boolean("expected_failure");
  result.evidence_dir = reader.string("evidence_dir");
  const auto& parties = reader.array("parties");
  for (std::size_t i = 0; i < parties.size(); ++i)
    result.parties.push_back(read_party(parties[i], reader.child("parties", i), error));
  const auto& checks = reader.array("checks");
  for (std::size_t i = 0; i < checks.size(); ++i)
    result.checks.push_back(read_check(checks[i], reader.child("checks", i), error));
  const auto& events = reader.array("timeline");
  for (std::size_t i = 0; i < events.size(); ++i)
    result.timeline.events.push_back(read_event(events[i], reader.child("timeline", i), error));
  if (json.find("api") != nullptr) {  // written only for cases with REST steps
    const auto& api = reader.array("api");
    for (std::size_t i = 0; i < api.size(); ++i)
      result.api.push_back(read_api_exchange(api[i], reader.child("api", i), error));
  }
  return result;
}

}  // namespace

std::string render_case_json(const CaseResult& result) { return case_json(result).dump(2) + "\n"; }

std::string render_results_json(const RunResult& run) {
  std::vector<const CaseResult*> sorted;
  for (const auto& result : run.cases) sorted.push_back(&result);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const CaseResult* a, const CaseResult* b) { return a->id < b->id; });
  Json behaviours = Json::object();
  for (const auto& [id, verdict] : run.behaviours()) behaviours.set(id, to_string(verdict));
  Json cases = Json::array();
  for (const CaseResult* result : sorted) cases.push_back(case_json(*result));
  Json out = Json::object();
  out.set("format", kFormat).set("target", run.target).set("strict", run.strict);
  Json catalogue = Json::array();
  for (const auto& id : run.catalogue) catalogue.push_back(Json(id));
  Json not_tested = Json::array();
  for (const auto& id : run.not_tested()) not_tested.push_back(Json(id));
  out.set("summary", summary_json(run)).set("behaviours", std::move(behaviours));
  out.set("catalogue", std::move(catalogue)).set("not_tested", std::move(not_tested));
  Json edges = Json::object();
  for (const auto& [name, cidrs] : run.edges) {
    Json ranges = Json::array();
    for (const auto& cidr : cidrs) ranges.push_back(Json(cidr));
    edges.set(name, std::move(ranges));
  }
  out.set("edges", std::move(edges)).set("cases", std::move(cases));
  return out.dump(2) + "\n";
}

Result<RunResult> parse_results_json(const std::string& text) {
  auto json = parse_json(text);
  if (!json) return fail("results.json: " + json.error().message);
  std::string error;
  FieldReader reader(*json, "results", error);
  if (reader.ok() && reader.string("format") != kFormat)
    reader.problem("format",
                   "expected \"" + std::string(kFormat) + "\" (a results.json of this harness)");
  RunResult run;
  run.target = reader.string("target");
  run.strict = reader.boolean("strict");
  // summary, behaviours and not_tested are derived and re-derived on render: not read.
  const auto& cases = reader.array("cases");
  for (std::size_t i = 0; i < cases.size() && error.empty(); ++i)
    run.cases.push_back(read_case(cases[i], reader.child("cases", i), error));
  if (error.empty()) run.catalogue = read_strings(reader, "catalogue");
  if (error.empty() && json->find("edges") != nullptr)  // absent before edges were written
    run.edges = read_edges(reader);
  if (!error.empty()) return fail("results.json: " + error);
  return run;
}

}  // namespace sipconform
