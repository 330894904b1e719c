// Engine: the REST API's resources [api.*] — calls as records (live ones computed from their
// legs, ended ones from the history), updates of live calls, and the TwiML Apps table.
#include <algorithm>

#include "call/engine.h"
#include "sip/headers.h"
#include "sip/uri.h"
#include "util/log.h"

namespace sipref::call {
namespace {

Refusal not_found(std::string_view what, std::string_view sid) {
  return {404, 20404, "The requested resource " + std::string(what) + " " + std::string(sid) + " was not found"};
}

}  // namespace

config::Application application_config(const AppRecord& app) {
  config::Application out;
  out.sid = app.sid;
  out.account = app.account_sid;
  out.voice.url = app.voice_url;
  out.voice.method = app.voice_method;
  if (!app.voice_fallback_url.empty()) out.voice.fallback_url = app.voice_fallback_url;
  out.voice.fallback_method = app.voice_fallback_method;
  if (!app.status_callback.empty()) out.voice.status_callback = app.status_callback;
  out.voice.status_callback_method = app.status_callback_method;
  out.public_application_connect_enabled = app.public_application_connect_enabled;
  return out;
}

WallTime Engine::wall_of(sip::Clock::time_point when) const {
  return std::chrono::system_clock::now() -
         std::chrono::duration_cast<std::chrono::system_clock::duration>(timers_.now() - when);
}

// One leg of `s` as the Calls resource shows it: the session's own leg is the parent call.
CallRecord Engine::record_of(const Session& s, const Leg& l) const {
  CallRecord r;
  r.sid = l.call_sid;
  r.account_sid = s.account ? s.account->sid : "";
  const bool parent = l.call_sid == s.call_sid;
  if (parent) {
    r.from = s.from;
    r.to = s.to;
    r.direction = s.direction;
    r.date_created = s.created_wall;
  } else {
    r.parent_call_sid = s.call_sid;
    r.from = sip::uri_of_name_addr(l.invite.header("From").value_or(""));
    r.to = sip::uri_of_name_addr(l.invite.header("To").value_or(""));
    r.direction = "outbound-dial";
    r.date_created = wall_of(l.created_at);
  }
  r.status = resource_status(l, parent && s.api);
  r.date_updated = r.date_created;
  if (l.answered_at) {
    r.start_time = wall_of(*l.answered_at);
    r.date_updated = *r.start_time;
  }
  if (l.state == LegState::ended) {
    r.end_time = l.ended_at ? wall_of(*l.ended_at) : r.date_updated;
    r.date_updated = *r.end_time;
    r.duration_s = l.answered_at && l.ended_at
                       ? std::chrono::duration_cast<std::chrono::seconds>(*l.ended_at - *l.answered_at).count()
                       : 0;
  }
  return r;
}

// The session's call and the legs its <Dial>s created. An App's call (no leg of its own) shows
// through the stand-in in the connecting call's <Dial>, with no parent [app.dial].
std::vector<CallRecord> Engine::records_of(const Session& s) const {
  std::vector<CallRecord> out;
  for (const auto& [id, l] : legs_)
    if (l->session_sid == s.call_sid && !l->application) out.push_back(record_of(s, *l));
  if (s.application)
    if (auto it = legs_.find(s.application->stand_in); it != legs_.end()) out.push_back(record_of(s, *it->second));
  return out;
}

std::optional<CallRecord> Engine::live_record(const std::string& sid) const {
  const Session* owner = nullptr;
  if (auto it = sessions_.find(sid); it != sessions_.end()) owner = it->second.get();
  for (auto it = legs_.begin(); !owner && it != legs_.end(); ++it)
    if (it->second->call_sid == sid)
      if (auto found = sessions_.find(it->second->session_sid); found != sessions_.end()) owner = found->second.get();
  if (!owner) return std::nullopt;
  for (auto& record : records_of(*owner))
    if (record.sid == sid) return record;
  return std::nullopt;
}

std::expected<CallRecord, Refusal> Engine::find_call(const std::string& account, const std::string& sid) {
  std::optional<CallRecord> found = live_record(sid);
  if (!found)
    if (const CallRecord* ended = history_.find(sid)) found = *ended;
  if (!found || found->account_sid != account) return std::unexpected(not_found("Call", sid));
  return *found;
}

std::expected<std::vector<CallRecord>, Refusal> Engine::list_calls(const std::string& account, const CallFilter& filter) {
  std::vector<CallRecord> out;
  auto keep = [&](const CallRecord& r) {
    if (r.account_sid == account && matches(r, filter)) out.push_back(r);
  };
  for (const auto& [sid, s] : sessions_)
    for (const auto& r : records_of(*s)) keep(r);
  for (const auto& r : history_.records()) keep(r);
  std::stable_sort(out.begin(), out.end(), [](const CallRecord& a, const CallRecord& b) {
    return a.date_created > b.date_created;
  });
  return out;
}

// [api.calls.update]: Status ends the call (completed) or a ringing one (canceled); Url or
// Twiml replace what it runs. The SID may also be a leg a <Dial> created: it is hung up.
std::expected<CallRecord, Refusal> Engine::update_call(const std::string& account, const std::string& sid,
                                                       const CallUpdate& update) {
  auto before = find_call(account, sid);
  if (!before) return before;
  Session* s = session(sid);
  Leg* l = nullptr;
  for (auto& [id, candidate] : legs_)
    if (candidate->call_sid == sid && !candidate->application) l = candidate.get();
  if (!s && l && l->session_sid != sid) {  // a dialled leg
    if (!update.status) return std::unexpected(Refusal{400, 21220, "Call " + sid + " is a dialled leg: only Status may change"});
    Session* parent = session(l->session_sid);
    if (update.status == "canceled" && l->answered()) return *live_record(sid);
    log::info(sid, "rest-hangup", "Status=" + *update.status);
    if (parent && parent->dial && parent->dial->winner == l->id && parent->dial->bridged)
      end_bridge_from_our_side(*parent, "rest-api");
    else
      hang_up(*l);
    return *live_record(sid);
  }
  if (!s || s->over || s->application) return std::unexpected(Refusal{400, 21220, "Call " + sid + " is not in progress: it cannot be updated"});
  Leg* own = leg(s->inbound);
  const bool ringing = !own || !own->answered();
  if (update.status) {
    if (update.status == "canceled" && !ringing) return *live_record(sid);  // only ringing calls cancel
    log::info(sid, "rest-end", "Status=" + *update.status);
    if (ringing && own) own->canceled = true;
    if (own && s->api && ringing) cancel(*own);
    else end_session(*s);
    return *live_record(sid);
  }
  if (s->api && ringing) {  // not answered yet: the new TwiML runs when it is
    s->api->twiml = update.twiml;
    if (update.url) {
      s->api->entry = {};
      s->api->entry.url = *update.url;
      s->api->entry.method = update.method;
    }
    return *live_record(sid);
  }
  redirect(*s, update);
  return *live_record(sid);
}

// Whatever the call was doing stops (a <Dial> in progress hangs up its legs, with no action
// request); the new TwiML runs from its first verb.
void Engine::redirect(Session& s, const CallUpdate& update) {
  log::info(s.call_sid, "rest-redirect", update.url ? *update.url : "inline TwiML");
  ++s.program_epoch;  // pending <Pause>/<Say> timers and fetches of the old TwiML are ignored
  s.fetching = false;
  if (s.dial && !s.dial->status) {
    s.dial->status = DialStatus::canceled;
    stop_dial_timers(*s.dial);
    for (LegId id : s.dial->legs)
      if (Leg* child = leg(id)) hang_up(*child);
  }
  s.program = {};
  s.next_verb = 0;
  if (update.twiml) return run_inline_twiml(s, *update.twiml);
  fetch_twiml(s, *update.url, update.method, voice_params(s));
}

// ---- Applications [api.applications] ----

const AppRecord* Engine::find_app(std::string_view sid) const {
  for (const auto& app : applications_)
    if (app.sid == sid) return &app;
  return nullptr;
}

namespace {
void apply_change(AppRecord& app, const AppChange& change) {
  if (change.friendly_name) app.friendly_name = *change.friendly_name;
  if (change.voice_url) app.voice_url = *change.voice_url;
  if (change.voice_method) app.voice_method = *change.voice_method;
  if (change.voice_fallback_url) app.voice_fallback_url = *change.voice_fallback_url;
  if (change.voice_fallback_method) app.voice_fallback_method = *change.voice_fallback_method;
  if (change.status_callback) app.status_callback = *change.status_callback;
  if (change.status_callback_method) app.status_callback_method = *change.status_callback_method;
  if (change.public_application_connect_enabled)
    app.public_application_connect_enabled = *change.public_application_connect_enabled;
}
}  // namespace

std::expected<AppRecord, Refusal> Engine::create_application(const std::string& account, const AppChange& fields) {
  AppRecord app;
  app.sid = new_sid("AP");
  app.account_sid = account;
  app.date_created = app.date_updated = std::chrono::system_clock::now();
  apply_change(app, fields);
  applications_.push_back(app);
  log::info("", "application-created", app.sid + " of " + account);
  return app;
}

std::expected<AppRecord, Refusal> Engine::find_application(const std::string& account, const std::string& sid) {
  const AppRecord* app = find_app(sid);
  if (!app || app->account_sid != account) return std::unexpected(not_found("Application", sid));
  return *app;
}

std::expected<std::vector<AppRecord>, Refusal> Engine::list_applications(const std::string& account) {
  std::vector<AppRecord> out;
  for (const auto& app : applications_)
    if (app.account_sid == account) out.push_back(app);
  return out;
}

std::expected<AppRecord, Refusal> Engine::update_application(const std::string& account, const std::string& sid,
                                                             const AppChange& fields) {
  auto it = std::find_if(applications_.begin(), applications_.end(), [&](const AppRecord& a) { return a.sid == sid; });
  if (it == applications_.end() || it->account_sid != account) return std::unexpected(not_found("Application", sid));
  apply_change(*it, fields);
  it->date_updated = std::chrono::system_clock::now();
  log::info("", "application-updated", sid);
  return *it;
}

std::expected<void, Refusal> Engine::delete_application(const std::string& account, const std::string& sid) {
  auto it = std::find_if(applications_.begin(), applications_.end(), [&](const AppRecord& a) { return a.sid == sid; });
  if (it == applications_.end() || it->account_sid != account) return std::unexpected(not_found("Application", sid));
  applications_.erase(it);
  log::info("", "application-deleted", sid);
  return {};
}

}  // namespace sipref::call
