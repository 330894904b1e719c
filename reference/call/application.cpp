// Engine: Application Connect [app.*]. The App runs as a Session of its own (new CallSid, the
// App's account) whose inbound leg is the connecting call's caller: its verbs answer that caller,
// its <Dial> bridges that caller, and nothing goes on the wire for the connection itself. The
// connecting <Dial> sees the App through a stand-in leg that answers when the App first does.
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "call/application.h"
#include "call/engine.h"
#include "util/log.h"

namespace sipref::call {

std::optional<Alert> refuse_application(const config::Application* app, std::string_view sid,
                                        std::string_view caller_account) {
  if (!app) return Alert{13224, "<Application> '" + std::string(sid) + "' is not a TwiML App here: not dialled"};
  if (app->account != caller_account && !app->public_application_connect_enabled)
    return Alert{13224, "<Application> " + app->sid +
                            " belongs to another account and its PublicApplicationConnectEnabled is false: not dialled"};
  return std::nullopt;
}

ConnectPlan plan_connect(const twiml::Application& noun, std::string_view parent_to,
                         std::string_view parent_account) {
  ConnectPlan plan;
  plan.to = noun.copy_parent_to.value ? std::string(parent_to) : noun.sid;
  plan.customer_id = noun.customer_id.value_or(std::string(parent_account));
  if (plan.customer_id.size() > kMaxCustomerId) {
    plan.alerts.push_back({12200, "<Application customerId> has " + std::to_string(plan.customer_id.size()) +
                                      " characters, at most 256 are sent"});
    plan.customer_id.resize(kMaxCustomerId);
  }
  return plan;
}

void add_prefixed(webhook::Params& out, std::string_view prefix, const std::vector<twiml::Parameter>& params) {
  for (const auto& parameter : params) out.add(std::string(prefix) + parameter.name, parameter.value);
}

int unanswered_application_status(int unanswered_status) {
  if (unanswered_status == 486) return 486;       // busy
  if (unanswered_status >= 500) return 500;       // failed
  return 603;                                     // no-answer
}

// The parent dials the App: the stand-in leg joins the dial, the App's call starts with its
// voice request. A refused App counts as a leg that failed [app.public-flag].
void Engine::dial_application(Session& parent, const twiml::Application& noun) {
  const AppRecord* record = find_app(noun.sid);
  const std::optional<config::Application> app = record ? std::optional(application_config(*record)) : std::nullopt;
  if (auto refused = refuse_application(app ? &*app : nullptr, noun.sid, parent.account->sid)) {
    raise(parent, *refused);
    return fail_leg_unstarted(parent, 403, "application refused", false);
  }
  ConnectPlan plan = plan_connect(noun, parent.to, parent.account->sid);
  for (const auto& alert : plan.alerts) raise(parent, alert);
  const Leg* caller = leg(parent.inbound);
  Leg& stand_in = new_leg(parent, false);
  stand_in.call_sid = new_sid("CA");
  stand_in.application = true;
  stand_in.edge = parent.edge;
  // When the App answers, the caller is answered with its own offer on our relay port.
  if (caller) stand_in.remote_sdp = caller->remote_sdp;
  parent.dial->legs.push_back(stand_in.id);
  parent.dial->fork->add_leg(stand_in.id);
  parent.dial->application = true;

  auto owned = std::make_unique<Session>();
  Session& call = *owned;
  call.call_sid = stand_in.call_sid;
  call.account = config_.find_account(app->account);  // the loader checked it exists
  call.edge = parent.edge;
  call.inbound = parent.inbound;
  call.from = parent.from;  // the original From is kept [app.dial]
  call.to = plan.to;
  call.created_wall = std::chrono::system_clock::now();
  call.application = ApplicationCall{*app, parent.call_sid, stand_in.id, noun.parameters, plan.customer_id, {}};
  log::info(call.call_sid, "application-connect", app->sid + " for " + parent.call_sid + ": no SIP leg");
  sessions_.emplace(call.call_sid, std::move(owned));
  call.voice_fetch = true;
  fetch_twiml(call, app->voice.url, app->voice.method, voice_params(call));
}

// [app.dial, app.params, app.customer-id]: the standard parameters of an inbound call, none of
// the SIP ones (there is no SIP leg) and no ParentCallSid (the App may be another account's).
webhook::Params Engine::application_params(const Session& call) const {
  const Leg* stand_in = legs_.contains(call.application->stand_in) ? legs_.at(call.application->stand_in).get() : nullptr;
  webhook::Params p = standard_call_params(call, stand_in && stand_in->answered());
  p.add("CustomerId", call.application->customer_id);
  add_prefixed(p, "Param_", call.application->params);
  return p;
}

// Called before each verb of the App: <Hangup>/<Reject> keep their parameters for the parent's
// action; any verb but <Reject> and <Redirect> answers the App's call, and so the parent's dial.
void Engine::before_application_verb(Session& call, const twiml::Verb& verb) {
  if (const auto* hangup = std::get_if<twiml::Hangup>(&verb)) call.application->return_params = hangup->parameters;
  if (const auto* reject = std::get_if<twiml::Reject>(&verb)) {
    call.application->return_params = reject->parameters;
    return;
  }
  if (std::holds_alternative<twiml::Redirect>(verb)) return;
  Leg* stand_in = leg(call.application->stand_in);
  Session* parent = session(call.application->parent_sid);
  if (!stand_in || stand_in->state != LegState::calling || !parent) return;
  stand_in->state = LegState::confirmed;
  stand_in->answered_at = timers_.now();
  log::info(call.call_sid, "application-answered", "for " + parent->call_sid);
  if (parent->dial && parent->dial->fork && !parent->dial->status)
    apply(*parent, parent->dial->fork->answered(stand_in->id));
}

// The App's call ended by itself (its TwiML ended, <Hangup>, <Reject>, no usable TwiML): its
// own legs go, and the parent's dial ends with the App's outcome [app.reject, app.return-params].
void Engine::end_application(Session& call, int unanswered_status) {
  if (call.over) return maybe_destroy(call);
  call.over = true;
  if (call.dial) {
    stop_dial_timers(*call.dial);
    for (LegId id : call.dial->legs)
      if (Leg* child = leg(id)) hang_up(*child);
  }
  Leg* stand_in = leg(call.application->stand_in);
  Session* parent = session(call.application->parent_sid);
  if (stand_in && stand_in->state != LegState::ended) {
    const bool answered = stand_in->answered();
    stand_in->return_params = call.application->return_params;
    stand_in->final_status = answered ? 200 : unanswered_application_status(unanswered_status);
    stand_in->state = LegState::ended;
    stand_in->ended_at = timers_.now();
    log::info(call.call_sid, "application-ended", answered ? "completed" : std::to_string(stand_in->final_status));
    if (parent && parent->dial && !parent->dial->status) {
      if (answered && parent->dial->winner == stand_in->id) finish_dial(*parent, DialStatus::completed, stand_in->id);
      else if (!answered) on_child_failed(*parent, *stand_in);
    }
    if ((stand_in = leg(call.application->stand_in))) leg_ended(*stand_in);
  }
  maybe_destroy(call);
}

// The parent hangs up or cancels the stand-in (its caller left, its timeout or timeLimit ran
// out): the App's call stops where it is. A stand-in that never answered reports a 487 later, as
// a cancelled SIP leg does, so that the fork sees it fail outside this call stack.
void Engine::drop_application(Leg& stand_in) {
  if (stand_in.state == LegState::ended) return;
  const bool answered = stand_in.answered();
  stand_in.final_status = answered ? 200 : 487;
  stand_in.state = LegState::ended;
  stand_in.ended_at = timers_.now();
  if (Session* call = session(stand_in.call_sid); call && call->application && !call->over) {
    log::info(call->call_sid, "application-dropped", "by " + stand_in.session_sid);
    call->over = true;
    if (call->dial) {
      stop_dial_timers(*call->dial);
      for (LegId id : call->dial->legs)
        if (Leg* child = leg(id)) hang_up(*child);
    }
    maybe_destroy(*call);
  }
  if (answered) return leg_ended(stand_in);
  boost::asio::post(io_, [this, parent_sid = stand_in.session_sid, id = stand_in.id] {
    Session* parent = session(parent_sid);
    Leg* gone = leg(id);
    if (!gone) return;
    if (parent) on_child_failed(*parent, *gone);
    if ((gone = leg(id))) leg_ended(*gone);
  });
}

}  // namespace sipref::call
