#include "run/case_runner.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "check/checker.h"
#include "report/report.h"
#include "run/api_steps.h"
#include "run/fill.h"
#include "sipp/capture.h"
#include "sipp/sipp_runner.h"

namespace sipconform {
namespace {

double epoch_now() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

struct PartyPlan {
  const Party* party = nullptr;
  std::string ip;
  std::uint16_t port = 0;
  std::string address() const { return ip + ":" + std::to_string(port); }
  std::uint16_t media_port = 0;  // SIPp -mp: its RTP address is ip:media_port
  std::string media_address() const { return ip + ":" + std::to_string(media_port); }
  // A TLS callee behind stunnel4: the target reaches ip:tls_port ({{name}}), SIPp answers TCP on
  // `port` (what the capture shows in clear). 0: no tunnel.
  std::uint16_t tls_port = 0;
  std::string dialled_address() const { return tls_port ? ip + ":" + std::to_string(tls_port) : address(); }
};

// Debian's SIPp has no TLS: a TLS callee keeps its planned port for TLS (stunnel4) and SIPp
// moves 1000 up to answer the decrypted TCP.
void assign_tls_tunnels(std::vector<PartyPlan>& plans) {
  for (auto& plan : plans)
    if (plan.party->transport == "tls" && !plan.party->calls_target && !sipp_has_tls("sipp")) {
      plan.tls_port = plan.port;
      plan.port = static_cast<std::uint16_t>(plan.port + 1000);
    }
}

// Each party's RTP gets a port of its own (SIPp binds -mp and -mp + 2), so that the capture
// tells whose media a packet is even though a case's parties share one address.
void assign_media_ports(std::vector<PartyPlan>& plans) {
  std::uint16_t port = 6000;
  for (auto& plan : plans) plan.media_port = std::exchange(port, static_cast<std::uint16_t>(port + 10));
}

std::vector<RtpPacket> label_rtp(const std::vector<CapturedRtp>& captured, const std::vector<PartyPlan>& plans,
                                 double origin) {
  const auto party_at = [&](const std::string& address) -> std::string {
    for (const auto& plan : plans)
      if (plan.media_address() == address) return plan.party->name;
    return "target";
  };
  std::vector<RtpPacket> packets;
  for (const auto& c : captured)
    packets.push_back({c.epoch - origin, c.src, c.dst, party_at(c.src), party_at(c.dst), c.payload_type});
  std::stable_sort(packets.begin(), packets.end(), [](const auto& a, const auto& b) { return a.time < b.time; });
  return packets;
}

// Parties of case `index` live on <party_network>.<a>.<b>, one port each from 5060; a party
// `at: pstn-gateway` takes the profile's gateway address instead.
std::vector<PartyPlan> plan_parties(const Case& test, int index, const TargetProfile& target) {
  const std::string ip = target.party_network + "." + std::to_string(1 + index / 250) + "." +
                         std::to_string(1 + index % 250);
  std::vector<PartyPlan> plans;
  std::uint16_t port = 5060;
  for (const auto& party : test.parties) {
    if (party.at_pstn_gateway && target.pstn_gateway)
      plans.push_back({&party, target.pstn_gateway->host, target.pstn_gateway->port});
    else if (party.at_outside)  // outside the acl domain's list [inbound.ip-acl]
      plans.push_back({&party, target.party_network + ".0." + std::to_string(1 + index % 250), port++});
    else
      plans.push_back({&party, ip, port++});
  }
  return plans;
}

// {{domain:acl}}, {{username:credentials}} … for each of the profile's extra domains, and
// {{application:same}} … for its TwiML Apps [app.*].
void add_domain_substitutions(const TargetProfile& target, std::map<std::string, std::string>& out) {
  for (const auto& domain : target.domains) {
    out["domain:" + domain.role] = domain.name;
    out["username:" + domain.role] = domain.username;
    out["password:" + domain.role] = domain.password;
  }
  for (const auto& application : target.applications) out["application:" + application.role] = application.sid;
}

// The first profile domain role the case's texts name ({{kind:role}}) that the profile lacks
// ("application:ROLE" for a missing App).
std::optional<std::string> missing_domain_role(const Case& test, const TargetProfile& target) {
  std::vector<std::string_view> texts;
  for (const auto& doc : test.webhooks) texts.push_back(doc.body);
  for (const auto& party : test.parties) {
    for (const auto& [name, value] : party.vars) texts.push_back(value);
    texts.push_back(party.auth_username);
    texts.push_back(party.auth_password);
  }
  for (const auto& request : test.expect.requests)
    for (const auto& param : request.params) texts.push_back(param.value);
  for (const auto& wire : test.expect.wire)
    if (wire.equals) texts.push_back(*wire.equals);
  for (const auto& step : test.api) {
    texts.push_back(step.path);
    for (const auto* pairs : {&step.form, &step.query, &step.after_params})
      for (const auto& [name, value] : *pairs) texts.push_back(value);
    for (const auto& check : step.json) texts.push_back(check.value);
  }
  for (auto text : texts) {
    for (std::size_t open = text.find("{{"); open != std::string_view::npos; open = text.find("{{", open + 2)) {
      const auto close = text.find("}}", open);
      const auto name = text.substr(open + 2, close == std::string_view::npos ? 0 : close - open - 2);
      const auto colon = name.find(':');
      if (colon == std::string_view::npos || name.starts_with("fill:") ||
          name.starts_with("host:") || name.starts_with("api:"))
        continue;
      const auto role = name.substr(colon + 1);
      if (name.starts_with("application:") ? !target.application_for(role) : !target.domain_for(role))
        return std::string(name.starts_with("application:") ? name : role);
    }
  }
  return std::nullopt;
}

// The gateway address is one for the whole run: cases with a party there run one at a time.
std::mutex pstn_gateway_mutex;

// Every packet to or from one of the case's party addresses.
std::string capture_filter(const std::vector<PartyPlan>& plans) {
  std::vector<std::string> hosts;
  for (const auto& plan : plans)
    if (std::find(hosts.begin(), hosts.end(), plan.ip) == hosts.end()) hosts.push_back(plan.ip);
  std::string filter;
  for (const auto& host : hosts) filter += (filter.empty() ? "host " : " or host ") + host;
  return filter;
}

bool uses_pstn_gateway(const Case& test) {
  return std::any_of(test.parties.begin(), test.parties.end(), [](const Party& p) { return p.at_pstn_gateway; });
}

std::string token_for(int index) {
  char text[16];
  std::snprintf(text, sizeof text, "tk%06d", index);
  return text;
}

// A SIPp party has bound its socket once we can no longer bind the same address ourselves.
// Whether a socket is bound at ip:port (a TCP one listening), read from /proc/net/{tcp,udp}: probing
// with bind() holds the port for a moment, and a SIPp or stunnel4 binding it just then fails with
// EADDRINUSE (SIPp exit 254, "Unable to bind main socket"; seen once in 24 full runs). As the
// tests' test_processes.h does.
bool bound_by_someone(const std::string& ip, std::uint16_t port, bool tcp) {
  in_addr address{};
  if (::inet_pton(AF_INET, ip.c_str(), &address) != 1) return false;
  // The kernel prints the address as the 32-bit value in host order, then the port, in hex.
  char local[16];
  std::snprintf(local, sizeof local, "%08X:%04X", static_cast<unsigned>(address.s_addr),
                static_cast<unsigned>(port));
  std::ifstream table(tcp ? "/proc/net/tcp" : "/proc/net/udp");
  std::string line;
  std::getline(table, line);  // the column titles
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string slot, here, remote, state;
    if (!(fields >> slot >> here >> remote >> state)) continue;
    if (here == local && (!tcp || state == "0A")) return true;  // 0A: TCP_LISTEN
  }
  return false;
}

bool await_bound(const PartyPlan& plan, double seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  const bool stream = plan.party->transport != "udp";
  // A tunnelled TLS callee is ready once SIPp and stunnel4 both listen.
  while (!bound_by_someone(plan.ip, plan.port, stream) || (plan.tls_port && !bound_by_someone(plan.ip, plan.tls_port, true))) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// Webhook requests of a call keep coming after its SIP ends (status callbacks, action fetches):
// wait until none has arrived for `quiet` seconds, bounded by `limit`.
void await_quiet(const MockServer& mock, const std::string& token, double quiet, double limit) {
  const double start = epoch_now();
  std::size_t seen = mock.requests_of(token).size();
  double last_change = start;
  while (epoch_now() - start < limit) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
    std::size_t now_seen = mock.requests_of(token).size();
    if (now_seen != seen) {
      seen = now_seen;
      last_change = epoch_now();
    } else if (epoch_now() - last_change >= quiet) {
      return;
    }
  }
}

// A webhook request the case's expectations need: its path (and method) at least `count` times.
struct AwaitedRequest {
  std::string path;
  std::string method;  // empty: any
  std::size_t count = 1;
};

// From expect.requests (count 0 is awaited by nobody) and the "webhook [METHOD] /path" selectors
// of expect.order, which must match an event to pass.
std::vector<AwaitedRequest> awaited_requests(const Case& test) {
  std::vector<AwaitedRequest> out;
  for (const auto& request : test.expect.requests)
    if (request.count.value_or(1) > 0)
      out.push_back({request.path, request.method.value_or(""),
                     static_cast<std::size_t>(request.count.value_or(1))});
  for (const auto& order : test.expect.order) {
    for (const std::string* selector : {&order.first, &order.second}) {
      std::istringstream in(*selector);
      const std::vector<std::string> words{std::istream_iterator<std::string>(in), {}};
      if (words.size() == 2 && words[0] == "webhook") out.push_back({words[1], "", 1});
      if (words.size() == 3 && words[0] == "webhook") out.push_back({words[2], words[1], 1});
    }
  }
  return out;
}

// Status callbacks, action fetches and alerts may come after the SIP parties are done; on a loaded
// machine later than any fixed quiet period. So first wait, up to `limit` seconds, until every
// request the case expects has arrived as often as it expects (params are the checker's business).
void await_expected_requests(const MockServer& mock, const std::string& token,
                             const std::vector<AwaitedRequest>& awaited, double limit) {
  const double start = epoch_now();
  auto arrived = [&] {
    const auto seen = mock.requests_of(token);
    return std::all_of(awaited.begin(), awaited.end(), [&](const AwaitedRequest& want) {
      const auto n = std::count_if(seen.begin(), seen.end(), [&](const RecordedRequest& r) {
        return r.event.path == want.path && (want.method.empty() || r.event.method == want.method);
      });
      return static_cast<std::size_t>(n) >= want.count;
    });
  };
  while (!arrived() && epoch_now() - start < limit)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
}

std::string label_of(const std::string& address, const std::vector<PartyPlan>& plans) {
  for (const auto& plan : plans)
    if (plan.address() == address) return plan.party->name;
  return "target";
}

Timeline build_timeline(const std::vector<CapturedSip>& sip,
                        const std::vector<RecordedRequest>& requests,
                        const std::vector<ApiEvent>& api, const std::vector<PartyPlan>& plans,
                        double origin) {
  Timeline timeline;
  for (const auto& captured : sip) {
    Event e;
    e.time = captured.epoch - origin;
    e.kind = Event::Kind::sip;
    e.sip = captured.event;
    e.sip.from_party = label_of(e.sip.src, plans);
    e.sip.to_party = label_of(e.sip.dst, plans);
    timeline.events.push_back(std::move(e));
  }
  for (const auto& request : requests) {
    Event e;
    e.time = request.epoch - origin;
    e.kind = Event::Kind::webhook;
    e.webhook = request.event;
    timeline.events.push_back(std::move(e));
  }
  for (const auto& exchange : api) {  // an answer is an event when it arrives
    if (exchange.status == 0) continue;
    Event e;
    e.time = exchange.answered_epoch - origin;
    e.kind = Event::Kind::api;
    e.api = exchange;
    timeline.events.push_back(std::move(e));
  }
  timeline.sort();
  return timeline;
}

void write_webhook_log(const std::string& path, const std::vector<RecordedRequest>& requests, double origin) {
  std::ofstream out(path);
  for (const auto& r : requests) {
    out << std::fixed << (r.epoch - origin) << " " << r.event.method << " " << r.event.path
        << " -> " << r.event.answered_status << (r.event.signature_valid ? "" : " (BAD SIGNATURE)") << "\n";
    for (const auto& [name, value] : r.event.params) out << "    " << name << "=" << value << "\n";
  }
}

// verdict.json and timeline.txt beside the traces, so a case folder stands on its own.
void write_evidence(const std::string& folder, const CaseResult& result) {
  std::ofstream(folder + "/verdict.json") << render_case_json(result);
  std::ofstream(folder + "/timeline.txt") << render_timeline_text(result);
}

// The case's REST steps on a thread of their own, beside the SIPp parties; their answers
// extend the substitutions the checks are judged with.
class ApiThread {
 public:
  ApiThread(const Case& test, const CaseEnvironment& env, const std::string& token,
            std::map<std::string, std::string> substitutions, double deadline_epoch)
      : substitutions_(std::move(substitutions)) {
    if (test.api.empty()) return;
    ApiStepSettings settings;
    settings.host = env.target->rest->host;
    settings.port = env.target->rest->port;
    settings.account_sid = env.target->account_sid;
    settings.auth_token = env.target->auth_token;
    settings.deadline_epoch = deadline_epoch;
    MockServer* mock = env.mock;
    settings.webhooks_seen = [mock, token] {
      std::vector<WebhookEvent> seen;
      for (auto& request : mock->requests_of(token)) seen.push_back(std::move(request.event));
      return seen;
    };
    thread_ = std::thread([this, &test, settings] {
      exchanges_ = run_api_steps(test.api, settings, substitutions_);
    });
  }
  ~ApiThread() { join(); }
  ApiThread(const ApiThread&) = delete;
  ApiThread& operator=(const ApiThread&) = delete;

