#include "call/engine.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "sip/headers.h"
#include "sip/response.h"
#include "sip/transport.h"
#include "sip/uri.h"
#include "util/log.h"

namespace sipref::call {
namespace {

sip::TransactionTimers transaction_timers(const config::Config& config) {
  sip::TransactionTimers timers;
  timers.t1 = config.timers.t1;
  timers.t2 = config.timers.t2;
  timers.t4 = config.timers.t4;
  return timers;
}

EdgeNames edge_names_of(const config::Config& config) {
  EdgeNames names;
  for (const auto& edge : config.edges) names.edges.push_back(edge.name);
  names.regions = config.regions;
  names.aliases = {{"umatilla", "san-jose"}};
  names.default_edge = "ashburn";
  return names;
}


}  // namespace

Engine::Engine(const config::Config& config, boost::asio::io_context& io, sip::Transport& transport,
               sip::Timers& timers)
    : io_(io),
      config_(config),
      transport_(transport),
      timers_(timers),
      transactions_(timers, transport, *this, transaction_timers(config)),
      edge_names_(edge_names_of(config)) {
  declare_metrics();
  for (const auto& app : config.applications) {  // the REST API may add, change and delete them
    AppRecord record;
    record.sid = app.sid;
    record.account_sid = app.account;
    record.voice_url = app.voice.url;
    record.voice_method = app.voice.method;
    record.voice_fallback_url = app.voice.fallback_url.value_or("");
    record.voice_fallback_method = app.voice.fallback_method;
    record.status_callback = app.voice.status_callback.value_or("");
    record.status_callback_method = app.voice.status_callback_method;
    record.public_application_connect_enabled = app.public_application_connect_enabled;
    record.date_created = record.date_updated = std::chrono::system_clock::now();
    applications_.push_back(std::move(record));
  }
  transport_.on_message([this](sip::Message message, sip::Flow flow) {
    count_sip("sipref_sip_messages_received_total", message);
    transactions_.receive(message, flow);
  });
  transport_.on_sent([this](const sip::Message& message) { count_sip("sipref_sip_messages_sent_total", message); });
  transport_.on_send_error([this](const sip::Flow& flow) { transactions_.on_transport_error(flow); });
  webhooks_ = std::make_unique<webhook::WebhookClient>(
      config.webhook.workers, [&io](webhook::WebhookClient::Task task) { boost::asio::post(io, std::move(task)); });
}

Engine::~Engine() {
  webhooks_.reset();  // waits for requests in flight before the maps they refer to go
}

void Engine::respond(sip::TransactionId server, const sip::Message& request, int status,
                     std::string_view reason) {
  auto response = sip::make_response(request, status, reason, status > 100 ? sip::random_token(10) : "");
  if (status == 405 || (request.method() == "OPTIONS" && status == 200)) response.add("Allow", std::string(kAllowedMethods));
  if (auto sent = transactions_.respond(server, std::move(response)); !sent)
    log::warn("", "respond-failed", sent.error().message);
}

void Engine::on_request(sip::TransactionId server, const sip::Message& request, const sip::Flow& from) {
  const std::string& method = request.method();
  if (method == "ACK") return on_ack(request);
  if (method == "CANCEL") return on_cancel(server, request);
  if (refused_unsupported(server, request)) return;
  if (sip::dialog_id_of_request(request)) return on_in_dialog_request(server, request, from);
  if (method == "INVITE") return on_new_invite(server, request, from);
  if (method == "OPTIONS") return on_options(server, request);
  if (method == "REGISTER") return on_register(server, request, from);
  log::info("", "sip-request-refused", method + " outside a dialog: 405");
  respond(server, request, 405);
}

// RFC 3261 §8.2.2.1: a Request-URI scheme we cannot handle is 416; §8.2.2.3: sipref implements
// no extension, so any option tag a request requires is 420 with those tags in Unsupported.
// (ACK and CANCEL are never refused here: §8.2.2.3 tells a UAS to ignore Require on them.)
bool Engine::refused_unsupported(sip::TransactionId server, const sip::Message& request) {
  const std::string& uri = request.request_uri();
  const std::string scheme = uri.substr(0, uri.find(':'));
  if (!sip::iequals(scheme, "sip") && !sip::iequals(scheme, "sips") && !sip::iequals(scheme, "tel")) {
    log::info("", "sip-request-refused", request.method() + " to a '" + scheme + "' URI: 416");
    respond(server, request, 416);
    return true;
  }
  std::vector<std::string> required;
  for (auto value : request.all("Require"))
    for (auto& tag : sip::split_list(value)) required.push_back(std::move(tag));
  if (required.empty()) return false;
  std::string tags;
  for (const auto& tag : required) tags += (tags.empty() ? "" : ", ") + tag;
  auto response = sip::make_response(request, 420, {}, sip::random_token(10));
  response.add("Unsupported", tags);
  log::info("", "sip-request-refused", request.method() + " requires " + tags + ": 420");
  (void)transactions_.respond(server, std::move(response));
  return true;
}

void Engine::on_options(sip::TransactionId server, const sip::Message& request) {
  auto response = sip::make_response(request, 200, {}, sip::random_token(10));
  response.add("Allow", std::string(kAllowedMethods));
  response.add("Accept", "application/sdp");
  (void)transactions_.respond(server, std::move(response));
}

void Engine::on_ack(const sip::Message& ack) {
  const LegId* id = dialogs_.find_for_request(ack);
  Leg* l = id ? leg(*id) : nullptr;
  if (l && l->bye_after_ack) {  // we hung up while our 200 waited for this ACK
    if (l->ok_resender) l->ok_resender->ack_received();
    return send_bye(*l);
  }
  if (!l || l->state != LegState::answering) return;  // a stray or repeated ACK: nothing to do
  if (l->ok_resender) l->ok_resender->ack_received();
  if (l->dialog) l->dialog->confirm();
  l->state = LegState::confirmed;
  log::info(l->call_sid, "ack", "leg confirmed");
}

void Engine::on_cancel(sip::TransactionId server, const sip::Message& cancel) {
  sip::TransactionId invite = transactions_.find_cancelled_invite(cancel);
  auto it = server_invites_.find(invite);
  if (invite == 0 || it == server_invites_.end()) {
    respond(server, cancel, 481);
    return;
  }
  respond(server, cancel, 200);
  Leg* l = leg(it->second);
  if (!l || l->state != LegState::offered) return;  // already answered: the caller will BYE
  log::info(l->call_sid, "cancelled", "caller sent CANCEL");
  l->canceled = true;
  reject(*l, 487);
  if (Session* s = session(l->session_sid)) end_session(*s);
}

void Engine::on_in_dialog_request(sip::TransactionId server, const sip::Message& request, const sip::Flow&) {
  const LegId* id = dialogs_.find_for_request(request);
  Leg* l = id ? leg(*id) : nullptr;
  if (!l || !l->dialog) {
    respond(server, request, 481);
    return;
  }
  if (auto accepted = l->dialog->on_request(request); !accepted) {
    respond(server, request, 500, "Out Of Order");
    return;
  }
  const std::string& method = request.method();
  if (method == "BYE") {
    respond(server, request, 200);
    log::info(l->call_sid, "bye-received", "");
    l->state = LegState::ended;
    l->final_x_headers = x_headers_of(request);
    l->ended_at = timers_.now();
    Session* s = session(l->session_sid);
    if (s) bridged_leg_hung_up(*s, *l);
    leg_ended(*l);
    return;
  }
  if (method == "INVITE") {  // a session refresh: answer with the SDP this leg already has
    if (!request.body().empty()) {  // the peer may have moved its media: follow it
      l->remote_sdp = request.body();
      media_remote(*l);
    }
    auto ok = sip::make_response(request, 200, {}, l->local_tag);
    ok.add("Contact", "<" + l->local_contact + ">");
    if (!l->local_sdp.empty()) {
      ok.add("Content-Type", "application/sdp");
      ok.set_body(l->local_sdp);
    }
    (void)transactions_.respond(server, std::move(ok));
    return;
  }
  if (method == "REFER") return on_refer(server, request, *l);
  if (method == "OPTIONS" || method == "INFO" || method == "NOTIFY") {
    respond(server, request, 200);
    // [refer.outbound]: answered first, so that the 200 precedes what the <Refer> does next.
    if (method == "NOTIFY") (void)on_refer_verb_notify(*l, request);
    return;
  }
  respond(server, request, 501);
}

void Engine::on_response(sip::TransactionId client, const sip::Message& response, const sip::Flow&) {
  if (auto refer = refer_transactions_.find(client); refer != refer_transactions_.end()) {  // [refer.outbound]
    Leg* l = leg(refer->second);
    if (response.status() >= 200) refer_transactions_.erase(refer);
    if (l) on_refer_verb_response(*l, response);
    return;
  }
  auto it = client_transactions_.find(client);
  if (it == client_transactions_.end()) return;
  Leg* l = leg(it->second);
  if (!l) return;
  auto cseq = sip::parse_cseq(response.header("CSeq").value_or(""));
  if (!cseq) return;
  if (response.status() >= 200) client_transactions_.erase(it);
  if (cseq->method == "INVITE") return on_invite_response(*l, response);
  if (cseq->method == "BYE" && response.status() >= 200) {
    l->state = LegState::ended;
    l->final_x_headers = x_headers_of(response);  // the remote's 200 to our BYE [sip.action.params]
    leg_ended(*l);
  }
}

void Engine::on_stray_response(const sip::Message& response, const sip::Flow&) {
  // A 2xx retransmitted after the INVITE transaction ended: ACK it again (§13.2.2.4).
  if (response.status() < 200 || response.status() >= 300) return;
  const LegId* id = dialogs_.find_for_response(response);
  Leg* l = id ? leg(*id) : nullptr;
  if (!l || !l->dialog || !l->dialog->is_uac()) return;
  transactions_.send_stateless(l->dialog->make_ack(response), flow_to(l->dialog->next_hop(), l->edge));
}

void Engine::on_failure(sip::TransactionId id, sip::TransactionFailure why) {
  if (why == sip::TransactionFailure::no_ack) return;  // only our non-2xx finals: nothing to undo
  if (auto refer = refer_transactions_.find(id); refer != refer_transactions_.end()) {  // [refer.outbound]
    Leg* l = leg(refer->second);
    refer_transactions_.erase(refer);
    Session* s = l ? session(l->session_sid) : nullptr;
    if (s) finish_refer_verb(*s);  // no answer at all: ReferSipResponseCode absent
    return;
  }
  auto it = client_transactions_.find(id);
  if (it == client_transactions_.end()) return;
  LegId leg_id = it->second;
  client_transactions_.erase(it);
  Leg* l = leg(leg_id);
  if (!l) return;
  log::info(l->call_sid, "transaction-failed", why == sip::TransactionFailure::timeout ? "timeout" : "transport error");
  const bool dialling = !l->inbound && !l->answered() && l->state != LegState::ending;
  l->state = LegState::ended;  // a BYE that got no answer: the leg is gone all the same
  if (dialling) l->final_status = 0;  // no final response at all: DialCallStatus failed [dial.status-mapping]
  leg_ended(*l);
  Session* s = session(l->session_sid);
  if (s && dialling && is_api_leg(s, *l)) return api_call_unanswered(*s);
  if (s && dialling) on_child_failed(*s, *l);
}

}  // namespace sipref::call
