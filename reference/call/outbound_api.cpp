// Engine: calls the REST API places [api.calls.create]. The To is planned like a <Dial> noun
// (<Sip> rules for sip: URIs, a registered client, or a number through the PSTN gateway); the
// leg rings for Timeout; once it answers, the Url's (or inline) TwiML runs on it.
#include <boost/asio/post.hpp>

#include "call/engine.h"
#include "media/sdp.h"
#include "sip/uri.h"
#include "util/log.h"

namespace sipref::call {
namespace {

Refusal bad_request(int code, std::string message) { return {400, code, std::move(message)}; }

// The <Sip> alerts have REST twins: 21227 refuses the call; a header left out is 21228 (name) or
// 21229 (value) [sip.headers.length, api.calls.create].
Alert rest_twin(Alert alert) {
  if (alert.code == 32111) alert.code = 21228;
  if (alert.code == 32112) alert.code = 21229;
  return alert;
}

// What the From says as the INVITE's From user: a SIP URI's user, else the text itself when it
// is a valid SIP user (a phone number, a client name).
std::string caller_user_of(const std::string& from) {
  if (auto uri = sip::parse_uri(from); uri && !uri->user.empty()) return uri->user;
  if (from.starts_with("client:")) return from.substr(7);
  return from.find_first_of(" <>@:;?\"") == std::string::npos && !from.empty() ? from : "sipref";
}

}  // namespace

// What the REST To dials: the first leg of its plan (a registered client rings its first
// contact), or a refusal the REST request answers with.
std::expected<NounPlan, Refusal> Engine::plan_api_target(const OutboundCall& request, const config::Account& account) {
  NounPlan plan;
  if (request.to.starts_with("sip:") || request.to.starts_with("sips:")) {
    twiml::Sip noun;
    noun.uri = request.to;
    noun.username = request.sip_auth_username;
    noun.password = request.sip_auth_password;
    plan = plan_sip(noun, edge_names_);
    for (const auto& alert : plan.alerts) {
      if (alert.code == 13253) return std::unexpected(bad_request(21227, alert.message));
      if (alert.code == 13243) return std::unexpected(bad_request(21211, "Invalid 'To' SIP URI: " + alert.message));
    }
    if (!plan.legs.empty())
      if (auto aor = registered_aor(plan.legs.front().request_uri)) plan = plan_registered(std::move(plan), registered_contacts(*aor));
  } else if (request.to.starts_with("client:")) {
    twiml::Client noun;
    noun.identity = request.to.substr(7);
    plan = plan_client(noun, client_contacts(account, noun.identity));
  } else {
    twiml::Number noun;
    noun.number = request.to;
    plan = plan_number(noun, config_.pstn_gateway);
    if (plan.legs.empty() && !plan.fail_status)
      return std::unexpected(bad_request(21211, "Invalid 'To' Phone Number: " +
                                                    (plan.alerts.empty() ? request.to : plan.alerts.front().message)));
  }
  for (auto& alert : plan.alerts) alert = rest_twin(std::move(alert));
  for (auto& leg_plan : plan.legs) leg_plan.status_callback = nullptr;  // the call's own, not a noun's
  if (plan.legs.size() > 1) plan.legs.resize(1);
  return plan;
}

std::expected<CallRecord, Refusal> Engine::create_call(const OutboundCall& request) {
  const config::Account* account = config_.find_account(request.account_sid);
  if (!account) return std::unexpected(Refusal{404, 20404, "no account " + request.account_sid});
  if (auto refused = overload_.refuse_new_call(sessions_.size(), timers_.now()))
    return std::unexpected(overload_.draining() ? Refusal{503, 20503, "Service Unavailable: " + refused->why}
                                                : Refusal{429, 20429, "Too Many Requests: " + refused->why});
  ApiCall api;
  api.request = request;
  if (request.application_sid) {  // its voice URL and status callback [api.calls.create]
    const AppRecord* app = find_app(*request.application_sid);
    if (!app || app->account_sid != account->sid)
      return std::unexpected(bad_request(21218, "Invalid ApplicationSid " + *request.application_sid));
    api.entry = application_config(*app).voice;
    api.request.status_callback = app->status_callback.empty() ? std::nullopt : std::optional(app->status_callback);
    api.request.status_callback_method = app->status_callback_method;
    api.request.status_callback_events = {};
  } else if (request.url) {
    api.entry.url = *request.url;
    api.entry.method = request.method;
    api.entry.fallback_url = request.fallback_url;
    api.entry.fallback_method = request.fallback_method;
  } else {
    api.twiml = request.twiml;
  }
  auto plan = plan_api_target(request, *account);
  if (!plan) return std::unexpected(plan.error());

  auto owned = new_session(*account);
  Session& s = *owned;
  s.direction = "outbound-api";
  s.from = request.from;
  s.to = request.to;
  s.api = std::move(api);
  sessions_.emplace(s.call_sid, std::move(owned));
  log::info(s.call_sid, "api-call", s.from + " -> " + s.to);
  for (const auto& alert : plan->alerts) raise(s, alert);

  Leg* placed = nullptr;
  if (!plan->legs.empty()) {
    const LegPlan& leg_plan = plan->legs.front();
    Leg& l = new_outbound_leg(s, leg_plan);
    l.call_sid = s.call_sid;
    s.edge = leg_plan.edge;
    l.local_sdp = local_sdp_for(l, leg_plan.edge, media::default_audio_offer());
    placed = &l;
  } else {  // nobody to ring (a client with no registration): it fails once created
    Leg& l = new_leg(s, false);
    l.call_sid = s.call_sid;
    placed = &l;
  }
  s.inbound = placed->id;
  CallRecord created = *live_record(s.call_sid);
  // The INVITE leaves after the 201 is on its way: the call starts queued [api.calls.create].
  boost::asio::post(io_, [this, sid = s.call_sid, plan = std::move(*plan)] { start_api_call(sid, plan); });
  return created;
}

void Engine::start_api_call(const std::string& call_sid, const NounPlan& plan) {
  Session* s = session(call_sid);
  Leg* l = s ? leg(s->inbound) : nullptr;
  if (!s || !l || l->state != LegState::calling) return;  // cancelled before it started
  const OutboundCall& request = s->api->request;
  if (request.status_callback) {
    twiml::StatusCallback callback;
    callback.url = request.status_callback;
    callback.events = request.status_callback_events;
    callback.method = request.status_callback_method;
    if (auto watched = status_callbacks_.leg_started(*s, *l, callback); !watched) raise(*s, watched.error());
  }
  if (plan.legs.empty() || l->media_failed) {
    l->final_status = plan.fail_status.value_or(503);
    l->state = LegState::ended;
    log::info(s->call_sid, "api-call-failed", std::to_string(l->final_status) + " without an INVITE");
    return leg_ended(*l);
  }
  const LegPlan& leg_plan = plan.legs.front();
  log::info(s->call_sid, "dialling", leg_plan.request_uri + " from " + leg_plan.edge + " (REST call)");
  send_invite(*l, make_invite(*s, *l, leg_plan, caller_user_of(s->from)));
  observe_post_dial_delay(*s);
  s->dialled = true;
  const auto ring_for = std::chrono::seconds(request.timeout_s) + config_.timers.dial_buffer;
  s->api->ring_timer = timers_.start(std::chrono::duration_cast<Duration>(ring_for), [this, sid = s->call_sid] {
    Session* live = session(sid);
    Leg* ringing = live ? leg(live->inbound) : nullptr;
    if (!ringing || ringing->answered() || ringing->state == LegState::ended) return;
    log::info(sid, "api-call-timeout", "no answer: cancelling");
    cancel(*ringing);
  });
}

// The REST call's leg answered: the TwiML takes it from here, as for an inbound caller.
void Engine::api_call_answered(Session& s) {
  if (s.api->ring_timer) timers_.stop(std::exchange(s.api->ring_timer, 0));
  Leg& l = *leg(s.inbound);
  media_remote(l);
  log::info(s.call_sid, "api-call-answered", "");
  if (s.api->twiml) return run_inline_twiml(s, *s.api->twiml);
  s.voice_fetch = true;
  fetch_twiml(s, s.api->entry.url, s.api->entry.method, voice_params(s));
}

// The REST call's leg ended before it answered (busy, no answer, cancelled, failed): no TwiML
// runs, and the call is over.
void Engine::api_call_unanswered(Session& s) {
  if (s.api->ring_timer) timers_.stop(std::exchange(s.api->ring_timer, 0));
  s.over = true;
  maybe_destroy(s);
}

}  // namespace sipref::call