  void join() {
    if (thread_.joinable()) thread_.join();
  }
  // After join(): what each step got, and the substitutions with the answers added.
  const std::vector<ApiEvent>& exchanges() const { return exchanges_; }
  const std::map<std::string, std::string>& substitutions() const { return substitutions_; }

 private:
  std::map<std::string, std::string> substitutions_;
  std::vector<ApiEvent> exchanges_;
  std::thread thread_;
};

CaseResult harness_error(CaseResult result, std::string why, const std::string& folder = {}) {
  result.verdict = Verdict::harness_error;
  result.reason = std::move(why);
  if (!folder.empty()) write_evidence(folder, result);
  return result;
}

}  // namespace

std::string evidence_dir_for(const std::string& case_id) {
  std::string dir = case_id;
  for (std::size_t at = dir.find('/'); at != std::string::npos; at = dir.find('/', at)) dir.replace(at, 1, "__");
  return "cases/" + dir;
}

CaseResult run_case(const Case& test, int index, const CaseEnvironment& env) {
  CaseResult result;
  result.id = test.id;
  result.title = test.title;
  result.behaviours = test.checks;
  result.evidence_dir = evidence_dir_for(test.id);
  for (const auto& capability : test.requirements) {
    if (!env.target->has(capability)) {
      result.verdict = Verdict::skip;
      result.reason = "target lacks capability '" + capability + "'";
      return result;
    }
  }
  if (!test.api.empty() && !env.target->rest) {
    result.verdict = Verdict::skip;
    result.reason = "target profile has no rest address";
    return result;
  }
  if (auto role = missing_domain_role(test, *env.target)) {
    result.verdict = Verdict::skip;
    result.reason = role->starts_with("application:") ? "target profile has no applications." + role->substr(12)
                                                      : "target profile has no domains." + *role;
    return result;
  }
  std::unique_lock gateway(pstn_gateway_mutex, std::defer_lock);
  if (uses_pstn_gateway(test)) gateway.lock();
  const std::string folder = env.report_dir + "/" + result.evidence_dir;
  std::filesystem::create_directories(folder);
  auto plans = plan_parties(test, index, *env.target);
  assign_media_ports(plans);
  assign_tls_tunnels(plans);
  const std::string token = token_for(index);

  CheckContext context;
  context.test = &test;
  context.target = env.target;
  context.strict = env.strict;
  context.wire_available = env.capture;
  context.wire_unavailable_reason = env.capture_unavailable_reason;
  context.substitutions = {{"token", token},
                           {"domain", env.target->domain},
                           {"target", env.target->ingress_host + ":" + std::to_string(env.target->ingress_port)},
                           {"webhook", env.mock->base_url() + "/c/" + token}};
  for (const auto& plan : plans) {
    context.substitutions[plan.party->name] = plan.dialled_address();
    context.substitutions["host:" + plan.party->name] = plan.ip;
  }
  add_domain_substitutions(*env.target, context.substitutions);

  CaseRoute route{token, test.id, test.webhooks};
  for (auto& doc : route.docs) {
    auto filled = expand_fills(substitute(doc.body, context.substitutions));
    if (!filled) return harness_error(std::move(result), test.where.to_string() + ": " + filled.error().message);
    doc.body = std::move(*filled);
  }
  env.mock->add_case(route);

  const double origin = epoch_now();
  const auto started = std::chrono::steady_clock::now();
  std::unique_ptr<Capture> capture;
  if (env.capture && !plans.empty()) {
    auto started_capture = Capture::start(capture_filter(plans), folder + "/case.pcap");
    if (!started_capture) {
      env.mock->remove_case(token);
      return harness_error(std::move(result), "capture: " + started_capture.error().message);
    }
    capture = std::move(*started_capture);
  }

  // Callees first, each awaited until it listens; then the callers.
  const double timeout = test.timeout_s * env.timeout_scale;
  std::vector<std::unique_ptr<SippProcess>> processes(plans.size());
  std::string start_error;
  auto launch = [&](std::size_t i) {
    const auto& plan = plans[i];
    if (plan.party->scenario == kNoScenario) return;  // an address only: nobody answers there
    SippLaunch l;
    l.name = plan.party->name;
    l.scenario_path = env.scenarios_dir + "/" + plan.party->scenario;
    l.local_ip = plan.ip;
    l.local_port = plan.port;
    l.media_port = plan.media_port;
    l.transport = plan.party->transport;
    l.tls_tunnel_port = plan.tls_port;
    if (plan.party->calls_target) l.remote = context.substitutions["target"];
    l.service = token;
    l.calls = plan.party->calls;
    for (const auto& [name, value] : plan.party->vars) {
      auto filled = expand_fills(substitute(value, context.substitutions));
      if (!filled) start_error = plan.party->name + ": var " + name + ": " + filled.error().message;
      else l.keys[name] = *filled;
    }
    l.keys.try_emplace("domain", env.target->domain);  // a case may call another domain
    l.auth_username = substitute(plan.party->auth_username, context.substitutions);
    l.auth_password = substitute(plan.party->auth_password, context.substitutions);
    l.keys["token"] = token;
    l.out_dir = folder;
    l.timeout_s = timeout;
    auto process = SippProcess::start(l);
    if (!process) start_error = plan.party->name + ": " + process.error().message;
    else processes[i] = std::move(*process);
  };
  for (std::size_t i = 0; i < plans.size(); ++i) {
    if (plans[i].party->calls_target) continue;
    launch(i);
    if (processes[i] && !await_bound(plans[i], 5 * std::max(1.0, env.timeout_scale)))
      start_error = plans[i].party->name + ": never bound its port";
  }
  // REST steps start once the callees listen (a created call may dial one), beside the callers.
  std::optional<ApiThread> api;
  if (start_error.empty()) api.emplace(test, env, token, context.substitutions, origin + timeout);
  for (std::size_t i = 0; i < plans.size() && start_error.empty(); ++i)
    if (plans[i].party->calls_target && plans[i].party->after.empty()) launch(i);
  // `after:` callers, in declaration order, each once the earlier caller it names has exited.
  for (std::size_t i = 0; i < plans.size() && start_error.empty(); ++i) {
    if (!plans[i].party->calls_target || plans[i].party->after.empty()) continue;
    for (std::size_t j = 0; j < i; ++j)
      if (plans[j].party->name == plans[i].party->after && processes[j]) processes[j]->wait();
    launch(i);
  }

  for (std::size_t i = 0; i < plans.size(); ++i) {
    PartyResult party;
    party.name = plans[i].party->name;
    party.scenario = plans[i].party->scenario;
    party.address = plans[i].address();
    if (processes[i]) {
      party.exit_code = processes[i]->wait();
      party.command = processes[i]->command_line();
      party.files = processes[i]->evidence_files();
    } else {
      party.exit_code = plans[i].party->scenario == kNoScenario ? 0 : -1;
    }
    result.parties.push_back(std::move(party));
  }
  if (api) {
    api->join();
    result.api = api->exchanges();
    context.substitutions = api->substitutions();
    std::ofstream(folder + "/api.log") << render_api_log(result.api, origin);
  }
  // Bounded so that a target that never sends one (a FAIL) costs seconds, not the case timeout.
  await_expected_requests(*env.mock, token, awaited_requests(test),
                          5 * std::max(1.0, env.timeout_scale));
  await_quiet(*env.mock, token, 0.3, 3 * env.timeout_scale);
  if (capture) capture->stop();
  result.duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  const auto requests = env.mock->requests_of(token);
  env.mock->remove_case(token);
  write_webhook_log(folder + "/webhook.log", requests, origin);
  if (!start_error.empty()) return harness_error(std::move(result), start_error, folder);

  std::vector<CapturedSip> sip;
  if (capture) {
    auto read = read_capture(folder + "/case.pcap");
    if (!read) return harness_error(std::move(result), "reading the capture: " + read.error().message, folder);
    sip = std::move(*read);
  }
  result.timeline = build_timeline(sip, requests, result.api, plans, origin);
  if (capture && !test.expect.rtp.empty()) {  // a second tshark pass, only when a case asks
    auto rtp = read_rtp(folder + "/case.pcap");
    if (!rtp) return harness_error(std::move(result), "reading RTP from the capture: " + rtp.error().message, folder);
    result.timeline.rtp = label_rtp(*rtp, plans, origin);
  }
  result.checks = evaluate(context, result.timeline, result.parties, result.api);
  result.verdict = case_verdict(result.checks);
  write_evidence(folder, result);
  return result;
}

}  // namespace sipconform
